"""The sheet rewritten as a stream equals the reference: patch_stream over any split of the sheet XML gives
the bytes patch_rows gives for the whole, and cells_of, hidden_rows and formula_cells find what the references find."""
import pytest
from hypothesis import given, settings, strategies as st

from donorguard.xlsx import sheetstream, sheetxml

CELLS = [  # (column, cell) as writers lay them out: values, styles, inline text, formulas, empty cells
    (1, b'<c r="A{r}"><v>{r}</v></c>'), (2, b'<c r="B{r}" s="2" t="inlineStr"><is><t>x&lt;row</t></is></c>'),
    (3, b'<c s="1" r="C{r}"/>'), (4, b'<c r="D{r}" t="str"><f>A{r}*2</f><v>4</v></c>'),
    (5, b'<c r="E{r}" t="s"><v>7</v></c>'), (27, b'<c r="AA{r}"><v>1.5</v></c>'),
]
ODD_CELLS = [  # what the fast path must leave to the reference
    (1, b'<c r="A{r}" t="inlineStr"><is><t> r="E{r}" r="B{r}"</t></is></c>'),   # a reference in a text
    (2, b'<c r="B99"><v>1</v></c>'), (3, b"<c><v>2</v></c>"), (4, b'<c\tr="D{r}"/>'), (5, b'<c r="E{r}">'),
    (6, b'<c r="F{r}"><v>1</v>'), (28, b'<c r="AB0{r}"/>'), (29, b'<c r="ABCD{r}"/>'),
    (30, b'<c r="E{p}"><v>3</v></c>'),                                            # the row before's label
]
ROW_HEADS = [b'<row r="{r}">', b'<row r="{r}" spans="1:5">', b'<row r="{r}" ht="20" customHeight="1">']
ODD_ROW_HEADS = [b'<row\n r="{r}">', b'<row r="0{r}">', b'<row spans="1:2" r="{r}">']


@st.composite
def sheets(draw):
    """Rows as writers lay them out; some sheets also with rows and cells laid out otherwise."""
    odd = draw(st.booleans())
    rows, xml, present = [], [], {}
    r = 0
    for _ in range(draw(st.integers(1, 25))):
        r += draw(st.integers(1, 3))
        rows.append(r)
        cells = draw(st.lists(st.sampled_from(CELLS + (ODD_CELLS if odd else [])), max_size=4,
                              unique_by=lambda c: c[0]))
        cells.sort(key=lambda c: c[0])
        present[r] = [c for c, _ in cells]
        head = draw(st.sampled_from(ROW_HEADS + (ODD_ROW_HEADS if odd and draw(st.booleans()) else [])))
        head = head.replace(b"{r}", b"%d" % r)
        gap = draw(st.sampled_from([b"", b"\n  "])) if odd else b""                  # pretty-printed
        body = gap.join(c.replace(b"{r}", b"%d" % r).replace(b"{p}", b"%d" % (r - 1)) for _, c in cells)
        if not body and draw(st.booleans()):
            xml.append(head[:-1] + b"/>")
        elif body.endswith(b"<v>1</v>") or body.endswith(b'">'):
            xml.append(head + body + b"</c></row>")
        else:
            xml.append(head + body + b"</row>")
    top = b'<worksheet><dimension ref="A1:E9"/><cols><col min="1" max="3" width="9"/></cols><sheetData>'
    return rows, present, top + b"".join(xml) + b'</sheetData><pageMargins left="0.7"/></worksheet>'


@st.composite
def edits(draw, rows, present):
    """Mostly one cell a row, as seals and repairs write them (often one the row has); sometimes several,
    or a cell removed."""
    out = {}
    for r in draw(st.lists(st.sampled_from(rows), max_size=len(rows), unique=True)):
        choice = present[r] if present[r] and draw(st.booleans()) else [1, 2, 3, 4, 5, 6, 27, 28, 30]
        cols = draw(st.lists(st.sampled_from(choice), min_size=1,
                             max_size=draw(st.sampled_from([1, 1, 1, 3])), unique=True))
        out[r] = {c: (None if draw(st.integers(0, 9)) == 0 else
                      b'<c r="%s%d" t="inlineStr"><is><t>new</t></is></c>' % (sheetxml.col_letter(c).encode(), r))
                  for c in cols}
    return out


def split(xml: bytes, cuts: list) -> list:
    at = sorted({c % (len(xml) + 1) for c in cuts})
    return [xml[a:b] for a, b in zip([0, *at], [*at, len(xml)])]


