"""Sheet XML read and rewritten as bytes: only the cells and column flags DonorGuard writes change;
every other byte of the part stays as it was."""
import re
from html import escape, unescape

ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
ROW_NUM = re.compile(rb'^<row\b[^>]*?\br="(\d+)"')
CELL_REF = re.compile(rb'^<c\b[^>]*?\br="([A-Z]+)(\d+)"')
HIDDEN = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"|'
                    rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)"')


def col_index(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


_NOT_PLAIN = "&<> \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # escaped, or white space in ASCII (str.isspace)
ESCAPE_LIKE = "_x[0-9A-Fa-f]{1,4}_"          # (RE2 too: Arrow finds the texts holding one)
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{1,4}_)")


def escape_underscores(text: str) -> str:
    """Every "_" that begins something a reader takes for an escape ("_x" with one to four hex digits and "_")
    written "_x005F_", overlapping ones too ("_x0041_x0042_"), so the text reads back as written."""
    return _ESCAPE_LIKE.sub("_x005F_", text)


def escape_text(text: str) -> str:
    """Text as it must stand in a cell's XML: &, < and > escaped, and every "_xHHHH_" in it written
    "_x005F_xHHHH_". Readers (Excel, LibreOffice, calamine) take "_xHHHH_" for the character U+HHHH, so a
    seal that happens to hold one (base64url holds _, x and hex digits) would read back as another text."""
    return escape(escape_underscores(text), quote=False)


def inline_cells(letter: str, rows, texts) -> list:
    """inline_cell(f"{letter}{row}", text) for many cells of one column (seals); when the texts are
    ASCII with nothing to escape and no white space, without per-text checks."""
    joined = "".join(texts)
    if not joined.isascii() or any(ch in joined for ch in _NOT_PLAIN) or "_x" in joined:
        return [inline_cell(f"{letter}{r}", t) for r, t in zip(rows, texts)]
    ref = b'<c r="' + letter.encode() + b'%d" t="inlineStr"><is><t>%b</t></is></c>'
    return [ref % (r, t.encode()) for r, t in zip(rows, texts)]


def inline_cell(ref: str, text: str, style: bytes = b"") -> bytes:
    t = escape_text(text).encode()
    space = b' xml:space="preserve"' if text != text.strip() else b""
    return b'<c r="' + ref.encode() + b'"' + style + b' t="inlineStr"><is><t' + space + b">" + t + b"</t></is></c>"


def style_of(cell: bytes) -> bytes:
    m = re.search(rb'\ss="\d+"', cell.split(b">", 1)[0])
    return m.group(0) if m else b""


def hidden_rows(xml: bytes) -> set:
    return {int(a or b) for a, b in HIDDEN.findall(xml)}


def first_rows(xml_stream, limit: int, chunk: int = 1 << 16):
    """(row number, [(column, raw cell bytes)]) for the first `limit` row elements, streaming."""
    buf, out, seen = b"", [], 0
    while len(out) < limit:
        data = xml_stream.read(chunk)
        buf += data
        pos = 0
        if data and buf.find(b"</row>", max(0, seen - 6)) < 0:
            seen = len(buf)  # no complete row yet: read on without rescanning what was read
            continue
        seen = 0
        for m in ROW.finditer(buf):
            if len(out) >= limit:
                break
            num = ROW_NUM.match(m.group(0))
            cells = []
            for x in CELL.finditer(m.group(0)):
                ref = CELL_REF.match(x.group(0))
                if ref:
                    cells.append((col_index(ref.group(1).decode()), x.group(0)))
            out.append((int(num.group(1)) if num else None, cells))
            pos = m.end()
        buf = buf[pos:]
        if not data:
            break
    return out


