"""Excel Tables (table parts): sealing widens the Table to take in the seal column, so a sort inside the Table
carries the seals; a Table sealed without it (before this) sorts into a notice, and repair moves only the seals."""
import re
import zipfile

import openpyxl

from donorguard.cli import ops as files
from donorguard.core.codes import Notice
from donorguard.store import rulesets as rules_mod
from donorguard.tools import synth
from donorguard.xlsx import tables
from support import new_key

RULES = rules_mod.load()


def table_book(tmp_path, n=20):
    path = tmp_path / "list.xlsx"
    synth.write_workbook(synth.make_people(n, seed=5), path, table=True,
                         free_columns={"備考": [f"n{i}" for i in range(n)]})
    return path


def sort_table(path, column_name, span_to=None):
    """Sort the Table's rows (every column of its range, or up to column span_to) by one column, as Excel does
    for a sort inside a Table; openpyxl writes the file."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    t = next(iter(ws.tables.values()))
    c1, r1, c2, r2 = openpyxl.utils.cell.range_boundaries(t.ref)
    c2 = span_to or c2
    head = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    key = head.index(column_name)
    rows = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1 + 1, r2 + 1)]
    rows.sort(key=lambda r: str(r[key]))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            ws.cell(r1 + 1 + i, c1 + j).value = v
    wb.save(path)


def test_sealing_widens_the_table_to_the_seal_column(tmp_path):
    path = table_book(tmp_path)
    b, _, _, _ = files.seal_file(path, RULES, new_key(tmp_path))
    with zipfile.ZipFile(path) as z:
        [t] = tables.of_sheet(z, b.part)
        xml = z.read(t.part)
    assert (t.first_col, t.last_col) == (1, b.seal_col) and (t.first_row, t.last_row) == (b.header_row, 23)
    assert re.search(rb'<autoFilter ref="A3:M23"', xml) and b'count="13"' in xml
    assert xml.count(b"<tableColumn ") == 13 and b'name="DonorGuard"' in xml
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert next(iter(ws.tables.values())).ref == "A3:M23"


def test_a_sort_inside_the_table_carries_the_seals(tmp_path):
    path = table_book(tmp_path)
    key = new_key(tmp_path)
    files.seal_file(path, RULES, key)
    sort_table(path, "個人番号")
    _, rep, _ = files.check_file(path, RULES, key)
    assert rep.clean and rep.notices.empty


def test_a_table_without_the_seal_column_sorts_into_a_notice(tmp_path):
    """Sealed before Tables were widened: the Table stops left of the seal column. A sort inside it leaves every
    row whole and only the seals elsewhere: clean with a notice; the repair moves only seal cells."""
    path = table_book(tmp_path)
    key = new_key(tmp_path)
    b, _, _, _ = files.seal_file(path, RULES, key)
    sort_table(path, "氏名", span_to=b.seal_col - 1)
    _, rep, _ = files.check_file(path, RULES, key)
    assert rep.clean and rep.notices["notice"].tolist() == [Notice.SEALS_OUT_OF_PLACE]
    done = files.repair_file(path, tmp_path / "fixed.xlsx", RULES, key)
    assert done.seals > 0 and done.cells == 0
    assert {e for _, e, _ in done.before.plan.moves} == {b.seal_col}
    assert done.after.clean and done.after.notices.empty
