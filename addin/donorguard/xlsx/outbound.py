"""Export, the file part: everything refused before anything is written (a blocked list, formula text,
characters the encoding cannot carry, unusable file names: prepare), then every destination's file written
into a temporary folder, read back and checked against the values the check verified against the seals,
and the folder moved into place in one step, with a receipt (write). Files and receipt are created 0600:
they hold My Numbers. A failure leaves no folder behind, not even the --to folder if this export made it."""
import csv
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .. import __version__
from ..core import export
from ..core.errors import ExportVerifyFailed
from ..core.rules import Rules
from ..store.fsio import create_private, sha256_file, umask
from ..store.stamp import now
from ..text.scrub import scrub
from . import package, sheetxml


@dataclass
class Plan:
    """An export found safe to write: its batches, file names and the rules it was checked under."""
    book: object
    report: object
    batches: list
    names: list
    checked: Rules
    fmt: str
    encoding: str
    stamp: str


def prepare(book, report, fmt=None, encoding=None) -> Plan:
    """Everything that can refuse an export, before anything is written: ExportBlocked (the list is not
    clean), ExportRefused (formula text; characters a CSV's encoding cannot carry; unusable file names)."""
    rules = book.rules
    fmt = fmt or rules.export["format"]
    encoding = encoding or rules.export["encoding"]
    batches = export.batches(book.table, report, book.manifest, encoding if fmt == "csv" else None)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    names = export.file_names(batches, rules, stamp.replace("-", "")[:8], fmt)
    return Plan(book, report, batches, names, export.rules_of(book.manifest), fmt, encoding, stamp)


def _large(s: str) -> pa.Scalar:
    return pa.scalar(s, pa.large_string())


def _csv_field(col: pa.Array, alone: bool) -> pa.Array:
    """A column's fields as csv.writer (QUOTE_MINIMAL, CRLF) writes them: a field holding a comma, a
    double quote, CR or LF in double quotes with its quotes doubled; a row of one empty field as ""."""
    needs = pc.match_substring_regex(col, '[,"\r\n]')
    if pc.any(needs).as_py():
        quoted = pc.binary_join_element_wise(_large('"'), pc.replace_substring(col, '"', '""'), _large('"'),
                                             _large(""))
        col = pc.if_else(needs, quoted, col)
    if alone:
        col = pc.if_else(pc.equal(col, ""), _large('""'), col)
    return col


def csv_text(values: pa.Table) -> str:
    """The CSV text of a table of strings, exactly as csv.writer(lineterminator="\r\n") writes it, in
    one vectorised pass."""
    head = io.StringIO(newline="")
    csv.writer(head, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(values.column_names)
    if not values.num_rows:
        return head.getvalue()
    fields = [_csv_field(col.combine_chunks(), values.num_columns == 1) for col in values.columns]
    lines = pc.binary_join_element_wise(*fields, _large(",")) if len(fields) > 1 else fields[0]
    return head.getvalue() + "\r\n".join(lines.to_pylist()) + "\r\n"


def _write(values: pa.Table, path: Path, fmt: str, encoding: str):
    """One destination's file, created 0600. Text is written as text: a CSV field as it is (safety.py made
    sure none begins like a formula), an .xlsx cell as an inline string (never a formula)."""
    with create_private(path) as f:
        if fmt == "csv":
            f.write(csv_text(values).encode(encoding))
        else:
            _xlsx(values, f)


_CT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
       b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
       b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       b'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
       b'openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
_MAIN, _REL = package.NS_MAIN.encode(), package.NS_REL.encode()
_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
         b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="' + _REL +
         b'/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="' + _MAIN +
         b'" xmlns:r="' + _REL + b'"><sheets><sheet name="list" sheetId="1" r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
              b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="' + _REL +
              b'/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="' + _REL +
              b'/styles" Target="styles.xml"/></Relationships>')
# style 1: the Text number format (@), so a cell edited in Excel stays text (an ID keeps its leading zero)
_STYLES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="' + _MAIN +
           b'"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill>'
           b'<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
           b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           b'<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" '
           b'fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1">'
           b'<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_NOT_XML = "[\\x00-\\x08\\x0b-\\x1f\\x{FFFE}\\x{FFFF}]"          # RE2 (Arrow); CR is in it
_NOT_XML_PY = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _xml_text(col: pa.Array) -> pa.Array:
    """Cell texts escaped for XML, as Excel writes them: & < > as entities; characters XML cannot hold (and
    CR, which XML turns into LF) as _xHHHH_, and text a reader would take for one (sheetxml.escape_underscores)
    with its "_" written _x005F_ (readers undo both)."""
    for ch, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        col = pc.replace_substring(col, ch, entity)
    like = pc.match_substring_regex(col, sheetxml.ESCAPE_LIKE)        # few: escaped as the seals are
    if pc.any(like).as_py():
        fixed = [sheetxml.escape_underscores(v) for v in col.filter(like).to_pylist()]
        col = pc.replace_with_mask(col, like, pa.array(fixed, pa.large_string()))
    odd = pc.match_substring_regex(col, _NOT_XML)
    if pc.any(odd).as_py():
        fixed = [re.sub(_NOT_XML_PY, lambda m: f"_x{ord(m.group()):04X}_", v) for v in col.filter(odd).to_pylist()]
        col = pc.replace_with_mask(col, odd, pa.array(fixed, pa.large_string()))
    return col


