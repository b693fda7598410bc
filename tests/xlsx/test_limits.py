"""DonorGuard never writes a workbook it would refuse to read (xlsx/limits.py). At each limit the largest
list seals, checks, repairs and exports; one step past, the writer refuses before anything is replaced and
the reader refuses before any reader sees the part.

Parts of a real limit's size are built cheaply: deflate segments, each compressed once and repeated (a full
flush makes every segment stand alone), so a 2 GiB part is a file of some 16 MB, honest about its size and
CRC. The whole path (seal, check, repair, export) at a byte limit runs with the limit lowered to a small
list's size: the same code, at its boundary, in seconds. The full million-row run is the benchmark's."""
import shutil
import struct
import zipfile
import zlib
from contextlib import contextmanager

import pytest

from donorguard.cli import ops
from donorguard.core.errors import NotAWorkbook, TooLargeToWrite
from donorguard.core.repair import Edit
from donorguard.store import rulesets
from donorguard.text.messages import error_text
from donorguard.xlsx import limits, package
from donorguard.xlsx.read import open_book
from donorguard.xlsx.write import write_edits
from support import book, new_key

RULES = rulesets.load()
SHEET = "xl/worksheets/sheet1.xml"


# -- big parts, cheaply ---------------------------------------------------------------------------

def white(n: int, every: int = 256) -> bytes:
    """n bytes of white space, a line end every `every` bytes or so: legal between elements, and it deflates
    about 130:1, under the zip bomb ratio."""
    out, pos, step = bytearray(b" " * n), 0, 1
    while pos < n:
        out[pos] = 10
        step = (step * 1103515245 + 12345) % (1 << 31)
        pos += 1 + step % (2 * every)
    return bytes(out)


def deflated(pieces: list) -> tuple:
    """(raw deflate stream, CRC-32, size) of the pieces (bytes, times) in order: each piece compressed once."""
    raw, crc, size = [], 0, 0
    for data, times in pieces:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        seg = c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)
        raw.append(seg * times)
        for _ in range(times):
            crc = zlib.crc32(data, crc)
        size += len(data) * times
    raw.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())        # the final, empty block
    return b"".join(raw), crc, size


def padded(xml: bytes, size: int) -> list:
    """Pieces of exactly `size` bytes: the sheet XML with white space before its </worksheet>."""
    block = white(1 << 20)
    pad = size - len(xml)
    head, tail = xml.split(b"</worksheet>")
    return [(head, 1), (block, pad >> 20), (block[:pad & ((1 << 20) - 1)], 1), (b"</worksheet>" + tail, 1)]


def rezip(src, dst, replace: dict) -> None:
    """src's parts, those named in `replace` as (raw deflate stream, CRC, size) (new names appended), in a zip
    written by hand: zipfile would inflate and deflate gigabytes."""
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    for name, data in parts.items():
        if name not in replace:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            replace.setdefault(name, None)
            parts[name] = (c.compress(data) + c.flush(), zlib.crc32(data), len(data))
    out, directory, at = [], [], 0
    for name in replace:
        raw, crc, size = replace[name] or parts[name]
        fields = (8, 0, 0x21, crc, len(raw), size, len(name.encode()))
        out += [struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, *fields, 0), name.encode(), raw]
        directory += [struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, *fields, 0, 0, 0, 0, 0, at),
                      name.encode()]
        at += 30 + len(name.encode()) + len(raw)
    d = b"".join(directory)
    with open(dst, "wb") as f:
        f.writelines(out + [d, struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(replace), len(replace), len(d), at, 0)])


@contextmanager
def unread(scanned: bool = False):
    """Fail if a reader (fastexcel) sees a part; unless `scanned`, also if the safety scan inflates one (a
    size is refused from the zip's directory; a far cell only once the scan has seen it)."""
    import fastexcel

    def seen(*a, **k):
        raise AssertionError("a reader saw a part")
    with pytest.MonkeyPatch.context() as mp:
        if not scanned:
            mp.setattr(package, "_inflate", seen)
        mp.setattr(fastexcel, "read_excel", seen)
        yield


