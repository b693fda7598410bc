"""What a check found, frozen: handed to diagnose (which explains it) instead of the checker's internals."""
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

FINDING_COLUMNS = ["row", "kind", "columns", "belongs_at_row", "sealed_row", "message"]
CELL_COLUMNS = ["pos", "col", "kind", "dst", "paired", "blank", "unsealed", "copy"]


@dataclass(frozen=True)
class Evidence:
    """rows: the Excel row of each table position. columns: the bound columns (rule order); id_column the ID.
    canon: every bound value in canonical form. cells: the cells that are not their row's person's value
    (CELL_COLUMNS: position, column, finding kind, position it belongs at or -1, paired with the row that needs
    it, blank, in a row added after sealing, a copy of a value its owner still has). cur / exp: per column, the
    tag of each position's value / of the value its row's person sealed (None where not looked at or no
    person). findings: FINDING_COLUMNS. zeros: (position, column) of values whose lost leading zeros a repair
    writes back. undecided: positions left alone (columns moved as equal halves). stale: positions whose seal is
    of an earlier generation (a row copied back from an older version of the list). book: the workbook's name
    (for commands in sentences). hidden_rows: the Excel rows hidden by a filter or by hand, when asked."""
    rows: np.ndarray
    columns: tuple
    id_column: str
    canon: pd.DataFrame
    cells: pd.DataFrame
    cur: dict
    exp: dict
    findings: pd.DataFrame
    zeros: tuple
    undecided: np.ndarray
    stale: np.ndarray
    book: str
    hidden_rows: Callable[[], set]
