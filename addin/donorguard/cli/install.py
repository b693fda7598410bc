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
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    conf.write_text(f'"{key}","{sys.executable}"\n', encoding="utf-8")
    return dest, conf