def sealed(tmp_path, key, name="list.xlsx", **kw):
    path, _ = book(tmp_path, n=30, name=name, **kw)
    ops.seal_file(path, RULES, key)
    return path


def size_of(path, part=SHEET) -> int:
    with zipfile.ZipFile(path) as z:
        return z.getinfo(part).file_size


# -- at the real limits -----------------------------------------------------------------------------

def test_the_limits_follow_from_excel_and_memory():
    assert limits.MAX_CELLS == limits.EXCEL_ROWS * 32          # a million-row list: 31 columns and its seals
    assert limits.PLAIN_COLUMNS * limits.EXCEL_ROWS <= limits.MAX_CELLS   # open_zip trusts a plain sheet's range
    assert limits.MAX_PART == zipfile.ZIP64_LIMIT < limits.MAX_TOTAL
    assert 1_080_000_000 < limits.MAX_PART                    # a sealed 1M-row, 13-column list: 1.08 GB


def test_a_part_at_the_byte_limit_is_read_one_byte_more_is_not(tmp_path):
    key = new_key(tmp_path)
    path = sealed(tmp_path, key)
    with zipfile.ZipFile(path) as z:
        xml = z.read(SHEET)
    big = tmp_path / "big.xlsx"
    rezip(path, big, {SHEET: deflated(padded(xml, limits.MAX_PART + 1))})
    assert size_of(big) == limits.MAX_PART + 1 and big.stat().st_size < 40 << 20
    with unread(), pytest.raises(NotAWorkbook) as e:
        ops.check_file(big, RULES, key)
    assert error_text(e.value, "ja") == (
        f"{big} は Excel の .xlsx ブックとして扱えません（part {SHEET} unpacks to 2,147,483,648 bytes, more than "
        f"the 2,147,483,647 DonorGuard reads; split the list）。")
    # a part at the limit is read; one that is not a sheet only for a DTD, so the list is read and checked
    rezip(path, big, {"customXml/item1.xml": deflated(root(limits.MAX_PART))})
    assert size_of(big, "customXml/item1.xml") == limits.MAX_PART
    assert ops.check_file(big, RULES, key)[1].clean


def root(size: int) -> list:
    """Pieces of an XML part of exactly `size` bytes: a root element holding white space."""
    pad = size - len(b"<root></root>")
    return [(b"<root>", 1), (white(1 << 20), pad >> 20), (white(pad & ((1 << 20) - 1)), 1), (b"</root>", 1)]


def test_all_parts_together_past_the_limit_are_refused_unread(tmp_path):
    """Each part at most MAX_PART, all of them one byte more than MAX_TOTAL."""
    key = new_key(tmp_path)
    path = sealed(tmp_path, key)
    with zipfile.ZipFile(path) as z:
        others = sum(i.file_size for i in z.infolist() if i.filename != SHEET)
        xml = z.read(SHEET)
    big = tmp_path / "big.xlsx"
    rezip(path, big, {SHEET: deflated(padded(xml, limits.MAX_PART)),
                      "customXml/item1.xml": deflated(root(limits.MAX_TOTAL - limits.MAX_PART - others + 1))})
    with zipfile.ZipFile(big) as z:
        assert sum(i.file_size for i in z.infolist()) == limits.MAX_TOTAL + 1
        assert max(i.file_size for i in z.infolist()) == limits.MAX_PART
    with unread(), pytest.raises(NotAWorkbook, match="its parts unpack to 4,294,967,295 bytes, more than the "
                                                     "4,294,967,294 DonorGuard reads"):
        ops.check_file(big, RULES, key)


