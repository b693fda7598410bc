"""The sheet rewritten as a stream equals the reference: patch_stream over any split of the sheet XML gives
the bytes patch_rows gives for the whole, and cells_of finds what column_cells finds."""
import pytest
from hypothesis import given, settings, strategies as st

from donorguard.xlsx import sheetxml

CELLS = [  # (column, cell) as writers lay them out: values, styles, inline text, formulas, empty cells
    (1, b'<c r="A{r}"><v>{r}</v></c>'), (2, b'<c r="B{r}" s="2" t="inlineStr"><is><t>x&lt;row</t></is></c>'),
    (3, b'<c s="1" r="C{r}"/>'), (4, b'<c r="D{r}" t="str"><f>A{r}*2</f><v>4</v></c>'),
    (5, b'<c r="E{r}" t="s"><v>7</v></c>'), (27, b'<c r="AA{r}"><v>1.5</v></c>'),
]
ROW_HEADS = [b'<row r="{r}">', b'<row r="{r}" spans="1:5">', b'<row r="{r}" ht="20" customHeight="1">',
             b'<row\n r="{r}">']


@st.composite
def sheets(draw):
    rows, xml = [], []
    r = 0
    for _ in range(draw(st.integers(1, 25))):
        r += draw(st.integers(1, 3))
        rows.append(r)
        cells = draw(st.lists(st.sampled_from(CELLS), max_size=4, unique_by=lambda c: c[0]))
        cells.sort(key=lambda c: c[0])
        head = draw(st.sampled_from(ROW_HEADS)).replace(b"{r}", b"%d" % r)
        if not cells and draw(st.booleans()):
            xml.append(head[:-1] + b"/>")
        else:
            xml.append(head + b"".join(c.replace(b"{r}", b"%d" % r) for _, c in cells) + b"</row>")
    top = b'<worksheet><dimension ref="A1:E9"/><cols><col min="1" max="3" width="9"/></cols><sheetData>'
    return rows, top + b"".join(xml) + b'</sheetData><pageMargins left="0.7"/></worksheet>'


@st.composite
def edits(draw, rows):
    out = {}
    for r in draw(st.lists(st.sampled_from(rows), max_size=len(rows), unique=True)):
        cols = draw(st.lists(st.sampled_from([1, 2, 3, 4, 5, 6, 27, 30]), min_size=1, max_size=3, unique=True))
        out[r] = {c: (None if draw(st.integers(0, 4)) == 0 else
                      b'<c r="%s%d" t="inlineStr"><is><t>new</t></is></c>' % (sheetxml.col_letter(c).encode(), r))
                  for c in cols}
    return out


def split(xml: bytes, cuts: list) -> list:
    at = sorted({c % (len(xml) + 1) for c in cuts})
    return [xml[a:b] for a, b in zip([0, *at], [*at, len(xml)])]


def head(h: bytes) -> bytes:
    return sheetxml.widen_dimension(sheetxml.hide_column(h, 30), 30)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_patch_stream_equals_patch_rows(data):
    rows, xml = data.draw(sheets())
    change = data.draw(edits(rows))
    pieces = split(xml, data.draw(st.lists(st.integers(0, 10_000), max_size=12)))
    got = b"".join(sheetxml.patch_stream(iter(pieces), change, head))
    assert got == sheetxml.patch_rows(xml, change, head)
    wanted = set(data.draw(st.lists(st.tuples(st.sampled_from(rows), st.sampled_from([1, 2, 3, 4, 27])))))
    assert sheetxml.cells_of(iter(pieces), wanted) == \
        {k: v for k, v in sheetxml.column_cells(xml, {1, 2, 3, 4, 27}).items() if k in wanted}


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_missing_row_is_refused_alike(data):
    rows, xml = data.draw(sheets())
    pieces = split(xml, data.draw(st.lists(st.integers(0, 10_000), max_size=6)))
    change = {max(rows) + 1: {1: b'<c r="A1"/>'}}
    with pytest.raises(ValueError, match="not in the sheet"):
        sheetxml.patch_rows(xml, change)
    with pytest.raises(ValueError, match="not in the sheet"):
        b"".join(sheetxml.patch_stream(iter(pieces), change))


def test_a_sheet_without_sheetdata_is_refused():
    with pytest.raises(ValueError, match="no sheetData"):
        b"".join(sheetxml.patch_stream(iter([b"<worksheet>", b"</worksheet>"]), {}))
