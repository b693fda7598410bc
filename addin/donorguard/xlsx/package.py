"""The .xlsx package: open it safely (the safety scan), find its parts."""
import posixpath
import queue
import re
import stat
import threading
import zipfile
import zlib
from pathlib import Path

import numpy as np
from defusedxml import ElementTree as SafeET

from ..core.errors import NotAWorkbook, WorkbookUnreadable
from . import limits
from .sheetxml import col_index

try:                        # ISA-L: inflates about twice as fast as zlib (the 1M scan: 4.2 -> 2.9 s), deflates 4.5x
    from isal import isal_zlib as deflate
except ImportError:         # a platform without its wheel
    deflate = zlib

MAX_PROLOG = 1 << 16        # bytes before an XML part's root element
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def open_zip(path, split=None) -> zipfile.ZipFile:
    """A ZipFile of an .xlsx, or one clear error: missing, a folder, a pipe or device, not a zip, encrypted,
    a bomb.
    Its `extents` say how far each sheet part's cells reach (see extent). `split`, called with the ZipFile and
    each sheet's name, part and zip entry before the checks inflate it, may give a halves.Splitter, handed
    the XML as it is inflated (see extent); `kept` holds the Cuts made, by part. Only when this version of the
    file is inspected for the first time in this process. Its `ident` is the file's identity() then."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except OSError:
        raise NotAWorkbook(path=str(path), why="no such file") from None
    if stat.S_ISDIR(mode):
        raise NotAWorkbook(path=str(path), why="it is a folder")
    if not stat.S_ISREG(mode):                     # a pipe would block the read below, a device never ends
        raise NotAWorkbook(path=str(path), why="it is not a file but a pipe, a device or a socket")
    with open(p, "rb") as f:
        magic = f.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotAWorkbook(path=str(path), why="it is password-protected or an old .xls file")
    try:
        zf = zipfile.ZipFile(p)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotAWorkbook(path=str(path), why="not a zip package; truncated or another format") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        zf.close()
        raise NotAWorkbook(path=str(path), why="no workbook part; .xlsb, .ods or another zip")
    if len(names) != len(infos):
        zf.close()
        raise NotAWorkbook(path=str(path), why="two parts have the same name, so programs may read different ones")
    excess = limits.excess(infos)
    if excess:
        zf.close()
        raise NotAWorkbook(path=str(path), why=_TOO_LARGE[excess[0]].format(*excess[1:]))
    try:
        zf.extents, zf.kept, zf.ident = _inspect(zf, p, infos, split)
    except BaseException:
        zf.close()
        raise
    return zf


_TOO_LARGE = {
    "ratio": "a part inflates to an implausible size (zip bomb)",
    "part_bytes": "part {0} unpacks to {1:,} bytes, more than the {2:,} DonorGuard reads; split the list",
    "total_bytes": "its parts unpack to {1:,} bytes, more than the {2:,} DonorGuard reads; split the list",
}
_inspected = {}             # (path, size, mtime, inode) -> its extents, or why it was refused
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, deflate.error, RuntimeError, NotImplementedError, EOFError,
                  OSError)
_PROLOG_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
_TAG_END = np.zeros(256, bool)                 # what may follow an element name: white space, > or /
_TAG_END[list(b" \t\r\n>/")] = True
_HEAD, _HEAD_MASK = int.from_bytes(b'<c r="', "little"), (1 << 48) - 1      # a cell's first six bytes
# reference shapes: letters to A, digits to 0, quotes to ", tabs and line ends to spaces
_SHAPE = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'\t\r\n", b"A" * 26 + b"0" * 10 + b'"   ')
_ROW_NUM = re.compile(rb'<row\b[^>]*?\sr\s*=\s*["\'](\d+)["\']')
_CELL_REF = re.compile(rb'(?<![\w:.-])r\s*=\s*["\']([A-Za-z]{1,4})(\d{1,9})["\']')


def _inspect(zf, p: Path, infos, split=None) -> tuple:
    """Refuse parts no reader should be given: a DTD anywhere (entity expansion, external entities;
    the Open Packaging Conventions forbid DTDs), a part that will not unpack, a sheet whose used range
    the reader would have to hold in memory cell by cell (one stray value at XFD1048576 is 17 billion).
    Returns {sheet part: (last row, last column)} as extent gives them, the Cuts made (see open_zip), and
    the file's identity when inspected.
    Each version of a file is inspected once per process: later calls return the same extents (and
    nothing kept) or raise the same refusal."""
    ident, kept = identity(p), {}
    if ident not in _inspected:
        try:
            _inspected[ident] = _inspect_parts(zf, str(p), infos, kept, split)
        except (NotAWorkbook, WorkbookUnreadable) as e:
            _inspected[ident] = e
    found = _inspected[ident]
    if isinstance(found, Exception):
        raise found
    return found, kept, ident


def _inspect_parts(zf, where: str, infos, kept: dict, split) -> dict:
    for i in infos:
        if i.filename.lower().endswith((".xml", ".rels", ".vml")):
            try:
                with zf.open(i) as f:
                    head = f.read(MAX_PROLOG)
            except _UNPACK_ERRORS:
                raise NotAWorkbook(path=where, why=f"part {i.filename} cannot be unpacked (damaged or encrypted)") \
                    from None
            if _has_dtd(head):
                raise NotAWorkbook(path=where, why=f"part {i.filename} declares a DTD, which no Excel file has "
                                                   f"(an XML entity attack)")
    names, extents = {i.filename for i in infos}, {}
    for name, (part, _) in sheet_parts(zf).items():
        if part not in names:
            continue
        sink = split(zf, name, part, zf.getinfo(part)) if split else None
        rows, cols = extents[part] = extent(zf, part, where, sink)
        if rows * cols > limits.MAX_CELLS:
            raise NotAWorkbook(path=where, why=f"part {part} has values out to row {rows:,} and column {cols:,}, "
                                               f"too many cells to read; delete the stray cells far from the list")
        if sink is not None:
            kept[part] = sink.cut
    return extents


def identity(p) -> tuple:
    """(path, size, mtime, inode): a file that has not been replaced or written since."""
    st = Path(p).stat()
    return str(Path(p).resolve()), st.st_size, st.st_mtime_ns, st.st_ino


def _has_dtd(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    pos = 0
    while True:
        m = _PROLOG_SKIP.match(head, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    rest = head[pos:].lstrip()
    # a DTD, or a prolog so long the root element is not in sight: either way not a part to parse
    return rest.startswith(b"<!") or (len(head) >= MAX_PROLOG and not rest.startswith(b"<"))


class Extent(tuple):
    """(last row, last column) of a sheet's cells; `counted`: some cells or rows had no reference of their own
    and were placed by counting (a bound, not the exact reach)."""

    def __new__(cls, rows: int, cols: int, counted: bool = False):
        out = super().__new__(cls, (rows, cols))
        out.counted = counted
        return out


def extent(zf, part: str, where: str, sink=None) -> Extent:
    """(last row, last column) a sheet's cells reach: the reader holds that whole rectangle.
    Usually a vectorised look at every `<c` shows each cell is written `<c r="A1"` (one letter, a row Excel
    has), and (0, 0) is returned (within column Z); otherwise a second, slower pass reads every reference, and bounds
    cells without one by their count in the row. A `sink` (halves.Splitter) is given each piece of XML that
    look passed, then told whether every piece passed with the cells in row order (its finish())."""
    order = [0, True] if sink is not None else None
    for body in _ahead(_bodies(zf, part, where)):
        if not _plain_cells(body, order):
            break
        if sink is not None:
            sink.add(body)
    else:
        if sink is not None:
            sink.finish(order[1])
        return Extent(0, 0)
    if sink is not None:
        sink.finish(False)
    rows = cols = numbered = counted = 0
    by_count = False
    for body in map(bytes, _bodies(zf, part, where)):
        for letters, digits in set(_CELL_REF.findall(body)):
            rows, cols = max(rows, int(digits)), max(cols, col_index(letters.decode().upper()))
        t = body.translate(_SHAPE)
        if _cells(t) != t.count(b'<c r="A'):        # cells placed by counting: as far right as they are many
            cols, by_count = max(cols, max(seg.count(b"<c") for seg in body.split(b"<row"))), True
        counted += t.count(b"<row ") + t.count(b"<row>")
        nums = _ROW_NUM.findall(body)
        numbered = max(numbered, max(map(int, nums), default=0))
        if len(nums) < t.count(b"<row ") + t.count(b"<row>"):
            numbered, by_count = max(numbered, counted) + counted, True     # unnumbered rows follow the one before
    return Extent(max(rows, numbered), cols, by_count)


def _ahead(items, depth: int = 2):
    """The items of an iterator, made on another thread up to `depth` ahead, so that inflating the next
    chunk overlaps checking this one (zlib and numpy both release the GIL). Its errors are raised here."""
    q, stop = queue.Queue(depth), threading.Event()

    def make():
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put((True, item), timeout=0.1)
                        break
                    except queue.Full:
                        pass
                if stop.is_set():
                    return
            q.put((False, None))
        except BaseException as e:
            q.put((False, e))
    threading.Thread(target=make, name="donorguard-inflate", daemon=True).start()
    try:
        while True:
            more, item = q.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()


def _plain_cells(body, order: list | None = None) -> bool:
    """Is every cell element written `<c r="A1"` (one capital letter, a row up to Excel's last), and none with
    a namespace prefix (`<x:c`)? Then the cells lie within column Z and row 1,048,576 (27 million at most).
    numpy, not a regex: it releases the GIL. Each cell's first 15 bytes are read as two 8-byte words.
    An `order` [last row key, in order so far] is carried from body to body: are the cells' rows ascending?"""
    a = _padded(body)
    c = np.flatnonzero(a[1:-_PAD] == ord("c"))          # every c, then those that end an element name
    c = c[_TAG_END[a[c + 2]]]
    before = a[c]
    if (before == ord(":")).any():
        return False
    cells = c[before == ord("<")]
    words = np.ndarray((len(a) - 8,), "<u8", a, 0, (1,))     # the 8 bytes from each position (unaligned)
    head = words[cells]                                      # <c r="L and a digit
    letter = (head >> np.uint64(48)) & np.uint64(0xFF)
    if not (((head & np.uint64(_HEAD_MASK)) == np.uint64(_HEAD)).all() and
            ((letter >= ord("A")) & (letter <= ord("Z"))).all()):
        return False
    w = words[cells + 7]
    d = w.view(np.uint8).reshape(-1, 8)      # the row's digits and what follows them
    digit = (d - np.uint8(ord("0"))) < 10
    end = np.argmin(digit, axis=1)           # the first character after the digits (0: none, or eight)
    if not (digit[:, 0] & (d[np.arange(len(d)), end] == ord('"'))).all():
        return False
    far = end == 7                           # seven digits: only up to Excel's last row, 1,048,576
    if not ((d[far, :7].astype(np.int64) - ord("0")) @ 10 ** np.arange(6, -1, -1) <= limits.EXCEL_ROWS).all():
        return False
    if order is not None and len(w) and order[1]:
        order[1] = _ascending(w, end, d[:, 0], order)
    return True


def _ascending(w, end, first, order: list) -> bool:
    """Are these rows (each cell's digit word and digit count) ascending, from order[0] on? Keys order as
    the rows do: the digit count above the digits read big-end first. A leading zero says no."""
    e = end.astype(np.uint64)
    digits = (w & ((np.uint64(1) << (np.uint64(8) * e)) - np.uint64(1))).byteswap()
    key = (e << np.uint64(56)) | (digits >> np.uint64(8))
    ok = not (first == ord("0")).any() and key[0] >= order[0] and bool((key[1:] >= key[:-1]).all())
    order[0] = key[-1]
    return ok


_PAD = 16


def _padded(body) -> np.ndarray:
    """The bytes of `body` with a zero byte before and _PAD bytes after, as _plain_cells reads them. A piece
    from _bodies lies so in its buffer already (memoryview(buffer)[1:n]); bytes are copied."""
    if isinstance(body, memoryview):
        return np.frombuffer(body.obj, np.uint8)[:len(body) + 1 + _PAD]
    return np.frombuffer(b"\0" + body + b"\0" * _PAD, np.uint8)


def _cells(t: bytes) -> int:
    return t.count(b"<c ") + t.count(b"<c>") + t.count(b"<c/>")


def _bodies(zf, part: str, where: str):
    """A sheet part inflated in chunks of about 4 MB, each ending between tags, as memoryview(buffer)[1:n] of
    a buffer with a zero byte before the piece and _PAD bytes after it (see _padded): one copy per chunk."""
    tail = b""
    try:
        for chunk in _inflate(zf, zf.getinfo(part), where):
            buf = b"".join((b"\0", tail, chunk, b"\0" * _PAD))
            end = len(buf) - _PAD
            lt = buf.rfind(b"<", 1, end)
            cut = lt if chunk and lt >= 1 and buf.find(b">", lt, end) < 0 else end
            body, tail = memoryview(buf)[1:cut], buf[cut:end]
            if len(tail) > 1 << 20:
                raise NotAWorkbook(path=where, why=f"part {part} has a tag longer than 1 MB")
            yield body
    except _UNPACK_ERRORS:
        raise NotAWorkbook(path=where, why=f"part {part} cannot be unpacked (damaged or encrypted)") from None


def _inflate(zf, info: zipfile.ZipInfo, where: str, size: int = 1 << 22):
    """A part's bytes in pieces of `size`, then b"". Deflated data is read a megabyte at a time and inflated
    by ISA-L (or zlib) in large calls, each without the GIL (zipfile's reader takes it every few kilobytes):
    so inflating runs on one core while numpy checks the previous piece on the other. Never more than the
    part's declared size."""
    if info.flag_bits & 1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with zf.open(info) as f:                      # encrypted or unusual: zipfile says what is wrong
            yield from iter(lambda: f.read(size), b"")
        yield b""
        return
    with _raw(zf, info) as f:
        if info.compress_type == zipfile.ZIP_STORED:
            yield from _read_exactly(f, info.compress_size, size)
            yield b""
            return
        inflater, done, pending, more = deflate.decompressobj(-15), 0, b"", True
        blocks = _read_exactly(f, info.compress_size, 1 << 20)
        while True:
            if not pending and more:              # input a megabyte at a time: what is left over stays small
                pending = next(blocks, b"")
                more = bool(pending)
            piece = inflater.decompress(pending, size)
            pending = inflater.unconsumed_tail
            done += len(piece)
            if done > info.file_size:
                raise NotAWorkbook(path=where, why=f"part {info.filename} inflates beyond its declared size (zip bomb)")
            if piece:
                yield piece
            elif inflater.eof or not (more or pending):
                break
    yield b""


def pieces(zf, part: str, where: str):
    """A part's bytes in pieces of about 4 MB, inflated on another thread while the last is used."""
    try:
        yield from (piece for piece in _ahead(_inflate(zf, zf.getinfo(part), where)) if piece)
    except _UNPACK_ERRORS:
        raise NotAWorkbook(path=where, why=f"part {part} cannot be unpacked (damaged or encrypted)") from None


def _raw(zf, info: zipfile.ZipInfo):
    """The zip file, open at a part's bytes as stored (compressed, if it is)."""
    f = open(zf.filename, "rb")
    try:
        f.seek(info.header_offset)
        head = f.read(30)
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local header")
        f.seek(info.header_offset + 30 + int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little"))
    except BaseException:
        f.close()
        raise
    return f


def _read_exactly(f, n: int, size: int):
    """n bytes of f in pieces of `size`; a file that ends sooner is truncated."""
    while n > 0:
        block = f.read(min(size, n))
        if not block:
            raise zipfile.BadZipFile("truncated")
        n -= len(block)
        yield block


def raw_bytes(zf, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes as stored in the zip (compressed, if it is)."""
    with _raw(zf, info) as f:
        return b"".join(_read_exactly(f, info.compress_size, max(info.compress_size, 1)))


def parse_xml(zf, name: str):
    try:
        return SafeET.fromstring(zf.read(name))
    except KeyError:
        raise WorkbookUnreadable(path=zf.filename, why=f"part {name} is missing") from None
    except Exception:
        raise WorkbookUnreadable(path=zf.filename, why=f"part {name} is not safe, well-formed XML") from None


def sheet_parts(zf) -> dict:
    """Sheet name -> (part name, state) in workbook order."""
    wb = parse_xml(zf, "xl/workbook.xml")
    rels = parse_xml(zf, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels.findall(f"{{{NS_PKG}}}Relationship")}
    out = {}
    for s in wb.iter(f"{{{NS_MAIN}}}sheet"):
        t = targets.get(s.get(f"{{{NS_REL}}}id"), "")
        part = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
        out[s.get("name")] = (part, s.get("state") or "visible")
    return out
