"""check: whole rows wherever their seal sits, every part of a seal cell, stale generations, lost zeros, formats,
notices. Core only: sealed tables in, findings, notices and plans out."""
import pandas as pd
import pytest
from sheets import COLS, HEADER, KEY, RULES, SEAL, STAMP, Sheet

from donorguard.core import repair
from donorguard.core.approve import approve
from donorguard.core.check import check
from donorguard.core.codes import Cause, Kind, Notice
from donorguard.core.table import Table


def test_kosai_mistake_is_separation_with_owner():
    s = Sheet.make(30, 7, [])
    j = s.columns.index("個人番号")
    owner = {r[j]: i for i, r in enumerate(s.cells)}
    s.sort(j, j, 0, s.n - 1, j)
    rep = check(s.table(), s.m, KEY)
    f = rep.findings
    moved = [i for i, r in enumerate(s.cells) if owner[r[j]] != i]
    assert sorted(f["row"]) == [i + HEADER + 1 for i in moved]
    assert set(f["kind"]) == {Kind.SEPARATED}
    for r in f.itertuples():
        v = s.cells[r.row - HEADER - 1][j]
        assert r.belongs_at_row == owner[v] + HEADER + 1
        assert v not in r.message and v[-4:] in r.message
    assert rep.diagnosis["cause"].tolist() == [Cause.COLUMN_SORTED_ALONE]
    assert rep.diagnosis["columns"].iloc[0] == ["個人番号"]
    assert {e.column for e in repair.edits(rep, s.rows())} == {"個人番号"}


@pytest.mark.parametrize("part", ["version", "serial", "generation", "tags", "seal_mac", "row_mac"])
def test_an_edit_to_any_part_of_a_seal_cell_is_tampered(part):
    """DG2:<serial>.<generation>:<tags>:<seal_mac>:<row_mac>: one character changed anywhere (the row MAC too:
    its tags still verify) is tampering, never clean."""
    s = Sheet.make(8, 1, [])
    j, i = s.columns.index(SEAL), 3
    seal = s.cells[i][j]
    head, serial_gen, tags, seal_mac, row_mac = seal.split(":")
    serial, gen = serial_gen.split(".")
    flip = {"A": "B"}.get
    parts = {"version": ("DG3", serial_gen, tags, seal_mac, row_mac),
             "serial": (head, f"{int(serial) + 1}.{gen}", tags, seal_mac, row_mac),
             "generation": (head, f"{serial}.{int(gen) + 1}", tags, seal_mac, row_mac),
             "tags": (head, serial_gen, tags[:-1] + (flip(tags[-1]) or "A"), seal_mac, row_mac),
             "seal_mac": (head, serial_gen, tags, seal_mac[:-1] + (flip(seal_mac[-1]) or "A"), row_mac),
             "row_mac": (head, serial_gen, tags, seal_mac, row_mac[:-1] + (flip(row_mac[-1]) or "A"))}
    s.cells[i][j] = ":".join(parts[part])
    rep = check(s.table(), s.m, KEY)
    assert not rep.clean
    row = rep.findings[rep.findings["row"] == i + HEADER + 1]
    assert row["kind"].tolist() == [Kind.TAMPERED]
    assert Cause.TAMPERED in set(rep.diagnosis["cause"])


def test_a_row_copied_back_from_before_an_approval_is_stale():
    """The issue's case: a corrected My Number approved, then the old row (its old seal once genuine) pasted back
    over the corrected one. The old seal is of an earlier generation: tampered, with its own sentence; nothing
    exports."""
    s = Sheet.make(10, 2, [])
    j, k = s.columns.index("個人番号"), s.columns.index(SEAL)
    old_row = list(s.cells[4])
    s.cells[4][j] = _other_id(s)
    t = s.table()
    rep = check(t, s.m, KEY)
    assert rep.findings["kind"].tolist() == [Kind.ID_CHANGED]
    seals, m2 = approve(t, s.m, KEY, rep, [4 + HEADER + 1], "原本と照合して訂正", stamp=STAMP)
    s.cells[4][k] = seals[4]
    assert check(s.table(), m2, KEY).clean
    assert s.cells[4][k].split(":")[1].endswith(".1")          # a new generation
    s.cells[4] = old_row                                          # copied back from the older workbook
    rep = check(s.table(), m2, KEY)
    assert not rep.clean
    f = rep.findings[rep.findings["row"] == 4 + HEADER + 1]
    assert f["kind"].tolist() == [Kind.TAMPERED] and "古い版" in f["message"].iat[0]
    assert rep.diagnosis["cause"].tolist() == [Cause.STALE_ROWS]
    assert Kind.MISSING not in set(rep.findings["kind"])   # the stale seal still names its person


def _other_id(s):
    import random

    from sheets import fresh_id
    return fresh_id(random.Random(3), {r[s.columns.index("個人番号")] for r in s.cells})


@pytest.mark.parametrize("lost", [1, 2])
def test_ids_typed_as_numbers_get_every_lost_zero_back(lost):
    """An ID typed as a number loses all its leading zeros: one or two, the digits are recoverable (a fixed-length
    kind), in the check and in the repair."""
    from stdnum.jp import in_
    s = Sheet.make(12, 5, [])
    j, i = s.columns.index("個人番号"), 4
    body = "0" * lost + "7" + "1234567890"[:10 - lost]
    s.cells[i][j] = body + in_.calc_check_digit(body)
    _reseal(s)
    s.cells[i][j] = s.cells[i][j][lost:]
    rep = check(s.table(), s.m, KEY)
    assert set(rep.findings["kind"]) == {Kind.ID_CHANGED, Kind.INVALID_ID}
    assert "先頭の 0" in rep.findings.loc[rep.findings["kind"] == Kind.ID_CHANGED, "message"].iat[0]
    assert rep.diagnosis["cause"].tolist() == [Cause.LEADING_ZEROS_LOST]
    assert repair.edits(rep, s.rows()) == [repair.Edit("set", i + HEADER + 1, "個人番号", text="0" * lost +
                                                        s.cells[i][j])]
    assert check(repair.apply(s.table(), rep), s.m, KEY).clean


