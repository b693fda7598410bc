"""The live guard: right after staff sort, paste or fill several rows of a sealed list, say at once if values
now sit in other people's rows, while Excel's undo may still bring them back.

Two halves. The filter (`should_check`) decides, in the add-in's VBA and without Python, which changes are
worth a check; it is written here too, with the same inputs, so that tests can sweep it and hold the VBA
(addin/vba/DonorGuardLive.bas, run in LibreOffice) to it. The check itself (`explain`, called by
donorguard.excel.on_change) reads the list, runs the core's read-only check and words a dialog only when
something is separated; nothing is written to the workbook (a write would clear Excel's undo list).
"""
import hashlib
import os
import re

from ..core.codes import Kind
from ..store import places
from ..store.fsio import lock, write_atomic
from ..text import t
from . import report_sheet

LAST_ROW, LAST_COL = 1048576, 16384
_CELL = re.compile(r"^([A-Z]{0,3})([0-9]{0,7})$")


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _cell(ref: str, row: int, col: int):
    """"C9" -> (9, 3); "7" (whole row) -> (7, col); "H" (whole column) -> (row, 8); None if not a reference."""
    m = _CELL.match(ref.strip().upper())
    if not m or not (m.group(1) or m.group(2)):
        return None
    return (int(m.group(2)) if m.group(2) else row), (column_number(m.group(1)) if m.group(1) else col)


def area_bounds(area: str):
    """(r1, r2, c1, c2) of one area as Range.Address writes it ("$A$1:$C$9", "$B$4", "$3:$7", "$H:$K")."""
    area = area.replace("$", "")
    area = area[area.rfind("!") + 1:]
    a, _, b = area.partition(":")
    first, last = _cell(a, 1, 1), _cell(b or a, LAST_ROW, LAST_COL)
    if first is None or last is None:
        return None
    (r1, c1), (r2, c2) = first, last
    return min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)


def should_check(has_manifest: bool, own_write: bool, address: str, first_row: int, bound,
                 seal_col: int = 0) -> bool:
    """Whether a change of `address` calls Python: the list's sheet of a sealed workbook, not DonorGuard's own
    write, and its areas that are not whole rows, not whole sealed rows (every bound column and the seal
    column) and meet a bound column or the seal column span two or more rows from `first_row` down. Typing
    into one cell never does. The VBA's DonorGuardLive.ShouldCheck is the same rule (bound there as ",3,5,8,")."""
    bound = sorted(set(bound))
    if not has_manifest or own_write or not bound:
        return False
    rows = 0
    for area in address.split(","):
        got = area_bounds(area)
        if got is None:
            continue
        r1, r2, c1, c2 = got
        whole_rows = c1 == 1 and c2 == LAST_COL
        meets = any(c1 <= b <= c2 for b in bound) or (seal_col > 0 and c1 <= seal_col <= c2)
        sealed_rows = c1 <= seal_col <= c2 and all(c1 <= b <= c2 for b in bound)
        if whole_rows or not meets or sealed_rows:
            continue
        rows += max(0, r2 - max(r1, first_row) + 1)
        if rows >= 2:
            return True
    return False


def enabled() -> bool:
    """On unless DONORGUARD_LIVE_GUARD says off (IT can switch it off; the add-in reads the same)."""
    return os.environ.get("DONORGUARD_LIVE_GUARD", "on").strip().lower() not in ("off", "false", "0")


def _moved(findings):
    """Findings of values sitting in other people's rows: separated values, and IDs copied over other rows'
    (fill-down, a pasted copy); a whole row copied is a duplicate of its own, not a separation."""
    kind = findings["kind"]
    return findings[(kind == Kind.SEPARATED) | ((kind == Kind.DUPLICATE) & (findings["columns"].map(len) > 0))]


def separated(report) -> bool:
    return bool(len(_moved(report.findings)))


def dialog(report, lang: str) -> str | None:
    """What staff read right after the change, or None when no value sits in another person's row."""
    if not separated(report):
        return None
    T = t(lang)["excel"]
    return "\n\n".join([T["live_head"], report_sheet.summary(report, lang), T["live_next"]])


def _digest(report) -> str:
    f = _moved(report.findings)
    text = ";".join(f"{r}:{','.join(c)}:{b}" for r, c, b in zip(f["row"], f["columns"], f["belongs_at_row"]))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _state_file(book) -> str:
    try:
        name = str(book.fullname or book.name)
    except Exception:
        name = str(book.name)
    h = hashlib.sha256(name.casefold().encode("utf-8")).hexdigest()[:16]
    return str(places.runtime_dir() / f"live-{h}.txt")


class Once:
    """One check of a workbook at a time (a second one, e.g. on a Mac where RunPython does not wait, returns at
    once), and the same separation is explained only once: staff who chose to go on are not asked again
    after every later edit. Kept in the user's runtime folder, never in the workbook."""

    def __init__(self, book):
        self.path = _state_file(book)

    def __enter__(self):
        self._lock = lock(self.path, timeout=0)
        self._lock.__enter__()      # Busy when another check of this workbook runs
        return self

    def __exit__(self, *exc):
        return self._lock.__exit__(*exc)

    def new(self, report) -> bool:
        digest = _digest(report) if separated(report) else ""
        try:
            with open(self.path, encoding="ascii") as f:
                seen = f.read().strip()
        except OSError:
            seen = ""
        if digest != seen:
            write_atomic(self.path, digest.encode("ascii"))
        return bool(digest) and digest != seen
