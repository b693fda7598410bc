"""Sheet XML read and rewritten as bytes: only the cells and column flags DonorGuard writes change;
every other byte of the part stays as it was."""
import re
from html import escape, unescape

ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
ROW_NUM = re.compile(rb'^<row\b[^>]*?\br="(\d+)"')
ROW_NUM_AT = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
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


def inline_cell(ref: str, text: str, style: bytes = b"") -> bytes:
    t = escape(text, quote=False).encode()
    space = b' xml:space="preserve"' if text != text.strip() else b""
    return b'<c r="' + ref.encode() + b'"' + style + b' t="inlineStr"><is><t' + space + b">" + t + b"</t></is></c>"


def style_of(cell: bytes) -> bytes:
    m = re.search(rb'\ss="\d+"', cell.split(b">", 1)[0])
    return m.group(0) if m else b""


def moved_cell(cell: bytes, ref: str) -> bytes:
    """The same cell (value, type, style) at another address; a formula keeps only its value."""
    cell = re.sub(rb'(^<c\b[^>]*?\br=")[A-Z]+\d+"', rb"\g<1>" + ref.encode() + b'"', cell, count=1)
    return re.sub(rb"<f\b[^>]*?(?:/>|>.*?</f>)", b"", cell, flags=re.S)


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

def patch_rows(xml: bytes, edits: dict) -> bytes:
    """edits: row number -> {column index: new cell bytes or None (remove)}. Rows must exist."""
    start = xml.find(b"<sheetData")
    end = xml.rfind(b"</sheetData>")
    if start < 0 or end < 0:
        raise ValueError("sheet has no sheetData")
    out, last, todo = [xml[:start]], start, dict(edits)
    pos = start
    while todo:
        i = xml.find(b"<row", pos, end)
        if i < 0:
            break
        gt = xml.find(b">", i)
        if xml[i + 4:i + 5] not in (b" ", b">", b"/"):
            pos = gt + 1
            continue
        stop = gt + 1 if xml[gt - 1:gt] == b"/" else xml.find(b"</row>", gt) + len(b"</row>")
        num = ROW_NUM_AT.match(xml, i, gt + 1)
        if not num or stop < gt:
            raise ValueError("row without a row number")
        pos = stop
        r = int(num.group(1))
        if r not in todo:
            continue
        out.append(xml[last:i])
        out.append(_patch_row(xml[i:stop], todo.pop(r)))
        last = stop
    if todo:
        raise ValueError(f"rows {sorted(todo)[:5]} are not in the sheet")
    out.append(xml[last:])
    return b"".join(out)


def _patch_row(row: bytes, changes: dict) -> bytes:
    if row.endswith(b"/>"):
        head, body = row[:-2] + b">", b""
    else:
        head_end = row.index(b">") + 1
        head, body = row[:head_end], row[head_end:-len(b"</row>")]
    head = re.sub(rb'\sspans="[^"]*"', b"", head)
    # fast path: one cell appended right of every existing cell
    if len(changes) == 1:
        (col, new), = changes.items()
        k = body.rfind(b"<c ")
        lastref = CELL_REF.match(body[k:]) if k >= 0 else None
        if new is not None and (lastref is None or col_index(lastref.group(1).decode()) < col):
            return head + body + new + b"</row>"
    cells = {}
    for c in CELL.finditer(body):
        ref = CELL_REF.match(c.group(0))
        cells[col_index(ref.group(1).decode())] = c.group(0)
    for col, new in changes.items():
        if new is None:
            cells.pop(col, None)
        else:
            cells[col] = new
    return head + b"".join(cells[k] for k in sorted(cells)) + b"</row>"


def row_cells(xml: bytes, wanted: set) -> dict:
    """(row, column index) -> cell bytes, for the rows in `wanted`."""
    out = {}
    for m in ROW.finditer(xml):
        num = ROW_NUM.match(m.group(0))
        if num and int(num.group(1)) in wanted:
            for c in CELL.finditer(m.group(0)):
                ref = CELL_REF.match(c.group(0))
                out[(int(num.group(1)), col_index(ref.group(1).decode()))] = c.group(0)
    return out


def hide_column(xml: bytes, col: int) -> bytes:
    """Mark one column hidden in <cols>, splitting a range that covers it; add <cols> if absent."""
    new = f'<col min="{col}" max="{col}" width="9" hidden="1" customWidth="1"/>'.encode()
    m = re.search(rb"<cols>(.*?)</cols>", xml, re.S)
    if not m:
        at = xml.find(b"<sheetData")
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
    m = re.search(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', xml)
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
