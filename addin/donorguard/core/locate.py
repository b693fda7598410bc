"""Find the list in a grid of cell texts: the header row (within the first rows, by names and aliases), the
DonorGuard seal column (by its header, else by its cells), the list's other columns, and the data rows. Used by
the file and Excel shells alike."""
from __future__ import annotations

import unicodedata
from typing import Callable

import numpy as np
import pandas as pd

from .errors import DuplicateColumns
from .fingerprint import VERSION, looks_like_seal
from .manifest import SEAL_HEADER
from .rules import Rules
from .table import Layout, Table

SEAL_PREFIX = VERSION + ":"


def norm(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(v)).split())


def aliases(rules: Rules) -> dict:
    out = {}
    for c in rules.columns:
        for name in (c.name, *c.aliases):
            out[norm(name)] = c.name
    return out


def find_header(texts: list, rules: Rules, below: list = ()) -> tuple:
    """(row index, {column name: position}, seal position) of the first row naming every column, or (None,
    missing names of the closest row, None). The seal position is the column headed DonorGuard, else the column
    whose cells below the header (in texts, then in `below`: more rows as {position: text}) are seals (a header
    renamed or cleared: see seal_by_content)."""
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
            if seal is None:
                rows = [dict(enumerate(r)) for r in texts[i + 1:]] + list(below)
                seal = seal_by_content(rows, found)
            return i, found, seal
        if len(missing) < len(best[1]):
            best = (i, missing)
    return None, best[1], None


def seal_by_content(rows: list, found: dict) -> int | None:
    """The position of the column (not a bound one) whose cells in these rows ({position: text}) are mostly
    seals, or None."""
    taken, cells = set(found.values()), {}
    for r in rows:
        for j, v in r.items():
            if j not in taken and norm(v) != "":
                cells.setdefault(j, []).append(str(v))
    best = (0, None)
    for j, texts in sorted(cells.items()):
        if not any(t.lstrip().startswith(SEAL_PREFIX) for t in texts):
            continue
        hits = int(looks_like_seal(pd.Series(texts, dtype=object)).sum())
        if hits and hits * 2 >= len(texts) and hits > best[0]:
            best = (hits, j)
    return best[1]


def layout(header: dict, found: dict, seal: int) -> Layout:
    """The list's columns (Excel column numbers): the bound columns, the seal column, every column between the
    bound ones, and the columns beside them whose header cells continue the header row unbroken.
    header: {Excel column: header text} of the header row."""
    lo, hi = min(found.values()), max(found.values())
    filled = {c for c, v in header.items() if norm(v) != ""}
    while lo - 1 in filled and lo - 1 != seal:
        lo -= 1
    while hi + 1 in filled and hi + 1 != seal:
        hi += 1
    bound = set(found.values())
    return Layout(dict(found), seal, tuple(c for c in range(lo, hi + 1) if c not in bound and c != seal))


def table(grid: pd.DataFrame, h: int, found: dict, seal_j: int | None, first_excel_row: int, rules: Rules,
          hidden_rows: Callable[[], set] = lambda: set(), **extra) -> Table:
    """The rows below the header that belong to the list: those with a seal, an ID or an owner value, down to a
    blank row after which no row has an ID or a seal (a total below the list), and without rows labelled as
    not people (rules: policies.skip_labels) that have no ID. first_excel_row is the Excel row of grid row 0.
    extra: the other Table fields (layout, formulas, seal_header, unbound)."""
    data = grid.iloc[h + 1:].reset_index(drop=True)
    values = pd.DataFrame({c: data.iloc[:, j] for c, j in found.items()})
    if seal_j is not None and seal_j < grid.shape[1]:
        seals = seal_cells(data.iloc[:, seal_j])
    else:
        seals = pd.Series([None] * len(data), dtype=object)
    keep, gaps = choose(values, seals, rules)
    rows = np.arange(len(data))[keep] + first_excel_row + h + 1
    headers = {c: grid.iat[h, j].strip() for c, j in found.items() if isinstance(grid.iat[h, j], str)}
    return Table(values[keep], rows, seals[keep], hidden_rows, headers, blanks=gaps[keep], **extra)


def _filled(col: pd.Series) -> np.ndarray:
    return (col.notna() & col.astype(str).str.strip().ne("")).to_numpy(dtype=bool)


def seal_cells(col: pd.Series) -> pd.Series:
    """The seal column's cells as a read gives them, missing where blank."""
    return col.where(_filled(col))


def choose(values: pd.DataFrame, seals: pd.Series, rules: Rules, blanks: np.ndarray | int = 0) -> tuple:
    """(which rows belong to the list (see table), the count of wholly blank rows from the header down to each
    row). values: the bound columns of rows below the header, seals their seal cells (missing where blank);
    blanks: for rows given without those between them (Table.blanks), the blank rows above each left out."""
    present = np.zeros(len(values), dtype=bool)
    for c in [rules.id] + [c.name for c in rules.columns if c.owner]:
        present |= _filled(values[c])
    sealed, has_id = seals.notna().to_numpy(), _filled(values[rules.id])
    anything = sealed.copy()
    for c in values.columns:
        anything |= _filled(values[c])
    keep = present | sealed
    anchored = np.flatnonzero(has_id | sealed)
    last = anchored[-1] if len(anchored) else -1
    gaps = np.cumsum(~anything) + blanks
    keep &= ~((np.arange(len(values)) > last) & (gaps > (gaps[last] if last >= 0 else 0)))
    labels = {norm(x) for x in rules.policies.get("skip_labels") or ()}
    if labels:
        labelled = np.zeros(len(values), bool)
        for c in values.columns:
            labelled |= values[c].map(norm).isin(labels).to_numpy()
        keep &= ~(labelled & ~has_id & ~sealed)
    return keep, gaps
