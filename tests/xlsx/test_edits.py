"""Real files edited as staff edit them (openpyxl writes them): the seal header renamed or cleared, formats
changed, IDs typed as numbers, formulas in bound columns. What DonorGuard says of each."""
import re
import zipfile

import openpyxl
import pytest

from donorguard.cli import ops as files
from donorguard.core import repair
from donorguard.core.codes import Cause, Notice, Why
from donorguard.core.errors import UnfitToSeal
from donorguard.core.rules import from_dict
from donorguard.store import rulesets as rules_mod
from donorguard.tools import synth
from support import book, new_key

RULES = rules_mod.load()


def sealed(tmp_path, n=30, seed=3, **kw):
    path, df = book(tmp_path, n=n, seed=seed, **kw)
    key = new_key(tmp_path)
    b, _, _, _ = files.seal_file(path, RULES, key)
    return path, key, b


def edit(path, fn):
    wb = openpyxl.load_workbook(path)
    fn(wb.worksheets[0])
    wb.save(path)


def column(ws, name, header_row=3):
    return next(c.column for c in ws[header_row] if c.value == name)


@pytest.mark.parametrize("header", ["donorguard", "封印", None])
def test_a_renamed_or_cleared_seal_header_finds_the_same_things_with_a_notice(tmp_path, header):
    """The issue's case: with the header renamed or cleared, a Kosai sort was "rows added / rows removed" (20 of 10
    rows). Now the seal column is found by its cells: the same findings as with the header, plus a notice."""
    path, key, b = sealed(tmp_path)
    kosai = tmp_path / "kosai.xlsx"
    synth.kosai_mistake(path, kosai)
    _, want, _ = files.check_file(kosai, RULES, key)
    edit(kosai, lambda ws: setattr(ws.cell(b.header_row, b.seal_col), "value", header))
    _, got, _ = files.check_file(kosai, RULES, key)
    assert got.findings.equals(want.findings) and got.diagnosis.equals(want.diagnosis)
    assert got.notices["notice"].tolist() == [Notice.SEAL_HEADER]
    assert got.problem_rows <= got.rows == 30 and got.gone_rows == 0
    assert got.diagnosis["cause"].tolist() == [Cause.COLUMN_SORTED_ALONE]


@pytest.mark.parametrize("fmt", ["General", "0", 'yyyy"年"m"月"d"日"', "m/d/yy", '[$-411]ggge"年"m"月"d"日"'])
def test_a_date_columns_format_is_not_an_edit(tmp_path, fmt):
    path, key, b = sealed(tmp_path)

    def reformat(ws):
        for name in ("寄附日", "生年月日"):
            j = column(ws, name)
            for r in range(4, 34):
                ws.cell(r, j).number_format = fmt
    edit(path, reformat)
    _, rep, _ = files.check_file(path, RULES, key)
    assert rep.clean, rep.findings.to_string()


def test_an_amount_columns_format_is_not_an_edit(tmp_path):
    path, key, b = sealed(tmp_path)

    def reformat(ws):
        j = column(ws, "寄附金額")
        for r in range(4, 34):
            ws.cell(r, j).number_format = "yyyy/mm/dd" if r % 2 else "#,##0\"円\""
    edit(path, reformat)
    _, rep, _ = files.check_file(path, RULES, key)
    assert rep.clean, rep.findings.to_string()


def test_ids_turned_into_numbers_are_repaired_with_all_their_zeros(tmp_path):
    path, key, b = sealed(tmp_path, n=60, seed=9)
    lost = {}

    def to_numbers(ws):
        j = column(ws, "個人番号")
        for r in range(4, 64):
            v = ws.cell(r, j).value
            if v.startswith("0"):
                lost[r] = len(v) - len(v.lstrip("0"))
                ws.cell(r, j).value = int(v)
    edit(path, to_numbers)
    assert 1 in lost.values()
    _, rep, _ = files.check_file(path, RULES, key)
    assert rep.diagnosis["cause"].tolist() == [Cause.LEADING_ZEROS_LOST]
    assert sorted(e.row for e in repair.edits(rep, b.table.rows)) == sorted(lost)
    done = files.repair_file(path, tmp_path / "fixed.xlsx", RULES, key)
    assert done.after.clean and done.reentry.empty


def _formula(path, col, rows, cached):
    """Bound cells turned into formulas (Excel keeps the computed value in <v>; a tool may not)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"]
    letter = openpyxl.utils.get_column_letter(col)
    for r in rows:
        value = b"<v>10000</v>" if cached else b""
        xml = re.sub(rb'<c r="%s%d"[^>]*?(?:/>|>.*?</c>)' % (letter.encode(), r),
                     b'<c r="%s%d"><f>5000*2</f>%s</c>' % (letter.encode(), r, value), xml, count=1, flags=re.S)
    parts["xl/worksheets/sheet1.xml"] = xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)


@pytest.mark.parametrize("cached", [True, False])
def test_formulas_in_bound_columns_refuse_the_seal(tmp_path, cached):
    path, _ = book(tmp_path, n=10)
    j = column(openpyxl.load_workbook(path).worksheets[0], "寄附金額")
    _formula(path, j, [5, 7], cached)
    with pytest.raises(UnfitToSeal) as e:
        files.seal_file(path, RULES, new_key(tmp_path))
    why = Why.FORMULA_CELL if cached else Why.FORMULA_NO_VALUE
    assert e.value.details["items"] == [("寄附金額", why, [5, 7])]


def test_formulas_sealed_as_values_when_the_rules_say_so(tmp_path):
    data = RULES.snapshot()
    data["policies"]["formulas"] = "seal_values"
    rules = from_dict(data, "x")
    path, _ = book(tmp_path, n=10)
    j = column(openpyxl.load_workbook(path).worksheets[0], "寄附金額")
    _formula(path, j, [5, 7], True)
    key = new_key(tmp_path)
    files.seal_file(path, rules, key)
    _, rep, _ = files.check_file(path, rules, key)
    assert rep.clean and rep.notices["notice"].tolist() == [Notice.FORMULAS_SEALED]
    assert rep.notices["rows"].iat[0] == [5, 7]


def test_blank_required_cells_and_a_total_row_refuse_with_every_row(tmp_path):
    path, _ = book(tmp_path, n=40)

    def damage(ws):
        for r in range(10, 40, 2):
            ws.cell(r, column(ws, "住所地市町村コード")).value = None
        ws.cell(44, column(ws, "氏名")).value = "合計"
        ws.cell(44, column(ws, "寄附金額")).value = 999999
    edit(path, damage)
    with pytest.raises(UnfitToSeal) as e:
        files.seal_file(path, RULES, new_key(tmp_path))
    items = e.value.details["items"]
    assert ("個人番号", Why.NOT_A_PERSON, [44]) in items
    assert ("住所地市町村コード", Why.BLANK, list(range(10, 40, 2))) in items
