"""Repair: put moved-but-unchanged values back beside their person, from the seals alone.

The plan comes from the check and moves the smaller side of what moved: bound cells, the seal and the unbound
cells between them go to the row their person lives in, so whole rows stay whole. Values that were overwritten
cannot be invented: those cells are listed for re-entry from the source documents. Rows whose columns moved as
equal halves are left alone.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .check import Report
from .table import Table


@dataclass(frozen=True)
class Edit:
    """One cell write in Excel coordinates: move (value of src_row), set (text) or clear. column: a bound column's
    name, or an Excel column number (the seal column, an unbound column)."""
    op: str
    row: int
    column: str | int
    src_row: int | None = None
    text: str | None = None


def edits(report: Report, rows: np.ndarray | list) -> list[Edit]:
    """The plan as cell writes, by row then column (moves, then sets, then clears within a cell)."""
    p, rows = report.plan, np.asarray(rows, dtype=np.int64)

    def excel(positions: np.ndarray | list | None):
        return rows[np.asarray(positions, dtype=np.int64)].tolist()
    moves, sets, clears = (list(zip(*x)) or [(), (), ()] for x in (p.moves, p.set_text, p.clear))
    out = [Edit("move", r, c, src_row=s) for r, c, s in zip(excel(moves[0]), moves[1], excel(moves[2]))]
    out += [Edit("set", r, c, text=t) for r, c, t in zip(excel(sets[0]), sets[1], sets[2])]
    out += [Edit("clear", r, c) for r, c in zip(excel(clears[0]), clears[1])]
    column = pd.factorize(np.array([str(e.column) for e in out], dtype=object), sort=True)[0]
    return [out[i] for i in np.lexsort((column, [e.row for e in out])).tolist()]


def seals_moved(report: Report, seal_col: int) -> int:
    """How many seal cells the plan moves."""
    return sum(1 for _, c, _ in report.plan.moves if c == seal_col)


def reentry(report: Report, rows: np.ndarray | list) -> pd.DataFrame:
    """Cells whose sealed value is nowhere in the sheet: re-enter them from the source documents."""
    df = pd.DataFrame([(int(rows[q]), c) for q, c in report.plan.reentry], columns=["row", "column"])
    return df.groupby("row", sort=True)["column"].agg(list).reset_index()


def left(report: Report, rows: np.ndarray | list) -> list[int]:
    """Excel rows the repair leaves alone (columns moved as equal halves)."""
    return sorted({int(rows[q]) for q, _ in report.plan.left})


def apply(table: Table, report: Report) -> Table:
    """The plan applied to a table's values and seals (all writes at once, from the old cells); unbound columns
    are the shells' (see edits)."""
    old = table.values.reset_index(drop=True)
    new = old.copy()
    seals_old = table.seals.reset_index(drop=True).astype(object)
    seals = seals_old.copy()
    seal_col = table.layout.seal

    def put(q, c, value: object):
        if c == seal_col:
            seals.iat[q] = value
        elif isinstance(c, str):
            new.at[q, c] = value
    for d, c, s in report.plan.moves:
        if c == seal_col or isinstance(c, str):
            put(d, c, seals_old.iat[s] if c == seal_col else old.at[s, c])
    for q, c, t in report.plan.set_text:
        put(q, c, t)
    for q, c in report.plan.clear:
        put(q, c, None)
    return replace(table, values=new, seals=seals)
