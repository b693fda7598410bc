"""repair: the plan as cell writes (values, seals, unbound cells), applied at once; what it leaves alone."""
import random

from sheets import HEADER, KEY, SEAL, Sheet

from donorguard.core import repair
from donorguard.core.check import check


def test_edits_are_cell_writes_by_row_then_column():
    s = Sheet.make(12, 2, [])
    j = s.columns.index("個人番号")
    s.cells[3][j], s.cells[7][j] = s.cells[7][j], s.cells[3][j]
    rep = check(s.table(), s.m, KEY)
    edits = repair.edits(rep, s.rows())
    assert edits == [repair.Edit("move", HEADER + 4, "個人番号", src_row=HEADER + 8),
                     repair.Edit("move", HEADER + 8, "個人番号", src_row=HEADER + 4)]
    assert repair.seals_moved(rep, s.col(SEAL)) == 0 and repair.left(rep, s.rows()) == []


def test_seal_moves_are_edits_of_the_seal_column_and_apply_moves_seals():
    s = Sheet.make(8, 2, [])
    k = s.columns.index(SEAL)
    seals = [r[k] for r in s.cells]
    order = list(range(s.n))
    random.Random(4).shuffle(order)
    for i, r in enumerate(s.cells):
        r[k] = seals[order[i]]
    rep = check(s.table(), s.m, KEY)
    assert rep.clean
    moved = sum(1 for i in range(s.n) if order[i] != i)
    assert repair.seals_moved(rep, s.col(SEAL)) == moved
    assert {e.column for e in repair.edits(rep, s.rows())} == {s.col(SEAL)}
    fixed = repair.apply(s.table(), rep)
    assert fixed.seals.tolist() == seals and fixed.values.equals(s.table().values)
    again = check(fixed, s.m, KEY)
    assert again.clean and again.notices.empty


def test_overwritten_values_are_listed_for_reentry_and_copies_cleared():
    s = Sheet.make(10, 3, [])
    j = s.columns.index("氏名")
    s.cells[5][j] = s.cells[4][j]                  # a name copied over the next row's
    rep = check(s.table(), s.m, KEY)
    re_ = repair.reentry(rep, s.rows())
    assert re_.to_dict("records") == [{"row": HEADER + 6, "column": ["氏名"]}]
    assert repair.edits(rep, s.rows()) == [repair.Edit("clear", HEADER + 6, "氏名")]


def test_unbound_cells_move_with_the_values_around_them_into_empty_or_vacated_cells():
    """A span with an unbound column inside it cut and pasted two rows down: repair moves the span back, the
    unbound cells with it; the cells the cut emptied get their values back; nothing lands on a filled cell that
    stays."""
    s = Sheet.make(12, 5, [7], distinct=True)             # an unbound column between 住所 and 個人番号
    a, b = s.columns.index("住所"), s.columns.index("住所地市町村コード")
    assert s.columns[a + 1] == "u0"
    s.paste(a, b, 3, 5, 2, cut=True)
    before = s.off()
    rep = check(s.table(), s.m, KEY)
    s.apply(repair.edits(rep, s.rows()))
    assert s.off() < before
    u = s.columns.index("u0")
    assert [s.origin[i][u] for i in (3, 4, 5)] == [3, 4, 5]      # back beside their people
