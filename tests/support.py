"""Shared helpers for the tests: real workbooks from donorguard.tools.synth, the CLI as a subprocess."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

from donorguard.store import keys
from donorguard.tools import synth

ID_RE = re.compile(r"(?<!\d)\d{12}(?!\d)")


def env(tmp: Path, **extra) -> dict:
    e = dict(os.environ)
    e.pop("DONORGUARD_KEY_FILE", None)
    e.update(DONORGUARD_AUDIT_LOG=str(tmp / "audit.jsonl"), DONORGUARD_LANG="ja", **extra)
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
