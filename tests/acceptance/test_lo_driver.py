"""Each uno_driver op once through one LibreOffice; results checked with openpyxl."""
import re
import time
import zipfile

import openpyxl
import pytest

from donorguard.tools import synth

try:
    from lo.fixtures import office  # noqa: F401  (pytest puts tests/ on sys.path)
except ImportError:
    from tests.lo.fixtures import office  # noqa: F401

pytestmark = pytest.mark.libreoffice

N = 30
FIRST, LAST = 4, 3 + N  # data rows; title row 1, header row 3, 備考 in column L
H, LG = 8, 9  # 個人番号, 住所地市町村コード
NEW_ID = "000000000019"

OPS = {
    "plain": [],
    "sort_col": [{"op": "sort", "range": f"H{FIRST}:H{LAST}", "col": "H"}],
    "sort_table": [{"op": "sort", "range": f"A3:L{LAST}", "col": "H", "header": True,
                    "descending": True}],
    "copy": [{"op": "copy", "src": "H10:H12", "dst": "H20"}],
    "cut": [{"op": "cut", "src": "H10:H12", "dst": "N10"}],
    "paste": [{"op": "paste", "src": "H4:H6", "dst": "N4"}],
    "filter": [{"op": "filter", "range": f"A3:L{LAST}", "col": "I", "equals": None}],
    "filter_paste": [{"op": "filter", "range": f"A3:L{LAST}", "col": "I", "equals": None},
                     {"op": "write", "cell": "N1", "values": [[NEW_ID]]},
                     {"op": "paste", "src": "N1", "dst": f"H{FIRST}:H{LAST}"}],
    "filter_paste_block": [{"op": "filter", "range": f"A3:L{LAST}", "col": "I", "equals": None},
                           {"op": "write", "cell": "N1", "values": [["P1"], ["P2"], ["P3"]]},
                           {"op": "paste", "src": "N1:N3", "dst": None}],
    "hide_rows": [{"op": "hide_rows", "rows": [5, 6, 9]}],
    "write": [{"op": "write", "cell": "H12", "values": [[NEW_ID, 42], ["012345678901", 1.5]]}],
    "swap": [{"op": "swap", "a": "H10", "b": "H20"}],
    "insert_rows": [{"op": "insert_rows", "at": 10, "count": 1}],
    "delete_rows": [{"op": "delete_rows", "at": 10, "count": 2}],
    "insert_cols": [{"op": "insert_cols", "at": "C", "count": 1}],
    "copy_row": [{"op": "copy_row", "src": 10, "dst": 11}],
    "fill_down": [{"op": "fill_down", "range": "H10:H13"}],
    "insert_cells": [{"op": "insert_cells", "range": "H10"}],
    "delete_cells": [{"op": "delete_cells", "range": "H10"}],
    "format": [{"op": "set_width", "col": "B", "width_mm": 60},
               {"op": "bold", "range": "A4:A10"}, {"op": "fill", "range": "B5:B6", "rgb": "FFFF00"}],
}


