"""Find the list in a grid of cell texts: the header row (within the first rows, by names and
aliases), the DonorGuard seal column, and the data rows. Used by the file and Excel shells alike."""
import unicodedata

import numpy as np
import pandas as pd

from .errors import DuplicateColumns
from .manifest import SEAL_HEADER
from .rules import Rules
from .table import Table


def norm(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(v)).split())


def aliases(rules: Rules) -> dict:
    out = {}
    for c in rules.columns:
        for name in (c.name, *c.aliases):
            out[norm(name)] = c.name
    return out


def find_header(texts: list, rules: Rules):
    """(row index, {column name: position}, seal position) of the first row naming every column,
    or (None, missing names of the closest row, None)."""
    alias, best = aliases(rules), (None, set(rules.names))
    for i, row in enumerate(texts[:rules.header_search_rows]):
        found, seal, twice = {}, None, []
        for j, v in enumerate(row):
            n = norm(v)
            if n in alias and alias[n] not in found:
                found[alias[n]] = j
            elif n in alias:
                twice.append(alias[n])
            elif n == SEAL_HEADER:
                seal = j
        missing = set(rules.names) - set(found)
        if not missing and twice:
            raise DuplicateColumns(columns=", ".join(dict.fromkeys(twice)))
        if not missing:
            return i, found, seal
        if len(missing) < len(best[1]):
            best = (i, missing)
    return None, best[1], None


def table(grid: pd.DataFrame, h: int, found: dict, seal_j, first_excel_row: int, rules: Rules,
          hidden_rows=lambda: set()) -> Table:
    """The rows below the header that belong to the list: those with a seal, an ID or an owner value.
    first_excel_row is the Excel row of grid row 0."""
    data = grid.iloc[h + 1:].reset_index(drop=True)
    values = pd.DataFrame({c: data.iloc[:, j] for c, j in found.items()})
    if seal_j is not None and seal_j < grid.shape[1]:
        seals = data.iloc[:, seal_j]
        seals = seals.where(seals.notna() & seals.astype(str).str.strip().ne(""))
    else:
        seals = pd.Series([None] * len(data), dtype=object)
    keep = belongs(values, seals, rules)
    rows = np.arange(len(data))[keep] + first_excel_row + h + 1
    headers = {c: grid.iat[h, j].strip() for c, j in found.items() if isinstance(grid.iat[h, j], str)}
    return Table(values[keep], rows, seals[keep], hidden_rows, headers)


def belongs(values: pd.DataFrame, seals: pd.Series, rules: Rules) -> np.ndarray:
    """Which rows belong to the list: those with a seal, an ID or an owner value."""
    present = np.zeros(len(values), dtype=bool)
    for c in [rules.id] + [c.name for c in rules.columns if c.owner]:
        col = values[c]
        present |= (col.notna() & col.astype(str).str.strip().ne("")).to_numpy(dtype=bool)
    return present | seals.notna().to_numpy()
