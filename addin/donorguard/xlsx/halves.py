"""A long list parsed on both cores. The safety checks inflate the sheet's XML (package.open_zip) and hand
each piece to a Splitter, which builds, as the pieces come, two packages in memory: the workbook with its
sheet holding the rows before a row near the middle, and the workbook with the rest, both stored (not
compressed), for fastexcel to parse on two threads. The checks then say whether every cell was written
`<c r="A1"` within column Z, rows ascending; only then are the packages used. A mark cell pins each half: a
row of its own just below the first half and just above the second, in a column the list uses. join() drops
the marks and puts the halves together only if each mark is where it must be, so the result equals a parse
of the whole or is not used. The XML is held once, in the packages: the pieces are copied in as they come."""
import io
import re
import struct
import zipfile
import zlib

from . import package
from .sheetxml import col_index

MARK = "donorguard:half"
_CELL = re.compile(rb'<c r="([A-Z])(\d+)"')
_DATA = b"<sheetData>"


class Cut:
    """The two packages, each finished and given out once (the caller's copy is then the only one), on the
    thread that parses it; and the marks' column (0-based)."""

    def __init__(self, zf, part: str, halves: list, col: int):
        infos = zf.infolist()
        self.raw = {i.filename: package.raw_bytes(zf, i) for i in infos if i.filename != part}
        self.infos, self.halves, self.col = infos, halves, col

    def package(self, i: int) -> bytes:
        half, self.halves[i] = self.halves[i], None
        return half.close(self.infos, self.raw)


class Splitter:
    """Cuts a sheet part given in pieces (as package._bodies gives them: none splits a tag) to add(), in
    order, before a row near its middle: the rows before it are copied into the first package, the rest
    into the second, each with its mark (the pieces are not kept: the XML is held once). finish() says
    whether the cells' rows ascended and sets `cut`: the Cut, or None if there was no row near the middle
    to cut before, or the rest of the package is large or unusual."""

    def __init__(self, zf, part: str, size: int, others_limit: int = 1 << 24):
        others = [i for i in zf.infolist() if i.filename != part]
        self.zf, self.part, self.half, self.seen = zf, part, size // 2, 0
        self.failed = sum(i.compress_size for i in others) > others_limit or \
            any(i.flag_bits & 1 or i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in others)
        self.top, self.bottom, self.head, self.mark, self.cut = _Stored(part), None, None, None, None

    def add(self, body) -> None:
        if self.failed:
            return
        self.seen += len(body)
        if self.head is None:
            start = bytes(body[:1 << 20]).find(_DATA)
            if start < 0:
                self.failed = True
                return
            self.head = bytes(body[:start + len(_DATA)])
        if self.bottom is not None or self.seen < self.half:
            (self.top if self.bottom is None else self.bottom).add(body)
            return
        xml = bytes(body)
        at = self._cut_at(xml, len(xml) - (self.seen - self.half) if self.seen - len(body) < self.half else 0)
        if at is None:
            self.top.add(body)
            return
        self.top.add(body[:at])
        self.bottom = _Stored(self.part)
        for piece in (self.head, _mark(self.mark[0], self.mark[1] - 1), body[at:]):
            self.bottom.add(piece)

    def _cut_at(self, xml: bytes, lo: int) -> int | None:
        """Where in xml, from lo on, a row element starts whose first child is a cell of a later row than the
        cell before it in xml (the first half's rows must all lie above the cut); None if nowhere. The
        marks go in the column of that row's first cell."""
        close = xml.find(b"</sheetData>")
        at = xml.find(b"<row", max(lo, xml.find(_DATA) + len(_DATA) if not self.top.size else 0))
        while at >= 0 and (close < 0 or at < close):
            gt = xml.find(b">", at)
            cell = _CELL.match(xml, gt + 1) if gt >= 0 else None
            before = xml.rfind(b'<c r="', 0, at)
            if xml[at + 4] in b" \t\r\n>" and xml[gt - 1] != ord("/") and cell and int(cell.group(2)) >= 2 and \
                    before >= 0 and int(_CELL.match(xml, before).group(2)) < int(cell.group(2)):
                self.mark = cell.group(1), int(cell.group(2))
                return at
            at = xml.find(b"<row", at + 4)
        if close >= 0:
            self.failed = True
        return None

    def finish(self, ordered: bool) -> None:
        """Its `cut`: the Cut if the rows ascended (the checks say) and the sheet was cut, else None (the
        memory let go)."""
        top, bottom, self.top, self.bottom, self.cut = self.top, self.bottom, None, None, None
        if self.failed or not ordered or bottom is None:
            return
        tail = bottom.after_last(b"</sheetData>")
        if tail is not None:
            top.add(_mark(self.mark[0], self.mark[1]))
            top.add(tail)
            self.cut = Cut(self.zf, self.part, [top, bottom], col_index(self.mark[0].decode()) - 1)


