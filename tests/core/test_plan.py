"""core/plan.py on small grids: where a column's cells move, seals moved beside their rows, unbound cells following
the cells around them (their columns read only when some unbound cell would move), and chains of moves that must
end on an empty cell or come round."""
import numpy as np
import pytest

from donorguard.core.plan import Plan, _chains_end_well, seal_moves, unbound_moves
from donorguard.core.table import Layout

SEAL_COL = 9


def never():
    raise AssertionError("the unbound columns were read, though no unbound cell would move")


def test_destinations_say_where_each_cell_of_one_column_moves():
    plan = Plan(moves=[(2, "a", 0), (0, "a", 2), (3, "b", 0), (1, SEAL_COL, 3)])
    assert plan.destinations("a", 4).tolist() == [2, -1, 0, -1]
    assert plan.destinations("b", 4).tolist() == [3, -1, -1, -1]
    assert plan.destinations(SEAL_COL, 4).tolist() == [-1, -1, -1, 1]      # the seal column by its Excel column
    assert plan.destinations("c", 4).tolist() == [-1, -1, -1, -1]


def test_unbound_cells_between_two_moving_cells_move_too():
    lay = Layout({"a": 1, "b": 3, "c": 5}, 6, (2, 4))
    plan = Plan(moves=[(1, "a", 0), (0, "a", 1), (1, "b", 0), (0, "b", 1)])
    blank = {2: np.array([False, False]), 4: np.array([False, False])}
    unbound_moves(plan, lay, 2, lambda: blank, np.zeros(2, bool))
    assert sorted(m for m in plan.moves if m[1] == 2) == [(0, 2, 1), (1, 2, 0)]
    assert not [m for m in plan.moves if m[1] == 4]      # b moved, c did not: column 4 is on the boundary


SWAP_AB = [(1, "a", 0), (0, "a", 1), (1, "b", 0), (0, "b", 1)]


@pytest.mark.parametrize("lay, moves, keep", [
    (Layout({"a": 1, "b": 3}, 4, (2,)), [(1, "a", 0), (0, "a", 1)], [False, False]),     # one column sorted alone
    (Layout({"a": 1, "b": 2}, 3, (4, 5)), SWAP_AB + [(1, 3, 0), (0, 3, 1)], [False, False]),  # beside the list
    (Layout({"a": 1, "b": 3}, 4, (2,)), SWAP_AB, [True, True]),                          # rows left alone
    (Layout({"a": 1, "b": 2}, 3), SWAP_AB, [False, False]),                              # nothing unbound
], ids=["kosai", "beside", "kept", "none"])
def test_the_unbound_columns_are_not_read_when_no_unbound_cell_would_move(lay, moves, keep):
    """A Kosai repair (one column sorted alone) never needs the unbound columns: `blank` is not called."""
    plan = Plan(moves=list(moves))
    unbound_moves(plan, lay, 2, never, np.array(keep))
    assert plan.moves == moves and plan.clear == []


def test_the_unbound_columns_are_read_once_for_all_of_them():
    lay = Layout({"a": 1, "b": 3, "c": 5}, 6, (2, 4))
    plan = Plan(moves=SWAP_AB + [(1, "c", 0), (0, "c", 1)])
    calls = []

    def blank():
        calls.append(1)
        return {2: np.zeros(2, bool), 4: np.zeros(2, bool)}
    unbound_moves(plan, lay, 2, blank, np.zeros(2, bool))
    assert len(calls) == 1
    assert sorted(m for m in plan.moves if m[1] in (2, 4)) == [(0, 2, 1), (0, 4, 1), (1, 2, 0), (1, 4, 0)]


def test_unbound_cells_whose_emptiness_is_unknown_move_nowhere():
    lay = Layout({"a": 1, "b": 3}, 4, (2,))
    plan = Plan(moves=list(SWAP_AB))
    unbound_moves(plan, lay, 2, lambda: None, np.zeros(2, bool))
    assert plan.moves == SWAP_AB and plan.clear == []


def test_an_unbound_column_that_was_not_read_stays():
    lay = Layout({"a": 1, "b": 3, "c": 5}, 6, (2, 4))
    plan = Plan(moves=SWAP_AB + [(1, "c", 0), (0, "c", 1)])
    unbound_moves(plan, lay, 2, lambda: {4: np.zeros(2, bool)}, np.zeros(2, bool))
    assert not [m for m in plan.moves if m[1] == 2]
    assert sorted(m for m in plan.moves if m[1] == 4) == [(0, 4, 1), (1, 4, 0)]


