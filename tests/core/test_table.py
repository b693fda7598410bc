"""core/table.py: the Layout (where the list's columns sit, left to right) and the Table a shell hands the core,
normalised on the way in so that the core never depends on how a shell built it."""
import numpy as np
import pandas as pd

from donorguard.core.table import SEAL, Layout, Table


def test_a_plain_layout_is_the_bound_columns_in_rule_order_then_the_seal():
    lay = Layout.plain(["b", "a", "c"])
    assert lay.bound == {"b": 1, "a": 2, "c": 3} and lay.seal == 4 and lay.unbound == ()
    assert lay.order() == [(1, "b"), (2, "a"), (3, "c"), (4, SEAL)]


def test_order_reads_the_columns_left_to_right_whatever_order_they_are_named_in():
    lay = Layout({"個人番号": 6, "氏名": 2}, 4, (7, 1, 3))
    assert lay.order() == [(1, None), (2, "氏名"), (3, None), (4, SEAL), (6, "個人番号"), (7, None)]


def test_a_table_is_normalised_on_the_way_in():
    values = pd.DataFrame({"a": ["1", "2", "3"], "b": ["x", None, "z"]}, index=[10, 20, 30], dtype=object)
    seals = pd.Series(["s1", None, "s3"], index=["p", "q", "r"], dtype=object)
    t = Table(values, [4, 5, 6], seals)
    assert t.values.index.tolist() == [0, 1, 2] and t.values["b"].tolist() == ["x", None, "z"]
    assert t.seals.index.tolist() == [0, 1, 2] and t.seals.tolist() == ["s1", None, "s3"]
    assert isinstance(t.rows, np.ndarray) and t.rows.dtype == np.int64 and t.rows.tolist() == [4, 5, 6]
    assert t.layout == Layout.plain(["a", "b"])
    assert list(t.formulas.columns) == ["pos", "column", "cached"] and len(t.formulas) == 0
    assert t.formulas["pos"].dtype == np.int64 and t.formulas["cached"].dtype == bool
    assert len(t) == 3 and t.hidden_rows() == set() and t.unbound is None and t.seal_header is None


def test_what_a_shell_says_is_kept():
    lay = Layout({"a": 2, "b": 4}, 5, (3,))
    formulas = pd.DataFrame({"pos": [1], "column": ["a"], "cached": [True]})
    t = Table(pd.DataFrame({"a": ["1", "2"], "b": ["x", "y"]}, dtype=object), np.array([7, 9]),
              pd.Series([None, None], dtype=object), hidden_rows=lambda: {9}, layout=lay, formulas=formulas,
              seal_header="")
    assert t.layout is lay and t.formulas is formulas and t.hidden_rows() == {9} and t.seal_header == ""

