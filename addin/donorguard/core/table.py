"""What the shells hand the core: a donor list as a DataFrame, with where each row and column sits in the sheet."""
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Layout:
    """Where the list's columns sit in the sheet (Excel column numbers): every bound column, the seal column, and
    the unbound columns of the list (between the bound ones, and beside them under a header of their own).
    A sort or a paste acts on a rectangle of adjacent columns; which of them moved together is told from this
    order, and a repair moves unbound cells along with the bound cells around them."""
    bound: dict
    seal: int
    unbound: tuple = ()

    @classmethod
    def plain(cls, names: list) -> "Layout":
        """Bound columns side by side in rule order, the seal column right of them, nothing unbound."""
        return cls({c: j + 1 for j, c in enumerate(names)}, len(names) + 1)

    def order(self) -> list:
        """The list's columns left to right: (Excel column, bound name, or None for unbound, or SEAL)."""
        cols = [(c, n) for n, c in self.bound.items()] + [(self.seal, SEAL)] + [(c, None) for c in self.unbound]
        return sorted(cols)


SEAL = "\x00seal"      # the seal column in Layout.order (no rule column can have this name)


@dataclass
class Table:
    """values: the bound columns by their rule names, cell texts (str or missing).
    rows: the Excel row number of each data row, as staff see it.
    seals: the DonorGuard column's text per row (missing where unsealed).
    hidden_rows: called only when a diagnosis needs it; the Excel rows hidden by a filter or by hand.
    layout: where the columns are (Layout.plain when a caller does not say).
    formulas: bound cells holding a formula: positions `pos`, `column` names, and `cached` (False where the
    file holds no computed value for it).
    seal_header: when the seal column was found by its cells, the text of its header cell ("" if cleared);
    None when its header reads DonorGuard.
    unbound: called only when a repair is planned; the list's unbound columns (by Excel column number) as
    cell texts, so unbound cells move only into cells that are empty or move away themselves.
    headers: each bound column's header as the sheet writes it (an alias, spaces), for the messages.
    blanks: the count of wholly blank rows between the header and each row (locate.choose; a shell that changes
    some rows chooses the rows again as a fresh read would).
    """
    values: pd.DataFrame
    rows: np.ndarray
    seals: pd.Series
    hidden_rows: Callable[[], set] = field(default=lambda: set())
    headers: dict = field(default_factory=dict)
    layout: Layout | None = None
    formulas: pd.DataFrame | None = None
    seal_header: str | None = None
    unbound: Callable[[], pd.DataFrame] | None = None
    blanks: np.ndarray | None = None

    def __post_init__(self):
        self.values = self.values.reset_index(drop=True)
        self.seals = self.seals.reset_index(drop=True)
        self.rows = np.asarray(self.rows, dtype=np.int64)
        if self.layout is None:
            self.layout = Layout.plain(list(self.values.columns))
        if self.formulas is None:
            self.formulas = pd.DataFrame({"pos": np.zeros(0, np.int64), "column": np.zeros(0, object),
                                          "cached": np.zeros(0, bool)})

    def __len__(self):
        return len(self.values)
