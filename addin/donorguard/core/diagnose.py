"""Group findings into likely causes: a column sorted alone, a shifted paste, a paste into hidden rows, copies
written over other values, edits, added, duplicated or removed rows, stale or tampered seals, columns moved as
equal halves. One row per cause. Reads only the check's Evidence."""
import numpy as np
import pandas as pd

from ..text.messages import Messages
from .codes import Cause, Kind, Message
from .evidence import Evidence

COLUMNS = ["cause", "rows", "columns", "shift", "message"]


def _monotone(values: list) -> bool:
    vals = [v for v in values if v != ""]
    if len(vals) < 3:
        return False
    if all(v.isdigit() for v in vals):
        vals = [int(v) for v in vals]
    up = all(a <= b for a, b in zip(vals, vals[1:]))
    down = all(a >= b for a, b in zip(vals, vals[1:]))
    return up or down


def _groups(moved: dict) -> list:
    """Columns whose misplaced cells sit in (nearly) the same rows moved together."""
    groups = []
    for c in sorted(moved, key=lambda c: -len(moved[c])):
        a = moved[c]
        for g in groups:
            b = g["rows"]
            if a <= b or len(a & b) / len(a | b) >= 0.5:
                g["cols"].append(c)
                break
        else:
            groups.append({"cols": [c], "rows": set(a)})
    return groups


def _shift(ev: Evidence, cells, moving, cols):
    """(shift in Excel rows, cells explained) when the group's cells read like one block pasted k rows away:
    each holds, by tag, the value sealed k rows above (or below), or was emptied by a cut. Cells are (position,
    column) pairs encoded as one integer (see _cell_keys)."""
    rows, n, ncols = ev.rows, len(ev.rows), len(ev.columns)
    mine = cells[cells["col"].isin(cols)]
    ours = moving[moving["col"].isin(cols)]
    group = _cell_keys(ev, ours["pos"], ours["col"])
    p, d = ours["pos"].to_numpy(), ours["dst"].to_numpy()
    diffs = (p - d)[(p != d) & (d >= 0)]
    ks, first, counts = np.unique(diffs, return_index=True, return_counts=True)
    candidates = ks[np.lexsort((first, -counts))][:5]    # Counter.most_common(5): ties in order of appearance
    pos, col, blank = mine["pos"].to_numpy(), mine["col"].to_numpy(), mine["blank"].to_numpy()
    keys = _cell_keys(ev, pos, col)
    best = None
    for k in candidates.tolist():
        fits = np.zeros(len(pos), bool)
        for c in cols:
            at = np.flatnonzero((col == c) & (pos - k >= 0) & (pos - k < n))
            cur, exp = ev.cur[c][pos[at]], ev.exp[c][pos[at] - k]
            fits[at] = (cur != None) & (cur == exp)  # noqa: E711 (element-wise)
        fit = np.unique(keys[fits])
        if len(fit) >= 2 and np.isin(group, fit).sum() >= 0.8 * len(group) and \
                (best is None or len(fit) > len(best[1])):
            lo, hi = fit.min() // ncols - abs(k), fit.max() // ncols + abs(k)
            blanks = keys[blank & (pos >= lo) & (pos <= hi)]
            best = (k, np.union1d(fit, blanks))
    if best is None:
        return None
    k, fit = best
    p = fit // ncols
    p = p[(p - k >= 0) & (p - k < n)]
    shifts, counts = np.unique(rows[p] - rows[p - k], return_counts=True)
    return int(shifts[np.argmax(counts)]), fit


def _cell_keys(ev: Evidence, pos, col) -> np.ndarray:
    """(position, column) pairs as single integers: position * number of columns + column index."""
    return np.asarray(pos, np.int64) * len(ev.columns) + \
        pd.Index(list(ev.columns)).get_indexer(pd.Index(col, dtype=object))


