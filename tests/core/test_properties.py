"""Properties of check and repair on sealed sheets with unbound columns between and beside the bound ones,
edited as spreadsheets edit: a rectangle of adjacent columns (the seal column in it or not, unbound columns in it
or not) sorted, permuted or pasted over a block of rows. Drawn with st.data(), so a failure shrinks to a small
sheet and a small edit. The truth comes from sheets.Sheet, never from the check."""
import os
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sheets import COLS, HEADER, KEY, SEAL, Sheet, as_text, fresh_id

from donorguard.core import repair
from donorguard.core.check import check
from donorguard.core.codes import Kind
from donorguard.tools import synth

DEEP = int(os.environ.get("DONORGUARD_DEEP_EXAMPLES") or 0)
# The same 60 examples on every run (CI must not pass or fail by chance); DONORGUARD_DEEP_EXAMPLES=1500 searches
# afresh, at random, and what it finds becomes a replayed case below.
SETTINGS = settings(max_examples=DEEP or 60, derandomize=not DEEP, deadline=None,
                    suppress_health_check=list(HealthCheck))
MOVED = {Kind.SEPARATED, Kind.ID_CHANGED, Kind.OWNER_CHANGED}


def draw_sheet(data, distinct=False, rows=(3, 12)) -> Sheet:
    n = data.draw(st.integers(*rows), label="rows")
    seed = data.draw(st.integers(0, 3), label="seed")
    unbound = data.draw(st.lists(st.integers(0, len(COLS)), max_size=3), label="unbound after bound column")
    after_seal = data.draw(st.integers(0, 1), label="unbound after the seal")
    return Sheet.make(n, seed, sorted(unbound), distinct, after_seal, random.Random(seed))


def draw_span(data, s: Sheet, seal=None) -> tuple:
    """Adjacent columns holding at least one bound column or the seal; with or without the seal column (never
    every column: that moves whole rows)."""
    w, at = len(s.columns), s.columns.index(SEAL)
    if seal:
        anchor = at
    else:
        signal = [j for j, c in enumerate(s.columns) if c in COLS]
        anchor = data.draw(st.sampled_from(signal), label="a column in the span")
    lo, hi = (0, w - 1) if seal is None else (at + 1, w - 1) if anchor > at else (0, at - 1) if not seal else (0, w - 1)
    a = data.draw(st.integers(lo, anchor), label="first column")
    b = data.draw(st.integers(anchor, hi), label="last column")
    if (a, b) == (0, w - 1):
        b -= 1 if anchor < w - 1 else 0
        a += 1 if b == w - 1 else 0
    return a, b


def draw_rows(data, s: Sheet, least=2) -> tuple:
    lo = data.draw(st.integers(0, s.n - least), label="first row")
    hi = data.draw(st.integers(lo + least - 1, s.n - 1), label="last row")
    return lo, hi


def draw_permutation(data, s: Sheet, seal=None):
    a, b = draw_span(data, s, seal)
    lo, hi = draw_rows(data, s)
    if data.draw(st.booleans(), label="sort (else shuffle)"):
        key = data.draw(st.integers(a, b), label="sort key column")
        s.sort(a, b, lo, hi, key, data.draw(st.booleans(), label="descending"))
    else:
        s.permute(a, b, lo, hi, data.draw(st.permutations(range(hi - lo + 1)), label="order"))


def draw_paste(data, s: Sheet):
    a, b = draw_span(data, s)
    lo, hi = draw_rows(data, s, least=1)
    shifts = [k for k in range(-lo, s.n - hi) if k != 0]
    if not shifts:
        return draw_permutation(data, s)
    s.paste(a, b, lo, hi, data.draw(st.sampled_from(shifts), label="shift"), data.draw(st.booleans(), label="cut"))


def draw_edit(data, s: Sheet, pastes=True):
    if pastes and data.draw(st.booleans(), label="paste (else sort)"):
        draw_paste(data, s)
    else:
        draw_permutation(data, s)


def findings_at(rep) -> dict:
    out = {}
    for r in rep.findings.itertuples(index=False):
        if r.row is not None and r.row == r.row:
            out.setdefault(int(r.row), set()).add(r.kind)
    return out


class Replay:
    """A case a deep search found, drawn again: the values it printed, in its order."""

    def __init__(self, *values):
        self.values = iter(values)

    def draw(self, strategy, label=None):
        return next(self.values)


