"""DonorGuard's operations on workbook files: read, call the core, write atomically, log.

The CLI and the demo call these; they never compute a seal themselves.
"""
import os
from pathlib import Path

from ..core import approve as approve_core, repair as repair_core
from ..core.check import check
from ..core.errors import AlreadySealed, ExportBlocked, MissingColumns, NotSealed, OpenInExcel, RepairInPlace, TooWide
from ..core.seal import seal
from ..store import audit, keys
from ..store.fsio import lock, sha256_file
from ..store.stamp import stamp
from ..xlsx import outbound
from ..xlsx.read import has_manifest, open_book
from ..xlsx.write import write_edits, write_seals

MAX_COLUMN = 16384  # XFD: Excel has no column beyond it


def opened_in_excel(path) -> bool:
    """Excel keeps an owner file "~$<name>" beside a workbook it has open."""
    p = Path(path)
    return p.with_name("~$" + p.name).exists()


def _closed(path):
    """Seal, approve and repair rewrite the file: not under the feet of an Excel that has it open."""
    if opened_in_excel(path):
        raise OpenInExcel(path=str(path))


def _key(book, explicit, create=False, notice=None):
    return keys.find(explicit, book.rules.key_file, create_default=create, notice=notice)


def seal_file(path, rules, key_file=None, notice=None, waiting=None):
    _closed(path)
    with lock(path, on_wait=waiting):
        book = open_book(path, rules)
        if book.manifest is not None:
            raise AlreadySealed(path=str(path))
        if book.seal_col > MAX_COLUMN:
            raise TooWide(path=str(path))
        key = _key(book, key_file, create=True, notice=notice)
        seals, m = seal(book.table, book.rules, key, book.sheet, book.header_row, stamp=stamp())
        before = sha256_file(path)
        write_seals(book, dict(enumerate(seals)), m, path)
        audit.record("seal", rules=book.rules, key=key, workbook=os.path.basename(path),
                     workbook_sha256_before=before, workbook_sha256=sha256_file(path), rows=len(book.table),
                     key_id=key.id)
        return book, m, key


def check_file(path, rules, key_file=None, lang="ja"):
    try:
        book = open_book(path, rules)
    except MissingColumns:
        if not has_manifest(path):           # say first what matters first: it was never sealed
            raise NotSealed(path=str(path)) from None
        raise
    if book.manifest is None:
        raise NotSealed(path=str(path))
    key = _key(book, key_file)
    return book, check(book.table, book.manifest, key, str(path), lang), key


def repair_file(path, out, rules, key_file=None, lang="ja", waiting=None):
    """Write the repaired copy to `out`; returns (report before, report of the copy, re-entry table). With
    nothing to put back nothing is written and the copy's report is None."""
    if Path(out).resolve() == Path(path).resolve():
        raise RepairInPlace(path=str(out))
    _closed(path)
    book, before, key = check_file(path, rules, key_file, lang)
    edits = repair_core.edits(before, book.table.rows)
    if not edits:
        return before, None, repair_core.reentry(before, book.table.rows)
    with lock(out, on_wait=waiting):
        write_edits(book, edits, out)
    _, after, _ = check_file(out, rules, key_file, lang)
    audit.record("repair", rules=book.rules, key=key, workbook=os.path.basename(path),
                 workbook_sha256=sha256_file(path), out_sha256=sha256_file(out),
                 cells_written=len(edits), findings_before=len(before.findings), findings_after=len(after.findings))
    return before, after, repair_core.reentry(before, book.table.rows)


def approve_file(path, rows, reason, rules, key_file=None, removed=(), lang="ja", waiting=None):
    _closed(path)
    with lock(path, on_wait=waiting):
        book, report, key = check_file(path, rules, key_file, lang)
        seals, m = approve_core.approve(book.table, book.manifest, key, report, rows, reason, list(removed),
                                        stamp=stamp())
        before = sha256_file(path)
        write_seals(book, seals, m, path)
        audit.record("approve", rules=book.rules, key=key, workbook=os.path.basename(path),
                     workbook_sha256_before=before, workbook_sha256=sha256_file(path),
                     rows_approved=len(seals), rows_removed=len(removed))
        return seals, m


def export_file(path, to, rules, key_file=None, fmt=None, encoding=None, lang="ja", waiting=None):
    """(folder, receipt, report). A blocked list raises ExportBlocked with the report attached."""
    with lock(path, on_wait=waiting):
        book, report, key = check_file(path, rules, key_file, lang)
        sha = sha256_file(path)
        if not report.clean:
            audit.record("export_blocked", rules=book.rules, key=key, workbook=os.path.basename(path),
                         workbook_sha256=sha, findings=len(report.findings))
            err = ExportBlocked()
            err.report = report
            raise err
        folder, receipt = outbound.write_all(book, report, key, to, fmt, encoding, sha)
        audit.record("export", rules=book.rules, key=key, workbook=os.path.basename(path), workbook_sha256=sha,
                     folder=str(folder), files=len(receipt["files"]), rows=receipt["rows"])
        return folder, receipt, report
