"""core/evidence.py: what a check found, frozen, as explain hands it to diagnose: its fields say what the
docstring says they hold, and nothing downstream can change it."""
import dataclasses

import numpy as np
import pytest
from sheets import HEADER, RULES, Sheet, explained

from donorguard.core import diagnose
from donorguard.core.evidence import CELL_COLUMNS, FINDING_COLUMNS, Evidence
from donorguard.core.fingerprint import canonical
from donorguard.text.messages import Messages

ID = "個人番号"


def evidence(s: Sheet, table=None, book="名簿.xlsx") -> Evidence:
    return explained(table or s.table(), s.m, book).evidence


def sorted_alone(n=14, seed=7) -> Sheet:
    s = Sheet.make(n, seed, [])
    j = s.columns.index(ID)
    s.sort(j, j, 0, s.n - 1, j)
    return s


def test_the_evidence_names_the_list_as_the_check_saw_it():
    s = sorted_alone()
    ev = evidence(s, book="寄附者 名簿.xlsx")
    assert ev.rows.tolist() == (np.arange(s.n) + HEADER + 1).tolist()
    assert ev.columns == tuple(RULES.names) and ev.id_column == RULES.id and ev.book == "寄附者 名簿.xlsx"
    assert list(ev.findings.columns) == FINDING_COLUMNS and list(ev.cells.columns) == CELL_COLUMNS
    assert ev.canon.equals(canonical(s.table().values, RULES))


def test_each_misplaced_value_is_the_one_the_person_it_belongs_to_sealed():
    """cur: the tag of each position's value; exp: the tag of the value its row's person sealed. A cell out of
    place holds a value that is not its row's person's, and is the value the person at `dst` sealed."""
    s = sorted_alone()
    ev = evidence(s)
    assert len(ev.cells)
    for pos, col, dst in ev.cells[["pos", "col", "dst"]].itertuples(index=False):
        assert ev.cur[col][pos] is not None and ev.cur[col][pos] != ev.exp[col][pos]
        assert ev.cur[col][pos] == ev.exp[col][dst]
    untouched = sorted(set(range(s.n)) - set(ev.cells["pos"]))
    for c in ev.columns:
        assert [ev.cur[c][p] for p in untouched] == [None] * len(untouched)      # rows their seal verifies


def test_zeros_are_the_values_whose_lost_leading_zeros_a_repair_writes_back():
    s = Sheet.make(40, 5, [])
    j = s.columns.index("住所地市町村コード")
    i = next(i for i, r in enumerate(s.cells) if r[j].startswith("0"))
    s.cells[i][j] = s.cells[i][j].lstrip("0")
    ev = evidence(s)
    assert ev.zeros == ((i, "住所地市町村コード"),)
    assert ev.undecided.tolist() == [] and ev.stale.tolist() == []


def test_hidden_rows_are_handed_on_uncalled():
    """Hidden rows cost a shell a read of the sheet: the evidence carries the table's callable, and explain does
    not call it."""
    def hidden():
        raise AssertionError("hidden rows asked for")
    s = sorted_alone()
    t = s.table()
    t.hidden_rows = hidden
    assert evidence(s, t).hidden_rows is hidden


def test_the_evidence_is_frozen_and_diagnose_leaves_it_as_it_was():
    ev = evidence(sorted_alone())
    for f in dataclasses.fields(Evidence):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(ev, f.name, None)
    findings, cells, canon = ev.findings.copy(deep=True), ev.cells.copy(deep=True), ev.canon.copy(deep=True)
    cur = {c: v.copy() for c, v in ev.cur.items()}
    diagnose.diagnose(ev, Messages("en"))
    assert ev.findings.equals(findings) and ev.cells.equals(cells) and ev.canon.equals(canon)
    assert all(np.array_equal(ev.cur[c], cur[c]) for c in cur)
