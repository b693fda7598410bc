"""The .xlsx package: open it safely, find its parts, replace it atomically."""
import glob
import os
import posixpath
import re
import tempfile
import threading
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

from defusedxml import ElementTree as SafeET

from ..errors import NotAWorkbook, WorkbookUnreadable
from .sheetxml import col_index

MAX_PART = 1 << 30          # 1 GiB inflated for one part
MAX_TOTAL = 4 << 30
MAX_RATIO = 200             # spreadsheets compress 3-30:1; a zip bomb far more (deflate reaches 1032:1)
MAX_CELLS = 1 << 25         # rows x columns of one sheet's used range: the reader holds them all in memory
MAX_PROLOG = 1 << 16        # bytes before an XML part's root element
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


_early = {}                 # path -> thread inspecting it, started by inspect_soon


def inspect_soon(path) -> None:
    """Start open_zip's checks of `path` on another thread, so that they overlap the caller's imports
    (the command line starts this before loading pandas). open_zip then waits for them; what they found
    is raised there, in the caller's thread, as if open_zip had found it itself."""
    box = {}

    def work():
        try:
            _open_zip(path).close()
        except BaseException as e:
            box["error"] = e
    t = threading.Thread(target=work, name="donorguard-inspect", daemon=True)
    t.box = box
    _early[str(path)] = t
    t.start()


def open_zip(path) -> zipfile.ZipFile:
    """A ZipFile of an .xlsx, or one clear error: missing, a folder, not a zip, encrypted, a bomb."""
    early = _early.pop(str(path), None)
    if early is not None:
        early.join()
        if "error" in early.box:
            raise early.box["error"]
    return _open_zip(path)


def _open_zip(path) -> zipfile.ZipFile:
    p = Path(path)
    if not p.exists():
        raise NotAWorkbook(path=str(path), why="no such file")
    if p.is_dir():
        raise NotAWorkbook(path=str(path), why="it is a folder")
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
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > MAX_PART or total > MAX_TOTAL or \
                (i.file_size > (1 << 20) and i.file_size > MAX_RATIO * max(i.compress_size, 1)):
            zf.close()
            raise NotAWorkbook(path=str(path), why="a part inflates to an implausible size (zip bomb)")
    try:
        _inspect(zf, p, infos)
    except BaseException:
        zf.close()
        raise
    return zf


_inspected = {}             # (path, size, mtime, inode) of packages already found safe in this process
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError)
_PROLOG_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
# A cell not written `<c r="A1"` (one letter, at most six digits), or a cell element with a namespace prefix:
# when a sheet has none, it lies within column Z and row 999,999 (26 million cells at most).
_ODD_CELL = re.compile(rb'<c(?=[\s>/])(?! r="[A-Z]\d{1,6}")')
_PREFIXED_CELL = re.compile(rb':c[\s>/]')
# reference shapes: letters to A, digits to 0, quotes to ", tabs and line ends to spaces
_SHAPE = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'\t\r\n", b"A" * 26 + b"0" * 10 + b'"   ')
_ROW_NUM = re.compile(rb'<row\b[^>]*?\sr\s*=\s*["\'](\d+)["\']')
_CELL_REF = re.compile(rb'(?<![\w:.-])r\s*=\s*["\']([A-Za-z]{1,4})(\d{1,9})["\']')


def _inspect(zf, p: Path, infos) -> None:
    """Refuse parts no reader should be given: a DTD anywhere (entity expansion, external entities;
    the Open Packaging Conventions forbid DTDs), a part that will not unpack, a sheet whose used range
    the reader would have to hold in memory cell by cell (one stray value at XFD1048576 is 17 billion)."""
    st = p.stat()
    ident = (str(p.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    if ident in _inspected:
        return
    where = str(p)
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
    names = {i.filename for i in infos}
    for part, _ in sheet_parts(zf).values():
        if part not in names:
            continue
        rows, cols = _extent(zf, part, where)
        if rows * cols > MAX_CELLS:
            raise NotAWorkbook(path=where, why=f"part {part} has values out to row {rows:,} and column {cols:,}, "
                                               f"too many cells to read; delete the stray cells far from the list")
    _inspected[ident] = True


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


def _extent(zf, part: str, where: str) -> tuple:
    """(last row, last column) a sheet's cells reach: the reader holds that whole rectangle.
    Usually one regex search per 4 MB shows every cell is written `<c r="A1"` (one letter, at most six
    digits), and (0, 0) is returned; otherwise a second, slower pass reads every reference, and bounds
    cells without one by their count in the row."""
    if not any(_ODD_CELL.search(body) or _PREFIXED_CELL.search(body) for body in _bodies(zf, part, where)):
        return 0, 0
    rows = cols = numbered = counted = 0
    for body in _bodies(zf, part, where):
        for letters, digits in set(_CELL_REF.findall(body)):
            rows, cols = max(rows, int(digits)), max(cols, col_index(letters.decode().upper()))
        t = body.translate(_SHAPE)
        if _cells(t) != t.count(b'<c r="A'):        # cells placed by counting: as far right as they are many
            cols = max(cols, max(seg.count(b"<c") for seg in body.split(b"<row")))
        counted += t.count(b"<row ") + t.count(b"<row>")
        nums = _ROW_NUM.findall(body)
        numbered = max(numbered, max(map(int, nums), default=0))
        if len(nums) < t.count(b"<row ") + t.count(b"<row>"):
            numbered = max(numbered, counted) + counted     # unnumbered rows follow the one before
    return max(rows, numbered), cols


def _cells(t: bytes) -> int:
    return t.count(b"<c ") + t.count(b"<c>") + t.count(b"<c/>")


def _bodies(zf, part: str, where: str):
    """A sheet part inflated in chunks of about 4 MB, each ending between tags."""
    tail = b""
    try:
        with zf.open(part) as f:
            while True:
                chunk = f.read(1 << 22)
                buf = tail + chunk
                lt = buf.rfind(b"<")
                cut = lt if chunk and lt >= 0 and buf.find(b">", lt) < 0 else len(buf)
                body, tail = buf[:cut], buf[cut:]
                if len(tail) > 1 << 20:
                    raise NotAWorkbook(path=where, why=f"part {part} has a tag longer than 1 MB")
                yield body
                if not chunk:
                    break
    except _UNPACK_ERRORS:
        raise NotAWorkbook(path=where, why=f"part {part} cannot be unpacked (damaged or encrypted)") from None


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


@contextmanager
def atomic_write(path):
    """Yield a temporary path beside `path`; on success it replaces `path` in one step, and the folder
    entry is flushed to disk. Callers hold the file's lock, so a temporary file of the same name pattern
    already there was left by a write that was killed: it is removed first."""
    path = Path(path)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.dgtmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".dgtmp")
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
        _sync_folder(path.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """fsync a folder so a rename in it survives a power cut (POSIX; Windows cannot open folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m