def cell_text(cell: bytes, shared) -> str | None:
    """The text of a cell as far as header matching needs: shared, inline, or plain values."""
    head = cell.split(b">", 1)[0]
    t = re.search(rb'\st="(\w+)"', head)
    t = t.group(1) if t else b"n"
    if t == b"inlineStr":
        parts = re.findall(rb"<t\b[^>]*>(.*?)</t>", cell, re.S)
        return unescape(b"".join(parts).decode()) if parts else None
    v = re.search(rb"<v>(.*?)</v>", cell, re.S)
    if not v:
        return None
    if t == b"s":
        return shared(int(v.group(1)))
    return unescape(v.group(1).decode())


def shared_strings(stream, upto: int) -> list:
    """The first upto+1 shared strings, reading no further than needed."""
    si = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
    buf, out = b"", []
    while len(out) <= upto:
        data = stream.read(1 << 16)
        buf += data
        pos = 0
        for m in si.finditer(buf):
            body = m.group(1) or b""
            body = re.sub(rb"<rPh\b.*?</rPh>", b"", body, flags=re.S)
            out.append(unescape(b"".join(re.findall(rb"<t\b[^>]*>(.*?)</t>", body, re.S)).decode()))
            pos = m.end()
        buf = buf[pos:]
        if not data:
            break
    return out


# -- rewriting --------------------------------------------------------------------------------

ROW_OPEN = re.compile(rb'<row(?=[\s>/])[^>]*?(?:\br="(\d+)"[^>]*?)?(/?)>')
CELL_REF_AT = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"')  # CELL_REF, usable with a start position
SPANS = re.compile(rb'\sspans="[^"]*"')
FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>.*?</f>)", re.S)


def moved_cell(cell: bytes, ref: str) -> bytes:
    """The same cell (value, type, style) at another address; a formula keeps only its value."""
    m = CELL_REF.match(cell)
    cell = cell[:m.start(1)] + ref.encode() + b'"' + cell[m.end(2) + 1:]
    return FORMULA.sub(b"", cell) if b"<f" in cell else cell


def patch_rows(xml: bytes, edits: dict, head=None) -> bytes:
    """edits: row number -> {column index: new cell bytes or None (remove)}. Rows must exist.
    head: an optional function of the bytes before <sheetData> (column flags, dimension), so the whole
    part is joined only once. One pass over the row start tags; only the rows edited are touched.
    The reference for sheetstream.patch_stream, which does the same to a sheet given in pieces."""
    start = xml.find(b"<sheetData")
    end = xml.rfind(b"</sheetData>")
    if start < 0 or end < 0:
        raise ValueError("sheet has no sheetData")
    out, todo = [head(xml[:start]) if head else xml[:start]], dict(edits)
    last = patch_span(xml, start, end, todo, out)
    if todo:
        raise ValueError(f"rows {sorted(todo)[:5]} are not in the sheet")
    out.append(xml[last:])
    return b"".join(out)


def patch_span(xml: bytes, start: int, end: int, todo: dict, out: list) -> int:
    """Patch the rows of `todo` (popped when done) whose start tags lie in xml[start:end], appending to `out`
    the new bytes from start on; returns where the bytes not yet in `out` begin (end, or past it)."""
    last = start
    for i, j, num, closed, changes in rows_to_patch(xml, start, end, todo):
        last = patch_row_at(xml, i, j, num, closed, changes, out, last)
    if end > last:
        out.append(xml[last:end])
        last = end
    return last


def rows_to_patch(xml: bytes, start: int, end: int, todo: dict):
    """(start, end of the start tag, number as written, closed, changes) of each row of `todo` (popped) whose
    start tag lies in xml[start:end], in order, until none is left."""
    for m in ROW_OPEN.finditer(xml, start, end):
        if not todo:
            return
        num, closed = m.group(1, 2)
        if num is None:
            raise ValueError("row without a row number")
        changes = todo.pop(int(num), None)
        if changes is not None:
            yield *m.span(), num, bool(closed), changes