def outcome(f):
    """What f gives, or the kind of error it raises (odd cells trip the reference too: both must agree)."""
    try:
        return f()
    except Exception as e:
        return type(e)


def head(h: bytes) -> bytes:
    return sheetxml.widen_dimension(sheetxml.hide_column(h, 30), 30)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_patch_stream_equals_patch_rows(data):
    rows, present, xml = data.draw(sheets())
    change = data.draw(edits(rows, present))
    pieces = split(xml, data.draw(st.lists(st.integers(0, 10_000), max_size=12)))
    assert outcome(lambda: b"".join(sheetstream.patch_stream(iter(pieces), change, head))) == \
        outcome(lambda: sheetxml.patch_rows(xml, change, head))
    wanted = set(data.draw(st.lists(st.tuples(st.sampled_from(rows), st.sampled_from([1, 2, 3, 4, 27])))))
    by_column = {}
    for r, c in wanted:
        by_column.setdefault(c, set()).add(r)
    assert sheetstream.cells_of(iter(pieces), by_column) == \
        {k: v for k, v in sheetxml.column_cells(xml, {1, 2, 3, 4, 27}).items() if k in wanted}


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_hidden_rows_are_found_alike(data):
    rows, _, xml = data.draw(sheets())
    hidden = data.draw(st.lists(st.sampled_from(rows), unique=True))
    for r in hidden:
        tag = data.draw(st.sampled_from([b' hidden="1"', b' hidden="true"', b' hidden="0"']))
        xml = xml.replace(b'<row r="%d"' % r, b'<row r="%d"' % r + tag, 1)
    pieces = split(xml, data.draw(st.lists(st.integers(0, 10_000), max_size=12)))
    assert sheetstream.hidden_rows(iter(pieces)) == sheetxml.hidden_rows(xml)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_formula_cells_are_found_alike(data):
    _, _, xml = data.draw(sheets())
    cols = set(data.draw(st.lists(st.sampled_from([1, 2, 3, 4, 5, 27]), min_size=1)))
    pieces = split(xml, data.draw(st.lists(st.integers(0, 10_000), max_size=12)))
    assert sheetstream.formula_cells(iter(pieces), cols) == sheetxml.formula_cells(xml, cols)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_a_missing_row_is_refused_alike(data):
    rows, _, xml = data.draw(sheets())
    pieces = split(xml, data.draw(st.lists(st.integers(0, 10_000), max_size=6)))
    change = {max(rows) + 1: {1: b'<c r="A1"/>'}}
    with pytest.raises(ValueError, match="not in the sheet"):
        sheetxml.patch_rows(xml, change)
    with pytest.raises(ValueError, match="not in the sheet"):
        b"".join(sheetstream.patch_stream(iter(pieces), change))


def test_a_sheet_without_sheetdata_is_refused():
    with pytest.raises(ValueError, match="no sheetData"):
        b"".join(sheetstream.patch_stream(iter([b"<worksheet>", b"</worksheet>"]), {}))


@pytest.mark.parametrize("rows, change", [
    # a reference written in a text before the cell: the cell is not found, the row is rebuilt
    (b'<row r="5"><c r="A5" t="inlineStr"><is><t> r="E5"</t></is></c>\n  <c r="E5"><v>1</v></c></row>',
     {5: {5: b'<c r="E5"><v>2</v></c>'}}),
    # the row lacks the cell; the next row, not edited, holds one labelled with this row's number
    (b'<row r="5"><c r="A5"><v>1</v></c>\n<c r="G5"/></row><row r="6"><c r="E5"><v>3</v></c></row>',
     {5: {5: b'<c r="E5"><v>2</v></c>'}}),
    # a cell without its end in the row
    (b'<row r="5"><c r="A5"/><c r="E5"><v>1</v></row><row r="6"><c r="E6"><v>1</v></c></row>',
     {5: {5: b'<c r="E5"><v>2</v></c>'}, 6: {5: b'<c r="E6"/>'}}),
])
def test_rows_laid_out_oddly_wherever_the_sheet_is_cut(rows, change):
    xml = b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"
    want = outcome(lambda: sheetxml.patch_rows(xml, change))
    for cut in range(len(xml) + 1):
        assert outcome(lambda c=cut: b"".join(sheetstream.patch_stream(iter([xml[:c], xml[c:]]), change))) == want
