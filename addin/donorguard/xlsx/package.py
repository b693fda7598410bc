"""The .xlsx package: open it safely, find its parts, replace it atomically."""
import os
import posixpath
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from defusedxml import ElementTree as SafeET

from ..errors import NotAWorkbook, WorkbookUnreadable

MAX_PART = 1 << 30          # 1 GiB inflated for one part
MAX_TOTAL = 4 << 30
MAX_RATIO = 1000            # a zip bomb inflates far beyond what spreadsheets compress to
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def open_zip(path) -> zipfile.ZipFile:
    """A ZipFile of an .xlsx, or one clear error: missing, a folder, not a zip, encrypted, a bomb."""
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
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > MAX_PART or total > MAX_TOTAL or \
                (i.file_size > (1 << 20) and i.file_size > MAX_RATIO * max(i.compress_size, 1)):
            zf.close()
            raise NotAWorkbook(path=str(path), why="a part inflates to an implausible size (zip bomb)")
    return zf


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
    """Yield a temporary path beside `path`; on success it replaces `path` in one step."""
    path = Path(path)
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
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m