def test_a_code_that_lost_its_zero_is_recovered_too():
    s = Sheet.make(40, 5, [])
    j = s.columns.index("住所地市町村コード")
    i = next(i for i, r in enumerate(s.cells) if r[j].startswith("0"))
    s.cells[i][j] = str(int(s.cells[i][j]))
    rep = check(s.table(), s.m, KEY)
    assert rep.diagnosis["cause"].tolist() == [Cause.LEADING_ZEROS_LOST]
    assert rep.diagnosis["columns"].iat[0] == ["住所地市町村コード"]
    assert check(repair.apply(s.table(), rep), s.m, KEY).clean


@pytest.mark.parametrize("column, sealed, shown", [
    *[("寄附日", "2026-03-01", v) for v in ("46082", "46082.0", "2026-03-01 00:00:00", "2026/3/1", "2026年3月1日")],
    *[("寄附金額", "10000", v) for v in ("1927-05-18", "1927-05-18 00:00:00", "10000.0", "10,000")],
])
def test_formats_are_not_edits(column, sealed, shown):
    """A date is the same date whatever format shows it (General shows its serial, another date format); a number
    the same number (a date format shows an amount as the date of its serial)."""
    s = Sheet.make(6, 1, [])
    j = s.columns.index(column)
    for r in s.cells:
        r[j] = sealed
    _reseal(s)
    s.cells[2][j] = shown
    assert check(s.table(), s.m, KEY).clean


def _reseal(s: Sheet):
    from donorguard.core.seal import seal
    t = s.table()
    seals, s.m, _ = seal(Table(t.values, t.rows, pd.Series([None] * s.n, dtype=object)), RULES, KEY, "S", HEADER,
                      stamp=STAMP)
    j = s.columns.index(SEAL)
    for r, v in zip(s.cells, seals):
        r[j] = v


def test_seals_moved_down_one_row_are_only_out_of_place():
    """Cells inserted into the seal column alone (shift down): every row is still whole; the last seal is now in a
    row of its own below the list. A notice; the repair moves every seal up and empties that row."""
    s = Sheet.make(6, 3, [])
    j = s.columns.index(SEAL)
    s.cells.append([None] * len(s.columns))
    s.origin.append([None] * len(s.columns))
    for i in range(s.n - 1, 0, -1):
        s.cells[i][j] = s.cells[i - 1][j]
    s.cells[0][j] = None
    rep = check(s.table(), s.m, KEY)
    assert rep.clean and rep.notices["notice"].tolist() == [Notice.SEALS_OUT_OF_PLACE]
    assert rep.notices["rows"].iat[0] == list(range(HEADER + 1, HEADER + 1 + 6))
    assert list(rep.people) == list(range(6))
    s.apply(repair.edits(rep, s.rows()))
    assert s.cells[-1][j] is None and check(s.table(), s.m, KEY).clean


def test_seal_header_and_formula_notices():
    s = Sheet.make(5, 1, [])
    t = s.table()
    t.seal_header = ""
    t.formulas = pd.DataFrame({"pos": [1, 3], "column": ["寄附金額", "寄附金額"], "cached": [True, True]})
    rep = check(t, s.m, KEY)
    assert rep.clean
    assert rep.notices["notice"].tolist() == [Notice.SEAL_HEADER, Notice.FORMULAS_SEALED]
    assert rep.notices["rows"].iat[1] == [HEADER + 2, HEADER + 4] and rep.notices["columns"].iat[1] == ["寄附金額"]


def test_the_clean_path_is_one_mac_per_row(monkeypatch):
    """A clean list: one row MAC each, no tag, no seal MAC (issue 18 measures this path against a plain read)."""
    from donorguard.core import fingerprint
    s = Sheet.make(12, 1, [2])
    calls = {"tags": 0, "seals": 0}
    for name in ("tags", "seals_intact"):
        real = getattr(fingerprint.Sealer, name)

        def counted(self, *a, _real=real, _name=name, **k):
            calls["tags" if _name == "tags" else "seals"] += 1
            return _real(self, *a, **k)
        monkeypatch.setattr(fingerprint.Sealer, name, counted)
    assert check(s.table(), s.m, KEY).clean
    assert calls == {"tags": 0, "seals": 0}


def test_status_never_counts_more_rows_than_the_list_has():
    """Every seal gone (its column cleared): the list's rows are added rows and every sealed row is gone, said
    apart ("10 行中 10 行 ... 封印時の 10 行が見当たりません"), never "20 of 10"."""
    s = Sheet.make(10, 1, [])
    j = s.columns.index(SEAL)
    for r in s.cells:
        r[j] = None
    rep = check(s.table(), s.m, KEY)
    from donorguard.text.report import as_text
    assert rep.problem_rows == 10 and rep.gone_rows == 10
    assert as_text(rep).splitlines()[0] == \
        "送付できません: 10 行中 10 行に問題があります。封印時の 10 行が見当たりません。"


def test_unchanged_columns_are_not_named():
    s = Sheet.make(10, 4, [])
    rep = check(s.table(), s.m, KEY)
    assert rep.clean and rep.findings.empty and rep.notices.empty and len(rep.people) == 10
    assert set(COLS) == set(s.table().values.columns)