def _mark(letter: bytes, row: int) -> bytes:
    return b'<row r="%d"><c r="%s%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (row, letter, row, MARK.encode())


class _Stored:
    """A zip written into memory: first one part, stored, given in pieces (copied at once, so the pieces can
    go); then the others copied as stored. Its CRC is reckoned when it is closed (on the thread that needs
    it), its local header then written in front."""

    def __init__(self, part: str):
        self.name, self.size = part.encode(), 0
        self.buf = io.BytesIO()
        self.buf.write(bytes(30 + len(self.name)))

    def add(self, piece) -> None:
        self.buf.write(piece)
        self.size += len(piece)

    def after_last(self, what: bytes) -> bytes | None:
        """The part's bytes from the last `what` on, or None if it has none."""
        data = self.buf.getvalue()              # shares the buffer (let go at once: writing on copies nothing)
        at = data.rfind(what, 30 + len(self.name))
        return data[at:] if at >= 0 else None

    def close(self, infos, raw: dict) -> bytes:
        """The zip's bytes: the part (of `infos`, named as this one's), then the other parts, from raw."""
        with self.buf.getbuffer() as view:
            crc = zlib.crc32(view[30 + len(self.name):])
        directory, at = [], 30 + len(self.name) + self.size
        for info in infos:
            name = info.filename.encode()
            if name == self.name:
                directory.append(_entry(name, zipfile.ZIP_STORED, crc, self.size, self.size, 0))
                continue
            fields = (name, info.compress_type, info.CRC, info.compress_size, info.file_size)
            self.buf.write(_entry(*fields))
            self.buf.write(raw[info.filename])
            directory.append(_entry(*fields, at))
            at += 30 + len(name) + info.compress_size
        d = b"".join(directory)
        self.buf.write(d + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(infos), len(infos), len(d), at, 0))
        self.buf.seek(0)
        self.buf.write(_entry(self.name, zipfile.ZIP_STORED, crc, self.size, self.size))
        data, self.buf = self.buf.getvalue(), None
        return data


def _entry(name: bytes, method: int, crc: int, stored: int, size: int, offset: int | None = None) -> bytes:
    """A local header (offset None) or a central directory record, dated 1980-01-01 0:00, names in UTF-8."""
    fields = (method, 0, 0x21, crc, stored, size, len(name))
    if offset is None:
        return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, *fields, 0) + name
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, *fields, 0, 0, 0, 0, 0, offset) + name


def zip_of(infos, part: str, pieces: list, raw: dict) -> bytes:
    """A zip of the parts of `infos`: `part` stored as the pieces joined, the others copied as stored."""
    out = _Stored(part)
    for piece in pieces:
        out.add(piece)
    return out.close(infos, raw)


def columns(sheet, batch) -> dict:
    """{Excel column (0-based): Arrow column} of a fastexcel sheet and its Arrow batch."""
    return {c.absolute_index: batch.column(j) for j, c in enumerate(sheet.selected_columns)}


def join(where: Cut, top: tuple, bottom: tuple) -> dict | None:
    """{Excel column (0-based): Arrow column of every row}, as a parse of the whole would give them, from
    each half's columns (as columns() gives them) and number of rows; None if a mark is not where it must be,
    a half holds nothing else, or the marks' column holds nothing else (the marks could then widen the
    list)."""
    import pyarrow as pa
    halves, besides = [], 0
    for (cols, n), at in ((top, -1), (bottom, 0)):
        mark = cols.get(where.col)
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