def diagnose(ev: Evidence, msg: Messages) -> pd.DataFrame:
    rows = ev.rows
    order = {c: i for i, c in enumerate(ev.columns)}
    ncols = len(ev.columns)
    out = []

    def add(cause, positions, cols, shift=None, key=None, sealed=False, excel_rows=None):
        if excel_rows is None:
            rr = np.unique(rows[np.asarray(positions, dtype=np.int64)]).tolist()
        else:
            rr = sorted(set(excel_rows))
        cols = sorted(set(cols), key=lambda c: order.get(c, 99))
        out.append((str(cause), rr, cols, shift, msg.cause(key or cause, rr, cols, shift, sealed, book=ev.book)))

    everything = ev.cells
    is_sep = everything["kind"] == Kind.SEPARATED
    is_copy = everything["copy"].astype(bool)
    moving = everything[(is_sep | (everything["kind"] == Kind.DUPLICATE)) & ~everything["unsealed"]]
    sep = everything[is_sep & ~is_copy]
    cells = everything[~everything["unsealed"]]
    undecided = set(rows[ev.undecided].tolist())
    moved = {c: set(g["pos"].tolist()) for c, g in moving.groupby("col")} if len(moving) else {}
    absorbed, pasted_rows = np.zeros(0, np.int64), np.zeros(0, np.int64)
    hidden = None
    for g in _groups(moved):
        cols, a = g["cols"], sorted(g["rows"])
        primary = ev.id_column if ev.id_column in cols else cols[0]
        pairs = sep[sep["col"] == primary][["pos", "dst"]].to_numpy()
        lo, hi = a[0], a[-1]
        copies = moving[moving["col"].isin(cols) & moving["copy"].astype(bool)]
        if hidden is None:
            hidden = ev.hidden_rows()
        if hidden and np.isin(rows[a], list(hidden)).any():
            add(Cause.PASTE_INTO_HIDDEN_ROWS, a, cols)
        elif len(a) == 2 and {(int(p), int(d)) for p, d in pairs} == {(lo, hi), (hi, lo)}:
            add(Cause.OTHER, a, cols, key=Message.SWAPPED)
        elif shifted := _shift(ev, everything, moving, cols):
            k, fit = shifted
            absorbed = np.union1d(absorbed, fit)
            pasted_rows = np.union1d(pasted_rows, fit // ncols)
            add(Cause.PASTE_SHIFTED, fit // ncols, cols, shift=k)
        elif len(copies) >= len(a) / 2:
            absorbed = np.union1d(absorbed, _cell_keys(ev, copies["pos"], copies["col"]))
            add(Cause.CELLS_OVERWRITTEN, copies["pos"], copies["col"])
            rest = sep[sep["col"].isin(cols)]
            if len(rest):
                add(Cause.OTHER, rest["pos"], rest["col"])
        elif len(a) >= 3 or any(_monotone(ev.canon[c].iloc[lo:hi + 1].tolist()) for c in cols):
            add(Cause.COLUMN_SORTED_ALONE, a, cols)
        else:
            add(Cause.OTHER, a, cols)
    if undecided:
        add(Cause.SIDES_TIED, [], [], excel_rows=undecided)

    if len(cells):
        edited = cells[(cells["kind"] != Kind.SEPARATED) & (cells["kind"] != Kind.DUPLICATE)]
        keys = _cell_keys(ev, edited["pos"], edited["col"])
        zero = _cell_keys(ev, [p for p, _ in ev.zeros], [c for _, c in ev.zeros])
        lz = np.isin(keys, zero)
        rest = ~lz & ~np.isin(keys, absorbed)
        if lz.any():
            add(Cause.LEADING_ZEROS_LOST, edited["pos"].to_numpy()[lz], edited["col"].to_numpy()[lz])
        if rest.any():
            add(Cause.CELLS_EDITED, edited["pos"].to_numpy()[rest], edited["col"].to_numpy()[rest])

    f = ev.findings
    pasted = set(rows[pasted_rows].tolist())

    def rows_of(kind, column="row"):
        return [int(r) for r in f.loc[f["kind"] == kind, column].dropna()]
    added = [r for r in rows_of(Kind.UNSEALED) if r not in pasted]
    if added:
        add(Cause.ROWS_ADDED, [], [], excel_rows=added)
    whole_copies = f[(f["kind"] == Kind.DUPLICATE) & (f["columns"].map(len) == 0)]
    dup = [int(r) for r in whole_copies["row"].dropna() if int(r) not in pasted]
    if dup:
        add(Cause.ROWS_DUPLICATED, [], [], excel_rows=dup)
    gone = rows_of(Kind.MISSING, "sealed_row")
    if gone:
        add(Cause.ROWS_REMOVED, [], [], sealed=True, excel_rows=gone)
    stale = set(rows[ev.stale].tolist())
    tampered = [r for r in rows_of(Kind.TAMPERED) if r not in stale]
    if stale:
        add(Cause.STALE_ROWS, [], [], excel_rows=stale)
    if tampered:
        add(Cause.TAMPERED, [], [], excel_rows=tampered)
    return pd.DataFrame(out, columns=COLUMNS)