def stray(src, dst, ref: str) -> None:
    """src with one more cell, a note at `ref` in the sheet's last row: the used range reaches it."""
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    row = "".join(ch for ch in ref if ch.isdigit())
    note = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>集計は別シート</t></is></c></row>'.encode()
    parts[SHEET] = parts[SHEET].replace(b"</sheetData>", note + b"</sheetData>")
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


@pytest.mark.slow
def test_the_most_cells_a_list_may_have_at_the_real_limit(tmp_path):
    """rows × columns at MAX_CELLS once sealed: a short list with a note at AE1048576 gets its seals in AF.
    A reader then holds 2^25 cells (about 1.3 GB for a few seconds each time)."""
    key = new_key(tmp_path)
    path, _ = book(tmp_path, n=30, name="plain.xlsx", free_columns={"備考": ["メモ"] * 30})
    at = tmp_path / "at.xlsx"
    stray(path, at, "AE1048576")
    book_ = ops.seal_file(at, RULES, key).book
    assert book_.seal_col == 32
    with zipfile.ZipFile(at) as z:
        assert package.extent(z, SHEET, str(at)) == (limits.EXCEL_ROWS, 32)
    repair_and_export(tmp_path, at, key)
    past = tmp_path / "past.xlsx"
    stray(path, past, "AF1048576")
    before = past.read_bytes()
    with pytest.raises(TooLargeToWrite) as e:
        ops.seal_file(past, RULES, key)
    assert past.read_bytes() == before and not list(tmp_path.glob("*dgtmp*"))
    assert error_text(e.value, "ja") == (
        f"{past} には何も書き込んでいません: 書き込むとシートの使用範囲のセル数（行×列）が 34,603,008 になり、"
        f"DonorGuard が読める上限 33,554,432 を超えて読み直せなくなります。一覧をいくつかのブックに分けてください。")


def test_one_cell_past_the_real_limit_is_refused_unread(tmp_path):
    key = new_key(tmp_path)
    path = sealed(tmp_path, key)
    past = tmp_path / "past.xlsx"
    stray(path, past, "AG1048576")
    with unread(scanned=True), pytest.raises(NotAWorkbook, match="too many cells"):
        ops.check_file(past, RULES, key)


# -- the whole path at a limit, lowered to a small list's size -------------------------------------------

def repair_and_export(tmp_path, path, key) -> None:
    """path, with two IDs swapped (rows of equal length: the sheet keeps its size), is repaired into a copy
    that checks clean, and that copy exports (which checks it once more)."""
    b = open_book(path, RULES)
    r = [int(x) for x in b.table.rows[6:8]]
    swapped = path.with_name("swapped.xlsx")
    write_edits(b, [Edit("move", r[0], "個人番号", src_row=r[1]), Edit("move", r[1], "個人番号", src_row=r[0])],
                swapped)
    assert size_of(swapped) == size_of(path)
    fixed = path.with_name("fixed.xlsx")
    before, after, _ = ops.repair_file(swapped, fixed, RULES, key)
    assert not before.clean and after.clean and size_of(fixed) == size_of(path)
    folder, receipt, report = ops.export_file(fixed, tmp_path / "out", RULES, key)
    assert report.clean and receipt["rows"] == len(b.table)


def test_a_sheet_at_the_byte_limit_seals_checks_repairs_and_exports(tmp_path, monkeypatch):
    key = new_key(tmp_path)
    probe = sealed(tmp_path, key, name="probe.xlsx")
    monkeypatch.setattr(limits, "MAX_PART", size_of(probe))       # the sealed sheet: exactly the limit
    path = sealed(tmp_path, key)
    assert size_of(path) == limits.MAX_PART
    repair_and_export(tmp_path, path, key)


