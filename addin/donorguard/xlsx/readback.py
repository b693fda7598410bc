"""A repaired copy checked from what was written, not read again from scratch. The writer changed some cells
of the list's sheet and copied every other byte (sheetxml.patch_stream, held to patch_rows); the copy's
other parts are the original's. So a fresh read of the copy would give the list as it was read, except in
the cells written: those alone are read, by fastexcel, from the bytes written (a package of the copy's other
parts and a sheet of just those cells), and put in their places. The rows that then belong to the list are
chosen as a fresh read chooses them (locate.belongs)."""
import zipfile

import fastexcel
import numpy as np

from ..core.locate import belongs
from ..core.table import Table
from . import halves, package
from .read import Book

_ANCHOR = b'<c r="A1" t="inlineStr"><is><t>.</t></is></c>'     # pins the parse to A1: row and column 1
_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def written_table(book: Book, changes: dict, copy) -> Table:
    """The list as a fresh read of `copy` would give it, after write.write_edits wrote `changes` ({row:
    {column index: cell bytes}}) into a copy of book's workbook."""
    texts = cell_texts(copy, book.part, book.sheet, changes)
    at = dict(zip(book.table.rows.tolist(), range(len(book.table))))
    name = {col: n for n, col in book.columns.items()}
    cells = {}
    for r, row in changes.items():
        for col in row:
            cells.setdefault(name[col], []).append((at[r], texts[(r, col)]))
    values = book.table.values.copy()
    for n, new in cells.items():
        pos, text = zip(*new)
        values.iloc[list(pos), values.columns.get_loc(n)] = [np.nan if v is None else v for v in text]
    keep = belongs(values, book.table.seals, book.rules)
    t = book.table
    return Table(values[keep], t.rows[keep], t.seals[keep], t.hidden_rows)


def cell_texts(path, part: str, sheet: str, changes: dict) -> dict:
    """{(row, column index): text or None} of the cells in `changes` as fastexcel reads them in the workbook
    at `path` (its styles and shared strings): one parse of a package holding these cells alone."""
    rows = [b'<row r="1">' + _ANCHOR + b"</row>"]
    for r in sorted(changes):
        cells = [c for _, c in sorted(changes[r].items()) if c is not None]
        rows.append(b'<row r="%d">' % r + b"".join(cells) + b"</row>")
    xml = [_HEAD, *rows, b"</sheetData></worksheet>"]
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        raw = {i.filename: package.raw_bytes(zf, i) for i in infos if i.filename != part}
    parsed = fastexcel.read_excel(halves.zip_of(infos, part, xml, raw)).load_sheet(
        sheet, header_row=None, dtypes="string")
    columns = {c: a.to_pylist() for c, a in halves.columns(parsed, parsed.to_arrow()).items()}
    out = {}
    for r, row in changes.items():
        for col in row:
            got = columns.get(col - 1, ())
            out[(r, col)] = got[r - 1] if r - 1 < len(got) else None
    return out
