"""A long list parsed on both cores. The safety checks inflated the sheet's XML and found every cell written
`<c r="A1"` within column Z, rows ascending (package.open_zip's `kept`). cut() divides it at a row near the
middle into two packages, each the workbook with its sheet holding one half (stored, not compressed), for
fastexcel to parse on two threads. A mark cell pins each half: a row of its own just below the first half
and just above the second, in a column the list uses. join() drops the marks and puts the halves
together only if each mark is where it must be, so the result equals a parse of the whole or is not used."""
import re
import struct
import zipfile
import zlib

from . import package
from .sheetxml import col_index

MARK = "donorguard:half"
_CELL = re.compile(rb'<c r="([A-Z])(\d+)"')


class Cut:
    """The two packages' recipes, built by package(0) and package(1) on the threads that parse them, and
    the marks' column (0-based)."""

    def __init__(self, part: str, infos, raw: dict, halves: tuple, col: int):
        self.part, self.infos, self.raw, self.halves, self.col = part, infos, raw, halves, col

    def package(self, i: int) -> bytes:
        return zip_of(self.infos, self.part, self.halves[i], self.raw)


def cut(zf, part: str, bodies: list, others_limit: int = 1 << 24) -> Cut | None:
    """Cut `part` (its XML in the pieces package._bodies gave: none splits a tag) before a row near its
    middle; None if there is no such row, or the rest of the package is large or unusual. The marks go in
    the column of that row's first cell."""
    bodies = [memoryview(b) for b in bodies if len(b)]
    if not bodies:
        return None
    start, last, close = bytes(bodies[0]).find(b"<sheetData>") + len(b"<sheetData>"), len(bodies), -1
    while close < 0 and last > 0:
        last -= 1
        close = bytes(bodies[last]).rfind(b"</sheetData>")
    k = len(bodies) // 2                        # the piece to cut, near the middle
    xml = bytes(bodies[k])
    at = xml.find(b"<row", len(xml) // 2)
    while at >= 0 and (k, at) < (last, close):  # a row element whose first child is a cell
        gt = xml.find(b">", at)
        cell = _CELL.match(xml, gt + 1)
        if xml[at + 4] in b" \t\r\n>" and xml[gt - 1] != ord("/") and cell:
            break
        at = xml.find(b"<row", at + 4)
    else:
        return None
    letter, row = cell.group(1), int(cell.group(2))
    before = xml.rfind(b'<c r="', 0, at)
    if start < len(b"<sheetData>") or k == 0 and at < start or row < 2 or before < 0 or \
            int(_CELL.match(xml, before).group(2)) >= row:
        return None                             # the first half's rows must all lie above the cut
    others = [i for i in zf.infolist() if i.filename != part]
    if sum(i.compress_size for i in others) > others_limit or \
            any(i.flag_bits & 1 or i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in others):
        return None
    raw = {i.filename: package.raw_bytes(zf, i) for i in others}
    top = [*bodies[:k], bodies[k][:at], _mark(letter, row), bodies[last][close:], *bodies[last + 1:]]
    bottom = [bodies[0][:start], _mark(letter, row - 1), bodies[k][at:], *bodies[k + 1:]]
    return Cut(part, zf.infolist(), raw, (top, bottom), col_index(letter.decode()) - 1)


def _mark(letter: bytes, row: int) -> bytes:
    return b'<row r="%d"><c r="%s%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (row, letter, row, MARK.encode())


def zip_of(infos, part: str, pieces: list, raw: dict) -> bytes:
    """A zip of the parts of `infos`: `part` stored as the pieces joined, the others copied as stored."""
    out, directory, at = [], [], 0
    for info in infos:
        name = info.filename.encode()
        if info.filename == part:
            crc = size = 0
            for piece in pieces:
                crc, size = zlib.crc32(piece, crc), size + len(piece)
            method, stored, data = zipfile.ZIP_STORED, size, pieces
        else:
            method, crc, stored, size = info.compress_type, info.CRC, info.compress_size, info.file_size
            data = [raw[info.filename]]
        fields = (method, 0, 0x21, crc, stored, size, len(name))         # time 0:00, date 1980-01-01
        out += [struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, *fields, 0), name, *data]
        directory += [struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, *fields, 0, 0, 0, 0, 0, at), name]
        at += 30 + len(name) + stored
    d = b"".join(directory)
    return b"".join(out + [d, struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(infos), len(infos), len(d), at, 0)])


def columns(sheet, batch) -> dict:
    """{Excel column (0-based): Arrow column} of a fastexcel sheet and its Arrow batch."""
    return {c.absolute_index: batch.column(j) for j, c in enumerate(sheet.selected_columns)}


def join(where: Cut, top, bottom) -> dict | None:
    """{Excel column (0-based): Arrow column of every row}, as a parse of the whole would give them, from
    the halves' fastexcel sheets and Arrow batches; None if a mark is not where it must be, a half holds
    nothing else, or the marks' column holds nothing else (the marks could then widen the list)."""
    import pyarrow as pa
    halves, besides = [], 0
    for (sheet, batch), at in ((top, -1), (bottom, 0)):
        cols = columns(sheet, batch)
        mark, n = cols.get(where.col), batch.num_rows
        if mark is None or n < 2 or mark[at].as_py() != MARK:       # n < 2: the mark alone, the half empty
            return None
        besides += n - mark.null_count - 1
        halves.append(({c: a.slice(0, n - 1) if at else a.slice(1) for c, a in cols.items()}, n - 1))
    (a, na), (b, nb) = halves
    if not besides:
        return None
    kind = a[where.col].type              # each half's columns run without a gap through the marks' column
    return {c: pa.chunked_array([a.get(c, pa.nulls(na, kind)), b.get(c, pa.nulls(nb, kind))], kind)
            for c in sorted(set(a) | set(b))}
