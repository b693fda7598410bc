"""Write seals, repairs and the manifest into an .xlsx: only the sheet XML DonorGuard touches is
rewritten (and an Excel Table around the list, widened to take in the seal column); every other part is
copied unchanged. Always to a temporary file, then replaced. The sheet is rewritten as a stream
(sheetstream.patch_stream): the old and the new sheet XML are never held whole."""
import queue
import re
import shutil
import threading
import zipfile
import zlib

from ..core.errors import TooLargeToWrite
from ..core.manifest import FIELDS, SEAL_HEADER, SHEET as MANIFEST_SHEET
from ..store.fsio import atomic_write
from ..text import t
from . import limits, package, sheetstream, sheetxml, tables
from .read import Book

MANIFEST_PART = "xl/worksheets/donorguard-manifest.xml"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


def write_seals(book: Book, seals: dict, manifest: dict, dst, texts: list = ()) -> None:
    """seals: table position -> seal text. The seal column gets its header and is hidden; an Excel Table
    whose right edge is next to it takes it in. texts: (table position, column name, text) written too
    (leading zeros written back before sealing), in the same rewrite."""
    col, letter = book.seal_col, sheetxml.col_letter(book.seal_col)
    rows = book.table.rows
    at = rows[list(seals)].tolist()
    edits = {}
    if book.table.seal_header is None:
        edits[book.header_row] = {col: sheetxml.inline_cell(f"{letter}{book.header_row}", SEAL_HEADER)}
    edits.update((r, {col: c}) for r, c in zip(at, sheetxml.inline_cells(letter, at, list(seals.values()))))

    def sheet(pieces):
        if texts:
            wanted = {}
            for q, c, _ in texts:
                wanted.setdefault(book.columns[c], set()).add(int(rows[q]))
            old = sheetstream.cells_of(pieces(), wanted)
            for q, c, text in texts:
                r, j = int(rows[q]), book.columns[c]
                ref = f"{sheetxml.col_letter(j)}{r}"
                edits.setdefault(r, {})[j] = sheetxml.inline_cell(ref, text,
                                                                  sheetxml.style_of(old.get((r, j), b"")))
        return sheetstream.patch_stream(pieces(), edits, lambda head: sheetxml.widen_dimension(
            sheetxml.hide_column(head, col), col))
    widen = book.table_part if book.table_part and book.table_part.last_col + 1 == col else None
    widest = max([col] + [book.columns[c] for _, c, _ in texts])
    _rewrite(book, dst, sheet, manifest, widest, widen)


def write_edits(book: Book, edits: list, dst, manifest: dict | None = None) -> dict:
    """Repair edits (move / set / clear) applied all at once from the cells as they were. A column is a
    bound column's name or an Excel column number (the seal column, unbound columns). Returns the cells
    written: {row: {column index: the cell's bytes}}."""
    places = {}

    def where(column):
        if column not in places:
            c = book.columns[column] if isinstance(column, str) else int(column)
            places[column] = c, sheetxml.col_letter(c)
        return places[column]
    changes = {}

    def sheet(pieces):
        wanted = {}
        for e in edits:
            wanted.setdefault(where(e.column)[0], set()).add(e.src_row if e.op == "move" else e.row)
        srcs = sheetstream.cells_of(pieces(), wanted)
        for e in edits:
            c, letter = where(e.column)
            ref = f"{letter}{e.row}"
            if e.op == "move":
                src = srcs.get((e.src_row, c))
                new = sheetxml.moved_cell(src, ref) if src else f'<c r="{ref}"/>'.encode()
            elif e.op == "set":
                new = sheetxml.inline_cell(ref, e.text, sheetxml.style_of(srcs.get((e.row, c), b"")))
            else:
                new = b'<c r="' + ref.encode() + b'"' + sheetxml.style_of(srcs.get((e.row, c), b"")) + b"/>"
            changes.setdefault(e.row, {})[c] = new
        return sheetstream.patch_stream(pieces(), changes)
    _rewrite(book, dst, sheet, manifest, max((where(e.column)[0] for e in edits), default=0))
    return changes