def patch_row_at(xml: bytes, i: int, j: int, num: bytes, closed: bool, changes: dict, out: list, last: int) -> int:
    """Patch the row whose start tag is xml[i:j] (`num` its number as written): append to `out` the bytes from
    `last` to the row's end, changed; returns the row's end."""
    find = xml.find
    stop = j if closed else find(b"</row>", j) + 6
    if stop < j:
        raise ValueError("row without an end")
    new = None if closed else _appended(xml, j, stop - 6, changes)
    if new is not None:  # one cell added right of the row's cells: the row's own bytes are kept
        if find(b"spans=", i, j) >= 0:
            out += (xml[last:i], SPANS.sub(b"", xml[i:j]))
            last = j
        out += (xml[last:stop - 6], new)
        return stop - 6
    out += (xml[last:i], _patch_row(xml[i:j], xml[j:stop - 6] if not closed else b"", num, changes))
    return stop


def _appended(xml: bytes, lo: int, hi: int, changes: dict) -> bytes | None:
    """The new cell when the only change is one cell right of every cell in xml[lo:hi], else None."""
    if len(changes) != 1:
        return None
    (col, new), = changes.items()
    k = xml.rfind(b"<c ", lo, hi)
    last = CELL_REF_AT.match(xml, k, hi) if k >= 0 else None
    return new if new is not None and (last is None or col_of(last.group(1)) < col) else None


def _patch_row(head: bytes, body: bytes, num: bytes, changes: dict) -> bytes:
    if head.endswith(b"/>"):
        head = head[:-2] + b">"
    if b"spans=" in head:
        head = SPANS.sub(b"", head)
    for col, new in changes.items():  # a cell already there is replaced (or removed) where it stands
        at = find_cell(body, letters(col) + num)
        if at is None:
            return head + _rebuilt(body, changes) + b"</row>"
        body = body[:at[0]] + (new or b"") + body[at[1]:]
    return head + body + b"</row>"


def find_cell(xml: bytes, ref: bytes, lo: int = 0, hi: int | None = None):
    """(start, end) of the cell element with this reference (b"L12") in xml[lo:hi], or None."""
    k = xml.find(b' r="' + ref + b'"', lo, len(xml) if hi is None else hi)
    return None if k < 0 else cell_around(xml, lo, k)


def cell_around(xml: bytes, lo: int, k: int):
    """The cell whose start tag holds the attribute found after the white space at k, or None if k is
    not in a <c> start tag."""
    lt = xml.rfind(b"<", lo, k)
    in_tag = lt >= 0 and xml[lt + 1:lt + 2] == b"c" and xml[lt + 2:lt + 3].isspace() and xml.find(b">", lt, k) < 0
    if not in_tag or not xml[k:k + 1].isspace():
        return None
    gt = xml.find(b">", k)
    stop = gt + 1 if xml[gt - 1:gt] == b"/" else xml.find(b"</c>", gt) + 4
    return (lt, stop) if stop > gt else None


_COLS, _LETTERS, _REFS = {}, {}, {}


def col_of(letters: bytes) -> int:
    if letters not in _COLS:
        _COLS[letters] = col_index(letters.decode())
    return _COLS[letters]


def column_refs(col: int) -> re.Pattern:
    """The references r="H<digits>" of one column, its row in group 1."""
    if col not in _REFS:
        _REFS[col] = re.compile(rb'r="' + letters(col) + rb'(\d+)"')
    return _REFS[col]


def letters(col: int) -> bytes:
    if col not in _LETTERS:
        _LETTERS[col] = col_letter(col).encode()
    return _LETTERS[col]


def _rebuilt(body: bytes, changes: dict) -> bytes:
    """The row's cells parsed, changed and put back in column order."""
    cells = {}
    for c in CELL.finditer(body):
        ref = CELL_REF.match(c.group(0))
        cells[col_index(ref.group(1).decode())] = c.group(0)
    for col, new in changes.items():
        if new is None:
            cells.pop(col, None)
        else:
            cells[col] = new
    return b"".join(cells[k] for k in sorted(cells))


