"""The size check before any reader sees a sheet: every way a cell can sit far away is caught, and the
usual sheet passes on the fast path (one regex search per chunk)."""
import re
import zipfile

import pytest
from hypothesis import given, strategies as st

from donorguard.core.errors import NotAWorkbook
from donorguard.xlsx import limits, package

WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="list" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
TYPES = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="xml" ContentType="application/xml"/></Types>')
LIST = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="inlineStr"><is><t>v</t></is></c>' for c in "ABCDEFGHIJK")
               + "</row>" for r in range(1, 2001))


def book(tmp_path, rows: str, name="b.xlsx"):
    p = tmp_path / name
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", TYPES)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/worksheets/sheet1.xml",
                   '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                   ' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   f"<sheetData>{rows}</sheetData></worksheet>")
    return p


def extent(p):
    with zipfile.ZipFile(p) as z:
        return package.extent(z, "xl/worksheets/sheet1.xml", str(p))


@pytest.mark.parametrize("last", ['<row r="999999"><c r="Z999999"><v>1</v></c></row>',
                                  '<row r="1048576"><c r="Z1048576"><v>1</v></c></row>'])   # a million-row list
def test_usual_sheet_passes_on_the_fast_path(tmp_path, last):
    p = book(tmp_path, LIST + last)
    assert extent(p) == (0, 0)
    package.open_zip(p).close()


@pytest.mark.parametrize("far", [
    '<row r="5000"><c r="XFD5000"><v>1</v></c></row>',                      # plainly far right
    "<row r='5000'><c r='XFD5000'><v>1</v></c></row>",                      # single quotes
    '<row r="5000"><c  r="XFD5000"><v>1</v></c></row>',                     # two spaces
    '<row r="5000"><c\tr = "XFD5000"><v>1</v></c></row>',                   # tab, spaces round =
    '<row r="5000"><x:c r="XFD5000"><x:v>1</x:v></x:c></row>',              # namespace prefix
    '<row r="5000"><c s="1" r="XFD5000"><v>1</v></c></row>',                # r not first
    '<row r="1"><c r="XFD1048576"><v>1</v></c></row>',                      # cell far from its row
    '<row r="5000"><c r="xfd5000"><v>1</v></c></row>',                      # lower case
    '<row r="1048576"><c r="AG1048576"><v>1</v></c></row>',                 # 33 columns x 1,048,576 rows
    '<row r="9999999"><c r="A9999999"><v>1</v></c></row>',                  # a row Excel does not have
    '<row r="2">' + "<c><v>1</v></c>" * 40 + '</row><row r="1048576"><c r="A1048576"><v>1</v></c></row>',
])
def test_far_cells_are_refused(tmp_path, far):
    p = book(tmp_path, LIST + far)
    rows, cols = extent(p)
    assert rows * cols > limits.MAX_CELLS
    with pytest.raises(NotAWorkbook, match="too many cells"):
        package.open_zip(p)


@pytest.mark.parametrize("near", [
    '<row r="1048577"><c r="K1048577"><v>1</v></c></row>',                  # a row past Excel's, within K
    "<row r='3000'><c r='K3000'><v>1</v></c></row>",                         # odd quoting, near
    '<row r="3000">' + "<c><v>1</v></c>" * 12 + "</row>",                    # cells without a reference
])
def test_near_cells_pass_the_slow_path(tmp_path, near):
    p = book(tmp_path, LIST + near)
    rows, cols = extent(p)
    assert (rows, cols) != (0, 0) and rows * cols <= limits.MAX_CELLS
    package.open_zip(p).close()


PLAIN = re.compile(rb'<c r="[A-Z](\d{1,7})"')


def oracle(body: bytes) -> bool:
    """_plain_cells by regex: no prefixed cell, and every cell starts `<c r="` + one capital + a row up to
    Excel's last (a row 0 is not far, so it passes)."""
    if re.search(rb":c[ \t\r\n>/]", body):
        return False
    plain = [int(r) for r in PLAIN.findall(body)]
    return len(plain) == len(re.findall(rb"<c[ \t\r\n>/]", body)) and all(r <= limits.EXCEL_ROWS for r in plain)


@given(st.lists(st.sampled_from(['<c r="A1">', '<c r="Z1048576"/>', '<c r="K1048577">', '<c r="B12"><v>c</v></c>',
                                 '<c r="AA7">', '<c r="a5">', "<c r='C3'>", '<c  r="D4">', '<c s="1" r="E5">',
                                 '<c>', '<c/>', '<x:c r="F6">', '<col min="1"/>', '<cfRule/>', 'abc c>',
                                 '<c r="G9999999">', '<c r="H0">', '<c r="J12345678">', '<row r="3">', '</c>']),
                min_size=1, max_size=30))
def test_fast_check_agrees_with_a_regex(parts):
    body = "".join(parts).encode()
    assert package._plain_cells(body) == oracle(body), body
    # as _bodies gives it: in its buffer after a zero byte, followed by whatever comes next (here a far cell)
    buf = b"\0" + body + b'<c r="ZZ99999999"'
    assert package._plain_cells(memoryview(buf)[1:1 + len(body)]) == oracle(body), body


@given(st.lists(st.lists(st.sampled_from(["1", "2", "9", "10", "11", "99", "100", "1048576", "999999", "07"]),
                         max_size=12), min_size=1, max_size=4))
def test_row_order_agrees_with_sorting(bodies):
    """_plain_cells' order, carried across bodies, says whether the cells' rows ascend (a leading zero: no)."""
    order, rows = [0, True], [r for b in bodies for r in b]
    for b in bodies:
        assert package._plain_cells("".join(f'<c r="B{r}"><v>1</v></c>' for r in b).encode(), order)
    expected = not any(r.startswith("0") for r in rows) and [int(r) for r in rows] == sorted(int(r) for r in rows)
    assert order[1] == expected, rows


@pytest.mark.parametrize("inflater", ["ISA-L", "zlib"])
def test_either_inflater_reads_and_refuses_alike(tmp_path, monkeypatch, inflater):
    """ISA-L inflates when its wheel is installed, zlib otherwise: the same bytes, the same refusal."""
    import zlib
    if inflater == "zlib":
        monkeypatch.setattr(package, "deflate", zlib)
    p = book(tmp_path, LIST)
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(p) as z:
        assert b"".join(package.pieces(z, part, str(p))) == z.read(part)
        info = z.getinfo(part)
    data = bytearray(p.read_bytes())
    start = info.header_offset + 30 + len(part)
    data[start + 40:start + 60] = b"\xff" * 20                 # the stream damaged
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(NotAWorkbook, match="cannot be unpacked"):
        package.open_zip(bad)
