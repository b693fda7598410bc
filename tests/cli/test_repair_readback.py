"""Repair checks its copy from what it wrote (xlsx/readback.py): the report equals a fresh check of the copy
(ops.check_file, the reference), whatever was moved, edited, cleared or added."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from donorguard.cli import ops
from donorguard.core.repair import Edit
from donorguard.store import rulesets
from donorguard.text import report
from donorguard.tools import synth
from donorguard.xlsx import readback, sheetxml
from donorguard.xlsx.read import open_book
from donorguard.xlsx.write import write_edits
from hostile.make_corpus import add_row
from support import new_key

RULES = rulesets.load()
N = 40
COLS = ["氏名", "生年月日", "郵便番号", "個人番号", "住所地市町村コード", "寄附金額"]


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    """A sealed list written as openpyxl writes small ones (shared strings, dates as styled numbers), with
    two unbound columns: a reception number beside 氏名 and notes at the end."""
    d = tmp_path_factory.mktemp("readback")
    path = d / "sealed.xlsx"
    synth.write_workbook(synth.make_people(N, seed=21, leading_zero_share=0.3), path,
                         free_columns={"受付番号": [f"R{i:04d}" for i in range(N)],
                                       "備考": ["済" if i % 3 else None for i in range(N)]})
    key = new_key(d)
    ops.seal_file(path, RULES, key)
    return path, key, open_book(path, RULES)


def breakage():
    i, col = st.integers(0, N - 1), st.sampled_from(COLS + ["seal", "受付番号", "備考"])
    return st.lists(st.one_of(
        st.tuples(st.just("move"), i, col, i),
        st.tuples(st.just("set"), i, col, st.sampled_from(["架空　改変", " 12,000 ", "0", "zero", "other"])),
        st.tuples(st.just("clear"), i, col, st.none()),
        st.tuples(st.just("add"), i, st.lists(st.sampled_from(COLS), min_size=1, max_size=3, unique=True),
                  st.none()),
        st.tuples(st.just("sort"), i, st.none(), i),        # rows reversed, the seal column left out
        st.tuples(st.just("blank"), i, st.none(), st.none()),   # a row emptied, seal and all
        st.tuples(st.just("total"), i, st.none(), st.none()),   # 合計 below a blank row
    ), min_size=1, max_size=8)


def broken_copy(sealed, ops_, dst):
    path, _, b = sealed
    rows, values, edits, added, total = b.table.rows.tolist(), b.table.values, {}, [], False
    n = len(rows)
    ops_ = [(op, i % n, col, arg % n if isinstance(arg, int) else arg) for op, i, col, arg in ops_]
    lay = b.table.layout
    where = {"seal": lay.seal, "受付番号": lay.unbound[0], "備考": lay.unbound[-1]}
    visible = list(b.columns) + list(lay.unbound)

    def put(e):
        edits[(e.row, e.column)] = e
    for op, i, col, arg in ops_:
        col = where.get(col, col) if isinstance(col, str) else col
        if op == "move":
            put(Edit("move", rows[i], col, src_row=rows[arg]))
        elif op == "set":
            text = {"zero": str(values[col].iloc[i]).lstrip("0") if isinstance(col, str) else "7",
                    "other": str(values[col].iloc[(i + 7) % n]) if isinstance(col, str) else "x"}.get(arg, arg)
            put(Edit("set", rows[i], col, text=text))
        elif op == "clear":
            put(Edit("clear", rows[i], col))
        elif op == "sort":
            lo, hi = sorted((i, arg))
            for k in range(lo, hi + 1):
                for c in visible:
                    put(Edit("move", rows[k], c, src_row=rows[hi - (k - lo)]))
        elif op == "blank":
            for c in visible + [lay.seal]:
                put(Edit("clear", rows[i], c))
        elif op == "total":
            total = True
        else:
            added.append((i, col))
    written = write_edits(b, sorted(edits.values(), key=lambda e: (e.row, str(e.column))), dst)
    tail = [(i, {c: str(values[c].iloc[i]) for c in cols}) for i, cols in added]
    if total:
        tail += [None, (None, {"氏名": "合計", "寄附金額": "123456"})]
    for k, item in enumerate(tail):                # rows below the list: someone's values, a total
        if item is None:
            continue
        r = rows[-1] + 1 + k
        cells = {sheetxml.col_letter(b.columns[c]): sheetxml.inline_cell(f"{sheetxml.col_letter(b.columns[c])}{r}",
                                                                         text) for c, text in item[1].items()}
        grown = dst.with_suffix(".grown.xlsx")
        add_row(dst, grown, r, cells)
        grown.replace(dst)
    return written


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


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(breakage().map(lambda ops_: [o for o in ops_ if o[0] not in ("add", "total")]).filter(bool))
def test_the_list_read_back_is_the_list_a_fresh_read_gives(sealed, tmp_path, ops_):
    """Cell by cell, below the reports: values, rows, seals, blank rows above, unbound cells."""
    first, copy = tmp_path / "first.xlsx", tmp_path / "copy.xlsx"
    for p in (first, copy):
        p.unlink(missing_ok=True)
    half = len(ops_) // 2                       # a list read with blank rows in it, changed again
    if half:
        broken_copy(sealed, ops_[:half], first)
        sealed = (first, None, open_book(first, RULES))
    b = sealed[2]
    got, fresh = readback.written_table(b, broken_copy(sealed, ops_[half:], copy), copy), open_book(copy, RULES).table
    assert got.values.equals(fresh.values) and got.seals.equals(fresh.seals)
    assert got.rows.tolist() == fresh.rows.tolist() and got.blanks.tolist() == fresh.blanks.tolist()
    assert got.unbound().equals(fresh.unbound())


def test_a_list_needing_nothing_is_left_alone(sealed, tmp_path):
    path, key, _ = sealed
    before, after, _ = ops.repair_file(path, tmp_path / "copy.xlsx", RULES, key)
    assert before.clean and after is None and not (tmp_path / "copy.xlsx").exists()
