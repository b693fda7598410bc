"""Excel Tables (table parts, ListObjects in Excel) around the list: found through the sheet's relationships,
and widened by one column to take in the seal column, so sorts and filters inside the Table carry the seals.

Only the table part's `ref`, its autoFilter's (and sortState's) `ref` and `tableColumns` change; every other
byte stays as it was."""
import posixpath
import re
from dataclasses import dataclass
from html import escape

from .package import NS_PKG, parse_xml
from .sheetxml import col_index, col_letter

REL_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
_REF = re.compile(rb'(<(?:table|autoFilter|sortState)\b[^>]*?\sref=")([A-Z]+)(\d+):([A-Z]+)(\d+)(")')
_COLUMNS = re.compile(rb'<tableColumns\b[^>]*?\bcount="(\d+)"[^>]*>(.*?)</tableColumns>', re.S)
_ID = re.compile(rb'<tableColumn\b[^>]*?\bid="(\d+)"')


@dataclass(frozen=True)
class TablePart:
    part: str
    first_col: int
    first_row: int
    last_col: int
    last_row: int

    def covers(self, row: int, cols) -> bool:
        return self.first_row <= row <= self.last_row and all(self.first_col <= c <= self.last_col for c in cols)


def of_sheet(zf, sheet_part: str) -> list:
    """The table parts of a sheet, with the range each covers."""
    folder, name = posixpath.split(sheet_part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in zf.namelist():
        return []
    out = []
    for r in parse_xml(zf, rels).findall(f"{{{NS_PKG}}}Relationship"):
        if r.get("Type") != REL_TABLE or r.get("TargetMode") == "External":
            continue
        target = r.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        if part not in zf.namelist():
            continue
        m = _REF.search(zf.read(part))
        if m:
            out.append(TablePart(part, col_index(m.group(2).decode()), int(m.group(3)),
                                 col_index(m.group(4).decode()), int(m.group(5))))
    return out


def widen(xml: bytes, col: int, name: str) -> bytes:
    """The table part taking in one more column at its right edge, `col`, headed `name`."""
    def ref(m):
        if col_index(m.group(4).decode()) != col - 1:
            return m.group(0)
        return m.group(1) + m.group(2) + m.group(3) + b":" + col_letter(col).encode() + m.group(5) + m.group(6)
    xml = _REF.sub(ref, xml)
    m = _COLUMNS.search(xml)
    if not m:
        return xml
    ids = [int(i) for i in _ID.findall(m.group(2))]
    new = f'<tableColumn id="{max(ids, default=0) + 1}" name="{escape(name)}"/>'.encode()
    count = str(int(m.group(1)) + 1).encode()
    head = xml[m.start():m.start(2)].replace(b'count="' + m.group(1) + b'"', b'count="' + count + b'"', 1)
    return xml[:m.start()] + head + m.group(2) + new + xml[m.end(2):]