def test_a_sheet_one_byte_past_is_neither_written_nor_read(tmp_path, monkeypatch):
    key = new_key(tmp_path)
    probe = sealed(tmp_path, key, name="probe.xlsx")
    path, _ = book(tmp_path, n=30)
    before = path.read_bytes()
    monkeypatch.setattr(limits, "MAX_PART", size_of(probe) - 1)
    with pytest.raises(TooLargeToWrite) as e:
        ops.seal_file(path, RULES, key)
    assert e.value.details["reason"] == "part_bytes" and e.value.details["size"] == size_of(probe)
    assert path.read_bytes() == before and not list(tmp_path.glob("*dgtmp*"))
    assert error_text(e.value, "en").startswith(f"Nothing was written to {path}: the unpacked bytes of one part "
                                                f"would reach {size_of(probe):,}, above the {size_of(probe) - 1:,}")
    with unread():
        with pytest.raises(NotAWorkbook, match=f"unpacks to {size_of(probe):,} bytes"):
            ops.check_file(probe, RULES, key)
        with pytest.raises(NotAWorkbook, match=f"unpacks to {size_of(probe):,} bytes"):
            ops.repair_file(probe, tmp_path / "fixed.xlsx", RULES, key)


def test_a_sheet_at_the_cell_limit_seals_checks_repairs_and_exports(tmp_path, monkeypatch):
    """A list right of column Z (so the scan measures its range): at T..AD, its seals in AE, 34 rows."""
    key = new_key(tmp_path)
    path, _ = book(tmp_path, n=30, start_col=20)
    monkeypatch.setattr(limits, "MAX_CELLS", 33 * 31)
    b = ops.seal_file(path, RULES, key).book
    assert b.seal_col == 31
    with zipfile.ZipFile(path) as z:
        assert package.extent(z, SHEET, str(path)) == (33, 31)
    repair_and_export(tmp_path, path, key)


def test_a_sheet_one_cell_past_is_neither_written_nor_read(tmp_path, monkeypatch):
    key = new_key(tmp_path)
    path, _ = book(tmp_path, n=30, start_col=20)
    probe = tmp_path / "probe.xlsx"
    shutil.copyfile(path, probe)
    ops.seal_file(probe, RULES, key)
    before = path.read_bytes()
    monkeypatch.setattr(limits, "MAX_CELLS", 33 * 31 - 1)
    scans = []
    monkeypatch.setattr(package, "extent", lambda *a, real=package.extent: scans.append(a[1]) or real(*a))
    with pytest.raises(TooLargeToWrite) as e:
        ops.seal_file(path, RULES, key)
    assert (e.value.details["reason"], e.value.details["size"]) == ("cells", 33 * 31)
    assert scans == [SHEET]         # every cell had its reference: the range written is the range read, widened
    assert path.read_bytes() == before and not list(tmp_path.glob("*dgtmp*"))
    with unread(scanned=True), pytest.raises(NotAWorkbook, match="too many cells"):
        ops.check_file(probe, RULES, key)


def test_a_range_placed_by_counting_is_measured_again(tmp_path, monkeypatch):
    """Cells without a reference make the checks bound the range by counting: the written sheet is then
    scanned again, not widened from what was read."""
    key = new_key(tmp_path)
    path, _ = book(tmp_path, n=30, start_col=20)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts[SHEET] = parts[SHEET].replace(b'<row r="10">', b'<row r="10"><c><v>1</v></c>', 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with zipfile.ZipFile(path) as z:
        assert package.extent(z, SHEET, str(path)).counted
    probe = tmp_path / "probe.xlsx"
    shutil.copyfile(path, probe)
    ops.seal_file(probe, RULES, key)
    with zipfile.ZipFile(probe) as z:
        rows, cols = package.extent(z, SHEET, str(probe))
    monkeypatch.setattr(limits, "MAX_CELLS", rows * cols - 1)
    scans = []
    monkeypatch.setattr(package, "extent", lambda *a, real=package.extent: scans.append(a[1]) or real(*a))
    with pytest.raises(TooLargeToWrite):
        ops.seal_file(path, RULES, key)
    assert scans.count(SHEET) == 2                          # the list read, then the sheet written
