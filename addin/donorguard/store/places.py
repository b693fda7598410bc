"""Where DonorGuard keeps things for a user (key, audit log, settings, locks) and where the files it ships
with are (rule sets, the Excel add-in, sample workbooks).

Per-user folders are the platform's (platformdirs); DONORGUARD_HOME puts them all in one folder instead
(a portable install, and the tests, which never touch the real ones).
Shipped files are package data in an installed wheel (donorguard/data/, copied there by setup.py);
in a source checkout they are read where they live (rules/, addin/, workbooks/).
"""
from __future__ import annotations

import os
import tempfile
import warnings
from importlib import resources
from pathlib import Path

import platformdirs

APP = "donorguard"
_REPO = Path(__file__).resolve().parents[3]
_CHECKOUT = {"rules": _REPO / "rules", "addin": _REPO / "addin", "workbooks": _REPO / "workbooks"}


def _home(sub: str) -> Path | None:
    h = os.environ.get("DONORGUARD_HOME")
    return Path(h) / sub if h else None


def data_dir() -> Path:
    return _home("data") or Path(platformdirs.user_data_dir(APP, appauthor=False))


def log_dir() -> Path:
    return _home("log") or Path(platformdirs.user_log_dir(APP, appauthor=False))


def config_dir() -> Path:
    return _home("config") or Path(platformdirs.user_config_dir(APP, appauthor=False))


def runtime_dir() -> Path:
    """A private folder for lock files; the temporary folder when the platform has none writable."""
    with warnings.catch_warnings():     # platformdirs warns when XDG_RUNTIME_DIR is unset, then falls back
        warnings.simplefilter("ignore")
        d = _home("run") or Path(platformdirs.user_runtime_dir(APP, appauthor=False))
    try:
        d.mkdir(parents=True, exist_ok=True)
        if os.access(d, os.W_OK):
            return d
    except OSError:
        pass
    return Path(tempfile.gettempdir())


def bundled(folder: str, name: str = "") -> Path:
    """A shipped file or folder: `folder` is rules, addin or workbooks."""
    packaged = Path(str(resources.files("donorguard") / "data" / folder))
    base = packaged if packaged.is_dir() else _CHECKOUT[folder]
    return base / name if name else base
