"""A sealed list as a whole sheet for the core's property tests: bound columns, unbound columns between and
beside them, the seal column, and for every cell the person it came from (the truth no check is asked for).

Edits act as spreadsheets act: on a rectangle of adjacent columns (a span, the seal column in it or not) over a
block of rows: sorted, permuted, pasted a few rows away (a copy or a cut). A repair's edits are applied to every
column, unbound ones included. `off` counts the cells that are not in their owner's row: every cell is matched to
a person by value (bound values and the seal) or by origin (unbound cells, which no seal covers), and each row to
at most one person so that as many cells as possible sit with their person (an assignment); the rest are off.
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from stdnum.jp import in_

from donorguard.core.check import Checker
from donorguard.core.explain import Explained, explain
from donorguard.core.fingerprint import canonical, quick
from donorguard.core.kinds import lgcode
from donorguard.core.manifest import Stamp
from donorguard.core.seal import seal
from donorguard.core.table import Layout, Table
from donorguard.store import rulesets as rules_mod
from donorguard.store.keys import Key
from donorguard.text.messages import Messages
from donorguard.tools import synth

RULES = rules_mod.load()
KEY = Key(bytes(range(1, 33)), "<test>")
STAMP = Stamp("2026-01-01T00:00:00+09:00", "tester")
COLS = RULES.names
HEADER = 3
SEAL = "seal"


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: [None if v is None else str(v) for v in df[c]] for c in COLS}, dtype=object)


def distinct_people(n: int, seed: int) -> pd.DataFrame:
    """People whose every bound value is their own (no two share a date, code, amount or gender text): which
    person a cell came from can be told from the cell alone."""
    df = as_text(synth.make_people(n, seed=seed))
    rng = random.Random(seed)
    prefixes = rng.sample(range(10000, 99999), n)
    df["性別"] = [f"{g}{i}" for i, g in enumerate(df["性別"])]
    df["生年月日"] = [f"19{50 + i // 12:02d}-{i % 12 + 1:02d}-0{i % 9 + 1}" for i in range(n)]
    df["郵便番号"] = [f"{100 + i:03d}-{1000 + i:04d}" for i in range(n)]
    df["住所地市町村コード"] = [f"{p}{lgcode.calc_check_digit(str(p))}" for p in prefixes]
    df["寄附日"] = [f"2026-{i % 12 + 1:02d}-{i // 12 + 10}" for i in range(n)]
    df["寄附金額"] = [str(10000 + 137 * i) for i in range(n)]
    return df


@functools.lru_cache(maxsize=None)
def _sealed(n: int, seed: int, distinct: bool):
    vals = distinct_people(n, seed) if distinct else as_text(synth.make_people(n, seed=seed))
    rows = np.arange(n) + HEADER + 1
    seals, m, _ = seal(Table(vals, rows, pd.Series([None] * n, dtype=object)), RULES, KEY, "S", HEADER,
                       stamp=STAMP)
    return vals, tuple(seals), m


def sealed(n: int, seed: int, distinct: bool = False):
    vals, seals, m = _sealed(n, seed, distinct)
    return vals.copy(), list(seals), m


def explained(table: Table, m: dict, book: str = "名簿.xlsx") -> Explained:
    """explain as Checker.run calls it: with the rows whose own seal verifies them marked clean."""
    ck = Checker(table, m, RULES, KEY, Messages("ja"), book)
    ck.canon = canonical(table.values, RULES)
    prefix, row_mac, colon = quick(table.seals, len(COLS))
    return explain(ck, ck.sealer.rows_intact(prefix, ck.canon, row_mac) & colon)


def fresh_id(rng, taken):
    while True:
        body = "".join(rng.choice("0123456789") for _ in range(11))
        v = body + str(in_.calc_check_digit(body))
        if v not in taken:
            return v


@dataclass
class Sheet:
    """The list's columns left to right (a bound name, SEAL, or "u<k>" for an unbound column), every cell's
    text and the person it came from (None: emptied by a cut)."""
    columns: list
    cells: list                     # rows of texts (None: blank)
    origin: list                    # rows of people (None: nobody's)
    m: dict
    canon0: pd.DataFrame            # every person's sealed values
    seals0: list                    # every person's seal
    overwritten: bool = False
    edits: list = field(default_factory=list)

    @classmethod
    def make(cls, n, seed, unbound_at: list, distinct=False, after_seal=0, rng=None):
        """unbound_at: for each unbound column, how many bound columns are left of it."""
        vals, seals, m = sealed(n, seed, distinct)
        columns = []
        for j, c in enumerate(COLS):
            columns += [f"u{k}" for k, at in enumerate(unbound_at) if at == j] + [c]
        columns += [f"u{k}" for k, at in enumerate(unbound_at) if at >= len(COLS)]
        columns += [SEAL] + [f"u{len(unbound_at) + k}" for k in range(after_seal)]
        rng = rng or random.Random(seed)
        cells, origin = [], []
        for i in range(n):
            row = []
            for c in columns:
                if c == SEAL:
                    row.append(seals[i])
                elif c in COLS:
                    row.append(vals.at[i, c])
                else:
                    row.append(f"{c}:{i}" if rng.random() < 0.8 else None)
            cells.append(row)
            origin.append([i] * len(columns))
        return cls(columns, cells, origin, m, canonical(vals, RULES), seals)

    # -- what the core sees ---------------------------------------------------------------------
    @property
    def n(self):
        return len(self.cells)

    def col(self, name) -> int:
        """The Excel column of a column (the list starts at column A)."""
        return self.columns.index(name) + 1

    def layout(self) -> Layout:
        return Layout({c: self.col(c) for c in COLS}, self.col(SEAL),
                      tuple(self.col(c) for c in self.columns if c not in COLS and c != SEAL))

    def rows(self) -> np.ndarray:
        return np.arange(self.n) + HEADER + 1

    def table(self) -> Table:
        values = pd.DataFrame({c: [r[self.columns.index(c)] for r in self.cells] for c in COLS}, dtype=object)
        seals = pd.Series([r[self.columns.index(SEAL)] for r in self.cells], dtype=object)
        lay = self.layout()

        def unbound():
            return pd.DataFrame({c: [r[c - 1] for r in self.cells] for c in lay.unbound})
        return Table(values, self.rows(), seals, layout=lay, unbound=unbound)

    # -- edits -------------------------------------------------------------------------------------
    def block(self, a: int, b: int, lo: int, hi: int):
        return [row[a:b + 1] for row in self.cells[lo:hi + 1]], [row[a:b + 1] for row in self.origin[lo:hi + 1]]

    def put(self, a: int, lo: int, cells: list, origin: list):
        for i, (cs, os) in enumerate(zip(cells, origin)):
            self.cells[lo + i][a:a + len(cs)] = cs
            self.origin[lo + i][a:a + len(os)] = os

    def permute(self, a: int, b: int, lo: int, hi: int, order: list):
        """Rows lo..hi of columns a..b (0-based, inclusive) rearranged: row lo+k takes row lo+order[k]."""
        cells, origin = self.block(a, b, lo, hi)
        self.put(a, lo, [cells[k] for k in order], [origin[k] for k in order])
        self.edits.append(("permute", a, b, lo, hi))

    def sort(self, a: int, b: int, lo: int, hi: int, key: int, descending=False):
        """A sort of the block by column `key` (stable, blanks last), as a spreadsheet sorts a selection."""
        cells, _ = self.block(a, b, lo, hi)
        k = key - a
        filled = [i for i in range(len(cells)) if cells[i][k] is not None]
        filled.sort(key=lambda i: cells[i][k], reverse=descending)      # stable either way
        self.permute(a, b, lo, hi, filled + [i for i in range(len(cells)) if cells[i][k] is None])
        self.edits[-1] = ("sort", a, b, lo, hi, key, descending)

    def paste(self, a: int, b: int, lo: int, hi: int, shift: int, cut: bool):
        """Rows lo..hi of columns a..b copied (or cut) `shift` rows away."""
        cells, origin = self.block(a, b, lo, hi)
        if cut:
            blank = [[None] * (b - a + 1) for _ in cells]
            self.put(a, lo, blank, [[None] * (b - a + 1) for _ in cells])
        self.put(a, lo + shift, cells, origin)
        self.overwritten = True
        self.edits.append(("cut" if cut else "copy", a, b, lo, hi, shift))

    def apply(self, edits: list):
        """A repair's cell writes (repair.edits: Excel rows, a column name or Excel column), all at once."""
        old_cells = [list(r) for r in self.cells]
        old_origin = [list(r) for r in self.origin]
        first = HEADER + 1
        for e in edits:
            j = self.columns.index(e.column) if isinstance(e.column, str) else e.column - 1
            i = e.row - first
            if e.op == "move":
                s = e.src_row - first
                self.cells[i][j], self.origin[i][j] = old_cells[s][j], old_origin[s][j]
            elif e.op == "set":
                self.cells[i][j] = e.text          # the same person's value, written back
            else:
                self.cells[i][j], self.origin[i][j] = None, None

    # -- the truth -------------------------------------------------------------------------------
    def canon(self) -> pd.DataFrame:
        return canonical(self.table().values, RULES)

    def matches(self) -> np.ndarray:
        """(rows x people) cells of the row that are the person's: equal bound values, the person's seal, and
        unbound cells that came from the person."""
        canon = self.canon().to_numpy(dtype=object)
        people = self.canon0.to_numpy(dtype=object)
        out = (canon[:, None, :] == people[None, :, :]).sum(axis=2)
        s = self.columns.index(SEAL)
        unbound = [j for j, c in enumerate(self.columns) if c not in COLS and c != SEAL]
        for i in range(self.n):
            for p in range(len(people)):
                out[i, p] += self.cells[i][s] == self.seals0[p]
                out[i, p] += sum(self.origin[i][j] == p for j in unbound)
        return out

    def off(self) -> int:
        """Cells not in their owner's row (see the module docstring)."""
        return self.n * len(self.columns) - best_assignment(self.matches())

    def off_where(self, columns) -> int:
        """Cells of these columns whose origin is not the person the row is assigned to (by all cells)."""
        m = self.matches()
        home = assignment(m)
        js = [self.columns.index(c) for c in columns]
        return sum(self.origin[i][j] != home.get(i) for i in range(self.n) for j in js)

    def whole(self) -> list:
        """Per row: the person whose every bound value it holds, or None."""
        canon = self.canon().to_numpy(dtype=object)
        people = self.canon0.to_numpy(dtype=object)
        out = []
        for row in canon:
            hit = np.flatnonzero((people == row).all(axis=1))
            out.append(int(hit[0]) if len(hit) else None)
        return out


def best_assignment(weights: np.ndarray) -> int:
    """The largest total weight of a matching of rows to columns (Hungarian algorithm, O(n^3))."""
    rows, cols = assignment_pairs(weights)
    return int(sum(weights[r, c] for r, c in zip(rows, cols)))


def assignment(weights: np.ndarray) -> dict:
    rows, cols = assignment_pairs(weights)
    return {int(r): int(c) for r, c in zip(rows, cols) if weights[r, c] > 0}


def assignment_pairs(weights: np.ndarray) -> tuple:
    """Rows and columns of a maximum-weight assignment (rectangular: padded with zeros)."""
    n = max(weights.shape)
    cost = np.zeros((n, n))
    cost[:weights.shape[0], :weights.shape[1]] = -weights
    u, v = np.zeros(n + 1), np.zeros(n + 1)
    p, way = np.zeros(n + 1, int), np.zeros(n + 1, int)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = np.full(n + 1, np.inf), np.zeros(n + 1, bool)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], np.inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1, j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    rows, cols = [], []
    for j in range(1, n + 1):
        if p[j] and p[j] - 1 < weights.shape[0] and j - 1 < weights.shape[1]:
            rows.append(p[j] - 1)
            cols.append(j - 1)
    return rows, cols
