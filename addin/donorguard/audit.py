"""The audit log: append-only JSON lines, each carrying the SHA-256 of the line before it.

Lines hold what was done, when, by whom, to which file (its SHA-256) and counts: never an ID,
a name or an address.
"""
import hashlib
import json
import os
from pathlib import Path

import platformdirs
from filelock import FileLock

from . import __version__
from .manifest import now, user

GENESIS = "0" * 64


def default_path(rules=None) -> Path:
    p = os.environ.get("DONORGUARD_AUDIT_LOG") or (rules.audit_log if rules else None)
    return Path(p) if p else Path(platformdirs.user_log_dir("donorguard", appauthor=False)) / "audit.jsonl"


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _last_line(path: Path) -> bytes | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        back = min(size, 1 << 16)
        f.seek(size - back)
        lines = f.read().rstrip(b"\n").split(b"\n")
    return lines[-1]


def record(event: str, path=None, rules=None, **fields) -> dict:
    """Append one event; returns what was written."""
    log = default_path(rules)
    log.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(log) + ".lock", timeout=30):
        last = _last_line(log)
        entry = {"time": now(), "event": event, "user": user(), "tool_version": __version__,
                 "prev": hashlib.sha256(last).hexdigest() if last else GENESIS}
        entry.update(fields)
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        with open(log, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())
    return entry


def verify(path) -> int | None:
    """None if every line's prev is the SHA-256 of the line before; else the first broken line (1-based)."""
    prev = GENESIS
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            line = raw.rstrip(b"\n")
            try:
                if json.loads(line)["prev"] != prev:
                    return n
            except (ValueError, KeyError, TypeError):
                return n
            prev = hashlib.sha256(line).hexdigest()
    return None
