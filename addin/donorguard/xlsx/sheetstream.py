"""The sheet rewritten as a stream: sheetxml's patching and cell lookup for a sheet given in pieces, a chunk
of whole rows at a time, so that the old and the new sheet XML are never held whole.

The rows are patched as sheetxml patches them, with the two usual edits done in a few byte searches and
slices instead of its general path: one cell added after a row's last (a seal), one cell replaced where it
stands (a repair), in cells written `<c r="H12"`, as Excel, LibreOffice and openpyxl write them. Anything else
goes to sheetxml.patch_row_at. Property tests hold the results to sheetxml.patch_rows and
sheetxml.column_cells, the references for the whole sheet."""
import re

from . import sheetxml


def patch_stream(pieces, edits: dict, head=None):
    """sheetxml.patch_rows for a sheet given in pieces, yielded in pieces: the old and the new sheet are never
    held whole, only about a piece of each (see row_chunks for the sheets where the two differ)."""
    todo = dict(edits)
    for kind, chunk in row_chunks(pieces):
        if kind == "head":
            yield head(chunk) if head else chunk
        elif kind == "rows":
            yield b"".join(_patch_rows(chunk, todo))
        else:
            if todo:
                raise ValueError(f"rows {sorted(todo)[:5]} are not in the sheet")
            yield chunk


def row_chunks(pieces):
    """A sheet given in pieces (split anywhere) as ("head", the bytes before <sheetData), then ("rows",
    bytes) chunks from there up to the first </sheetData>, each ending where a <row starts, so that none
    splits a row element, then ("tail", bytes) to the end. Patching or reading each chunk alone is the same
    as the whole for a sheet with one <sheetData> and no "<row" inside a comment between rows (Excel,
    LibreOffice and openpyxl write no other); for the rest the two may differ."""
    buf, pieces = b"", iter(pieces)
    for piece in pieces:
        buf += piece
        start = buf.find(b"<sheetData")
        if start >= 0:
            break
    else:
        raise ValueError("sheet has no sheetData")
    yield "head", buf[:start]
    buf = buf[start:]
    for piece in _then_end(pieces):
        buf += piece
        end = buf.find(b"</sheetData>")
        if end >= 0:
            yield "rows", buf[:end]
            yield "tail", buf[end:]
            yield from (("tail", p) for p in pieces)
            return
        if not piece:
            raise ValueError("sheet has no sheetData")
        cut = buf.rfind(b"<row")
        if cut > 0:
            yield "rows", buf[:cut]
            buf = buf[cut:]


def _then_end(pieces):
    """The pieces, then b"" (the end of the sheet)."""
    yield from pieces
    yield b""


def cells_of(pieces, wanted: dict) -> dict:
    """sheetxml.column_cells of a sheet given in pieces (see row_chunks): {(row, column index): cell bytes}
    for the rows wanted of each column ({column index: set of rows}). In a chunk where every reference of a
    column begins a cell written `<c r="H12"`, and each such cell ends, they are found by one regex;
    otherwise each reference is looked at as column_cells does."""
    out = {}
    for kind, xml in row_chunks(pieces):
        if kind != "rows":
            continue
        for col, rows in wanted.items():
            refs, starts, cells = (p.findall(xml) for p in _patterns(col))
            if len(refs) == len(starts) == len(cells):
                out.update(((int(r), col), cell) for cell, r in cells if int(r) in rows)
                continue
            for m in sheetxml.column_refs(col).finditer(xml):
                if int(m.group(1)) in rows:
                    at = sheetxml.cell_around(xml, 0, m.start() - 1)
                    if at:
                        out[(int(m.group(1)), col)] = xml[at[0]:at[1]]
    return out


_PATTERNS = {}


def _patterns(col: int) -> tuple:
    """A column's references (sheetxml.column_refs), its cells' starts written `<c r="H12"`, and those cells
    whole, the row in group 2: ended where sheetxml.cell_around ends them (after `/>`, or after the first
    `</c>` beyond the start tag)."""
    if col not in _PATTERNS:
        at = rb'<c r="' + sheetxml.letters(col) + rb'(\d+)"'
        _PATTERNS[col] = (sheetxml.column_refs(col), re.compile(at),
                          re.compile(rb"(" + at + rb'[^>]*?(?:/>|>.*?</c>))', re.S))
    return _PATTERNS[col]


def _patch_rows(xml: bytes, todo: dict) -> list:
    """sheetxml.patch_span over a chunk of whole rows, as pieces to join."""
    out, last, find, rfind = [], 0, xml.find, xml.rfind
    for i, j, num, closed, changes in sheetxml.rows_to_patch(xml, 0, len(xml), todo):
        stop = -1 if closed or len(changes) != 1 else find(b"</row>", j)
        (col, new), = changes.items() if stop >= 0 else ((0, None),)
        if new is None:
            last = sheetxml.patch_row_at(xml, i, j, num, closed, changes, out, last)
            continue
        k = rfind(b"<c ", j, stop)
        cell = sheetxml.CELL_REF_AT.match(xml, k, stop) if k >= 0 else None
        head = xml[i:j]
        if b"spans=" in head:
            head = sheetxml.SPANS.sub(b"", head)
        if cell is None or sheetxml.col_of(cell.group(1)) < col:       # after the row's last cell
            out += (xml[last:i], head, xml[j:stop], new)
            last = stop
            continue
        a = find(b' r="' + sheetxml.letters(col) + num + b'"', j, stop)  # the cell, where it stands
        gt = find(b">", a, stop) if a >= 2 and xml[a - 2:a] == b"<c" else -1
        end = (gt + 1 if xml[gt - 1] == 47 else find(b"</c>", gt, stop) + 4) if gt >= 0 else -1
        if end > gt >= 0:
            out += (xml[last:i], head, xml[j:a - 2], new, xml[end:stop + 6])
            last = stop + 6
        else:
            last = sheetxml.patch_row_at(xml, i, j, num, False, changes, out, last)
    out.append(xml[last:])
    return out


def hidden_rows(pieces) -> set:
    """sheetxml.hidden_rows of a sheet given in pieces (see row_chunks): only chunks saying hidden= are
    searched; a sheet with no <sheetData> has no rows."""
    out = set()
    try:
        for kind, chunk in row_chunks(pieces):
            if kind == "rows" and b'hidden="' in chunk:
                out |= sheetxml.hidden_rows(chunk)
    except ValueError:
        pass
    return out


def formula_cells(pieces, cols: set) -> list:
    """sheetxml.formula_cells of a sheet given in pieces (see row_chunks): only chunks holding "<f" are
    searched."""
    out = []
    for kind, chunk in row_chunks(pieces):
        if kind == "rows" and b"<f" in chunk:
            out += sheetxml.formula_cells(chunk, cols)
    return out
