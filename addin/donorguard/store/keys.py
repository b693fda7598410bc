"""Seal keys: 256-bit secrets kept in files outside the workbook; a workbook keeps only the key id.

Lookup order: --key FILE, env DONORGUARD_KEY_FILE, the rules' key_file, the settings' key_file (the team key),
the per-user default (created on a PC's first seal only when no team key is configured).
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..core.errors import KeyFileInsecure, KeyFileInvalid, KeyFileMissing, NoKey
from . import settings
from .fsio import read_regular
from .places import data_dir

HEADER = "donorguard-key v1"
MAX_SIZE = 4096             # a key file is 64 bytes; anything far larger is not one (and is not read whole)
# The id of workbooks/sample.key, the key of the sample workbooks. It is published with them, so a copy that
# others can read (git keeps no mode 0600) is accepted; it must never seal a real list.
SAMPLE_ID = "4bb42fa8761bff16"


@dataclass(frozen=True)
class Key:
    secret: bytes
    path: str

    @property
    def id(self) -> str:
        """16 hex digits of a keyed-purpose hash of the key: names it, reveals nothing of it."""
        return hashlib.blake2b(self.secret, digest_size=8, person=b"DG-keyid").hexdigest()

    def __repr__(self):
        return f"Key(id={self.id}, path={self.path!r})"


def default_path() -> Path:
    return data_dir() / "donorguard.key"


def create(path: str | os.PathLike) -> Key:
    """Write a new key file readable by its owner only; refuse to overwrite one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(f"{HEADER}\n{base64.b64encode(secret).decode()}\n")
    return Key(secret, str(path))


def read(path: str | os.PathLike) -> Key:
    """The key in a key file. Refused before reading: anything but a regular file (a pipe would hang the
    read, a device never ends), a file larger than MAX_SIZE; after reading: a file others can read."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        lines = read_regular(path, MAX_SIZE).decode("ascii").split()
        if len(lines) != 3 or " ".join(lines[:2]) != HEADER:
            raise ValueError
        secret = base64.b64decode(lines[2], validate=True)
        if len(secret) != 32:
            raise ValueError
    except FileNotFoundError:
        raise KeyFileMissing(path=str(path)) from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise KeyFileInvalid(path=str(path)) from None
    key = Key(secret, str(path))
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO) and key.id != SAMPLE_ID:
        raise KeyFileInsecure(path=str(path))
    return key


def find(explicit: str | os.PathLike | None = None, rules_key_file: str | None = None, create_default: bool = False,
         notice: Callable[[Path, Key], None] | None = None) -> Key:
    """The key to use, by the lookup order; create the per-user default only when sealing, and never when
    the settings name a team key."""
    for candidate in (explicit, os.environ.get("DONORGUARD_KEY_FILE"), rules_key_file, settings.current().key_file):
        if candidate:
            return read(candidate)
    path = default_path()
    if path.exists():
        return read(path)
    if not create_default:
        raise NoKey(where=f"--key, DONORGUARD_KEY_FILE, key_file, {path}")      # names and paths: any language
    key = create(path)
    if notice:
        notice(path, key)
    return key
