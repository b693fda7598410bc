"""`donorguard install-addin`: put the add-in where Excel loads it at start, and point it at this Python."""
import os
import shutil
import sys
from pathlib import Path

from ..core.errors import DonorGuardError
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


def install(folder=None) -> tuple:
    """Copy the add-in into Excel's startup folder and write the add-in's own settings file."""
    target = Path(folder) if folder else startup_folder()
    if target is None:
        raise DonorGuardError("Excel's startup folder is unknown on this system; pass --dir FOLDER.")
    if not ADDIN.exists():
        raise DonorGuardError(f"{ADDIN} is missing; run `python addin/vba/build.py` first.")
    target.mkdir(parents=True, exist_ok=True)
    dest = target / ADDIN.name
    shutil.copyfile(ADDIN, dest)
    conf = conf_path()
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(f'"{conf_key()}","{sys.executable}"\n', encoding="utf-8")
    return dest, conf
