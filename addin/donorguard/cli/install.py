"""`donorguard install-addin`: put the add-in where Excel loads it at start, point it at this Python, and on a
Mac install the script RunPython needs.

The conf file is read by xlwings' VBA with `Open … For Input`, i.e. in the ANSI code page on Windows (CP932 on
Japanese Windows): it is written in that code page, and a path the code page cannot hold is written as its
8.3 short path, or refused with what to do.
"""
import csv
import io
import os
import shutil
import sys
from pathlib import Path

from ..core.errors import AddinFileMissing, AddinPathUnreadable, NoStartupFolder
from ..store import settings
from ..store.places import bundled

ADDIN = bundled("addin", "donorguard.xlam")


def startup_folder() -> Path | None:
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART"
    if sys.platform == "darwin":
        return Path.home() / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    return None


def conf_path() -> Path:
    if sys.platform == "darwin":
        return Path.home() / "Library/Containers/com.microsoft.Excel/Data/donorguard.conf"
    return Path(os.environ.get("USERPROFILE") or Path.home()) / ".donorguard" / "donorguard.conf"


def conf_key() -> str:
    """The setting in donorguard.conf that names the interpreter (xlwings' name for this system)."""
    return "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"


def vba_codepage() -> str:
    """The encoding in which the add-in's VBA reads donorguard.conf. VBA's `Open … For Input` reads text in the
    ANSI code page: on Windows the PC's own (cp932 on a Japanese one); on macOS taken to be UTF-8 (not verified
    in Excel); elsewhere, where no Excel runs, cp932: what a Japanese Windows PC would read."""
    if sys.platform == "win32":
        import ctypes
        return f"cp{ctypes.windll.kernel32.GetACP()}"
    return "utf-8" if sys.platform == "darwin" else "cp932"


def _vba_fields(text: str) -> list:
    """The fields `Input #` reads one after another: leading blanks skipped; a field is a "quoted" string (what
    follows it up to the delimiter is dropped) or runs to the next comma or line end, trailing blanks trimmed."""
    fields, i, n = [], 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        if text[i] == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            fields.append(text[i + 1:end])
            i = end + 1
            while i < n and text[i] not in ",\r\n":
                i += 1
        else:
            end = i
            while end < n and text[end] not in ",\r\n":
                end += 1
            fields.append(text[i:end].rstrip(" \t"))
            i = end
        if i < n and text[i] == ",":
            i += 1
    return fields


def conf_as_vba_reads(data: bytes, codepage: str) -> dict:
    """donorguard.conf as the add-in's VBA (xlwings' GetConfigFromFile) sees it: the bytes decoded in `codepage`,
    read two fields at a time, names compared without case, the first of a name kept; Windows then expands
    %VARIABLES% in the value. A UTF-8 path with Japanese in it decodes in cp932 to other characters (a lead
    byte may swallow the next backslash), which is exactly what the add-in would then try to start."""
    fields = _vba_fields(data.decode(codepage, errors="replace"))
    out = {}
    for name, value in zip(fields[0::2], fields[1::2]):
        out.setdefault(name.lower(), os.path.expandvars(value) if sys.platform == "win32" else value)
    return out


def interpreter_as_vba_reads(conf: Path | None = None) -> str | None:
    """The Python the add-in would start, read from donorguard.conf as its VBA reads it; None if not set."""
    conf = conf or conf_path()
    return conf_as_vba_reads(conf.read_bytes(), vba_codepage()).get(conf_key().lower())


def applescript_folder() -> Path:
    """Where Excel for Mac's AppleScriptTask finds scripts (what `xlwings runpython install` fills)."""
    return Path.home() / "Library" / "Application Scripts" / "com.microsoft.Excel"


def short_path(path: str) -> str | None:
    """The 8.3 short form of an existing path (Windows), or None (no short names on this volume, or not
    Windows)."""
    if sys.platform != "win32":
        return None
    import ctypes
    buf = ctypes.create_unicode_buffer(32768)
    n = ctypes.windll.kernel32.GetShortPathNameW(str(path), buf, len(buf))
    return buf.value if 0 < n < len(buf) else None


def readable(path: str, code_page: str, shorten=short_path) -> str:
    """`path` as the add-in's VBA will read it back from a file in `code_page`: itself, or its short path."""
    for candidate in (path, shorten(path)):
        if candidate:
            try:
                candidate.encode(code_page)
                return candidate
            except UnicodeEncodeError:
                continue
    raise AddinPathUnreadable(path=path, code_page=code_page)


def conf_bytes(settings: dict, code_page: str) -> bytes:
    """The conf file xlwings' GetConfigFromFile reads with `Input #`: one `"KEY","value"` line each."""
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for key, value in settings.items():
        w.writerow([key, value])
    return out.getvalue().encode(code_page)


def install(folder=None, lang=None, live_guard: bool = True, code_page=None, shorten=short_path) -> tuple:
    """Copy the add-in into Excel's startup folder, write the add-in's settings file, and on a Mac the
    RunPython script. Returns (add-in path, conf path, AppleScript path or None)."""
    target = Path(folder) if folder else startup_folder()
    if target is None:
        raise NoStartupFolder()
    if not ADDIN.exists():
        raise AddinFileMissing(path=str(ADDIN))
    code_page = code_page or vba_codepage()
    key = conf_key()
    data = conf_bytes({key: readable(sys.executable, code_page, shorten), "DONORGUARD_LANG": settings.language(lang),
                       "DONORGUARD_LIVE_GUARD": "on" if live_guard else "off"}, code_page)
    target.mkdir(parents=True, exist_ok=True)
    dest = target / ADDIN.name
    shutil.copyfile(ADDIN, dest)
    conf = conf_path()
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_bytes(data)
    script = install_applescript() if sys.platform == "darwin" else None
    return dest, conf, script


def install_applescript(folder: Path | None = None) -> Path:
    """Copy xlwings' RunPython AppleScript where Excel for Mac looks for it, as `xlwings runpython install`
    does (without it every button ends in xlwings' "To enable RunPython…" message)."""
    import importlib.metadata
    import importlib.util
    version = importlib.metadata.version("xlwings")
    source = Path(importlib.util.find_spec("xlwings").origin).parent / f"xlwings-{version}.applescript"
    folder = folder or applescript_folder()
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / source.name
    shutil.copyfile(source, dest)
    return dest

