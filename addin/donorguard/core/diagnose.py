"""Group findings into likely causes: a column sorted alone, a shifted paste, a paste into hidden rows,
edits, added, duplicated or removed rows, tampering. One row per cause."""
import numpy as np
import pandas as pd

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


def _shift(ck, cells, sep, cols):
    """(shift in Excel rows, cells explained) when the group's cells read like one block pasted k rows
    away: each holds, by tag, the value sealed k rows above (or below), or was emptied by a cut.
    Cells are (position, column) pairs encoded as one integer (see _cell_keys)."""
    rows, n, ncols = ck.t.rows, len(ck.t.rows), len(ck.cols)
    mine = cells[cells["col"].isin(cols)]
    ours = sep[sep["col"].isin(cols)]
    group = _cell_keys(ck, ours["pos"], ours["col"])
    p, d = ours["pos"].to_numpy(), ours["dst"].to_numpy()
    diffs = (p - d)[p != d]
    ks, first, counts = np.unique(diffs, return_index=True, return_counts=True)
    candidates = ks[np.lexsort((first, -counts))][:5]    # Counter.most_common(5): ties in order of appearance
    pos, col, blank = mine["pos"].to_numpy(), mine["col"].to_numpy(), mine["blank"].to_numpy()
    keys = _cell_keys(ck, pos, col)
    best = None
    for k in candidates.tolist():
        fits = np.zeros(len(pos), bool)
        for c in cols:
            at = np.flatnonzero((col == c) & (pos - k >= 0) & (pos - k < n))
            cur = ck.cur[c][pos[at]]
            fits[at] = (cur != None) & (cur == ck.exp[c][pos[at] - k])  # noqa: E711 (element-wise)
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


def _cell_keys(ck, pos, col) -> np.ndarray:
    """(position, column) pairs as single integers: position * number of columns + column index."""
    return np.asarray(pos, np.int64) * len(ck.cols) + pd.Index(ck.cols).get_indexer(pd.Index(col, dtype=object))


def diagnose(ck) -> pd.DataFrame:
    rows, msg, rules = ck.t.rows, ck.msg, ck.rules
    order = {c: i for i, c in enumerate(rules.names)}
    ncols = len(ck.cols)
    out = []

    def add(cause, positions, cols, shift=None, key=None, sealed=False, excel_rows=None):
        if excel_rows is None:
            rr = np.unique(rows[np.asarray(positions, dtype=np.int64)]).tolist()
        else:
            rr = sorted(set(excel_rows))
        cols = sorted(set(cols), key=lambda c: order.get(c, 99))
        out.append((cause, rr, cols, shift, msg.cause(key or cause, rr, cols, shift, sealed)))

    everything = ck.cell_frame()
    sep = everything[everything["kind"] == "separated"]
    cells = everything[~everything["unsealed"]]
    moved = {c: set(g["pos"].tolist()) for c, g in sep.groupby("col")} if len(sep) else {}
    absorbed, pasted_rows = np.zeros(0, np.int64), np.zeros(0, np.int64)
    hidden = None
    for g in _groups(moved):
        cols, a = g["cols"], sorted(g["rows"])
        primary = rules.id if rules.id in cols else cols[0]
        pairs = sep[sep["col"] == primary][["pos", "dst"]].to_numpy()
        lo, hi = a[0], a[-1]
        if hidden is None:
            hidden = ck.t.hidden_rows()
        if hidden and np.isin(rows[a], list(hidden)).any():
            add("paste_into_hidden_rows", a, cols)
        elif len(a) == 2 and {(int(p), int(d)) for p, d in pairs} == {(lo, hi), (hi, lo)}:
            add("other", a, cols, key="swapped")
        elif shifted := _shift(ck, everything, sep, cols):
            k, fit = shifted
            absorbed = np.union1d(absorbed, fit)
            pasted_rows = np.union1d(pasted_rows, fit // ncols)
            add("paste_shifted", fit // ncols, cols, shift=k)
        elif len(a) >= 3 or any(_monotone(ck.canon[c].iloc[lo:hi + 1].tolist()) for c in cols):
            add("column_sorted_alone", a, cols)
        else:
            add("other", a, cols)

    if len(cells):
        edited = cells[(cells["kind"] != "separated")]
        keys = _cell_keys(ck, edited["pos"], edited["col"])
        zero = _cell_keys(ck, [p for p, _, _ in ck.plan.set_text], [c for _, c, _ in ck.plan.set_text])
        lz = np.isin(keys, zero)
        rest = ~lz & ~np.isin(keys, absorbed)
        if lz.any():
            add("leading_zeros_lost", edited["pos"].to_numpy()[lz], edited["col"].to_numpy()[lz])
        if rest.any():
            add("cells_edited", edited["pos"].to_numpy()[rest], edited["col"].to_numpy()[rest])

    pasted = set(rows[pasted_rows].tolist())
    for kind, cause in (("unsealed", "rows_added"), ("duplicate", "rows_duplicated")):
        sel = [f[0] for f in ck.findings if f[1] == kind and f[0] not in pasted]
        if sel:
            add(cause, [], [], excel_rows=sel)
    sel = [f[4] for f in ck.findings if f[1] == "missing"]
    if sel:
        add("rows_removed", [], [], sealed=True, excel_rows=sel)
    sel = [f[0] for f in ck.findings if f[1] == "tampered"]
    if sel:
        add("tampered", [], [], excel_rows=[r for r in sel if r is not None])
    return pd.DataFrame(out, columns=COLUMNS)
