"""Property-based: sealed tables, random damage, the check finds exactly the broken rows and repair
restores every moved-but-unchanged value. Core only: DataFrames in, findings out."""
import functools
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from stdnum.jp import in_

from donorguard.core import repair
from donorguard.core.check import check
from donorguard.core.fingerprint import canonical
from donorguard.core.manifest import Stamp
from donorguard.core.seal import seal
from donorguard.core.table import Table
from donorguard.store import rulesets as rules_mod
from donorguard.store.keys import Key
from donorguard.tools import synth

RULES = rules_mod.load()
KEY = Key(bytes(range(1, 33)), "<test>")
STAMP = Stamp("2026-01-01T00:00:00+09:00", "tester")
COLS = RULES.names
HEADER = 3
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: [None if v is None else str(v) for v in df[c]] for c in COLS}, dtype=object)


@functools.lru_cache(maxsize=None)
def _sealed(n: int, seed: int):
    vals = as_text(synth.make_people(n, seed=seed))
    rows = np.arange(n) + HEADER + 1
    seals, m, _ = seal(Table(vals, rows, pd.Series([None] * n, dtype=object)), RULES, KEY, "S", HEADER, stamp=STAMP)
    return vals, list(seals), m


def sealed(n: int, seed: int):
    vals, seals, m = _sealed(n, seed)
    return vals.copy(), list(seals), m


class State:
    """The sheet after edits: values, seals and, for the truth, which sealed row each seal came from."""

    def __init__(self, vals, seals):
        self.vals = vals.copy()
        self.seals = list(seals)
        self.origin = list(range(len(vals)))

    def table(self):
        rows = np.arange(len(self.vals)) + HEADER + 1
        return Table(self.vals.reset_index(drop=True), rows, pd.Series(self.seals, dtype=object))


def fresh_id(rng, taken):
    while True:
        body = "".join(rng.choice("0123456789") for _ in range(11))
        v = body + str(in_.calc_check_digit(body))
        if v not in taken:
            return v


def op_col_perm(s, rng):
    cols = rng.sample(COLS, rng.randint(1, 3))
    pos = sorted(rng.sample(range(len(s.vals)), rng.randint(2, len(s.vals))))
    perm = pos[:]
    rng.shuffle(perm)
    block = s.vals.loc[perm, cols].to_numpy()
    s.vals.loc[pos, cols] = block


def op_sort_column(s, rng):
    c = rng.choice(COLS)
    s.vals[c] = sorted(s.vals[c].fillna(""), reverse=rng.random() < .5)
    s.vals[c] = s.vals[c].replace("", None)


