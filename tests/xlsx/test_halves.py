"""A long list is parsed in two halves (xlsx/halves.py): what the halves give, joined, is what fastexcel
gives for the whole sheet, or nothing (then the sheet is read whole). Sheets are generated: rows with gaps,
cells skipped, empty styled cells, error cells (fastexcel gives them as missing, but they widen the list),
numbers, text, a list that does not start at column A."""
import io
import re
import zipfile

import fastexcel
import openpyxl
import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as st

from donorguard.xlsx import halves, package

PART = "xl/worksheets/sheet1.xml"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def template() -> dict:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


TEMPLATE = template()


def workbook(path, rows) -> bytes:
    """Write a workbook whose sheet has `rows`: [(row number, [(column 0-25, kind, text)])]; returns its XML."""
    cells = {"s": '<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>', "n": '<c r="{ref}"><v>{text}</v></c>',
             "e": '<c r="{ref}" t="e"><v>#N/A</v></c>', "empty": '<c r="{ref}" s="0"/>'}
    body = "".join(f'<row r="{r}">' + "".join(cells[kind].format(ref=f"{LETTERS[c]}{r}", text=text)
                                              for c, kind, text in row) + "</row>" for r, row in rows)
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats'
           f'.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData><pageMargins left="0.7" right="0.7" '
           'top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>').encode()
    write(path, xml)
    return xml


def write(path, xml: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in TEMPLATE.items():
            z.writestr(name, xml if name == PART else data)


def parse(source) -> tuple:
    """A half's columns and number of rows, read as early.py reads them."""
    sheet = fastexcel.read_excel(source).load_sheet(0, header_row=None, dtypes="string")
    batch = sheet.to_arrow()
    return halves.columns(sheet, batch), batch.num_rows


def whole(source) -> dict:
    sheet = fastexcel.read_excel(source).load_sheet(0, header_row=None, dtypes="string")
    batch = sheet.to_arrow()
    return {c.absolute_index: batch.column(j).to_pylist() for j, c in enumerate(sheet.selected_columns)}


def cut_and_parse(path, pieces) -> tuple:
    """(where a Splitter given the pieces cut the sheet, the two halves parsed), or (None, None)."""
    with zipfile.ZipFile(path) as zf:
        splitter = halves.Splitter(zf, PART, sum(map(len, pieces)))
        for piece in pieces:
            splitter.add(piece)
        splitter.finish(True)
    where = splitter.cut
    return (where, [parse(where.package(i)) for i in (0, 1)]) if where else (None, None)


def in_halves(path, pieces):
    where, parts = cut_and_parse(path, pieces)
    if where is None:
        return None
    joined = halves.join(where, *parts)
    return None if joined is None else {c: a.to_pylist() for c, a in joined.items()}


def pieces_of(xml: bytes, cuts: list) -> list:
    """The XML in pieces cut before some `<row` tags (package._bodies never cuts inside a tag)."""
    starts = [i for i in range(len(xml)) if xml.startswith(b"<row", i)]
    at = sorted({starts[c % len(starts)] for c in cuts}) if starts else []
    return [xml[a:b] for a, b in zip([0] + at, at + [len(xml)]) if a < b]


kinds = st.sampled_from(["s", "s", "s", "n", "e", "empty"])
row = st.lists(st.tuples(st.integers(0, 25), kinds, st.sampled_from(["a", "yz", "7", "&amp;"])), max_size=6).map(
    lambda cells: sorted({c: (c, k, t) for c, k, t in cells}.values()))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3), row), min_size=1, max_size=40), st.lists(st.integers(0, 99), max_size=4))
def test_halves_join_to_the_whole_or_to_nothing(tmp_path_factory, gaps, cuts):
    numbers, r = [], 0
    for gap, cells in gaps:
        r += gap
        numbers.append((r, cells))
    path = tmp_path_factory.mktemp("h") / "g.xlsx"
    xml = workbook(path, numbers)
    got = in_halves(path, pieces_of(xml, cuts))
    if got is not None:
        assert got == whole(str(path))


def test_a_plain_long_list_is_cut(tmp_path):
    rows = [(r, [(c, "s", f"v{r}-{c}") for c in range(2, 9)]) for r in range(3, 400)]
    xml = workbook(tmp_path / "l.xlsx", rows)
    got = in_halves(tmp_path / "l.xlsx", pieces_of(xml, [100, 250]))
    assert got is not None and got == whole(str(tmp_path / "l.xlsx"))
    assert min(got) == 2 and len(got[2]) == 397


