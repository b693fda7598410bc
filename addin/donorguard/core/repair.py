"""Repair: put moved-but-unchanged values back in their sealed rows, from the seals alone.

The plan comes from the check. Values that were overwritten cannot be invented: those cells are
listed for re-entry from the source documents.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .check import Report


@dataclass(frozen=True)
class Edit:
    """One cell write in Excel coordinates: move (value of src_row), set (text) or clear."""
    op: str
    row: int
    column: str
    src_row: int | None = None
    text: str | None = None


def edits(report: Report, rows) -> list:
    """The plan as cell writes, by row then column (moves, then sets, then clears within a cell)."""
    p, rows = report.plan, np.asarray(rows, dtype=np.int64)

    def excel(positions):
        return rows[np.asarray(positions, dtype=np.int64)].tolist()
    moves, sets, clears = (list(zip(*x)) or [(), (), ()] for x in (p.moves, p.set_text, p.clear))
    out = [Edit("move", r, c, src_row=s) for r, c, s in zip(excel(moves[0]), moves[1], excel(moves[2]))]
    out += [Edit("set", r, c, text=t) for r, c, t in zip(excel(sets[0]), sets[1], sets[2])]
    out += [Edit("clear", r, c) for r, c in zip(excel(clears[0]), clears[1])]
    column = pd.factorize(np.array([e.column for e in out], dtype=object), sort=True)[0]
    return [out[i] for i in np.lexsort((column, [e.row for e in out])).tolist()]


def reentry(report: Report, rows) -> pd.DataFrame:
    """Cells whose sealed value is nowhere in the sheet: re-enter them from the source documents."""
    df = pd.DataFrame([(int(rows[q]), c) for q, c in report.plan.reentry], columns=["row", "column"])
    return df.groupby("row", sort=True)["column"].agg(list).reset_index()


def apply(values: pd.DataFrame, report: Report) -> pd.DataFrame:
    """The plan applied to a DataFrame of cell texts (all writes at once, from the old values)."""
    old, new = values.reset_index(drop=True), values.reset_index(drop=True).copy()
    for d, c, s in report.plan.moves:
        new.at[d, c] = old.at[s, c]
    for q, c, t in report.plan.set_text:
        new.at[q, c] = t
    for q, c in report.plan.clear:
        new.at[q, c] = None
    return new
