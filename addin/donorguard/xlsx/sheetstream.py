"""The sheet rewritten as a stream: sheetxml's patching and cell lookup for a sheet given in pieces, a chunk
of whole rows at a time, so that the old and the new sheet XML are never held whole. A property test holds
the results to sheetxml.patch_rows and sheetxml.column_cells, the references for the whole."""
from . import sheetxml


def patch_stream(pieces, edits: dict, head=None):
    """sheetxml.patch_rows for a sheet given in pieces, yielded in pieces: the old and the new sheet are never
    held whole, only about a piece of each (see row_chunks for the sheets where the two differ)."""
    todo = dict(edits)
    for kind, chunk in row_chunks(pieces):
        if kind == "head":
            yield head(chunk) if head else chunk
        elif kind == "rows":
            out = []
            out.append(chunk[sheetxml.patch_span(chunk, 0, len(chunk), todo, out):])
            yield b"".join(out)
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


def cells_of(pieces, wanted: set) -> dict:
    """sheetxml.column_cells of a sheet given in pieces (see row_chunks), only the (row, column index) pairs
    wanted."""
    cols, out = {c for _, c in wanted}, {}
    for kind, chunk in row_chunks(pieces):
        if kind == "rows":
            out.update(item for item in sheetxml.column_cells(chunk, cols).items() if item[0] in wanted)
    return out