def test_the_checks_cut_only_sheets_whose_rows_are_in_order(tmp_path):
    rows = [(r, [(0, "s", "x")]) for r in range(1, 200)]
    workbook(tmp_path / "in-order.xlsx", rows)
    workbook(tmp_path / "out-of-order.xlsx", rows[:100] + [(5000, [(0, "s", "far")])] + rows[100:])

    def split(zf, name, part, info):
        return halves.Splitter(zf, part, info.file_size)
    with package.open_zip(tmp_path / "in-order.xlsx", split=split) as zf:
        where = zf.kept[PART]
        assert where is not None and halves.join(where, *(parse(where.package(i)) for i in (0, 1))) is not None
    with package.open_zip(tmp_path / "out-of-order.xlsx", split=split) as zf:
        assert zf.kept == {PART: None}


def test_each_row_goes_to_one_half_and_each_package_is_built_once(tmp_path):
    rows = [(r, [(c, "s", f"v{r}") for c in range(3)]) for r in range(1, 300)]
    xml = workbook(tmp_path / "p.xlsx", rows)
    where, _ = cut_and_parse(tmp_path / "p.xlsx", pieces_of(xml, [40, 90]))
    assert where.halves == [None, None]
    with zipfile.ZipFile(tmp_path / "p.xlsx") as zf:
        splitter = halves.Splitter(zf, PART, len(xml))
        for piece in pieces_of(xml, [40, 90]):
            splitter.add(piece)
        splitter.finish(True)
    top, bottom = (zipfile.ZipFile(io.BytesIO(splitter.cut.package(i))) for i in (0, 1))
    assert top.testzip() is None and bottom.testzip() is None
    mark = re.compile(rb'<row r="\d+"><c r="[A-Z]\d+" t="inlineStr"><is><t>donorguard:half</t></is></c></row>')
    a, b = (mark.sub(b"", z.read(PART), count=1) for z in (top, bottom))
    head = xml[:xml.index(b"<sheetData>") + len(b"<sheetData>")]
    tail = xml[xml.rindex(b"</sheetData>"):]
    assert a.startswith(head) and b.startswith(head) and a.endswith(tail) and b.endswith(tail)
    assert a[:-len(tail)] + b[len(head):] == xml                # each row in one half, nothing else added
    assert top.namelist() == bottom.namelist() == zipfile.ZipFile(tmp_path / "p.xlsx").namelist()
    assert all(top.read(n) == bottom.read(n) == zipfile.ZipFile(tmp_path / "p.xlsx").read(n)
               for n in top.namelist() if n != PART)


@pytest.mark.parametrize("mark_at", [(0, -1), (1, 0)])
def test_a_mark_out_of_place_refuses_the_join(tmp_path, mark_at):
    rows = [(r, [(0, "s", "x"), (1, "n", str(r))]) for r in range(1, 300)]
    xml = workbook(tmp_path / "m.xlsx", rows)
    where, parts = cut_and_parse(tmp_path / "m.xlsx", [xml])
    assert halves.join(where, *parts) is not None
    i, at = mark_at
    cols, n = parts[i]
    column = cols[0].to_pylist()
    column[at] = "moved"
    parts[i] = ({**cols, 0: pa.array(column, cols[0].type)}, n)
    assert halves.join(where, *parts) is None


def test_a_cell_filed_under_the_row_before_the_cut_is_not_lost(tmp_path):
    """Rows ascend, but the last cell before the row near the middle belongs to that row: a first half ending
    there would hold a cell of the row the second begins with, and lose it. Not cut there: at a later row."""
    rows = [(r, [(0, "s", "x")]) for r in range(1, 300)]
    xml = workbook(tmp_path / "f.xlsx", rows)
    cut = xml.index(b"<row", len(xml) // 2 + 30)
    n = int(xml[cut:cut + 20].split(b'"')[1])
    cell = f'<c r="B{n}" t="inlineStr"><is><t>filed early</t></is></c>'.encode()
    xml = xml[:cut - len(b"</row>")] + cell + xml[cut - len(b"</row>"):]
    assert xml.index(b"<row", len(xml) // 2) == cut + len(cell)            # still cut at row n
    write(tmp_path / "f.xlsx", xml)
    assert "filed early" in whole(str(tmp_path / "f.xlsx"))[1]
    with zipfile.ZipFile(tmp_path / "f.xlsx") as zf:
        splitter = halves.Splitter(zf, PART, len(xml))
        splitter.add(xml)
    assert splitter.mark[1] > n                                             # cut further on, at a later row
    assert in_halves(tmp_path / "f.xlsx", [xml]) == whole(str(tmp_path / "f.xlsx"))