@SETTINGS
@given(st.data())
def test_no_separation_missed_and_whole_rows_are_not_separated(data):
    no_separation_missed(data)


def no_separation_missed(data):
    s = draw_sheet(data)
    for _ in range(data.draw(st.integers(1, 2), label="edits")):
        draw_edit(data, s)
    rep = check(s.table(), s.m, KEY)
    whole, canon = s.whole(), s.canon()
    has_values = canon.ne("").any(axis=1).to_numpy()
    at = findings_at(rep)
    rows = s.rows()
    for i in range(s.n):
        if has_values[i] and whole[i] is None:
            assert rows[i] in at, (s.edits, i, rep.findings.to_string())
        if whole[i] is not None:
            assert not (at.get(rows[i], set()) & MOVED), (s.edits, i, rep.findings.to_string())
    people = [p for p in whole if p is not None]
    seals = sorted(str(r[s.columns.index(SEAL)]) for r in s.cells if r[s.columns.index(SEAL)] is not None)
    expect_clean = all(w is not None for w, v in zip(whole, has_values) if v) and \
        sorted(people) == list(range(len(s.seals0))) and seals == sorted(s.seals0)
    assert rep.clean == expect_clean, (s.edits, rep.findings.to_string())


@SETTINGS
@given(st.data())
def test_repair_never_increases_cells_off_their_owners_row(data):
    repair_never_worse(data)


def repair_never_worse(data):
    s = draw_sheet(data)
    draw_edit(data, s)
    rep = check(s.table(), s.m, KEY)
    before, whole = s.off(), s.whole()
    canon = s.canon()
    stays = [(i, j) for i in range(s.n) for j, c in enumerate(s.columns)
             if c not in COLS and c != SEAL and whole[i] is not None and s.origin[i][j] == whole[i]]
    kept = {(i, j): s.origin[i][j] for i, j in stays}
    s.apply(repair.edits(rep, s.rows()))
    assert s.off() <= before, (s.edits, before, s.off())
    after = s.canon()
    for i in range(s.n):        # never a value of a row whose bound values agree
        if whole[i] is not None:
            assert after.iloc[i].equals(canon.iloc[i]), (s.edits, i)
    # never an unbound cell off the row it shares with its owner's bound values
    assert {k: s.origin[k[0]][k[1]] for k in stays} == kept, s.edits


def test_a_cut_of_part_of_a_row_pasted_over_the_next_is_not_made_worse():
    """Found in CI: the cut row's seal was moved over the seal of the person it overwrote (core/plan.seal_moves)."""
    repair_never_worse(Replay(3, 0, [0, 0, 0], 0, True, 3, 2, 10, 0, 0, 1, True))


@pytest.mark.xfail(strict=True, reason="open: a copy over overlapping rows (rows 4-9 pasted two rows up, the "
                                       "owner columns only) is repaired one cell worse: rows whose owner columns "
                                       "were overwritten are taken as the copied person's home")
def test_an_overlapping_copy_of_the_owner_columns_is_not_made_worse():
    repair_never_worse(Replay(9, 3, [0], 1, True, 2, 2, 9, 3, 8, -2, False))


@pytest.mark.xfail(strict=True, reason="open: after two overlapping copies (a block pasted one row up, then the "
                                       "whole bound span of rows 1-5 pasted one row down) a row whose values all "
                                       "belong together is reported separated (a false alarm; nothing is missed)")
def test_two_overlapping_copies_raise_no_false_alarm():
    no_separation_missed(Replay(6, 0, [0], 0, 2, True, 1, 0, 3, 1, 2, -1, False, True, 1, 0, 10, 0, 4, 1, False))


def _tied(s: Sheet) -> bool:
    """Could the edit's span and the rest weigh the same? A side weighs its signal columns and the unbound columns
    between two of its own; an unbound column on the boundary between the sides, or beside the list, might be
    either side's: if giving those to the lighter side could make it as heavy, nobody can tell which moved."""
    kind, a, b = s.edits[0][:3]
    side = [None if c not in COLS and c != SEAL else a <= j <= b for j, c in enumerate(s.columns)]
    sig = [j for j, x in enumerate(side) if x is not None]
    weight, maybe = {True: 0, False: 0}, {True: 0, False: 0}
    for j, x in enumerate(side):
        if x is not None:
            weight[x] += 1
            continue
        left, right = [k for k in sig if k < j], [k for k in sig if k > j]
        if left and right and side[left[-1]] == side[right[0]]:
            weight[side[left[-1]]] += 1
        elif left and right:
            maybe[True] += 1
            maybe[False] += 1
        else:
            maybe[side[(left or right)[-1 if left else 0]]] += 1
    light = weight[True] < weight[False]
    return weight[light] + maybe[light] >= weight[not light]


