"""locate: the seal column by its header or by its cells, the list's unbound columns, and where the list ends."""
import pandas as pd
import pytest
from sheets import RULES, Sheet

from donorguard.core.locate import find_header, layout, table
from donorguard.core.manifest import SEAL_HEADER


def grid(s: Sheet, header_seal=SEAL_HEADER) -> list:
    head = [c if c.startswith("u") is False else f"メモ{c}" for c in s.columns]
    head = [header_seal if c == "seal" else h for c, h in zip(s.columns, head)]
    return [["一覧"], [], head] + [list(r) for r in s.cells]


@pytest.mark.parametrize("header", [SEAL_HEADER, "donorguard", "封印", "", None])
def test_the_seal_column_is_found_by_its_header_or_its_cells(header):
    s = Sheet.make(12, 1, [3])
    rows = grid(s, header)
    i, found, seal = find_header(rows[:5], RULES, [dict(enumerate(r)) for r in rows[5:]])
    assert i == 2 and seal == s.columns.index("seal")
    assert set(found) == set(RULES.names)


def test_a_column_of_other_text_is_not_taken_for_seals():
    s = Sheet.make(6, 1, [3])
    rows = grid(s, None)
    j = s.columns.index("seal")
    for r in rows[3:]:
        r[j] = "DG2:not a seal"
    assert find_header(rows, RULES)[2] is None


def test_layout_takes_in_unbound_columns_between_and_beside_under_a_header():
    header = {1: "受付番号", 2: "寄附者番号", 3: "メモ", 4: "氏名", 5: "", 6: "個人番号", 7: "備考", 8: "DonorGuard",
              10: "離れた表"}
    lay = layout(header, {"寄附者番号": 2, "氏名": 4, "個人番号": 6}, 8)
    assert lay.unbound == (1, 3, 5, 7) and lay.seal == 8
    assert [name for _, name in lay.order()] == [None, "寄附者番号", None, "氏名", None, "個人番号", None, "\x00seal"]


def _frame(rows: list) -> pd.DataFrame:
    width = max(len(r) for r in rows)
    return pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)


def test_a_blank_row_ends_the_list_for_rows_without_an_id_or_a_seal():
    s = Sheet.make(5, 1, [])
    rows = grid(s)
    total = [None] * len(s.columns)
    total[s.columns.index("氏名")], total[s.columns.index("寄附金額")] = "合計", "150000"
    found = {c: s.columns.index(c) for c in RULES.names}
    seal = s.columns.index("seal")
    t = table(_frame(rows + [total]), 2, found, seal, 1, RULES)
    assert len(t) == 6                                     # right below the list: a row of the list (seal refuses)
    t = table(_frame(rows + [[None], total]), 2, found, seal, 1, RULES)
    assert len(t) == 5                                     # after a blank row: not the list's
    late = list(rows[3])                                   # a person after a blank row is still the list's
    t = table(_frame(rows + [[None], total, late]), 2, found, seal, 1, RULES)
    assert len(t) == 7 and t.rows.tolist()[-1] == 3 + 5 + 3


def test_skip_labels_leave_labelled_rows_without_an_id_out():
    s = Sheet.make(5, 1, [])
    data = RULES.snapshot()
    data["policies"]["skip_labels"] = ["合計"]
    rules = __import__("donorguard.core.rules", fromlist=["from_dict"]).from_dict(data, "x")
    rows = grid(s)
    total = [None] * len(s.columns)
    total[s.columns.index("氏名")] = "合 計"
    found = {c: s.columns.index(c) for c in RULES.names}
    t = table(_frame(rows + [total]), 2, found, s.columns.index("seal"), 1, rules)
    assert len(t) == 5
