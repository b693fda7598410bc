"""core/explain.py on in-memory sheets (tests/core/sheets.py): who lives in which row after an edit, the findings,
the cells out of place and what a repair would do, from the check's inputs alone."""
import random

import numpy as np
import pytest
import sheets
from sheets import HEADER, SEAL, Sheet

from donorguard.core import diagnose
from donorguard.core.codes import Cause, Kind, Left
from donorguard.core.explain import _rank_within, _signals
from donorguard.core.table import Layout
from donorguard.text.messages import Messages

ID = "個人番号"


def explained(s: Sheet, table=None):
    return sheets.explained(table or s.table(), s.m)


def no_unbound():
    raise AssertionError("the unbound columns were read")


def test_a_kosai_sort_is_one_column_sorted_alone_and_its_moves_put_every_value_back():
    """One column sorted alone (the Kosai mistake), unbound columns around it: every moved ID is found in the row it
    sits in, belonging to the row of its owner; the plan's moves give each ID back to its row and move nothing else;
    the unbound columns are never read; the diagnosis is column_sorted_alone over exactly those rows."""
    s = Sheet.make(16, 7, [1, 4], after_seal=1)
    j = s.columns.index(ID)
    before = [r[j] for r in s.cells]
    s.sort(j, j, 2, 13, j)
    t = s.table()
    t.unbound = no_unbound
    found = explained(s, t)
    moved = [i for i in range(s.n) if s.origin[i][j] != i]
    assert len(moved) > 2
    f = found.evidence.findings
    assert f["row"].tolist() == [i + HEADER + 1 for i in moved] and set(f["kind"]) == {Kind.SEPARATED}
    assert f["belongs_at_row"].tolist() == [s.origin[i][j] + HEADER + 1 for i in moved]
    assert {c for d, c, src in found.plan.moves} == {ID}
    after = [r[j] for r in s.cells]
    for d, _, src in found.plan.moves:
        after[d] = s.cells[src][j]
    assert after == before
    assert found.people.tolist() == list(range(s.n)) and found.seals_away.tolist() == []
    d = diagnose.diagnose(found.evidence, Messages("ja"))
    assert d["cause"].tolist() == [Cause.COLUMN_SORTED_ALONE] and d["columns"].iat[0] == [ID]
    assert d["rows"].iat[0] == [i + HEADER + 1 for i in moved]


def test_a_fill_down_over_ids_is_copies_whose_owner_still_has_them():
    """Ctrl+D from row 3 over rows 4-6: each copy is a duplicate cell belonging to row 3, nothing is moved into
    place (the values written over are nowhere), the copies are cleared."""
    s = Sheet.make(12, 7, [])
    j = s.columns.index(ID)
    for i in (4, 5, 6):
        s.cells[i][j] = s.cells[3][j]
    found = explained(s)
    cells = found.evidence.cells
    assert cells["pos"].tolist() == [4, 5, 6] and set(cells["col"]) == {ID}
    assert set(cells["kind"]) == {Kind.DUPLICATE} and cells["dst"].tolist() == [3, 3, 3]
    assert cells["copy"].all() and not cells["paired"].any()
    assert found.plan.moves == [] and sorted(found.plan.clear) == [(4, ID), (5, ID), (6, ID)]
    assert diagnose.diagnose(found.evidence, Messages("ja"))["cause"].tolist() == [Cause.CELLS_OVERWRITTEN]


def test_a_row_copied_with_its_seal_is_a_duplicate_no_person_lives_in():
    """Export writes the rows people live in: a copy of a row is not one of them."""
    s = Sheet.make(8, 7, [])
    s.cells.append(list(s.cells[2]))
    s.origin.append(list(s.origin[2]))
    found = explained(s)
    f = found.evidence.findings
    assert f[["row", "kind", "belongs_at_row"]].values.tolist() == [[8 + HEADER + 1, Kind.DUPLICATE, 2 + HEADER + 1]]
    assert found.people.tolist() == list(range(8))


def test_a_seal_column_left_out_of_a_sort_leaves_every_row_whole_and_its_seals_go_home():
    s = Sheet.make(10, 7, [])
    k = s.columns.index(SEAL)
    seals = [r[k] for r in s.cells]
    s.sort(0, k - 1, 0, s.n - 1, s.columns.index("氏名"))
    found = explained(s)
    assert found.evidence.findings.empty
    away = [i for i in range(s.n) if s.origin[i][0] != i]
    assert found.seals_away.tolist() == away and away
    placed = [r[k] for r in s.cells]
    for d, c, src in found.plan.moves:
        assert c == s.layout().seal
        placed[d] = s.cells[src][k]
    assert placed == [seals[s.origin[i][0]] for i in range(s.n)]


def test_a_deleted_row_is_missing_and_an_added_row_is_unsealed():
    s = Sheet.make(10, 7, [])
    del s.cells[3], s.origin[3]
    found = explained(s)
    assert found.evidence.findings[["row", "kind", "sealed_row"]].values.tolist() == \
        [[None, Kind.MISSING, 3 + HEADER + 1]]
    s = Sheet.make(10, 7, [], distinct=True)
    other = Sheet.make(11, 8, [], distinct=True)
    s.cells.append(list(other.cells[10][:-1]) + [None])            # a new person typed in below, no seal
    s.origin.append([None] * len(s.columns))
    found = explained(s)
    f = found.evidence.findings
    assert f[["row", "kind", "sealed_row"]].values.tolist() == [[10 + HEADER + 1, Kind.UNSEALED, None]]
    assert found.people.tolist() == list(range(10))


def test_columns_moved_as_two_equal_halves_are_left_alone():
    """Six bound columns against five and the seal: which half moved cannot be told, so a repair leaves every
    row alone and says why."""
    s = Sheet.make(8, 7, [])
    order = list(range(8))
    random.Random(1).shuffle(order)
    s.permute(0, 5, 0, 7, order)
    found = explained(s)
    moved = sorted(i for i in range(8) if order[i] != i)
    assert moved
    assert found.plan.left == [(i, Left.SIDES_TIED) for i in moved]
    assert found.plan.moves == [] and found.evidence.undecided.tolist() == moved
    f = found.evidence.findings
    assert set(f["kind"]) == {Kind.SEPARATED} and f["belongs_at_row"].isna().all()
    assert f["row"].tolist() == [i + HEADER + 1 for i in moved]


@pytest.mark.parametrize("codes, rank", [([5, 3, 5, 5, 3], [0, 0, 1, 2, 1]), ([], []), ([7], [0]),
                                         ([2, 1, 0], [0, 0, 0])])
def test_rank_within_counts_earlier_items_with_the_same_code(codes, rank):
    assert _rank_within(np.array(codes, dtype=np.int64)).tolist() == rank


def test_signals_are_the_bound_columns_and_the_seal_in_sheet_order_with_the_unbound_gaps():
    lay = Layout({"a": 2, "b": 6, "c": 4}, 7, (1, 3, 5, 8, 9))
    order, gaps, seal_at = _signals(lay, ["a", "b", "c"])
    assert order.tolist() == [0, 2, 1]                    # a, c, b as they stand in the sheet
    assert gaps.tolist() == [1, 1, 1, 0, 2]               # before a, a-c, c-b, b-seal, after the seal
    assert seal_at == 3
