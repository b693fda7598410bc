"""What the shells hand the core: a donor list as a DataFrame, with where each row sits in the sheet."""
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd


@dataclass
class Table:
    """values: the bound columns by their rule names, cell texts (str or missing).
    rows: the Excel row number of each data row, as staff see it.
    seals: the DonorGuard column's text per row (missing where unsealed).
    hidden_rows: called only when a diagnosis needs it; the Excel rows hidden by a filter or by hand.
    headers: each bound column's header as the sheet writes it (an alias, spaces), for the messages.
    """
    values: pd.DataFrame
    rows: np.ndarray
    seals: pd.Series
    hidden_rows: Callable[[], set] = field(default=lambda: set())
    headers: dict = field(default_factory=dict)

    def __post_init__(self):
        self.values = self.values.reset_index(drop=True)
        self.seals = self.seals.reset_index(drop=True)
        self.rows = np.asarray(self.rows, dtype=np.int64)

    def __len__(self):
        return len(self.values)
