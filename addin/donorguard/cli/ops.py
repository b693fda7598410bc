"""DonorGuard's operations on workbook files: read, call the core, write atomically, log.

The CLI and the demo call these; they never compute a seal themselves.
"""
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from ..core import approve as approve_core, repair as repair_core
from ..core.check import check
from ..core.errors import AlreadySealed, ExportBlocked, NotAWorkbook, NotSealed, TooWide
from ..core.seal import pad_zeros, seal
from ..store import audit, keys
from ..store.fsio import atomic_write, lock, sha256_file
from ..store.stamp import stamp
from ..xlsx import outbound
from ..xlsx.read import open_book
from ..xlsx.write import write_edits, write_seals

MAX_COLUMN = 16384  # XFD: Excel has no column beyond it


def _key(book, explicit, create=False, notice=None):
    return keys.find(explicit, book.rules.key_file, create_default=create, notice=notice)


def seal_file(path, rules, key_file=None, notice=None, pad=False):
    """Seal in place. pad: first write back the leading zeros fixed-length numbers lost when typed as numbers
    (in the same atomic write). Returns (book, manifest, key, cells padded as (Excel row, column))."""
    with lock(path):
        book = open_book(path, rules, formulas=True)
        if book.manifest is not None:
            raise AlreadySealed(path=str(path))
        if book.seal_col > MAX_COLUMN:
            raise TooWide(path=str(path))
        key = _key(book, key_file, create=True, notice=notice)
        texts = pad_zeros(book.table, book.rules) if pad else []
        table = book.table
        if texts:
            values = table.values.copy()
            for q, c, text in texts:
                values.at[q, c] = text
            table = replace(table, values=values)
        seals, m = seal(table, book.rules, key, book.sheet, book.header_row, stamp=stamp(), book=str(path))
        before = sha256_file(path)
        write_seals(book, dict(enumerate(seals)), m, path, texts)
        audit.record("seal", rules=book.rules, key=key, workbook=os.path.basename(path),
                     workbook_sha256_before=before, workbook_sha256=sha256_file(path), rows=len(book.table),
                     key_id=key.id, cells_padded=len(texts))
        return book, m, key, [(int(book.table.rows[q]), c) for q, c, _ in texts]


def check_file(path, rules, key_file=None, lang="ja"):
    book = open_book(path, rules)
    if book.manifest is None:
        raise NotSealed(path=str(path))
    key = _key(book, key_file)
    return book, check(book.table, book.manifest, key, str(path), lang), key


@dataclass(frozen=True)
class Repaired:
    before: object          # the check's Report of the list
    after: object           # the check's Report of the repaired copy
    reentry: object         # cells to re-enter (repair.reentry)
    seals: int              # seal cells moved back beside their rows
    left: list              # Excel rows left alone (columns moved as equal halves)

    @property
    def cells(self) -> int:
        """Cells put back, seals aside (moves, unbound cells included, and lost zeros written back)."""
        return len(self.before.plan.moves) + len(self.before.plan.set_text) - self.seals


def repair_file(path, out, rules, key_file=None, lang="ja") -> Repaired:
    """Write the repaired copy to `out`."""
    if Path(out).resolve() == Path(path).resolve():
        raise NotAWorkbook(path=str(out), why="repair writes a copy: give another --out file")
    book, before, key = check_file(path, rules, key_file, lang)
    edits = repair_core.edits(before, book.table.rows)
    with lock(out):
        if edits:
            write_edits(book, edits, out)
        else:
            with atomic_write(out) as tmp:
                shutil.copyfile(path, tmp)
    _, after, _ = check_file(out, rules, key_file, lang)
    audit.record("repair", rules=book.rules, key=key, workbook=os.path.basename(path),
                 workbook_sha256=sha256_file(path), out_sha256=sha256_file(out),
                 cells_written=len(edits), findings_before=len(before.findings), findings_after=len(after.findings))
    rows = book.table.rows
    return Repaired(before, after, repair_core.reentry(before, rows),
                    repair_core.seals_moved(before, book.table.layout.seal), repair_core.left(before, rows))


def approve_file(path, rows, reason, rules, key_file=None, removed=(), lang="ja"):
    with lock(path):
        book, report, key = check_file(path, rules, key_file, lang)
        seals, m = approve_core.approve(book.table, book.manifest, key, report, rows, reason, list(removed),
                                        stamp=stamp())
        before = sha256_file(path)
        write_seals(book, seals, m, path)
        audit.record("approve", rules=book.rules, key=key, workbook=os.path.basename(path),
                     workbook_sha256_before=before, workbook_sha256=sha256_file(path),
                     rows_approved=len(seals), rows_removed=len(removed))
        return seals, m


def export_file(path, to, rules, key_file=None, fmt=None, encoding=None, lang="ja"):
    """(folder, receipt, report). A blocked list raises ExportBlocked with the report attached."""
    with lock(path):
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