def op_paste(s, rng, cut=False):
    n = len(s.vals)
    cols = rng.sample(COLS, rng.randint(1, 2))
    m = rng.randint(1, max(1, n // 2))
    a = rng.randint(0, n - m)
    k = rng.choice([x for x in range(-a, n - a - m + 1) if x != 0] or [0])
    if k == 0:
        return
    src = s.vals.loc[a:a + m - 1, cols].to_numpy().copy()
    if cut:
        s.vals.loc[a:a + m - 1, cols] = None
    s.vals.loc[a + k:a + k + m - 1, cols] = src


def op_swap(s, rng):
    c = rng.choice(COLS)
    i, j = rng.sample(range(len(s.vals)), 2)
    s.vals.loc[i, c], s.vals.loc[j, c] = s.vals.loc[j, c], s.vals.loc[i, c]


def op_edit(s, rng):
    c = rng.choice(COLS)
    i = rng.randrange(len(s.vals))
    s.vals.loc[i, c] = fresh_id(rng, set(s.vals["個人番号"])) if c == "個人番号" else f"訂正{rng.randint(0, 10**6)}"


def _insert(s, at, values, seal, origin):
    top, bottom = s.vals.iloc[:at], s.vals.iloc[at:]
    s.vals = pd.concat([top, pd.DataFrame([values], columns=COLS), bottom], ignore_index=True)
    s.seals.insert(at, seal)
    s.origin.insert(at, origin)


def op_insert(s, rng):
    person = as_text(synth.make_people(1, seed=rng.randint(10**6, 10**7))).iloc[0].tolist()
    person[COLS.index("個人番号")] = fresh_id(rng, set(s.vals["個人番号"]))
    _insert(s, rng.randint(0, len(s.vals)), person, None, None)


def op_delete(s, rng):
    drop = set(rng.sample(range(len(s.vals)), rng.randint(1, max(1, len(s.vals) // 4))))
    keep = [i for i in range(len(s.vals)) if i not in drop]
    s.vals = s.vals.iloc[keep].reset_index(drop=True)
    s.seals = [s.seals[i] for i in keep]
    s.origin = [s.origin[i] for i in keep]


def op_duplicate(s, rng):
    i = rng.randrange(len(s.vals))
    _insert(s, i + 1, s.vals.iloc[i].tolist(), s.seals[i], s.origin[i])


def op_whole_rows(s, rng):
    order = list(range(len(s.vals)))
    if rng.random() < .5:
        c = rng.choice(COLS)
        order.sort(key=lambda i: (str(s.vals.at[i, c]), i), reverse=rng.random() < .5)
    else:
        rng.shuffle(order)
    s.vals = s.vals.iloc[order].reset_index(drop=True)
    s.seals = [s.seals[i] for i in order]
    s.origin = [s.origin[i] for i in order]


DAMAGE = {"col_perm": op_col_perm, "sort_column": op_sort_column, "paste": op_paste,
          "cut": lambda s, r: op_paste(s, r, cut=True), "swap": op_swap, "edit": op_edit,
          "insert": op_insert, "delete": op_delete, "duplicate": op_duplicate}


def truth(s, orig_canon):
    """Excel rows that must be reported, and sealed rows that must be reported missing."""
    cur = canonical(s.vals, RULES)
    broken = [s.origin[i] is None or not cur.iloc[i].equals(orig_canon.iloc[s.origin[i]])
              for i in range(len(s.vals))]
    flagged = set()
    by_origin = {}
    for i, o in enumerate(s.origin):
        if o is None:
            flagged.add(i)
        else:
            by_origin.setdefault(o, []).append(i)
    for q in by_origin.values():
        owner = next((i for i in q if not broken[i]), q[0])
        flagged |= set(q) - {owner}
        if broken[owner]:
            flagged.add(owner)
    rows = {i + HEADER + 1 for i in flagged}
    missing = {o + HEADER + 1 for o in range(len(orig_canon)) if o not in by_origin}
    return rows, missing


def reported(report):
    f = report.findings
    return set(f["row"].dropna().astype(int)), set(f.loc[f["kind"] == "missing", "sealed_row"].astype(int))


@SETTINGS
@given(n=st.integers(4, 40), seed=st.integers(0, 5), ops=st.lists(st.sampled_from(sorted(DAMAGE)), min_size=1,
       max_size=3), rnd=st.integers(0, 10**9))
def test_damage_is_found_exactly(n, seed, ops, rnd):
    vals, seals, m = sealed(n, seed)
    orig = canonical(vals, RULES)
    s, rng = State(vals, seals), random.Random(rnd)
    for op in ops:
        if len(s.vals) >= 3:
            DAMAGE[op](s, rng)
    want_rows, want_missing = truth(s, orig)
    rep = check(s.table(), m, KEY)
    got_rows, got_missing = reported(rep)
    assert (got_rows, got_missing) == (want_rows, want_missing), (ops, rep.findings.to_string())
    assert rep.clean == (not want_rows and not want_missing)
    assert set(rep.diagnosis["cause"]) <= {"column_sorted_alone", "paste_shifted", "paste_into_hidden_rows",
                                           "cells_edited", "leading_zeros_lost", "rows_added", "rows_duplicated",
                                           "rows_removed", "tampered", "other"}
    if not rep.clean:
        assert len(rep.diagnosis) >= 1


@SETTINGS
@given(n=st.integers(4, 40), seed=st.integers(0, 5), ops=st.lists(st.sampled_from(
       ["col_perm", "sort_column", "swap"]), min_size=1, max_size=4), rnd=st.integers(0, 10**9))
def test_repair_is_exact_when_nothing_was_overwritten(n, seed, ops, rnd):
    vals, seals, m = sealed(n, seed)
    s, rng = State(vals, seals), random.Random(rnd)
    for op in ops:
        DAMAGE[op](s, rng)
    rep = check(s.table(), m, KEY)
    fixed = repair.apply(s.vals, rep)
    assert canonical(fixed, RULES).equals(canonical(vals, RULES))
    assert check(Table(fixed, s.table().rows, pd.Series(s.seals, dtype=object)), m, KEY).clean


@SETTINGS
@given(n=st.integers(4, 40), seed=st.integers(0, 5), ops=st.lists(st.sampled_from(sorted(DAMAGE)), min_size=1,
       max_size=3), rnd=st.integers(0, 10**9))
def test_repair_never_makes_things_worse(n, seed, ops, rnd):
    vals, seals, m = sealed(n, seed)
    s, rng = State(vals, seals), random.Random(rnd)
    for op in ops:
        if len(s.vals) >= 3:
            DAMAGE[op](s, rng)
    t = s.table()
    rep = check(t, m, KEY)
    after = check(Table(repair.apply(s.vals, rep), t.rows, t.seals), m, KEY)
    before_rows, before_missing = reported(rep)
    after_rows, after_missing = reported(after)
    assert after_rows <= before_rows and after_missing == before_missing
    reentry = {int(t.rows[p]) for p, _ in rep.plan.reentry}
    assert reentry <= before_rows
    # a person's ID is never left in another sealed person's row after repair
    f = after.findings
    assert not ((f["kind"] == "separated") & f["columns"].map(lambda c: "個人番号" in c)).any(), f.to_string()


@SETTINGS
@given(n=st.integers(2, 40), seed=st.integers(0, 5), rnd=st.integers(0, 10**9))
def test_whole_row_operations_stay_clean(n, seed, rnd):
    vals, seals, m = sealed(n, seed)
    s = State(vals, seals)
    op_whole_rows(s, random.Random(rnd))
    assert check(s.table(), m, KEY).clean


def test_kosai_mistake_is_separation_with_owner():
    vals, seals, m = sealed(30, 7)
    s = State(vals, seals)
    owner_of = {v: i for i, v in enumerate(vals["個人番号"])}
    s.vals["個人番号"] = sorted(s.vals["個人番号"])
    rep = check(s.table(), m, KEY)
    f = rep.findings
    moved = [i for i, v in enumerate(s.vals["個人番号"]) if owner_of[v] != i]
    assert sorted(f["row"]) == [i + HEADER + 1 for i in moved]
    assert set(f["kind"]) == {"separated"}
    for r in f.itertuples():
        v = s.vals.at[r.row - HEADER - 1, "個人番号"]
        assert r.belongs_at_row == owner_of[v] + HEADER + 1
        assert v not in r.message and v[-4:] in r.message
    assert rep.diagnosis["cause"].tolist() == ["column_sorted_alone"]
    assert rep.diagnosis["columns"].iloc[0] == ["個人番号"]


@pytest.mark.parametrize("k", [1, 3, -2])
def test_shifted_paste_is_diagnosed_with_its_shift(k):
    vals, seals, m = sealed(40, 3)
    s = State(vals, seals)
    src = s.vals.loc[10:19, "個人番号"].to_numpy().copy()
    s.vals.loc[10 + k:19 + k, "個人番号"] = src
    d = check(s.table(), m, KEY).diagnosis
    assert d["cause"].tolist() == ["paste_shifted"] and d["shift"].tolist() == [k]


def test_leading_zero_lost_is_reported_and_repaired():
    vals, seals, m = sealed(40, 5)
    i = next(i for i, v in enumerate(vals["個人番号"]) if v.startswith("0"))
    s = State(vals, seals)
    s.vals.loc[i, "個人番号"] = s.vals.loc[i, "個人番号"][1:]
    rep = check(s.table(), m, KEY)
    assert set(rep.findings["kind"]) == {"id_changed", "invalid_id"}
    assert rep.diagnosis["cause"].tolist() == ["leading_zeros_lost"]
    assert check(Table(repair.apply(s.vals, rep), s.table().rows, s.table().seals), m, KEY).clean
