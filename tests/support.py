"""Shared helpers for the tests: real workbooks from donorguard.tools.synth, the CLI as a subprocess."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from donorguard.store import keys
from donorguard.tools import synth

ID_RE = re.compile(r"(?<!\d)\d{12}(?!\d)")
_SESSION_FOLDERS: list = []


def session_folder(prefix: str) -> Path:
    """A temporary folder that lives until the test session ends (e.g. a corpus built at collection)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    _SESSION_FOLDERS.append(path)
    return path


def remove_session_folders() -> None:
    while _SESSION_FOLDERS:
        shutil.rmtree(_SESSION_FOLDERS.pop(), ignore_errors=True)


def env(tmp: Path, **extra) -> dict:
    e = dict(os.environ)
    e.pop("DONORGUARD_KEY_FILE", None)
    e.update(DONORGUARD_AUDIT_LOG=str(tmp / "audit.jsonl"), DONORGUARD_LANG="ja")
    e.update(extra)
    return e


def cli(tmp: Path, *args, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "donorguard", *map(str, args)], capture_output=True,
                          text=True, env=env(tmp, **extra), timeout=120)


def new_key(tmp: Path, name="k.key") -> Path:
    p = tmp / name
    keys.create(p)
    return p


def book(tmp: Path, n=60, seed=1, name="list.xlsx", **kw) -> tuple:
    df = synth.make_people(n, seed=seed)
    path = tmp / name
    synth.write_workbook(df, path, **kw)
    return path, df


def ids_in(df: pd.DataFrame) -> set:
    return set(df["個人番号"].astype(str))


def leaked(text: str, ids: set) -> set:
    return set(ID_RE.findall(text)) & ids


@contextmanager
def small_fs(folder: Path, size: str = "256k"):
    """A tmpfs of `size` mounted at `folder` (a real file system that fills up: ENOSPC comes from the
    kernel), unmounted afterwards. Mounting needs root; elsewhere the test is skipped, saying so."""
    import pytest
    folder.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({p.stderr.strip() or 'not root'})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> Path:
    """Fill the file system holding `folder` until it refuses another byte; returns the filler file."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
        try:
            while True:
                f.write(b"\0")
        except OSError:
            pass
    return filler


def read_only(folder: Path) -> None:
    """Make the tmpfs at `folder` (small_fs) read-only: as root, file modes do not stop a write; a read-only
    mount does."""
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
