"""seal: rows unfit to seal are refused, naming every row: blank required cells, formulas, totals and other rows
that are not people, numbers that lost their leading zeros (with the one-step fix)."""
import numpy as np
import pandas as pd
import pytest
from sheets import HEADER, KEY, RULES, STAMP, as_text

from donorguard.core.codes import Why
from donorguard.core.errors import UnfitToSeal
from donorguard.core.rules import from_dict
from donorguard.core.seal import pad_zeros, problems, seal
from donorguard.core.table import Table
from donorguard.text.messages import error_text
from donorguard.tools import synth


def table(n=8, seed=1, **kw) -> Table:
    vals = as_text(synth.make_people(n, seed=seed))
    return Table(vals, np.arange(n) + HEADER + 1, pd.Series([None] * n, dtype=object), **kw)


def refusal(t: Table, rules=RULES) -> list:
    with pytest.raises(UnfitToSeal) as e:
        seal(t, rules, KEY, "S", HEADER, stamp=STAMP, book="名簿.xlsx")
    return e.value


@pytest.mark.parametrize("column", ["寄附者番号", "氏名", "個人番号", "住所地市町村コード"])
def test_a_blank_required_cell_refuses_the_seal(column):
    t = table()
    t.values.loc[[2, 5], column] = [None, " "]
    e = refusal(t)
    assert (column, Why.BLANK, [HEADER + 3, HEADER + 6]) in e.details["items"]


def test_blank_cells_of_other_columns_are_fine():
    t = table()
    t.values.loc[2, ["郵便番号", "性別", "寄附日"]] = None
    seals, m, _ = seal(t, RULES, KEY, "S", HEADER, stamp=STAMP)
    assert len(seals) == 8


def test_required_is_a_rule_and_the_default_set_names_four_columns():
    assert RULES.required == ["寄附者番号", "氏名", "個人番号", "住所地市町村コード"]
    data = RULES.snapshot()
    for c in data["columns"]:
        c["required"] = c["name"] == "氏名"
    data["policies"]["allow_blank_id"] = True
    assert from_dict(data, "x").required == ["氏名"]


def test_formulas_are_refused_naming_cells_unless_the_rules_seal_their_values():
    t = table(formulas=pd.DataFrame({"pos": [1, 3, 4], "column": ["氏名", "寄附金額", "寄附金額"],
                                     "cached": [False, True, True]}))
    items = refusal(t).details["items"]
    assert ("氏名", Why.FORMULA_NO_VALUE, [HEADER + 2]) in items
    assert ("寄附金額", Why.FORMULA_CELL, [HEADER + 4, HEADER + 5]) in items
    data = RULES.snapshot()
    data["policies"]["formulas"] = "seal_values"
    lenient = from_dict(data, "x")
    items = refusal(t, lenient).details["items"]
    assert items == [("氏名", Why.FORMULA_NO_VALUE, [HEADER + 2])]      # no value: never sealed
    t.formulas = t.formulas.iloc[1:]
    seals, m, _ = seal(t, lenient, KEY, "S", HEADER, stamp=STAMP)
    assert len(seals) == 8


def test_a_total_row_below_the_list_is_not_a_person_and_says_how_to_leave_it_out():
    t = table()
    t.values.loc[len(t.values)] = [None] * len(t.values.columns)
    t.values.loc[len(t.values) - 1, ["氏名", "寄附金額"]] = ["合計", "999999"]
    t = Table(t.values, np.arange(len(t.values)) + HEADER + 1, pd.Series([None] * len(t.values), dtype=object))
    e = refusal(t)
    assert e.details["items"] == [("個人番号", Why.NOT_A_PERSON, [HEADER + 9])]
    text = error_text(e, "ja")
    assert text == ("この一覧は封印できません: 行 12 は人の行ではありません（合計などの行は、上に空白行を 1 行入れると"
                    "一覧から外れます。規則の skip_labels にその見出しを加えても外せます）。")
    assert error_text(e, "en") == ("The list cannot be sealed: rows 12 are not people (a blank row above a total or "
                                   "other such row leaves it out of the list; so does adding its label to skip_labels "
                                   "in the rules).")


def test_ids_and_codes_that_lost_zeros_are_listed_and_padded():
    vals = as_text(synth.make_people(30, seed=4, leading_zero_share=0.5))
    lost = [i for i, v in enumerate(vals["個人番号"]) if v.startswith("0")]
    codes = [i for i, v in enumerate(vals["住所地市町村コード"]) if v.startswith("0")]
    assert len(lost) > 2 and codes
    typed = vals.copy()
    typed.loc[lost, "個人番号"] = [str(int(v)) for v in vals.loc[lost, "個人番号"]]
    typed.loc[codes, "住所地市町村コード"] = [str(int(v)) for v in vals.loc[codes, "住所地市町村コード"]]
    t = Table(typed, np.arange(30) + HEADER + 1, pd.Series([None] * 30, dtype=object))
    e = refusal(t)
    assert e.details["pad"]
    assert ("個人番号", Why.LEADING_ZERO_LOST, [HEADER + 1 + i for i in lost]) in e.details["items"]
    assert "donorguard seal 名簿.xlsx --pad-zeros" in error_text(e, "ja")
    fixed = pad_zeros(t, RULES)
    assert sorted((q, c) for q, c, _ in fixed) == sorted([(i, "個人番号") for i in lost] +
                                                         [(i, "住所地市町村コード") for i in codes])
    assert all(text == vals.at[q, c] for q, c, text in fixed)


def test_problems_of_chosen_rows_only():
    t = table()
    t.values.loc[[2, 6], "氏名"] = None
    canon = __import__("donorguard.core.fingerprint", fromlist=["canonical"]).canonical(t.values, RULES)
    assert problems(canon, t.rows, RULES, [6]) == [("氏名", Why.BLANK, [HEADER + 7])]
