"""Repair: put moved-but-unchanged values back in their sealed rows, from the seals alone.

The plan comes from the check. Values that were overwritten cannot be invented: those cells are
listed for re-entry from the source documents.
"""
from dataclasses import dataclass

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
    p = report.plan
    out = [Edit("move", int(rows[d]), c, src_row=int(rows[s])) for d, c, s in p.moves]
    out += [Edit("set", int(rows[q]), c, text=t) for q, c, t in p.set_text]
    out += [Edit("clear", int(rows[q]), c) for q, c in p.clear]
    return sorted(out, key=lambda e: (e.row, e.column))


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
