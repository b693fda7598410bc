"""Row lists as text: one module reads and writes every form."""
import pytest
from hypothesis import given, strategies as st

from donorguard.text import ranges
from donorguard.text.messages import row_ranges


@given(st.lists(st.integers(1, 2000), max_size=60))
def test_encode_then_decode_gives_the_sorted_rows(rows):
    assert ranges.decode(ranges.encode(rows)) == sorted(set(rows))


@pytest.mark.parametrize("text, rows", [("4-6,9", [4, 5, 6, 9]), (" 12 - 13 , 40 ", [12, 13, 40]), ("", []),
                                        ("7", [7])])
def test_decode(text, rows):
    assert ranges.decode(text) == rows


@pytest.mark.parametrize("bad", ["4-x", "a", "1-2-3", "１２", "-4"])
def test_decode_names_the_bad_part(bad):
    with pytest.raises(ValueError) as e:
        ranges.decode(f"1,{bad}")
    assert e.value.args[0] == bad.strip()


@pytest.mark.parametrize("spec, rows", [("3:5,8:8", [3, 4, 5, 8]), ("$12:$15,$40:$40", [12, 13, 14, 15, 40]),
                                        ("12-15,40", [12, 13, 14, 15, 40]), ("5:3", [3, 4, 5]), (None, []),
                                        ([9, 2, 2], [2, 9]), ("A1:B2,xyz", [1, 2])])
def test_excel_selections(spec, rows):
    assert ranges.selection(spec) == rows


def test_shown_cuts_long_lists_in_each_language():
    rows = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 20]
    assert row_ranges(rows, limit=3, lang="ja") == "1, 3, 5, ほか 8 行"
    assert row_ranges(rows, limit=3, lang="en") == "1, 3, 5, 8 more rows"
    assert row_ranges([12, 13, 14, 15, 40]) == "12-15, 40"