def test_a_cut_and_paste_takes_unbound_cells_into_empty_cells_and_clears_what_they_left():
    """Rows 0-1 of a span cut and pasted two rows down: the unbound cells of the span go back up with the bound
    ones around them, and the cells they leave are cleared."""
    lay = Layout({"a": 1, "b": 3}, 4, (2,))
    plan = Plan(moves=[(0, "a", 2), (1, "a", 3), (0, "b", 2), (1, "b", 3)])
    unbound_moves(plan, lay, 4, lambda: {2: np.array([True, True, False, False])}, np.zeros(4, bool))
    assert sorted(m for m in plan.moves if m[1] == 2) == [(0, 2, 2), (1, 2, 3)]
    assert sorted(plan.clear) == [(2, 2), (3, 2)]


def test_an_unbound_cell_never_lands_on_a_filled_cell_that_stays():
    lay = Layout({"a": 1, "b": 3}, 4, (2,))
    moves = [(1, "a", 0), (1, "b", 0)]                  # row 0's span belongs in row 1, which moves nowhere
    plan = Plan(moves=list(moves))
    unbound_moves(plan, lay, 2, lambda: {2: np.array([False, False])}, np.zeros(2, bool))
    assert plan.moves == moves and plan.clear == []
    plan = Plan(moves=list(moves))
    unbound_moves(plan, lay, 2, lambda: {2: np.array([False, True])}, np.zeros(2, bool))
    assert plan.moves == moves + [(1, 2, 0)] and plan.clear == [(0, 2)]


def test_a_chain_ending_on_a_filled_cell_that_stays_is_dropped_whole():
    # cells 0 -> 1 -> 2, and 2 does not move: 2 is filled, so 1 -> 2 would overwrite it, and 0 -> 1 with it
    assert _chains_end_well(np.array([0, 1]), np.array([1, 2]), 3, np.array([False, False, False])).tolist() == \
        [False, False]
    assert _chains_end_well(np.array([0, 1]), np.array([1, 2]), 3, np.array([False, False, True])).tolist() == \
        [True, True]
    assert _chains_end_well(np.array([0, 1, 2]), np.array([1, 2, 0]), 3, np.zeros(3, bool)).all()   # a cycle


def test_long_chains_are_followed_to_their_end():
    """A chain of 100 moves (0 -> 1 -> ... -> 100): only where it ends decides, however far that is."""
    src = np.arange(100)
    blank = np.zeros(101, bool)
    assert not _chains_end_well(src, src + 1, 101, blank).any()
    blank[100] = True
    assert _chains_end_well(src, src + 1, 101, blank).all()
    assert _chains_end_well(np.zeros(0, np.int64), np.zeros(0, np.int64), 3, blank).tolist() == []


def test_seals_move_beside_their_rows_and_strays_are_cleared():
    home = np.array([1, 0, -1])            # row 2 holds only a seal (of person 0, who lives in row 1)
    seal_person = np.array([-1, 1, 0])
    plan = Plan()
    k = seal_moves(plan, home, seal_person, np.ones(3, bool), np.array([True, True, False]), 9)
    assert k == 2 and sorted(plan.moves) == [(0, 9, 1), (1, 9, 2)]
    assert plan.clear == [(2, 9)]


def test_swapped_seals_change_places_and_nothing_is_cleared():
    plan = Plan()
    k = seal_moves(plan, np.array([0, 1]), np.array([1, 0]), np.ones(2, bool), np.ones(2, bool), SEAL_COL)
    assert k == 2 and sorted(plan.moves) == [(0, SEAL_COL, 1), (1, SEAL_COL, 0)] and plan.clear == []


def test_a_seal_cell_that_is_not_writable_is_never_overwritten():
    """Row 0 holds a seal that is not a genuine current one (not writable): person 0's seal, in row 1, is not moved
    over it. Row 1 takes person 1's seal from row 2, which is left empty (person 2 has no seal to take)."""
    plan = Plan()
    k = seal_moves(plan, np.array([0, 1, 2]), np.array([-1, 0, 1]), np.array([False, True, True]),
                   np.ones(3, bool), SEAL_COL)
    assert k == 1 and plan.moves == [(1, SEAL_COL, 2)]
    assert plan.clear == [(2, SEAL_COL)]


def test_the_seal_of_a_person_who_lives_nowhere_is_never_overwritten():
    """Part of row 0 cut and pasted over row 1 (found by the repair property in CI): person 0 now lives in row 1,
    whose seal is person 1's, and person 1 lives nowhere. Moving person 0's seal there would destroy the last
    trace of person 1 and leave person 1's remaining cells beside another's seal: nothing moves."""
    plan = Plan()
    k = seal_moves(plan, np.array([-1, 0, 2]), np.array([0, 1, 2]), np.ones(3, bool), np.ones(3, bool), SEAL_COL)
    assert k == 0 and plan.moves == [] and plan.clear == []
