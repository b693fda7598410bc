"""core/export.py, the export plan on in-memory lists: one batch per destination from a clean report only, the
files' names from the rules' template, and the read-back check of what was written (no files: xlsx/outbound
writes them, tests/xlsx/test_outbound.py reads them back)."""
import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sheets import HEADER, KEY, RULES, STAMP, Sheet, sealed
from stdnum.jp import in_

from donorguard.core import export
from donorguard.core.check import check
from donorguard.core.errors import ExportBlocked, ExportRefused
from donorguard.core.seal import seal
from donorguard.core.table import Table

DEST = RULES.export["by"]


def clean_list(n=24, seed=6):
    vals, seals, m = sealed(n, seed)
    t = Table(vals, np.arange(n) + HEADER + 1, pd.Series(seals, dtype=object))
    rep = check(t, m, KEY)
    assert rep.clean
    return t, rep, m


def batch(destination: str) -> export.Batch:
    return export.Batch(destination, pa.table({"a": pa.array(["x"], pa.large_string())}), np.array([0]))


def test_one_batch_per_destination_rows_in_list_order():
    t, rep, m = clean_list()
    made = export.batches(t, rep, m)
    by_dest = {}
    for i, d in enumerate(t.values[DEST]):
        by_dest.setdefault(d, []).append(i)
    assert [b.destination for b in made] == sorted(by_dest)
    for b in made:
        assert b.positions.tolist() == by_dest[b.destination]
        assert b.values.column_names == RULES.export["columns"] and b.values.num_rows == len(b.positions)
        assert b.values.column(DEST).to_pylist() == [b.destination] * len(b.positions)
        assert b.values.column("個人番号").to_pylist() == t.values["個人番号"].iloc[b.positions].tolist()


def test_only_the_rows_people_live_in_are_exported():
    t, rep, m = clean_list()
    rep.people = np.delete(np.arange(len(t)), [0, 5])
    assert sorted(np.concatenate([b.positions for b in export.batches(t, rep, m)]).tolist()) == rep.people.tolist()


def test_a_list_not_split_by_destination_is_one_batch_and_one_file():
    rules = dataclasses.replace(RULES, export={**RULES.export, "by": None, "file_name": "一覧_{rules}_{date}"})
    vals, _, _ = sealed(6, 2)
    rows = np.arange(6) + HEADER + 1
    seals, m, _ = seal(Table(vals, rows, pd.Series([None] * 6, dtype=object)), rules, KEY, "S", HEADER, stamp=STAMP)
    t = Table(vals, rows, pd.Series(seals, dtype=object))
    made = export.batches(t, check(t, m, KEY), m)
    assert [(b.destination, b.positions.tolist()) for b in made] == [("all", list(range(6)))]
    assert export.file_names(made, export.rules_of(m), "20260105", "xlsx") == \
        [f"一覧_{RULES.name}_20260105.xlsx"]


def test_a_blocked_list_exports_nothing():
    s = Sheet.make(12, 7, [])
    j = s.columns.index("個人番号")
    s.sort(j, j, 0, s.n - 1, j)
    rep = check(s.table(), s.m, KEY)
    assert not rep.clean
    with pytest.raises(ExportBlocked):
        export.batches(s.table(), rep, s.m)


def test_file_names_fill_in_the_rules_template():
    t, rep, m = clean_list()
    made = export.batches(t, rep, m)
    names = export.file_names(made, RULES, "20260105", "csv")
    assert names == [f"{b.destination}_ワンストップ特例_20260105.csv" for b in made]


@pytest.mark.parametrize("destinations, problem", [(["ab", "AB"], "same_name"), (["a/b"], "unsafe"),
                                                   (["CON"], "reserved")])
def test_a_file_name_that_cannot_be_written_is_refused_before_anything_is(destinations, problem):
    rules = dataclasses.replace(RULES, export={**RULES.export, "file_name": "{destination}"})
    with pytest.raises(ExportRefused) as e:
        export.file_names([batch(d) for d in destinations], rules, "20260105", "csv")
    assert e.value.details["reason"] == "file_name"
    assert e.value.details["items"] == [(destinations[-1], destinations[-1], problem)]


def test_a_destination_holding_a_my_number_never_stands_whole_in_the_refusal():
    number = "12345678901" + str(in_.calc_check_digit("12345678901"))
    with pytest.raises(ExportRefused) as e:         # masked, the name holds "*", which Windows forbids
        export.file_names([batch(number)], RULES, "20260105", "csv")
    assert number not in str(e.value) and number not in repr(e.value.details)


def test_what_was_written_verifies_and_any_change_is_found():
    """The export's own text (dates in the rules' format, postal codes with a dash) verifies against the checked
    values; a batch read back with a value changed, a row missing or the columns in another order does not."""
    t, rep, m = clean_list()
    made = export.batches(t, rep, m)
    back = [b.values for b in made]
    assert export.verify(made, back, t, rep, RULES) is None
    k = next(i for i, b in enumerate(made) if len(b.positions) >= 2)
    ids = back[k].column("個人番号").to_pylist()
    swapped = back[k].set_column(back[k].column_names.index("個人番号"), "個人番号",
                                 pa.array([ids[1], ids[0], *ids[2:]], pa.large_string()))
    assert export.verify(made, back[:k] + [swapped] + back[k + 1:], t, rep, RULES) == k
    assert export.verify(made, back[:k] + [back[k].slice(1)] + back[k + 1:], t, rep, RULES) == k
    reordered = back[k].select(list(reversed(back[k].column_names)))
    assert export.verify(made, back[:k] + [reordered] + back[k + 1:], t, rep, RULES) == k


@pytest.mark.parametrize("kind, values", [
    ("postal", ["1000001", "100-0001", "", "123456", "12345678", "٠١٢٣٤٥٦", "12345６7", "abcdefg", "1000001"]),
    ("date", ["1980-01-02", "2024-02-30", "1980/01/02", "", "1980-1-2x", "2000-12-31", "1980-01-02"]),
    ("code", ["D000001", "", "0012"]),
])
def test_formatting_a_column_is_fmt_of_each_value(kind, values):
    canon = pd.Series(values, dtype="str")
    got = export._column(canon, canon, kind, "%Y年%m月%d日").to_pylist()
    assert got == [export._fmt(kind, v, "%Y年%m月%d日") for v in values]


@pytest.mark.parametrize("kind, value, shown", [
    ("date", "1980-01-02", "1980年01月02日"), ("date", "2024-02-30", "2024-02-30"),
    ("date", "1980/01/02", "1980/01/02"), ("postal", "1000001", "100-0001"), ("postal", "123456", "123456"),
    ("code", "0012", "0012")])
def test_dates_and_postal_codes_are_written_in_one_form(kind, value, shown):
    assert export._fmt(kind, value, "%Y年%m月%d日") == shown
