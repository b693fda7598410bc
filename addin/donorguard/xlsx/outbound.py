"""Export, the file part: write every destination's file into a temporary folder, read each back and
check it against the values the check verified against the seals, then move the folder into place in
one step, with a receipt."""
import csv
import io
import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .. import __version__
from ..core import export
from ..core.errors import ExportVerifyFailed
from ..store.fsio import sha256_file, umask
from ..store.stamp import now


def _file_name(pattern: str, dest: str, rules_name: str, stamp: str, fmt: str) -> str:
    name = pattern.format(destination=dest, rules=rules_name, date=stamp[:8])
    name = "".join(ch for ch in name if ch not in '\\/:*?"<>|')
    return f"{name}.{fmt}"


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
    if fmt == "csv":
        path.write_bytes(csv_text(values).encode(encoding))
    else:
        import openpyxl  # only .xlsx exports pay for it
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("list")
        ws.append(values.column_names)
        for row in zip(*(col.to_pylist() for col in values.columns)):
            ws.append(list(row))
        wb.save(path)


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
    """The export folder (created whole or not at all) and its receipt."""
    m, rules = book.manifest, book.rules
    fmt = fmt or rules.export["format"]
    encoding = encoding or rules.export["encoding"]
    batches = export.batches(book.table, report, m)
    checked = export.rules_of(m)
    to = Path(to)
    to.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    final = to / f"donorguard-export-{stamp}"
    n = 1
    while final.exists():
        n += 1
        final = to / f"donorguard-export-{stamp}-{n}"
    tmp = Path(tempfile.mkdtemp(dir=to, prefix=".donorguard-export-"))
    try:
        name, day = rules.export["file_name"], stamp.replace("-", "")
        paths = [tmp / _file_name(name, b.destination, rules.name, day, fmt) for b in batches]
        for b, p in zip(batches, paths):
            _write(b.values, p, fmt, encoding)
        back = [_read_back(p, fmt, encoding) for p in paths]
        bad = export.verify(batches, back, book.table, report, checked)
        if bad is not None:
            raise ExportVerifyFailed(file=paths[bad].name)
        files = [{"file": p.name, "destination": b.destination, "rows": len(b.positions), "sha256": sha256_file(p)}
                 for b, p in zip(batches, paths)]
        receipt = {"created_at": now(), "workbook": os.path.basename(book.path),
                   "workbook_sha256": workbook_sha256, "rules": rules.name, "key_id": key.id,
                   "tool_version": __version__, "format": fmt, "encoding": encoding if fmt == "csv" else None,
                   "rows": sum(f["rows"] for f in files), "files": files}
        (tmp / "receipt.json").write_text(json.dumps(receipt, ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o777 & ~umask())
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final, receipt