def _rewrite(book: Book, dst, sheet_fn, manifest, widest: int, widen=None) -> None:
    """The workbook with its list's sheet rewritten by sheet_fn (given a function that inflates the sheet
    anew in pieces, it gives the new sheet in pieces and writes no cell right of column `widest`), an Excel
    Table `widen` taking in the seal column, and the manifest written, to dst; refused, nothing replaced, if
    DonorGuard could not read it."""
    existing = book.sheet_parts.get(MANIFEST_SHEET, (None,))[0]
    with atomic_write(dst) as tmp:
        with package.open_zip(book.path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            extent = zin.extents.get(book.part, package.Extent(0, 0))
            for info in zin.infolist():
                name = info.filename
                if name == book.part:
                    with zout.open(_info(info), "w") as out:
                        _pour(sheet_fn(lambda: package.pieces(zin, book.part, str(book.path))), out, dst)
                    continue
                if widen is not None and name == widen.part:
                    data = tables.widen(zin.read(name), widen.last_col + 1, SEAL_HEADER)
                elif manifest is not None and name == existing:
                    data = _manifest_xml(manifest)
                elif manifest is not None and existing is None and name in (
                        "[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                    data = _register(name, zin.read(name))
                else:
                    with zin.open(info) as src, zout.open(_info(info), "w") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
                    continue
                zout.writestr(_info(info), data)
            if manifest is not None and existing is None:
                zout.writestr(_info(zipfile.ZipInfo(MANIFEST_PART, (1980, 1, 1, 0, 0, 0))), _manifest_xml(manifest))
        _readable(tmp, dst, book.part, extent, widest)


def _pour(chunks, out, dst) -> None:
    """Write the chunks to `out`, a zip entry, on another thread (deflated without the GIL) while the next are
    made; refuse a part larger than DonorGuard reads as soon as it is. ISA-L deflates where it is installed
    (level 1: about 4.5 times zlib's level 1 on sheet XML, and as small): the part's bytes are the same, only
    their compression differs."""
    if package.deflate is not zlib and getattr(out, "_compressor", None) is not None and not out._file_size:
        out._compressor = package.deflate.compressobj(1, zlib.DEFLATED, -15)
    q, failed, size = queue.Queue(4), [], 0

    def drain():
        while (chunk := q.get()) is not None:
            if not failed:
                try:
                    out.write(chunk)
                except BaseException as e:
                    failed.append(e)
    writer = threading.Thread(target=drain, name="donorguard-deflate", daemon=True)
    writer.start()
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > limits.MAX_PART:
                _too_large(dst, "part_bytes", size, limits.MAX_PART)
            if failed:
                break
            q.put(chunk)
    finally:
        q.put(None)
        writer.join()
    if failed:
        raise failed[0]


def _too_large(dst, reason: str, size: int, limit: int):
    raise TooLargeToWrite(path=str(dst), reason=reason, size=size, limit=limit, why=t("en")["limits"][reason])


def _readable(tmp, dst, part: str, extent: package.Extent, widest: int) -> None:
    """Raise TooLargeToWrite unless open_zip would read the written package: its parts' sizes, and its
    sheet's used range. The writer adds cells, each with its reference, only in rows the sheet has and no
    further right than `widest`: so a range the checks found from references alone is that range widened;
    a plain sheet (within column Z, package.extent's (0, 0)) stays within what may be read unless something
    went beyond column 32; any other range is scanned again."""
    with zipfile.ZipFile(tmp) as z:
        found = limits.excess(z.infolist())
        if found is None:
            if extent == (0, 0) and widest * limits.EXCEL_ROWS <= limits.MAX_CELLS:
                rows = cols = 0
            elif extent != (0, 0) and not extent.counted:
                rows, cols = extent[0], max(extent[1], widest)
            else:
                rows, cols = package.extent(z, part, str(dst))
            if rows * cols > limits.MAX_CELLS:
                found = "cells", part, rows * cols, limits.MAX_CELLS
    if found:
        _too_large(dst, found[0], *found[2:])


def _info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    new._compresslevel = 1  # fast; the parts' bytes are what must not change, not their compression
    new.external_attr = info.external_attr
    return new


def _manifest_xml(manifest: dict) -> bytes:
    return sheetxml.kv_sheet([(k, manifest[k]) for k in FIELDS])


def _register(name: str, xml: bytes) -> bytes:
    """Add the hidden manifest sheet to the content types, the workbook and its relationships."""
    if name == "[Content_Types].xml":
        over = f'<Override PartName="/{MANIFEST_PART}" ContentType="{CT_SHEET}"/>'.encode()
        return xml.replace(b"</Types>", over + b"</Types>")
    if name == "xl/_rels/workbook.xml.rels":
        rel = f'<Relationship Id="rIdDonorGuard" Type="{REL_SHEET}" Target="/{MANIFEST_PART}"/>'.encode()
        return xml.replace(b"</Relationships>", rel + b"</Relationships>")
    ids = [int(i) for i in re.findall(rb'<sheet\b[^>]*?\bsheetId="(\d+)"', xml)]
    el = (f'<sheet xmlns:dgr="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
          f'name="{MANIFEST_SHEET}" sheetId="{max(ids, default=0) + 1}" state="hidden" dgr:id="rIdDonorGuard"/>')
    return xml.replace(b"</sheets>", el.encode() + b"</sheets>", 1)
