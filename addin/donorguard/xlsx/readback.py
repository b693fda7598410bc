"""A repaired copy checked from what was written, not read again from scratch. The writer changed some
cells of the list's sheet and copied every other byte (sheetstream.patch_stream, held to sheetxml.patch_rows);
the copy's other parts are the original's. So a fresh read of the copy would give the list as it was read,
except in the cells written: those alone are read, by fastexcel, from the bytes written (a package of the
copy's other parts and a sheet of just those cells), and put in their places. The rows that then belong to
the list are chosen as a fresh read chooses them (locate.choose)."""
import zipfile
from dataclasses import replace

import fastexcel
import numpy as np
import pandas as pd
import pyarrow as pa

from ..core.locate import choose, seal_cells
from ..core.table import Table
from . import halves, package
from .read import Book

_ANCHOR = b'<c r="A1" t="inlineStr"><is><t>.</t></is></c>'     # pins the parse to A1: row and column 1
_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def written_table(book: Book, changes: dict, copy) -> Table | None:
    """The list as a fresh read of `copy` would give it, after write.write_edits wrote `changes` ({row:
    {column index: cell bytes}}) into a copy of book's workbook; None where only a fresh read can tell (a list
    whose formulas were read). Whole columns at a time, in Arrow."""
    t = book.table
    if len(t.formulas):
        return None
    values, seals, loose = t.values.copy(), t.seals.copy(), {}
    name = {c: n for n, c in book.columns.items()}
    for col, (rows, texts) in cell_texts(copy, book.part, book.sheet, changes).items():
        at = np.searchsorted(t.rows, rows)
        if col in name:
            old = pa.array(values[name[col]], from_pandas=True)
            old = old.combine_chunks() if isinstance(old, pa.ChunkedArray) else old
            order = np.arange(len(old))
            order[at] = len(old) + np.arange(len(rows))
            values[name[col]] = pa.concat_arrays([old, texts.cast(old.type)]).take(order).to_pandas()
        elif col == book.seal_col:
            seals.iloc[at] = seal_cells(pd.Series(texts.to_pandas(), dtype=object)).to_numpy()
        else:
            loose[col] = at, texts.to_pylist()
    keep, gaps = choose(values, seals, book.rules, 0 if t.blanks is None else t.blanks)

    def unbound():
        frame = t.unbound() if t.unbound else None
        if frame is None:
            return None
        frame = frame.copy()
        for c, (at, texts) in loose.items():
            if c in frame.columns:
                cells = frame[c].to_numpy(dtype=object, copy=True)
                cells[at] = texts
                frame[c] = cells
        return frame[keep].reset_index(drop=True)
    return replace(t, values=values[keep], rows=t.rows[keep], seals=seals[keep], blanks=gaps[keep],
                   unbound=unbound if t.unbound else None)


def cell_texts(path, part: str, sheet: str, changes: dict) -> dict:
    """{column index: (rows, their texts)}: the cells in `changes` as fastexcel reads them in the workbook
    at `path` (its styles and shared strings): one parse of a package holding these cells alone. A cell
    written without a value is missing (null)."""
    rows, by_column = [b'<row r="1">' + _ANCHOR + b"</row>"], {}
    for r in sorted(changes):
        cells = changes[r]
        rows.append(b'<row r="%d">' % r + b"".join(cells[c] for c in sorted(cells) if cells[c] is not None) +
                    b"</row>")
        for c in cells:
            by_column.setdefault(c, []).append(r)
    xml = [_HEAD, *rows, b"</sheetData></worksheet>"]
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        raw = {i.filename: package.raw_bytes(zf, i) for i in infos if i.filename != part}
    parsed = fastexcel.read_excel(halves.zip_of(infos, part, xml, raw)).load_sheet(
        sheet, header_row=None, dtypes="string")
    columns = halves.columns(parsed, parsed.to_arrow())
    out = {}
    for c, at in by_column.items():
        at = np.asarray(at, np.int64)
        got = columns.get(c - 1, pa.nulls(0, pa.string()))
        got = pa.concat_arrays([got.combine_chunks() if isinstance(got, pa.ChunkedArray) else got,
                                pa.nulls(max(int(at.max()) - len(got), 0), got.type)])
        out[c] = at, got.take(at - 1)
    return out
