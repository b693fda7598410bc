"""The file layer on real .xlsx files: everything outside the cells DonorGuard writes stays byte-identical;
lists are found wherever they sit; writes are atomic."""
import re
import zipfile

import openpyxl
import pytest

from donorguard.cli import ops as files
from donorguard.core.errors import ActionUnfinished, UnfitToSeal
from donorguard.store import rulesets as rules_mod
from donorguard.tools import synth
from donorguard.xlsx import package
from donorguard.xlsx.read import open_book
from support import book, new_key

RULES = rules_mod.load()
CUSTOM_XML = b'<?xml version="1.0" encoding="UTF-8"?><root xmlns="urn:donorguard-test"><item>keep me</item></root>'


def add_custom_xml(path):
    """A customXml part and a drawing-like part that openpyxl would drop on load+save."""
    src = zipfile.ZipFile(path)
    parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    src.close()
    parts["customXml/item1.xml"] = CUSTOM_XML
    parts["customXml/_rels/item1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdCx" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'customXml" Target="customXml/item1.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def parts_of(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def test_seal_changes_nothing_but_its_own_cells(tmp_path):
    path, _ = book(tmp_path, n=50, free_columns={"備考": ["メモ"] * 50})
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("集計")["A1"] = "他のシート"
    wb.active.auto_filter.ref = "A3:L53"
    wb.save(path)
    add_custom_xml(path)
    before = parts_of(path)
    files.seal_file(path, RULES, new_key(tmp_path))
    after = parts_of(path)
    b = open_book(path, RULES)
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed <= {b.part, "[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    assert after["customXml/item1.xml"] == CUSTOM_XML
    assert set(after) - set(before) == {"xl/worksheets/donorguard-manifest.xml"}
    # registries: exactly one element added to each
    assert re.sub(rb'<Override PartName="/xl/worksheets/donorguard-manifest.xml"[^>]*/>', b"",
                  after["[Content_Types].xml"]) == before["[Content_Types].xml"]
    assert re.sub(rb'<Relationship Id="rIdDonorGuard"[^>]*/>', b"",
                  after["xl/_rels/workbook.xml.rels"]) == before["xl/_rels/workbook.xml.rels"]
    assert re.sub(rb'<sheet xmlns:dgr[^>]*/>', b"", after["xl/workbook.xml"]) == before["xl/workbook.xml"]
    # the sheet: only the seal column's cells, its <col> and the dimension differ
    letter = re.escape(openpyxl.utils.get_column_letter(b.seal_col).encode())
    strip = [(rb'<c r="' + letter + rb'\d+"[^>]*>.*?</c>', b""), (rb'\sspans="[^"]*"', b""),
             (rb"<dimension [^>]*/>", b""), (rb'<col min="%d" max="%d"[^>]*/>' % (b.seal_col, b.seal_col), b""),
             (rb"<cols></cols>", b"")]
    new, old = after[b.part], before[b.part]
    for pat, rep in strip:
        new, old = re.sub(pat, rep, new, flags=re.S), re.sub(pat, rep, old, flags=re.S)
    assert new == old
    ws = openpyxl.load_workbook(path)["申請者一覧"]
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(b.seal_col)].hidden
    assert ws.auto_filter.ref == "A3:L53"
    wb2 = openpyxl.load_workbook(path)
    assert wb2["_DonorGuard"].sheet_state == "hidden" and wb2["集計"]["A1"].value == "他のシート"


@pytest.mark.parametrize("kw", [
    dict(title=None), dict(column_order=list(reversed(synth.COLUMNS))), dict(dates_as_text=True),
    dict(start_col=3), dict(free_columns={"備考": ["x"] * 30, "担当": ["y"] * 30}),
])
def test_list_found_wherever_it_sits(tmp_path, kw):
    path, df = book(tmp_path, n=30, **kw)
    key = new_key(tmp_path)
    files.seal_file(path, RULES, key)
    b, rep, _ = files.check_file(path, RULES, key)
    assert rep.clean and len(b.table) == 30
    assert list(b.table.values["個人番号"]) == list(df["個人番号"])


def test_ids_stored_as_numbers_lose_zeros_and_are_refused(tmp_path):
    df = synth.make_people(40, seed=4, leading_zero_share=0.5)
    path = tmp_path / "n.xlsx"
    synth.write_workbook(df, path, ids_as_numbers=True)
    with pytest.raises(UnfitToSeal, match="個人番号 leading_zero_lost in rows"):
        files.seal_file(path, RULES, new_key(tmp_path))


def test_blank_rows_and_alias_headers(tmp_path):
    df = synth.make_people(20, seed=8)
    path = tmp_path / "a.xlsx"
    synth.write_workbook(df, path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.insert_rows(10, 2)
    for cell in ws[3]:
        if cell.value == "個人番号":
            cell.value = "マイナンバー"
    wb.save(path)
    key = new_key(tmp_path)
    files.seal_file(path, RULES, key)
    b, rep, _ = files.check_file(path, RULES, key)
    assert rep.clean and len(b.table) == 20 and 10 not in b.table.rows and 11 not in b.table.rows


def test_failed_write_leaves_original(tmp_path, monkeypatch):
    path, _ = book(tmp_path, n=10)
    before = path.read_bytes()
    from donorguard.xlsx import sheetstream

    def boom(pieces, *a, **k):          # the sheet half written, then the disk is full
        yield next(iter(pieces))
        raise RuntimeError("disk full")
    monkeypatch.setattr(sheetstream, "patch_stream", boom)
    with pytest.raises(RuntimeError):
        files.seal_file(path, RULES, new_key(tmp_path))
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.dgtmp")) and not list(tmp_path.glob(".*dgtmp"))


@pytest.mark.parametrize("op", ["seal", "repair"])
def test_a_failure_after_the_write_says_the_file_was_written(tmp_path, monkeypatch, op):
    """The write committed, then the disk filled while hashing the new file for the audit log: the file is sealed
    (or the copy written) and the error says so; it is not told as nothing changed."""
    import errno
    path, _ = book(tmp_path, n=10)
    key = new_key(tmp_path)
    out = tmp_path / "fixed.xlsx"
    if op == "repair":
        files.seal_file(path, RULES, key)
        kosai = tmp_path / "kosai.xlsx"
        synth.kosai_mistake(path, kosai)
        path = kosai
    real, calls = files.sha256_file, []

    def full(p):
        calls.append(p)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device", str(p))
        return real(p)
    monkeypatch.setattr(files, "sha256_file", full)
    with pytest.raises(ActionUnfinished) as e:
        files.seal_file(path, RULES, key) if op == "seal" else files.repair_file(path, out, RULES, key)
    assert e.value.details["errno"] == "ENOSPC"
    monkeypatch.setattr(files, "sha256_file", real)
    written = path if op == "seal" else out
    assert files.check_file(written, RULES, key)[1].clean


def test_zip_bomb_and_not_zip_refused(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 << 20))
    with pytest.raises(Exception, match="zip bomb"):
        package.open_zip(bomb)
    (tmp_path / "x.xlsx").write_text("a,b\n1,2\n")
    with pytest.raises(Exception, match="not a zip package"):
        package.open_zip(tmp_path / "x.xlsx")