def determinable(s: Sheet) -> list:
    """The columns whose cells a repair can put back: bound, seal, and unbound columns whose nearest columns on
    both sides are signal columns on the same side of the edit's span."""
    _, a, b = s.edits[0][:3]
    side = [None if c not in COLS and c != SEAL else a <= j <= b for j, c in enumerate(s.columns)]
    sig = [j for j, x in enumerate(side) if x is not None]
    out = []
    for j, c in enumerate(s.columns):
        left, right = [k for k in sig if k < j], [k for k in sig if k > j]
        if side[j] is not None or (left and right and side[left[-1]] == side[right[0]]):
            out.append(c)
    return out


@SETTINGS
@given(st.data())
def test_repair_is_exact_when_nothing_was_overwritten(data):
    """Every person's values are their own (distinct): a permutation of a span is undone exactly, unbound cells
    between the bound ones included; only where the span and the rest weigh the same are rows left alone."""
    s = draw_sheet(data, distinct=True)
    draw_permutation(data, s, seal=data.draw(st.sampled_from([None, True, False]), label="seal in span"))
    rep = check(s.table(), s.m, KEY)
    moved = [i for i in range(s.n) if any(s.origin[i][j] != s.origin[i][0] for j in range(len(s.columns)))]
    s.apply(repair.edits(rep, s.rows()))
    if _tied(s) and moved:
        assert rep.plan.left and not rep.plan.moves, (s.edits, rep.plan)
        return
    after = check(s.table(), s.m, KEY)
    assert after.clean and after.notices.empty, (s.edits, after.findings.to_string(), after.notices)
    assert s.off_where(determinable(s)) == 0, (s.edits, determinable(s))


@SETTINGS
@given(st.data())
def test_repair_of_a_permutation_leaves_a_clean_list(data):
    """Realistic values (shared dates, codes, amounts): after a sort of any span the repaired list checks clean,
    unless rows were left alone because the span and the rest weigh the same."""
    s = draw_sheet(data)
    draw_permutation(data, s)
    rep = check(s.table(), s.m, KEY)
    s.apply(repair.edits(rep, s.rows()))
    after = check(s.table(), s.m, KEY)
    assert after.clean or rep.plan.left, (s.edits, after.findings.to_string())


# -- whole rows, and the edits that are not spans ---------------------------------------------------

@SETTINGS
@given(st.data())
def test_whole_row_operations_stay_clean(data):
    s = draw_sheet(data, rows=(2, 14))
    order = data.draw(st.permutations(range(s.n)), label="order")
    s.permute(0, len(s.columns) - 1, 0, s.n - 1, order)
    rep = check(s.table(), s.m, KEY)
    assert rep.clean and rep.notices.empty and not rep.plan.moves


class Rows:
    """Row-level edits the spans do not make: insert, delete, duplicate, edit, swap two cells."""

    def __init__(self, s: Sheet, rng):
        self.s, self.rng = s, rng

    def insert(self):
        s = self.s
        person = as_text(synth.make_people(1, seed=self.rng.randint(10**6, 10**7))).iloc[0].to_dict()
        person["個人番号"] = fresh_id(self.rng, {r[s.columns.index("個人番号")] for r in s.cells})
        at = self.rng.randint(0, s.n)
        s.cells.insert(at, [person.get(c) if c in COLS else None for c in s.columns])
        s.origin.insert(at, [None] * len(s.columns))

    def delete(self):
        s = self.s
        i = self.rng.randrange(s.n)
        del s.cells[i], s.origin[i]

    def duplicate(self):
        s = self.s
        i = self.rng.randrange(s.n)
        s.cells.insert(i + 1, list(s.cells[i]))
        s.origin.insert(i + 1, list(s.origin[i]))

    def edit(self):
        s = self.s
        c = self.rng.choice(COLS)
        i, j = self.rng.randrange(s.n), s.columns.index(c)
        s.cells[i][j] = fresh_id(self.rng, set()) if c == "個人番号" else f"訂正{self.rng.randint(0, 10**6)}"
        s.origin[i][j] = None

    def swap(self):
        s = self.s
        j = s.columns.index(self.rng.choice(COLS))
        a, b = self.rng.sample(range(s.n), 2)
        for grid in (s.cells, s.origin):
            grid[a][j], grid[b][j] = grid[b][j], grid[a][j]


