"""homes.assign on small integer grids (codes, not tags); the plan's moves are in test_plan."""
import numpy as np

from donorguard.core.homes import assign

NO_GAPS = np.zeros(5, np.int64)         # four signal columns (three bound, the seal last): no unbound column


def people(n, cols=3):
    """Person p's value in column j is the code 10*j + p: every value is one person's alone."""
    return np.array([[10 * j + p for j in range(cols)] for p in range(n)], dtype=np.int64)


def test_the_row_holding_most_of_a_persons_cells_is_its_home():
    exp = people(3)
    cur = exp[[0, 1, 2]].copy()
    cur[:, 0] = exp[[1, 2, 0], 0]                      # column 0 sorted alone
    h = assign(cur, exp, np.array([0, 1, 2]), NO_GAPS, 3, np.full(3, -1))
    assert h.home.tolist() == [0, 1, 2] and h.house.tolist() == [0, 1, 2]
    assert not h.whole.any() and not h.undecided.any()


def test_rows_whose_seal_is_elsewhere_are_whole():
    exp = people(3)
    cur = exp[[2, 0, 1]]
    h = assign(cur, exp, np.array([0, 1, 2]), NO_GAPS, 3, np.full(3, -1))
    assert h.home.tolist() == [2, 0, 1] and h.whole.all()


def test_equal_halves_are_undecided_with_everything_they_touch():
    exp = people(4, cols=3)
    cur = exp.copy()
    cur[:, :2] = exp[[1, 0, 3, 2], :2]                 # two columns moved; one column and the seal stayed
    h = assign(cur, exp, np.arange(4), NO_GAPS, 3, np.full(4, -1))
    assert h.undecided.all() and (h.home == -1).all() and h.unsure.all()


def test_a_row_holding_none_of_a_persons_own_values_is_not_given_to_it():
    """Values many people share (the same code, amount or gender) never make a row someone's home."""
    exp = np.array([[1, 7, 5], [2, 7, 5], [3, 7, 5]])
    cur = np.array([[1, 7, 5], [9, 7, 5], [8, 7, 5]])      # rows 1 and 2: only shared values, no seal
    h = assign(cur, exp, np.array([0, -1, -1]), NO_GAPS, 3, np.full(3, -1))
    assert h.home.tolist() == [0, -1, -1]





def test_unbound_cells_that_could_tip_the_balance_leave_the_row_undecided():
    """A row holds 3 of one person's bound values and 2 of another's plus the seal: 3 against 3. Two unbound
    columns on the boundary between them could belong to either side, so nobody can say which side moved."""
    exp = people(4, cols=5)
    cur = exp.copy()
    cur[:, :3] = exp[[1, 2, 3, 0], :3]
    gaps = np.array([0, 0, 0, 2, 0, 0, 0])            # two unbound columns between bound columns 2 and 3
    h = assign(cur, exp, np.arange(4), gaps, 5, np.full(4, -1))
    assert h.undecided.all()
    gaps = np.array([0, 0, 2, 0, 0, 0, 0])            # inside the three: they count for that side, 5 against 3
    h = assign(cur, exp, np.arange(4), gaps, 5, np.full(4, -1))
    assert not h.undecided.any() and h.home.tolist() == [1, 2, 3, 0]
