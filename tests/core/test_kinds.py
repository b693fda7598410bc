"""Canonical forms of every kind: golden values, so what is hashed never drifts."""

import pandas as pd
import pytest

from donorguard.core import kinds
from donorguard.core.kinds import lgcode, mynumber
from donorguard.core.kinds.values import KINDS


def canon(kind, values):
    return kinds.canon_function(kind)(pd.Series(values, dtype=object)).tolist()


@pytest.mark.parametrize("kind, raw, want", [
    ("text", ["山田　太郎", " 山田  太郎 ", None, "a\tb", "ｶﾀｶﾅ"], ["山田 太郎", "山田 太郎", "", "a b", "カタカナ"]),
    ("kana", ["ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"], ["ヤマダ タロウ", "ヤマダ タロウ"]),
    ("date", ["1980-01-02 00:00:00", "1980/1/2", "1980年1月2日", "１９８０/０１/０２", "S55.1.2", ""],
     ["1980-01-02", "1980-01-02", "1980-01-02", "1980-01-02", "S55.1.2", ""]),
    ("amount", ["10,000", "10000.0", "１００００円", "0", "12.50", "abc"],
     ["10000", "10000", "10000", "0", "12.5", "abc"]),
    ("postal", ["〒431-0431", "4310431", "４３１－０４３１"], ["4310431", "4310431", "4310431"]),
    ("code", ["D000123", "123.0", "０１２"], ["D000123", "123", "012"]),
    ("mynumber", ["0123-4567-8901", "１２３４ ５６７８ ９０１２", "123456789012.0", None],
     ["012345678901", "123456789012", "123456789012", ""]),
])
def test_canonical_forms(kind, raw, want):
    assert canon(kind, raw) == want


def test_every_value_kind_maps_blank_to_empty():
    for name, f in KINDS.items():
        assert f(pd.Series([None, float("nan"), ""], dtype=object)).tolist() == ["", "", ""], name


def test_lgcode_check_digit():
    assert lgcode.is_valid("222216") and lgcode.is_valid("131016")
    assert not lgcode.is_valid("222217") and not lgcode.is_valid("22221")
    assert lgcode.calc_check_digit("01100") == "2"


def test_mynumber_problems_and_mask():
    valid = "123456789018"
    assert mynumber.is_valid(valid)
    assert mynumber.problem(valid) is None
    assert mynumber.problem("123456789019") == "check_digit"
    assert mynumber.problem("12345678901") == "length"
    assert mynumber.problem("12345678") == "length"
    assert mynumber.problem("") == "blank"
    assert mynumber.problem("12345678901a") == "not_digits"
    lost = "023456789013"
    assert mynumber.is_valid(lost) and mynumber.problem(lost[1:]) == "leading_zero_lost"
    assert mynumber.mask(valid) == "****-****-9018"
    assert valid not in mynumber.mask(valid)


@pytest.mark.parametrize("raw", ["0123-4567-8901", "１２３４ ５６７８ ９０１２", "123456789012.0", None,
                                 "12-34 ‐56－78−90ー12", ""])
def test_scalar_compact_equals_vectorised_canon(raw):
    assert mynumber.compact(raw) == canon("mynumber", [raw])[0]



@pytest.mark.parametrize("raw, want", [
    ("46082", "2026-03-01"), ("46082.0", "2026-03-01"), ("29222", "1980-01-02"), ("46082.5", "2026-03-01 12:00:00"),
    ("2026-03-01 00:00:00", "2026-03-01"), ("0", "0"), ("-3", "-3"), ("3000000", "3000000"), ("4.6e4", "4.6e4"),
])
def test_a_date_shown_as_its_serial_is_the_same_date(raw, want):
    """A date cell whose format became General or a number reads as Excel's day count (1900 date system)."""
    assert canon("date", [raw]) == [want]


@pytest.mark.parametrize("raw, want", [
    ("1927-05-18", "10000"), ("1927-05-18 00:00:00", "10000"), ("1927-05-18 12:00:00", "10000.5"),
    ("1927-02-30", "1927-02-30"), ("10000", "10000"),
])
def test_an_amount_shown_as_a_date_is_the_same_number(raw, want):
    assert canon("amount", [raw]) == [want]


def test_any_number_of_lost_zeros_pads_fixed_length_kinds():
    assert mynumber.problem("23456789013") == "leading_zero_lost" and mynumber.pad("23456789013") == "023456789013"
    two = "003456789012"
    assert mynumber.is_valid(two)
    assert mynumber.problem(two[2:]) == "leading_zero_lost" and mynumber.pad(two[2:]) == two
    assert lgcode.pad("11002") == "011002"
    assert lgcode.pad("1100") is None and mynumber.pad("12345678") is None      # padded, not a valid number
    assert mynumber.pad("１23") is None and mynumber.pad(two) is None