def formula_cells(xml: bytes, cols: set) -> list:
    """(row, column, has a computed value) of every formula cell in these columns; one search when there is
    none."""
    out, at = [], xml.find(b"<f", max(xml.find(b"<sheetData"), 0))
    while at >= 0:
        if xml[at + 2:at + 3] in (b">", b" ", b"/", b"\t", b"\n", b"\r"):
            lt = xml.rfind(b"<c ", 0, at)
            ref = CELL_REF_AT.match(xml, lt) if lt >= 0 else None
            if ref and col_of(ref.group(1)) in cols:
                end = xml.find(b"</c>", at)
                v = re.search(rb"<v>([^<]*)</v>", xml[at:end if end >= 0 else len(xml)])
                out.append((int(ref.group(2)), col_of(ref.group(1)), bool(v and v.group(1))))
        at = xml.find(b"<f", at + 2)
    return out


def column_cells(xml: bytes, cols: set) -> dict:
    """(row, column index) -> cell bytes for every cell of these columns: one scan per column for its
    references, each checked to sit in a <c> start tag. The reference for sheetstream.cells_of."""
    start, end = max(xml.find(b"<sheetData"), 0), xml.rfind(b"</sheetData>")
    end = len(xml) if end < 0 else end
    out = {}
    for col in cols:
        for m in column_refs(col).finditer(xml, start, end):
            at = cell_around(xml, start, m.start() - 1)
            if at:
                out[(int(m.group(1)), col)] = xml[at[0]:at[1]]
    return out


def hide_column(xml: bytes, col: int) -> bytes:
    """Mark one column hidden in <cols>, splitting a range that covers it; add <cols> if absent."""
    new = f'<col min="{col}" max="{col}" width="9" hidden="1" customWidth="1"/>'.encode()
    at = xml.find(b"<sheetData")
    at = len(xml) if at < 0 else at  # given only the bytes before <sheetData>: <cols> goes at their end
    m = re.search(rb"<cols>(.*?)</cols>", xml[:at], re.S)  # <cols> precedes the cells
    if not m:
        return xml[:at] + b"<cols>" + new + b"</cols>" + xml[at:]
    items = []
    for c in re.finditer(rb"<col\b[^>]*/>", m.group(1)):
        lo = int(re.search(rb'\bmin="(\d+)"', c.group(0)).group(1))
        hi = int(re.search(rb'\bmax="(\d+)"', c.group(0)).group(1))
        if lo <= col <= hi:
            if lo < col:
                items.append((lo, _col_range(c.group(0), lo, col - 1)))
            items.append((col, re.sub(rb'\s(hidden)="[^"]*"', b"", _col_range(c.group(0), col, col))[:-2]
                          + b' hidden="1"/>'))
            if col < hi:
                items.append((col + 1, _col_range(c.group(0), col + 1, hi)))
        else:
            items.append((lo, c.group(0)))
    if not any(lo == col for lo, _ in items):
        items.append((col, new))
    body = b"".join(x for _, x in sorted(items, key=lambda t: t[0]))
    return xml[:m.start(1)] + body + xml[m.end(1):]


def _col_range(el: bytes, lo: int, hi: int) -> bytes:
    el = re.sub(rb'\bmin="\d+"', f'min="{lo}"'.encode(), el)
    return re.sub(rb'\bmax="\d+"', f'max="{hi}"'.encode(), el)


def widen_dimension(xml: bytes, col: int) -> bytes:
    at = xml.find(b"<sheetData")
    m = re.search(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', xml[:len(xml) if at < 0 else at])
    if not m:
        return xml
    c2, r2 = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
    if col_index(c2.decode()) >= col:
        return xml
    ref = f'<dimension ref="{m.group(1).decode()}{m.group(2).decode()}:{col_letter(col)}{r2.decode()}"'
    return xml[:m.start()] + ref.encode() + xml[m.end():]


def kv_sheet(pairs: list) -> bytes:
    """A small worksheet of text pairs (the manifest)."""
    rows = []
    for i, (k, v) in enumerate(pairs, start=1):
        rows.append(f'<row r="{i}">'.encode() + inline_cell(f"A{i}", k) + inline_cell(f"B{i}", v) + b"</row>")
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData>' + b"".join(rows) + b"</sheetData></worksheet>")
