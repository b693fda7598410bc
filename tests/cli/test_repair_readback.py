"""Repair checks its copy from what it wrote (xlsx/readback.py): the report equals a fresh check of the copy
(ops.check_file, the reference), whatever was moved, edited, cleared or added."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from donorguard.cli import ops
from donorguard.core.repair import Edit
from donorguard.store import rulesets
from donorguard.text import report
from donorguard.tools import synth
from donorguard.xlsx import sheetxml
from donorguard.xlsx.read import open_book
from donorguard.xlsx.write import write_edits
from hostile.make_corpus import add_row
from support import new_key

RULES = rulesets.load()
N = 40
COLS = ["氏名", "生年月日", "郵便番号", "個人番号", "住所地市町村コード", "寄附金額"]


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    """A sealed list written as openpyxl writes small ones: shared strings, dates as styled numbers."""
    d = tmp_path_factory.mktemp("readback")
    path = d / "sealed.xlsx"
    synth.write_workbook(synth.make_people(N, seed=21, leading_zero_share=0.3), path)
    key = new_key(d)
    ops.seal_file(path, RULES, key)
    return path, key, open_book(path, RULES)


def breakage():
    i, col = st.integers(0, N - 1), st.sampled_from(COLS)
    return st.lists(st.one_of(
        st.tuples(st.just("move"), i, col, i),
        st.tuples(st.just("set"), i, col, st.sampled_from(["架空　改変", " 12,000 ", "0", "zero", "other"])),
        st.tuples(st.just("clear"), i, col, st.none()),
        st.tuples(st.just("add"), i, st.lists(col, min_size=1, max_size=3, unique=True), st.none()),
    ), min_size=1, max_size=8)


def broken_copy(sealed, ops_, dst):
    path, _, b = sealed
    rows, values, edits, added = b.table.rows.tolist(), b.table.values, {}, []
    for op, i, col, arg in ops_:
        if op == "move":
            edits[(rows[i], col)] = Edit("move", rows[i], col, src_row=rows[arg])
        elif op == "set":
            text = {"zero": str(values[col].iloc[i]).lstrip("0"),
                    "other": str(values[col].iloc[(i + 7) % N])}.get(arg, arg)
            edits[(rows[i], col)] = Edit("set", rows[i], col, text=text)
        elif op == "clear":
            edits[(rows[i], col)] = Edit("clear", rows[i], col)
        else:
            added.append((i, col))
    write_edits(b, sorted(edits.values(), key=lambda e: (e.row, e.column)), dst)
    for k, (i, cols) in enumerate(added):          # rows below the list holding someone's values
        r = rows[-1] + 1 + k
        cells = {sheetxml.col_letter(b.columns[c]): sheetxml.inline_cell(f"{sheetxml.col_letter(b.columns[c])}{r}",
                                                                         str(values[c].iloc[i])) for c in cols}
        grown = dst.with_suffix(".grown.xlsx")
        add_row(dst, grown, r, cells)
        grown.replace(dst)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(breakage())
def test_repair_reports_what_a_fresh_check_of_the_copy_reports(sealed, tmp_path, ops_):
    _, key, _ = sealed
    broken, fixed = tmp_path / "broken.xlsx", tmp_path / "fixed.xlsx"
    broken_copy(sealed, ops_, broken)
    fixed.unlink(missing_ok=True)
    before, after, reentry = ops.repair_file(broken, fixed, RULES, key)
    assert report.as_json(before) == report.as_json(ops.check_file(broken, RULES, key)[1])
    if after is None:                                   # nothing to put back: nothing written
        assert not fixed.exists()
        return
    _, fresh, _ = ops.check_file(fixed, RULES, key)
    assert report.as_json(after) == report.as_json(fresh)
    assert report.as_text(after, "ja") == report.as_text(fresh, "ja")


def test_a_list_needing_nothing_is_left_alone(sealed, tmp_path):
    path, key, _ = sealed
    before, after, _ = ops.repair_file(path, tmp_path / "copy.xlsx", RULES, key)
    assert before.clean and after is None and not (tmp_path / "copy.xlsx").exists()
