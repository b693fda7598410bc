"""Approve: corrected and added rows re-sealed with a reason in a new generation, deletions accepted, other seals
unchanged; refusals that say what to do instead."""
import json
import random

import pytest
from sheets import COLS, HEADER, KEY, SEAL, STAMP, Sheet, as_text, fresh_id

from donorguard.core import manifest as mf
from donorguard.core.approve import approve
from donorguard.core.check import check
from donorguard.core.codes import Kind, Refusal
from donorguard.core.errors import NotApprovable
from donorguard.tools import synth


def _add_person(s: Sheet, at: int, rng):
    person = as_text(synth.make_people(1, seed=rng.randint(10**6, 10**7))).iloc[0].to_dict()
    person["個人番号"] = fresh_id(rng, {r[s.columns.index("個人番号")] for r in s.cells})
    s.cells.insert(at, [person.get(c) if c in COLS else None for c in s.columns])
    s.origin.insert(at, [None] * len(s.columns))


def test_corrected_added_and_removed_rows_approved():
    s = Sheet.make(12, 1, [])
    s.cells[3][s.columns.index("氏名")] = "訂正 花子"
    _add_person(s, 9, random.Random(5))
    del s.cells[7], s.origin[7]
    t = s.table()
    rep = check(t, s.m, KEY)
    assert set(rep.findings["kind"]) == {Kind.OWNER_CHANGED, Kind.UNSEALED, Kind.MISSING}
    rows = sorted(rep.findings["row"].dropna().astype(int))
    new_seals, m2 = approve(t, s.m, KEY, rep, rows, "原本と照合 番号123456789012は誤記", [7 + HEADER + 1],
                            stamp=STAMP)
    assert set(new_seals) == {r - HEADER - 1 for r in rows}
    j = s.columns.index(SEAL)
    untouched = [i for i in range(s.n) if i not in new_seals]
    for i, v in new_seals.items():
        s.cells[i][j] = v
    assert [s.cells[i][j] for i in untouched] == [t.seals.iat[i] for i in untouched]
    assert check(s.table(), m2, KEY).clean
    log = json.loads(m2["approvals"])[-1]
    assert log["reason"] == "原本と照合 番号********9012は誤記" and log["removed"] == str(7 + HEADER + 1)
    # the corrected person is in generation 1; the added one is a new serial at generation 0
    gens = mf.generations(m2)
    assert gens == {3 + HEADER + 1: 1}
    added = next(i for i, o in enumerate(s.origin) if o[0] is None)
    assert new_seals[3].split(":")[1] == f"{3 + HEADER + 1}.1" and new_seals[added].split(":")[1].endswith(".0")


def test_approving_again_raises_the_generation():
    s = Sheet.make(6, 2, [])
    j, k = s.columns.index("氏名"), s.columns.index(SEAL)
    m = s.m
    for gen, name in enumerate(["訂正 一", "訂正 二", "訂正 三"], start=1):
        s.cells[2][j] = name
        rep = check(s.table(), m, KEY)
        seals, m = approve(s.table(), m, KEY, rep, [2 + HEADER + 1], "訂正", stamp=STAMP)
        s.cells[2][k] = seals[2]
        assert mf.generations(m) == {2 + HEADER + 1: gen}
        assert check(s.table(), m, KEY).clean


def test_approve_refuses_moved_values_and_missing_reason():
    s = Sheet.make(10, 2, [])
    j = s.columns.index("個人番号")
    ids = [r[j] for r in s.cells]
    for r, v in zip(s.cells, reversed(ids)):
        r[j] = v
    t = s.table()
    rep = check(t, s.m, KEY)
    with pytest.raises(NotApprovable, match="run repair first"):
        approve(t, s.m, KEY, rep, [4, 5], "ok", stamp=STAMP)
    with pytest.raises(NotApprovable, match="a reason is required"):
        approve(t, s.m, KEY, rep, [4], "  ", stamp=STAMP)
    with pytest.raises(NotApprovable, match="not missing sealed rows"):
        approve(t, s.m, KEY, rep, [], "x", [5], stamp=STAMP)


def test_approving_a_deleted_persons_row_names_removed():
    """The issue's case: `approve --rows 20` where the person sealed in row 20 was deleted (row 20 now holds the
    next person, clean): refused, naming --removed, instead of "approved" and nothing done."""
    s = Sheet.make(10, 3, [])
    del s.cells[4], s.origin[4]
    t = s.table()
    rep = check(t, s.m, KEY)
    gone = 4 + HEADER + 1
    with pytest.raises(NotApprovable) as e:
        approve(t, s.m, KEY, rep, [gone], "削除の確認", stamp=STAMP)
    assert e.value.details["reason"] == Refusal.USE_REMOVED and "--removed" in str(e.value)
    seals, m2 = approve(t, s.m, KEY, rep, [], "削除の確認", [gone], stamp=STAMP)
    assert seals == {} and check(t, m2, KEY).clean


def test_approving_clean_rows_says_nothing_needed_it():
    s = Sheet.make(8, 3, [])
    t = s.table()
    rep = check(t, s.m, KEY)
    with pytest.raises(NotApprovable) as e:
        approve(t, s.m, KEY, rep, [HEADER + 2, HEADER + 3], "念のため", stamp=STAMP)
    assert e.value.details["reason"] == Refusal.NOTHING_TO_APPROVE and e.value.code == 1


def test_a_row_whose_seal_sits_in_another_row_is_repaired_first():
    s = Sheet.make(8, 3, [])
    j = s.columns.index("氏名")
    k = s.columns.index(SEAL)
    s.sort(0, k - 1, 0, s.n - 1, j)                         # seals left out of the sort
    i = next(i for i in range(s.n) if s.origin[i][0] != s.origin[i][k])
    s.cells[i][s.columns.index("寄附金額")] = "12345"        # and a real change in a row whose seal moved
    t = s.table()
    rep = check(t, s.m, KEY)
    changed = i + HEADER + 1
    assert rep.findings["row"].dropna().astype(int).tolist() == [changed]
    with pytest.raises(NotApprovable) as e:
        approve(t, s.m, KEY, rep, [changed], "訂正", stamp=STAMP)
    assert e.value.details["reason"] == Refusal.SEAL_MOVED
