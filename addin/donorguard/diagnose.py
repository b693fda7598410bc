"""Group findings into likely causes: a column sorted alone, a shifted paste, a paste into hidden rows,
edits, added, duplicated or removed rows, tampering. One row per cause."""
from collections import Counter

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
    away: each holds, by tag, the value sealed k rows above (or below), or was emptied by a cut."""
    rows, n = ck.t.rows, len(ck.t.rows)
    mine = cells[cells["col"].isin(cols)]
    group = set(zip(sep.loc[sep["col"].isin(cols), "pos"], sep.loc[sep["col"].isin(cols), "col"]))
    candidates = Counter(int(p - d) for p, d in sep.loc[sep["col"].isin(cols), ["pos", "dst"]].to_numpy() if p != d)
    best = None
    for k, _ in candidates.most_common(5):
        fit = {(int(p), c) for p, c in zip(mine["pos"], mine["col"])
               if 0 <= p - k < n and ck.cur[c][p] is not None and ck.cur[c][p] == ck.exp[c][p - k]}
        if len(fit) >= 2 and len(fit & group) >= 0.8 * len(group) and (best is None or len(fit) > len(best[1])):
            lo, hi = min(p for p, _ in fit) - abs(k), max(p for p, _ in fit) + abs(k)
            blanks = {(int(p), c) for p, c, b in zip(mine["pos"], mine["col"], mine["blank"]) if b and lo <= p <= hi}
            best = (k, fit | blanks)
    if best is None:
        return None
    k, fit = best
    excel = Counter(int(rows[p] - rows[p - k]) for p, _ in fit if 0 <= p - k < n)
    return excel.most_common(1)[0][0], fit


def diagnose(ck) -> pd.DataFrame:
    rows, msg, rules = ck.t.rows, ck.msg, ck.rules
    order = {c: i for i, c in enumerate(rules.names)}
    out = []

    def add(cause, positions, cols, shift=None, key=None, sealed=False, excel_rows=None):
        rr = sorted(set(excel_rows if excel_rows is not None else (int(rows[p]) for p in positions)))
        cols = sorted(set(cols), key=lambda c: order.get(c, 99))
        out.append((cause, rr, cols, shift, msg.cause(key or cause, rr, cols, shift, sealed)))

    everything = ck.cell_frame()
    sep = everything[everything["kind"] == "separated"]
    cells = everything[~everything["unsealed"]]
    moved = {c: set(g["pos"]) for c, g in sep.groupby("col")} if len(sep) else {}
    absorbed, pasted_rows = set(), set()
    hidden = None
    for g in _groups(moved):
        cols, a = g["cols"], sorted(g["rows"])
        primary = rules.id if rules.id in cols else cols[0]
        pairs = sep[sep["col"] == primary][["pos", "dst"]].to_numpy()
        lo, hi = a[0], a[-1]
        if hidden is None:
            hidden = ck.t.hidden_rows()
        shifted = _shift(ck, everything, sep, cols)
        if any(int(rows[p]) in hidden for p in a):
            add("paste_into_hidden_rows", a, cols)
        elif len(a) == 2 and {(int(p), int(d)) for p, d in pairs} == {(lo, hi), (hi, lo)}:
            add("other", a, cols, key="swapped")
        elif shifted:
            k, fit = shifted
            absorbed |= fit
            pasted_rows |= {p for p, _ in fit}
            add("paste_shifted", [p for p, _ in fit], cols, shift=k)
        elif any(_monotone(ck.canon[c].iloc[lo:hi + 1].tolist()) for c in cols) or len(a) >= 3:
            add("column_sorted_alone", a, cols)
        else:
            add("other", a, cols)

    zero = {(p, c) for p, c, _ in ck.plan.set_text}
    if len(cells):
        edited = cells[(cells["kind"] != "separated")]
        keys = list(zip(edited["pos"], edited["col"]))
        lz = [(p, c) for p, c in keys if (p, c) in zero]
        rest = [(p, c) for p, c in keys if (p, c) not in zero and (p, c) not in absorbed]
        if lz:
            add("leading_zeros_lost", [p for p, _ in lz], [c for _, c in lz])
        if rest:
            add("cells_edited", [p for p, _ in rest], [c for _, c in rest])

    f = pd.DataFrame(ck.findings, columns=["row", "kind", "columns", "belongs_at_row", "sealed_row", "message"])
    pasted = {int(rows[p]) for p in pasted_rows}
    for kind, cause in (("unsealed", "rows_added"), ("duplicate", "rows_duplicated")):
        sel = f[(f["kind"] == kind) & ~f["row"].isin(pasted)]
        if len(sel):
            add(cause, [], [], excel_rows=sel["row"].astype(int).tolist())
    sel = f[f["kind"] == "missing"]
    if len(sel):
        add("rows_removed", [], [], sealed=True, excel_rows=sel["sealed_row"].astype(int).tolist())
    sel = f[f["kind"] == "tampered"]
    if len(sel):
        add("tampered", [], [], excel_rows=sel["row"].dropna().astype(int).tolist())
    return pd.DataFrame(out, columns=COLUMNS)
