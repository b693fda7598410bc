"""Write seals, repairs and the manifest into an .xlsx: only the sheet XML DonorGuard touches is
rewritten (and an Excel Table around the list, widened to take in the seal column); every other part is
copied unchanged. Always to a temporary file, then replaced."""
import re
import shutil
import zipfile

from ..core.manifest import FIELDS, SEAL_HEADER, SHEET as MANIFEST_SHEET
from ..store.fsio import atomic_write
from . import package, sheetxml, tables
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

    def sheet(xml):
        old = sheetxml.column_cells(xml, {book.columns[c] for _, c, _ in texts}) if texts else {}
        for q, c, text in texts:
            r, j = int(rows[q]), book.columns[c]
            ref = f"{sheetxml.col_letter(j)}{r}"
            edits.setdefault(r, {})[j] = sheetxml.inline_cell(ref, text, sheetxml.style_of(old.get((r, j), b"")))
        return sheetxml.patch_rows(xml, edits, lambda head: sheetxml.widen_dimension(
            sheetxml.hide_column(head, col), col))
    widen = book.table_part if book.table_part and book.table_part.last_col + 1 == col else None
    _rewrite(book, dst, sheet, manifest, widen)


def write_edits(book: Book, edits: list, dst, manifest: dict | None = None) -> None:
    """Repair edits (move / set / clear) applied all at once from the cells as they were. A column is a
    bound column's name or an Excel column number (the seal column, unbound columns)."""
    def where(column):
        c = book.columns[column] if isinstance(column, str) else int(column)
        return c, sheetxml.col_letter(c)

    def sheet(xml):
        srcs = sheetxml.column_cells(xml, {where(e.column)[0] for e in edits})
        changes = {}
        for e in edits:
            c, letter = where(e.column)
            ref = f"{letter}{e.row}"
            old = srcs.get((e.row, c), b"")
            if e.op == "move":
                src = srcs.get((e.src_row, c))
                new = sheetxml.moved_cell(src, ref) if src else f'<c r="{ref}"/>'.encode()
            elif e.op == "set":
                new = sheetxml.inline_cell(ref, e.text, sheetxml.style_of(old))
            else:
                new = b'<c r="' + ref.encode() + b'"' + sheetxml.style_of(old) + b"/>"
            changes.setdefault(e.row, {})[c] = new
        return sheetxml.patch_rows(xml, changes)
    _rewrite(book, dst, sheet, manifest)


def _rewrite(book: Book, dst, sheet_fn, manifest, widen=None) -> None:
    existing = book.sheet_parts.get(MANIFEST_SHEET, (None,))[0]
    with atomic_write(dst) as tmp:
        with package.open_zip(book.path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                name = info.filename
                if name == book.part:
                    data = sheet_fn(zin.read(name))
                elif widen is not None and name == widen.part:
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
