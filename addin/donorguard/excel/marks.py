"""Colouring the cells a check flags, and giving staff their own fills back.

Before DonorGuard first colours a cell it reads the cell's fill and remembers it in a hidden sheet
(one row per rectangle of cells sharing an original and a mark). A cell that is no longer flagged
gets exactly that fill back; cells DonorGuard never coloured are never touched. A cell staff
re-coloured while it was flagged keeps their new colour (where the engine can read fills).

Only the fill colour is remembered: a pattern or gradient fill comes back as its plain colour.
"""
from ..core.codes import Kind
from .host import UNKNOWN, rectangles
from .workbook import MARKS_SHEET, add_sheet, find_sheet, raw_rows, text_of

CELL = "#ff9999"     # a value in the wrong row, changed, or an invalid number
ROW = "#ffd966"      # a whole row: added after sealing, a duplicate, a tampered seal
ROW_KINDS = {Kind.UNSEALED, Kind.DUPLICATE, Kind.TAMPERED}
HEAD = ["DonorGuard marks v1", None, None, None, None, None, None]
COLS = ["sheet", "first_row", "last_row", "first_col", "last_col", "original", "mark"]


def targets(report, view) -> dict:
    """{(row, col): mark colour} for a check's findings: the flagged cells, or the list's width of
    the row for unsealed, duplicate and tampered rows (and findings that name no column)."""
    out = {}
    c1, c2 = view.span
    cols = view.columns
    for f in report.findings.itertuples(index=False):
        if f.row is None or f.row != f.row:
            continue
        r = int(f.row)
        named = [cols[c] for c in (f.columns or []) if c in cols]
        if f.kind in ROW_KINDS or not named:
            for c in range(c1, c2 + 1):
                out.setdefault((r, c), ROW)
        else:
            for c in named:
                out[(r, c)] = CELL
    return out


def _decode(v):
    t = text_of(v)
    return None if t is None else UNKNOWN if t == UNKNOWN else t


def load(book) -> tuple:
    """({(sheet name, row, col): (original, mark)}, rows used in the marks sheet)."""
    sheet = find_sheet(book, MARKS_SHEET)
    if sheet is None:
        return {}, 0
    rows = raw_rows(sheet.used_range)
    out = {}
    for row in rows[2:]:
        if len(row) < 7 or text_of(row[0]) is None:
            continue
        try:
            r1, r2, c1, c2 = (int(float(x)) for x in row[1:5])
        except (TypeError, ValueError):
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(text_of(row[0]), r, c)] = (_decode(row[5]), _decode(row[6]))
    return out, len(rows)


def save(book, memory: dict, used: int):
    """Rewrite the marks sheet in one write (blank rows erase what was there before)."""
    sheet = find_sheet(book, MARKS_SHEET)
    if sheet is None and not memory:
        return
    groups = {}
    for (name, r, c), (orig, mark) in memory.items():
        groups.setdefault((name, orig, mark), []).append((r, c))
    body = []
    for (name, orig, mark), cells in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), kv[0][2])):
        for r1, r2, c1, c2 in rectangles(cells):
            body.append(["'" + name, r1, r2, c1, c2, "'" + (orig or ""), "'" + mark])
    rows = [HEAD, COLS] + body
    rows += [[None] * 7] * max(0, used - len(rows))
    if sheet is None:
        sheet = add_sheet(book, MARKS_SHEET, hidden=True)
    sheet.range((1, 1), (len(rows), 7)).value = rows


def update(view, host, wanted: dict):
    """Make the list's colours say what the check found: restore cells no longer flagged, remember and
    paint newly flagged ones. Returns (painted, restored) cell counts."""
    memory, used = load(view.book)
    name = view.name
    old = {(r, c): v for (s, r, c), v in memory.items() if s == name}
    restore = {cell: orig for cell, (orig, mark) in old.items() if cell not in wanted}
    if restore and host.reads_fills:
        now = host.fills(view.sheet, list(restore))
        restore = {cell: orig for cell, orig in restore.items()
                   if now.get(cell, UNKNOWN) in (UNKNOWN, old[cell][1])}  # staff re-coloured it: theirs
    fresh = [cell for cell in wanted if cell not in old]
    originals = host.fills(view.sheet, fresh) if fresh else {}
    paint = {cell: mark for cell, mark in wanted.items() if cell not in old or old[cell][1] != mark}
    if restore:
        host.paint(view.sheet, {cell: (None if orig == UNKNOWN else orig) for cell, orig in restore.items()})
    if paint:
        host.paint(view.sheet, paint)
    kept = {k: v for k, v in memory.items() if k[0] != name}
    for cell, mark in wanted.items():
        orig = old[cell][0] if cell in old else originals.get(cell, UNKNOWN)
        kept[(name, *cell)] = (orig, mark)
    if kept != memory:
        save(view.book, kept, used)
    return len(paint), len(restore)
