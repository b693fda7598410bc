"""DonorGuard's operations on workbook files: read, call the core, write atomically, log.

Every change is logged write-ahead (store/audit.action): the intent before the write that commits it, the
outcome after; an action whose intent cannot be logged is not carried out. The CLI and the demo call these;
they never compute a seal themselves.
"""
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..core import approve as approve_core, repair as repair_core
from ..core.check import check
from ..core.errors import (
    AlreadySealed,
    ExportBlocked,
    ExportRefused,
    MissingColumns,
    NotSealed,
    OpenInExcel,
    OutputExists,
    RepairInPlace,
    TooWide,
)
from ..core.seal import pad_zeros, seal
from ..store import audit, keys
from ..store.fsio import lock, sha256_file
from ..store.stamp import stamp
from ..xlsx import limits, outbound, readback
from ..xlsx.read import has_manifest, open_book
from ..xlsx.write import write_edits, write_seals


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


@dataclass(frozen=True)
class Sealed:
    book: object
    manifest: dict
    key: object
    notices: object         # a DataFrame of check.NOTICE_COLUMNS
    padded: list            # (Excel row, column) of cells whose lost leading zeros were written back

    def __iter__(self):     # book, manifest, key, notices = seal_file(...)
        return iter((self.book, self.manifest, self.key, self.notices))


def seal_file(path, rules, key_file=None, notice=None, lang="ja", waiting=None, pad=False) -> Sealed:
    """Sealed in place (a symlink's target; the link stays). pad: first write back the leading zeros that
    fixed-length numbers lost when typed as numbers (in the same atomic write)."""
    _closed(path)
    with lock(path, on_wait=waiting):
        book = open_book(path, rules, formulas=True)
        if book.manifest is not None:
            raise AlreadySealed(path=str(path))
        if book.seal_col > limits.EXCEL_COLUMNS:
            raise TooWide(path=str(path))
        key = _key(book, key_file, create=True, notice=notice)
        texts = pad_zeros(book.table, book.rules) if pad else []
        table = book.table
        if texts:
            values = table.values.copy()
            for q, c, text in texts:
                values.at[q, c] = text
            table = replace(table, values=values)
        seals, m, notices = seal(table, book.rules, key, book.sheet, book.header_row, stamp=stamp(), lang=lang,
                                 book=str(path))
        with audit.action("seal", rules=book.rules, key=key, workbook=os.path.basename(path),
                          workbook_sha256_before=sha256_file(path), rows=len(book.table), key_id=key.id,
                          cells_padded=len(texts)) as done:
            write_seals(book, dict(enumerate(seals)), m, path, texts)
            done.committed = True
            done.update(workbook_sha256=sha256_file(path))
        return Sealed(book, m, key, notices, [(int(book.table.rows[q]), c) for q, c, _ in texts])


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


@dataclass(frozen=True)
class Repaired:
    before: object          # the check's Report of the list
    after: object           # the check's Report of the repaired copy; None when nothing was put back (no copy)
    reentry: object         # cells to re-enter (repair.reentry)
    seals: int = 0          # seal cells moved back beside their rows
    left: list = ()         # Excel rows left alone (columns moved as equal halves)

    def __iter__(self):     # before, after, reentry = repair_file(...)
        return iter((self.before, self.after, self.reentry))

    @property
    def cells(self) -> int:
        """Cells put back, seals aside (moves, unbound cells included, and lost zeros written back)."""
        return len(self.before.plan.moves) + len(self.before.plan.set_text) - self.seals


def repair_file(path, out, rules, key_file=None, lang="ja", force=False, waiting=None) -> Repaired:
    """Write the repaired copy to `out` (an existing file only with `force`). With nothing to put back nothing
    is written and the copy's report is None. One read and one check of the list; the copy is checked from
    what was written (xlsx/readback.py), which gives the report a fresh check of the copy gives (check_file(out)
    is the reference)."""
    if Path(out).resolve() == Path(path).resolve():
        raise RepairInPlace(path=str(out))
    _closed(path)
    if not force and os.path.lexists(out):
        raise OutputExists(path=str(out))
    book, before, key = check_file(path, rules, key_file, lang)
    edits = repair_core.edits(before, book.table.rows)
    rows = book.table.rows
    left = repair_core.left(before, rows)
    if not edits:
        return Repaired(before, None, repair_core.reentry(before, rows), 0, left)
    with lock(out, on_wait=waiting):
        if not force and os.path.lexists(out):               # made while this one was checking
            raise OutputExists(path=str(out))
        with audit.action("repair", rules=book.rules, key=key, workbook=os.path.basename(path),
                          workbook_sha256=sha256_file(path), out=os.path.basename(out), cells_written=len(edits),
                          findings_before=len(before.findings)) as done:
            written = write_edits(book, edits, out)
            done.committed = True
            table = readback.written_table(book, written, out)
            after = check(table, book.manifest, key, str(out), lang) if table is not None else \
                check_file(out, rules, key_file, lang)[1]
            done.update(out_sha256=sha256_file(out), findings_after=len(after.findings))
    return Repaired(before, after, repair_core.reentry(before, rows),
                    repair_core.seals_moved(before, book.table.layout.seal), left)


def approve_file(path, rows, reason, rules, key_file=None, removed=(), lang="ja", waiting=None):
    _closed(path)
    with lock(path, on_wait=waiting):
        book, report, key = check_file(path, rules, key_file, lang)
        seals, m = approve_core.approve(book.table, book.manifest, key, report, rows, reason, list(removed),
                                        stamp=stamp())
        with audit.action("approve", rules=book.rules, key=key, workbook=os.path.basename(path),
                          workbook_sha256_before=sha256_file(path), rows_approved=len(seals),
                          rows_removed=len(removed)) as done:
            write_seals(book, seals, m, path)
            done.committed = True
            done.update(workbook_sha256=sha256_file(path))
        return seals, m


def export_file(path, to, rules, key_file=None, fmt=None, encoding=None, lang="ja", waiting=None):
    """(folder, receipt, report). A blocked list raises ExportBlocked with the report attached; values that
    must not be sent raise ExportRefused. Both are logged (export_blocked), and nothing is written."""
    with lock(path, on_wait=waiting):
        book, report, key = check_file(path, rules, key_file, lang)
        sha = sha256_file(path)
        logged = dict(rules=book.rules, key=key, workbook=os.path.basename(path), workbook_sha256=sha)
        if not report.clean:
            audit.refusal("export_blocked", **logged, findings=len(report.findings))
            err = ExportBlocked()
            err.report = report
            raise err
        try:
            plan = outbound.prepare(book, report, fmt, encoding)
        except ExportRefused as e:
            audit.refusal("export_blocked", **logged, reason=e.details["reason"])
            raise
        with audit.action("export", **logged, to=str(to), files=len(plan.batches)) as done:
            folder, receipt = outbound.write(plan, key, to, sha)
            done.committed = True
            done.update(folder=str(folder), rows=receipt["rows"])
        return folder, receipt, report