@SETTINGS
@given(st.data())
def test_row_edits_are_found(data):
    s = draw_sheet(data, rows=(4, 12))
    rows = Rows(s, random.Random(data.draw(st.integers(0, 10**6), label="rng")))
    for op in data.draw(st.lists(st.sampled_from(["insert", "delete", "duplicate", "edit", "swap"]), min_size=1,
                                 max_size=3), label="ops"):
        if s.n >= 3:
            getattr(rows, op)()
    rep = check(s.table(), s.m, KEY)
    whole = s.whole()
    has_values = s.canon().ne("").any(axis=1).to_numpy()
    at = findings_at(rep)
    for i in range(s.n):
        if has_values[i] and whole[i] is None:
            assert s.rows()[i] in at, rep.findings.to_string()
    people = [p for p in whole if p is not None]
    seals = sorted(str(r[s.columns.index(SEAL)]) for r in s.cells if r[s.columns.index(SEAL)] is not None)
    assert rep.clean == (all(w is not None for w in whole) and sorted(people) == list(range(len(s.seals0)))
                         and seals == sorted(s.seals0))
    gone = {p for p in range(len(s.seals0)) if p not in people}
    missing = set(rep.findings.loc[rep.findings["kind"] == Kind.MISSING, "sealed_row"].astype(int))
    assert missing <= {p + HEADER + 1 for p in gone}


def test_a_seal_column_left_out_of_a_sort_is_a_notice():
    """The issue's first case: every row's values still together, only the seals on other rows."""
    s = Sheet.make(20, 1, [0, 11], after_seal=0)
    s.sort(0, s.columns.index(SEAL) - 1, 0, s.n - 1, s.columns.index("氏名"))
    rep = check(s.table(), s.m, KEY)
    assert rep.clean and rep.findings.empty
    assert rep.notices["notice"].tolist() == ["seals_out_of_place"]
    edits = repair.edits(rep, s.rows())
    assert edits and {e.column for e in edits} == {s.col(SEAL)}
    before = pd.DataFrame(s.cells)
    s.apply(edits)
    after = pd.DataFrame(s.cells)
    seal_j = s.columns.index(SEAL)
    assert after.drop(columns=seal_j).equals(before.drop(columns=seal_j))   # nothing else written
    assert s.off() == 0
    again = check(s.table(), s.m, KEY)
    assert again.clean and again.notices.empty


def test_sides_that_weigh_the_same_are_left_alone():
    s = Sheet.make(8, 2, [], distinct=True)
    half = len(s.columns) // 2           # 11 bound + seal: six columns on each side
    s.permute(0, half - 1, 0, s.n - 1, list(reversed(range(s.n))))
    rep = check(s.table(), s.m, KEY)
    assert not rep.clean and not rep.plan.moves and not rep.plan.clear
    assert sorted(q for q, _ in rep.plan.left) == list(range(s.n))
    assert rep.diagnosis["cause"].tolist() == ["sides_tied"]


def test_the_smaller_side_moves_with_its_unbound_columns():
    """Five bound columns with two unbound columns between them shuffled: those seven move back, not the six other
    bound columns, the seal and the unbound column between them (eight)."""
    s = Sheet.make(10, 3, [2, 3, 11], distinct=True)
    a, b = s.columns.index("氏名"), s.columns.index("郵便番号")
    s.permute(a, b, 0, s.n - 1, [int(x) for x in np.random.default_rng(1).permutation(s.n)])
    rep = check(s.table(), s.m, KEY)
    moved_cols = {e.column for e in repair.edits(rep, s.rows())}
    span = set(s.columns[a:b + 1])
    assert moved_cols == {c if c in COLS else s.col(c) for c in span}
    s.apply(repair.edits(rep, s.rows()))
    assert s.off() == 0 and check(s.table(), s.m, KEY).clean
