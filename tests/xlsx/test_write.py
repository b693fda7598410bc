"""The sheet writer: seals and repair edits written into real workbooks (as openpyxl and as Excel lay them
out) read back cell by cell; every other byte of the sheet stays."""
import random
import re
import zipfile

import fastexcel
import openpyxl
import pytest

from donorguard.cli import ops as files
from donorguard.core.repair import Edit
from donorguard.store import rulesets as rules_mod
from donorguard.xlsx import sheetxml
from donorguard.xlsx.read import open_book
from donorguard.xlsx.write import write_edits
from support import book, new_key

RULES = rules_mod.load()


def grid(path, sheet="申請者一覧") -> dict:
    ws = openpyxl.load_workbook(path)[sheet]
    return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}


def styles(path, sheet="申請者一覧") -> dict:
    ws = openpyxl.load_workbook(path)[sheet]
    return {(c.row, c.column): c.font.b for row in ws.iter_rows() for c in row if c.value is not None}


def rewrite_sheet(path, f) -> None:
    """Change the sheet XML of a real workbook (as other writers lay it out), all other parts kept."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = f(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def excel_layout(xml: bytes) -> bytes:
    """spans on every row (as Excel writes them), and in rows 10-19 cells whose r is the last attribute."""
    xml = re.sub(rb'<row r="(\d+)"', rb'<row r="\1" spans="1:11"', xml)
    return re.sub(rb'<c r="([A-Z]+1[0-9])"( [^>]*?)(/?>)', rb'<c\2 r="\1"\3', xml)


def test_excel_layout_helper():
    assert excel_layout(b'<row r="10"><c r="A10" t="n"><v>1</v></c><c r="B10" s="1"/><c r="C9" s="1"/>') == \
        b'<row r="10" spans="1:11"><c t="n" r="A10"><v>1</v></c><c s="1" r="B10"/><c r="C9" s="1"/>'


@pytest.mark.parametrize("layout", ["openpyxl", "excel"])
def test_sealed_workbook_reads_back(tmp_path, layout):
    path, _ = book(tmp_path, n=40)
    if layout == "excel":
        rewrite_sheet(path, lambda x: re.sub(rb'<row r="(\d+)"', rb'<row r="\1" spans="1:11"', x))
    before = grid(path)
    key = new_key(tmp_path)
    b, _, _, _ = files.seal_file(path, RULES, key)
    after = grid(path)
    seal_cells = {k: v for k, v in after.items() if k[1] == b.seal_col}
    assert {k: v for k, v in after.items() if k[1] != b.seal_col} == before
    assert set(seal_cells) == {(r, b.seal_col) for r in [b.header_row, *b.table.rows.tolist()]}
    assert all(v.startswith("DG2:") for k, v in seal_cells.items() if k[0] != b.header_row)
    xml = zipfile.ZipFile(path).read(b.part)
    assert xml.count(b"spans=") == (xml.count(b"<row ") - 1 - len(b.table) if layout == "excel" else 0)
    _, rep, _ = files.check_file(path, RULES, key)
    assert rep.clean


def test_inline_cells_equal_inline_cell():
    texts = ["DG2:1.0:abc-_", " lead", "trail ", "a&b", "<x>", "日本", "", "tab\tin", "x\x1f", "DG2:1.0:a_x00aF_b"]
    for group in ([texts[0]], texts, [texts[0], texts[5]], [texts[-1]]):
        rows = list(range(3, 3 + len(group)))
        assert sheetxml.inline_cells("L", rows, group) == \
            [sheetxml.inline_cell(f"L{r}", t) for r, t in zip(rows, group)]


def test_text_that_looks_like_an_escape_reads_back_as_written(tmp_path):
    """A seal is base64url: it can hold "_x00aF_", which every reader (calamine here, Excel, LibreOffice) takes
    for the character U+00AF. Written as "_x005F_x00aF_", it reads back as written (the acceptance suite's
    "seal cells not where simulated" flake, once or twice in a few dozen runs: a random seal held one)."""
    texts = ["DG2:7.0:ab_x00aF_cd", "_x0041_", "a_x005F_b", "_X0041_", "_x004_", "x_x1234_y_x5678_z"]
    path, _ = book(tmp_path, n=len(texts))
    b = open_book(path, RULES)
    col = b.columns["氏名"]
    cells = dict(zip(b.table.rows.tolist(), sheetxml.inline_cells(sheetxml.col_letter(col), b.table.rows, texts)))
    rewrite_sheet(path, lambda x: sheetxml.patch_rows(x, {r: {col: c} for r, c in cells.items()}))
    got = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string").to_pandas()
    assert got.iloc[b.table.rows - 1, col - 1].tolist() == texts


@pytest.mark.parametrize("layout", ["openpyxl", "excel"])
def test_repair_edits_read_back(tmp_path, layout):
    """Moves (a column permuted), sets (text needing escapes) and clears, into cells that exist and
    cells that do not, read back with openpyxl against the expected grid; styles travel with moves."""
    path, df = book(tmp_path, n=30)
    b = open_book(path, RULES)
    rows = b.table.rows.tolist()
    idc, namec, addrc = b.columns["個人番号"], b.columns["氏名"], b.columns["住所"]
    # a row whose 住所 cell is missing altogether and a styled (bold) header moved into the data
    rewrite_sheet(path, lambda x: re.sub(rb'<c r="%s%d"[^>]*?(?:/>|>.*?</c>)' % (
        sheetxml.col_letter(addrc).encode(), rows[4]), b"", x, count=1, flags=re.S))
    if layout == "excel":
        rewrite_sheet(path, excel_layout)
    b = open_book(path, RULES)
    before, bold = grid(path), styles(path)
    assert (rows[4], addrc) not in before
    perm = rows[:]
    random.Random(1).shuffle(perm)
    edits = [Edit("move", r, "個人番号", src_row=s) for r, s in zip(rows, perm) if r != s]
    edits += [Edit("move", rows[4], "住所", src_row=rows[5]),      # into a missing cell
              Edit("move", rows[6], "住所", src_row=rows[4]),      # from a missing cell
              Edit("move", rows[7], "氏名", src_row=b.header_row),  # a bold cell
              Edit("set", rows[8], "氏名", text=" A&B <c> "),
              Edit("set", rows[9], "住所", text="新しい住所"),
              Edit("clear", rows[10], "氏名")]
    out = tmp_path / "out.xlsx"
    write_edits(b, edits, out)
    want = dict(before)
    for r, s in zip(rows, perm):
        want[(r, idc)] = before[(s, idc)]
    want[(rows[4], addrc)] = before[(rows[5], addrc)]
    del want[(rows[6], addrc)]
    want[(rows[7], namec)] = before[(b.header_row, namec)]
    want[(rows[8], namec)] = " A&B <c> "
    want[(rows[9], addrc)] = "新しい住所"
    del want[(rows[10], namec)]
    assert grid(out) == want
    got_bold = styles(out)
    assert got_bold[(rows[7], namec)] == bold[(b.header_row, namec)] and got_bold[(rows[7], namec)]
    common = (set(got_bold) & set(bold)) - {(rows[7], namec)}
    assert len(common) > 300 and all(got_bold[k] == bold[k] for k in common)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out) as zout:
        assert [n for n in zin.namelist() if zin.read(n) != zout.read(n)] == [b.part]


def test_patch_rows_replaces_removes_inserts_and_keeps_the_rest():
    xml = (b'<worksheet><dimension ref="A1:C3"/><sheetData><row r="1" spans="1:3"><c r="A1"><v>1</v></c>'
           b'<c r="C1" s="2"><v>3</v></c></row><row r="2"/><row r="3"><c s="1" r="B3"/></row></sheetData>'
           b'<mergeCells count="0"/></worksheet>')
    new = sheetxml.patch_rows(xml, {1: {2: b'<c r="B1"/>', 3: None}, 2: {1: b'<c r="A2"/>'},
                                    3: {2: b'<c r="B3" s="9"/>'}})
    assert new == (b'<worksheet><dimension ref="A1:C3"/><sheetData><row r="1"><c r="A1"><v>1</v></c>'
                   b'<c r="B1"/></row><row r="2"><c r="A2"/></row><row r="3"><c r="B3" s="9"/></row>'
                   b'</sheetData><mergeCells count="0"/></worksheet>')
    with pytest.raises(ValueError, match="not in the sheet"):
        sheetxml.patch_rows(xml, {9: {1: b'<c r="A9"/>'}})
    cells = sheetxml.column_cells(xml, {2, 3})
    assert cells == {(1, 3): b'<c r="C1" s="2"><v>3</v></c>', (3, 2): b'<c s="1" r="B3"/>'}
    text = b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>r="B1" x</t></is></c></row></sheetData>'
    assert sheetxml.column_cells(text, {2}) == {}


def test_moved_cell_keeps_value_and_style_drops_formula():
    cell = b'<c r="B7" s="3" t="str"><f>A7*2</f><v>4</v></c>'
    assert sheetxml.moved_cell(cell, "B12") == b'<c r="B12" s="3" t="str"><v>4</v></c>'
    assert sheetxml.moved_cell(b'<c s="1" r="AA3"/>', "AA4") == b'<c s="1" r="AA4"/>'



def test_either_deflater_writes_the_same_bytes(tmp_path, monkeypatch):
    """The rewritten sheet is deflated by ISA-L where its wheel is installed, by zlib otherwise: every part
    unpacks to the same bytes either way (only the compression differs), and Excel's readers read it."""
    import zlib

    from donorguard.xlsx import package
    path, _ = book(tmp_path, n=40)
    b = open_book(path, RULES)
    rows = b.table.rows.tolist()
    edits = [Edit("move", r, "個人番号", src_row=s) for r, s in zip(rows, rows[::-1]) if r != s]
    assert package.deflate is not zlib                 # a declared dependency
    write_edits(b, edits, tmp_path / "isal.xlsx")
    monkeypatch.setattr(package, "deflate", zlib)
    write_edits(b, edits, tmp_path / "zlib.xlsx")
    with zipfile.ZipFile(tmp_path / "isal.xlsx") as a, zipfile.ZipFile(tmp_path / "zlib.xlsx") as z:
        assert a.namelist() == z.namelist() and all(a.read(n) == z.read(n) for n in a.namelist())
        assert a.testzip() is None
        assert a.getinfo(b.part).compress_size != z.getinfo(b.part).compress_size    # two deflaters ran
    sheet = fastexcel.read_excel(str(tmp_path / "isal.xlsx")).load_sheet(0, header_row=None, dtypes="string")
    assert sheet.height > 40