@pytest.fixture(scope="module")
def lo_run(office, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lo")
    df = synth.make_people(N, seed=7, leading_zero_share=0.3)
    base = tmp / "base.xlsx"
    synth.write_workbook(df, base, free_columns={"備考": [f"memo{i}" for i in range(N)]})
    code = df["住所地市町村コード"].mode()[0]
    visible = [FIRST + i for i, c in enumerate(df["住所地市町村コード"]) if c == code]
    assert len(visible) >= 4
    jobs = []
    for name, ops in OPS.items():
        ops = [dict(op) for op in ops]
        for op in ops:
            if op["op"] == "filter":
                op["equals"] = code
            if op.get("dst", "") is None:  # a block of 3 rows spanning exactly 3 visible rows
                op["dst"] = f"H{visible[0]}:H{visible[2]}"
        jobs.append({"in": str(base), "out": str(tmp / f"{name}.xlsx"), "sheet": None, "ops": ops})
    t = time.time()
    results = office.run(jobs)
    print(f"\nLibreOffice: {len(jobs)} jobs in {time.time() - t:.1f}s")
    assert results == [{"ok": True}] * len(jobs), results
    return {"base": _load(base), "visible": visible, "code": code,
            **{name: _load(tmp / f"{name}.xlsx") for name in OPS}}


def _load(path):
    return openpyxl.load_workbook(path).active


def col(ws, c, first=FIRST, last=LAST):
    return [ws.cell(r, c).value for r in range(first, last + 1)]


def row(ws, r):
    return [ws.cell(r, c).value for c in range(1, 13)]


def hidden(ws):
    return [r for r in range(1, ws.max_row + 1) if ws.row_dimensions[r].hidden]


def test_plain_round_trip_keeps_text_ids_dates_format(lo_run):
    base, ws = lo_run["base"], lo_run["plain"]
    for r in range(1, LAST + 1):
        assert row(ws, r) == row(base, r)
    assert any(v.startswith("0") for v in col(ws, H))
    assert all(ws.cell(r, H).data_type == "s" for r in range(FIRST, LAST + 1))
    assert ws["E4"].is_date and ws["A3"].font.b and hidden(ws) == []
    assert ws.column_dimensions["G"].width > ws.column_dimensions["A"].width


def test_sort_single_column_leaves_others(lo_run):
    base, ws = lo_run["base"], lo_run["sort_col"]
    assert col(ws, H) == sorted(col(base, H))
    for c in (1, 2, LG, 12):
        assert col(ws, c) == col(base, c)


def test_sort_whole_table_keeps_rows(lo_run):
    base, ws = lo_run["base"], lo_run["sort_table"]
    assert row(ws, 3) == row(base, 3)
    assert col(ws, H) == sorted(col(base, H), reverse=True)
    by_id = {row(base, r)[H - 1]: row(base, r) for r in range(FIRST, LAST + 1)}
    assert all(row(ws, r) == by_id[ws.cell(r, H).value] for r in range(FIRST, LAST + 1))


def test_copy_cut_paste(lo_run):
    base = lo_run["base"]
    copied = lo_run["copy"]
    assert col(copied, H, 20, 22) == col(base, H, 10, 12)
    assert col(copied, H, 4, 19) == col(base, H, 4, 19)
    cut = lo_run["cut"]
    assert col(cut, 14, 10, 12) == col(base, H, 10, 12)
    assert col(cut, H, 10, 12) == [None] * 3
    pasted = lo_run["paste"]
    assert col(pasted, 14, 4, 6) == col(base, H, 4, 6)
    assert pasted["N4"].data_type == "s" and col(pasted, H) == col(base, H)


def test_filter_hides_non_matching_rows(lo_run):
    ws, visible = lo_run["filter"], lo_run["visible"]
    assert hidden(ws) == [r for r in range(FIRST, LAST + 1) if r not in visible]
    assert ws.auto_filter.ref == f"A3:L{LAST}"


def test_paste_into_filtered_range_changes_visible_rows_only(lo_run):
    base, ws, visible = lo_run["base"], lo_run["filter_paste"], lo_run["visible"]
    for r in range(FIRST, LAST + 1):
        assert ws.cell(r, H).value == (NEW_ID if r in visible else base.cell(r, H).value)
    block = lo_run["filter_paste_block"]
    assert [block.cell(r, H).value for r in visible[:3]] == ["P1", "P2", "P3"]
    others = [r for r in range(FIRST, LAST + 1) if r not in visible[:3]]
    assert [block.cell(r, H).value for r in others] == [base.cell(r, H).value for r in others]


def test_hide_rows_write_swap(lo_run):
    base = lo_run["base"]
    assert hidden(lo_run["hide_rows"]) == [5, 6, 9]
    ws = lo_run["write"]
    assert [ws["H12"].value, ws["I12"].value, ws["H13"].value, ws["I13"].value] == \
        [NEW_ID, 42, "012345678901", 1.5]
    assert ws["H12"].data_type == "s" and ws["I12"].data_type == "n"
    ws = lo_run["swap"]
    assert (ws["H10"].value, ws["H20"].value) == (base["H20"].value, base["H10"].value)
    assert ws["H10"].data_type == "s"


def test_row_and_column_edits(lo_run):
    base = lo_run["base"]
    ws = lo_run["insert_rows"]
    assert row(ws, 10) == [None] * 12 and row(ws, 11) == row(base, 10)
    assert row(ws, LAST + 1) == row(base, LAST)
    ws = lo_run["delete_rows"]
    assert row(ws, 10) == row(base, 12) and row(ws, LAST - 2) == row(base, LAST)
    ws = lo_run["insert_cols"]
    assert ws["C3"].value is None and ws["D3"].value == "フリガナ" and ws["I3"].value == "個人番号"
    ws = lo_run["copy_row"]
    assert row(ws, 10) == row(base, 10) == row(ws, 11) and row(ws, 12) == row(base, 11)


def test_fill_down_and_cells_shifted_in_one_column(lo_run):
    base = lo_run["base"]
    ids = col(base, H)
    assert col(lo_run["fill_down"], H) == ids[:7] + [ids[6]] * 3 + ids[10:]
    assert col(lo_run["insert_cells"], H, last=LAST + 1) == ids[:6] + [None] + ids[6:]
    assert col(lo_run["delete_cells"], H) == ids[:6] + ids[7:] + [None]
    for name in ("fill_down", "insert_cells", "delete_cells"):
        assert col(lo_run[name], H - 1) == col(base, H - 1) and col(lo_run[name], LG) == col(base, LG)


def test_formatting_ops(lo_run):
    base, ws = lo_run["base"], lo_run["format"]
    # LibreOffice writes 60 mm as ~24.3 Excel character widths (18 chars is ~44 mm there)
    assert 22 < ws.column_dimensions["B"].width < 27 and ws.column_dimensions["C"].width == 22
    assert all(ws.cell(r, 1).font.b for r in range(4, 11)) and not ws["A11"].font.b
    assert ws["B5"].fill.fgColor.rgb.endswith("FFFF00") and ws["B6"].fill.fgColor.rgb.endswith("FFFF00")
    assert not str(ws["B7"].fill.fgColor.rgb).endswith("FFFF00")
    assert col(ws, H) == col(base, H)


def test_text_donorguard_writes_reads_back_the_same_after_libreoffice(office, tmp_path):
    """Seals are base64url, so now and then one holds "_x5_" or "_x00aF_". LibreOffice takes "_x" with one to four
    hex digits and "_" for a character, calamine only with four: a seal written raw came back changed (the
    acceptance suite's "seal cells not where simulated" flake, a tampered seal in roughly one run in six).
    Written escaped by sheetxml, every such text reads back as written, before and after LibreOffice saves it."""
    import fastexcel

    from donorguard.xlsx import sheetxml
    texts = ["a_x5_b", "a_x05_b", "a_x00aF_b", "_x5_", "a_X0041_b", "a_x_b", "a_x12345_b", "a_x005F_b", "x_x_x_"]
    wb = openpyxl.Workbook()
    wb.active["A1"] = "h"
    base = tmp_path / "b.xlsx"
    wb.save(base)
    with zipfile.ZipFile(base) as z:
        parts = {i: z.read(i.filename) for i in z.infolist()}
    rows = b"".join(b'<row r="%d">' % (k + 1) + sheetxml.inline_cell(f"A{k + 1}", t) + b"</row>"
                    for k, t in enumerate(texts))
    src = tmp_path / "texts.xlsx"
    with zipfile.ZipFile(src, "w") as z:
        for info, data in parts.items():
            if info.filename.endswith("sheet1.xml"):
                data = re.sub(rb"<sheetData>.*</sheetData>|<sheetData/>", b"<sheetData>" + rows + b"</sheetData>",
                              data, flags=re.S)
            z.writestr(info, data)
    out = tmp_path / "saved.xlsx"
    assert office.run([{"in": str(src), "out": str(out), "sheet": None, "ops": []}]) == [{"ok": True}]
    for path in (src, out):
        got = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string").to_pandas()
        assert got.iloc[:, 0].tolist() == texts, path.name


def test_libreoffice_leaves_no_pipe_file_behind(office):
    """A second LibreOffice started and stopped: its pipe worked (a job ran) and its socket file is gone."""
    from lo.office import Office
    with Office() as lo:
        lo.run([])
        files = lo.pipe_files()
        assert any(f.exists() for f in files)
    assert not any(f.exists() for f in files)
