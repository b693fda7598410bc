"""Export, the file part: write every destination's file into a temporary folder, read each back and
check it against the seals, then move the folder into place in one step, with a receipt."""
import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import fastexcel
import pandas as pd

from . import __version__, export
from .errors import ExportVerifyFailed
from .manifest import now


def _file_name(pattern: str, dest: str, rules_name: str, stamp: str, fmt: str) -> str:
    name = pattern.format(destination=dest, rules=rules_name, date=stamp[:8])
    name = "".join(ch for ch in name if ch not in '\\/:*?"<>|')
    return f"{name}.{fmt}"


def _write(frame: pd.DataFrame, path: Path, fmt: str, encoding: str):
    if fmt == "csv":
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(frame.columns)
        w.writerows(frame.itertuples(index=False, name=None))
        path.write_bytes(buf.getvalue().encode(encoding))
    else:
        import openpyxl  # only .xlsx exports pay for it
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("list")
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            ws.append(list(row))
        wb.save(path)


def _read_back(path: Path, fmt: str, encoding: str) -> pd.DataFrame:
    if fmt == "csv":
        text = path.read_bytes().decode(encoding)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    df = fastexcel.read_excel(str(path)).load_sheet(0, dtypes="string").to_pandas()
    return df.astype(object).where(df.notna(), "")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_all(book, report, key, to, fmt=None, encoding=None, workbook_sha256=""):
    """The export folder (created whole or not at all) and its receipt."""
    m, rules = book.manifest, book.rules
    fmt = fmt or rules.export["format"]
    encoding = encoding or rules.export["encoding"]
    batches = export.batches(book.table, report, m)
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
        files = []
        for b in batches:
            p = tmp / _file_name(rules.export["file_name"], b.destination, rules.name, stamp.replace("-", ""), fmt)
            _write(b.frame, p, fmt, encoding)
            if not export.verify(b, _read_back(p, fmt, encoding), book.table, m, key):
                raise ExportVerifyFailed(file=p.name)
            files.append({"file": p.name, "destination": b.destination, "rows": len(b.positions),
                          "sha256": sha256(p)})
        receipt = {"created_at": now(), "workbook": os.path.basename(book.path),
                   "workbook_sha256": workbook_sha256, "rules": rules.name, "key_id": key.id,
                   "tool_version": __version__, "format": fmt, "encoding": encoding if fmt == "csv" else None,
                   "rows": sum(f["rows"] for f in files), "files": files}
        (tmp / "receipt.json").write_text(json.dumps(receipt, ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o777 & ~_umask())
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final, receipt


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m