def _xlsx(values: pa.Table, f) -> None:
    """A one-sheet workbook of inline-string cells, header in row 1, built column-wise with Arrow."""
    rows = pa.array([str(r) for r in range(2, values.num_rows + 2)], pa.large_string())
    cells = []
    for j, col in enumerate(values.columns, start=1):
        col = col.combine_chunks()
        cell = pc.binary_join_element_wise(_large(f'<c r="{sheetxml.col_letter(j)}'), rows,
                                           _large('" s="1" t="inlineStr"><is><t xml:space="preserve">'),
                                           _xml_text(col), _large("</t></is></c>"), _large(""))
        cells.append(pc.if_else(pc.equal(col, ""), _large(""), cell))
    body = pc.binary_join_element_wise(_large('<row r="'), rows, _large('">'), *cells, _large("</row>"), _large("")) \
        if values.num_rows else pa.array([], pa.large_string())
    head = b"".join(sheetxml.inline_cell(f"{sheetxml.col_letter(j)}1", n, b' s="1"')
                    for j, n in enumerate(values.column_names, start=1))
    last = f"{sheetxml.col_letter(max(values.num_columns, 1))}{values.num_rows + 1}"
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="' + _MAIN +
             f'"><dimension ref="A1:{last}"/><sheetData><row r="1">'.encode() + head + b"</row>" +
             "".join(body.to_pylist()).encode() + b"</sheetData></worksheet>")
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _BOOK),
                           ("xl/_rels/workbook.xml.rels", _BOOK_RELS), ("xl/styles.xml", _STYLES),
                           ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def _read_back(path: Path, fmt: str, encoding: str) -> pa.Table:
    """A written file as a table of strings (blank cells ""), read by standard readers: the text decoded
    by Python's codec, its header by Python's csv module, its records by Arrow's CSV parser."""
    if fmt == "csv":
        text = path.read_bytes().decode(encoding)
        head = next(csv.reader(io.StringIO(text, newline="")), [])
        names = [f"c{j}" for j in range(len(head))]
        try:
            body = pa_csv.read_csv(
                io.BytesIO(text.encode()), read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
                parse_options=pa_csv.ParseOptions(newlines_in_values=True),
                convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.large_string()),
                                                      strings_can_be_null=False))
        except pa.ArrowInvalid:
            return pa.table({})  # ragged: fails the check
        return pa.Table.from_arrays(body.columns, names=head)
    sheet = fastexcel.read_excel(str(path)).load_sheet(0, dtypes="string").to_arrow()
    return pa.Table.from_arrays([pc.fill_null(c.cast(pa.large_string()), "") for c in sheet.columns],
                                names=sheet.schema.names)


def write_all(book, report, key, to, fmt=None, encoding=None, workbook_sha256=""):
    """prepare, then write: the export folder (created whole or not at all) and its receipt."""
    return write(prepare(book, report, fmt, encoding), key, to, workbook_sha256)


def write(plan: Plan, key, to, workbook_sha256=""):
    """The export folder (created whole or not at all) and its receipt. A file that cannot be written (a
    full disk) is reported as an OSError naming the --to folder, and leaves no folder behind."""
    to = Path(to)
    made, tmp, done = _folders(to), None, False
    try:
        to.mkdir(parents=True, exist_ok=True)
        final = to / f"donorguard-export-{plan.stamp}"
        n = 1
        while final.exists():
            n += 1
            final = to / f"donorguard-export-{plan.stamp}-{n}"
        tmp = Path(tempfile.mkdtemp(dir=to, prefix=".donorguard-export-"))
        receipt = _write_set(plan, key, tmp, workbook_sha256)
        os.chmod(tmp, 0o777 & ~umask())
        os.replace(tmp, final)
        done = True
    except OSError as e:
        if e.filename is None or (tmp is not None and str(e.filename).startswith(str(tmp))):
            e.filename = str(to)
        raise
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if not done:
            _remove_empty(made)
    return final, receipt


def _write_set(plan: Plan, key, tmp: Path, workbook_sha256: str) -> dict:
    """Every file and the receipt, into `tmp`; raises ExportVerifyFailed if one does not read back as checked."""
    paths = [tmp / name for name in plan.names]
    for b, p in zip(plan.batches, paths):
        _write(b.values, p, plan.fmt, plan.encoding)
    back = [_read_back(p, plan.fmt, plan.encoding) for p in paths]
    bad = export.verify(plan.batches, back, plan.book.table, plan.report, plan.checked)
    if bad is not None:
        raise ExportVerifyFailed(file=paths[bad].name)
    files = [{"file": p.name, "destination": scrub(b.destination), "rows": len(b.positions), "sha256": sha256_file(p)}
             for b, p in zip(plan.batches, paths)]
    receipt = {"created_at": now(), "workbook": scrub(os.path.basename(plan.book.path)),
               "workbook_sha256": workbook_sha256, "rules": plan.book.rules.name, "key_id": key.id,
               "tool_version": __version__, "format": plan.fmt,
               "encoding": plan.encoding if plan.fmt == "csv" else None, "rows": sum(f["rows"] for f in files),
               "files": files}
    with create_private(tmp / "receipt.json") as f:
        f.write(json.dumps(receipt, ensure_ascii=False, indent=2).encode("utf-8"))
    return receipt


def _folders(to: Path) -> list:
    """The folders `to` needs that do not exist yet, deepest first."""
    out = []
    for p in (to, *to.parents):
        if p.exists():
            break
        out.append(p)
    return out


def _remove_empty(folders: list) -> None:
    for p in folders:
        try:
            p.rmdir()
        except OSError:
            return
