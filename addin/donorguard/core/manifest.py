"""The manifest: what a sealed workbook says about its seals, MAC'd as a whole.

Stored as text in a hidden sheet (key/value rows). Every value is a string. `generations` holds each
re-sealed serial's current seal generation ({"1": "4-6,9", "2": "12"}: serials 4-6 and 9 are in their
first re-sealed generation, 12 in its second; every other serial is at 0).
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .. import __version__
from ..text import ranges
from .errors import ManifestTampered, SealFormat, WrongKey
from .fingerprint import VERSION, Sealer, same
from .rules import Rules, from_snapshot

if TYPE_CHECKING:
    from .fingerprint import SealKey

SHEET = "_DonorGuard"
SEAL_HEADER = "DonorGuard"
FIELDS = ("format", "rules", "rules_snapshot", "key_id", "nonce", "sheet", "header_row", "rows",
          "serials", "sealed_rows", "generations", "next_serial", "sealed_at", "sealed_by", "tool_version",
          "approvals", "mac")


@dataclass(frozen=True)
class Stamp:
    """When and by whom (the shell reads the clock and the login name; the core does no I/O)."""
    at: str
    by: str


def new(rules: Rules, key: SealKey, sheet: str, header_row: int, serials: np.ndarray | list, stamp: Stamp,
        nonce: str | None = None) -> dict:
    m = {
        "format": VERSION, "rules": rules.name,
        "rules_snapshot": json.dumps(rules.snapshot(), ensure_ascii=False, sort_keys=True),
        "key_id": key.id, "nonce": nonce or secrets.token_hex(16), "sheet": sheet,
        "header_row": str(header_row), "rows": str(len(serials)), "serials": ranges.encode(serials),
        "sealed_rows": "{}", "generations": "{}", "next_serial": str(max(serials, default=0) + 1),
        "sealed_at": stamp.at, "sealed_by": stamp.by, "tool_version": __version__, "approvals": "[]",
    }
    return sign(m, key)


def sign(m: dict, key: SealKey) -> dict:
    m = {k: str(m[k]) for k in FIELDS if k != "mac"}
    m["mac"] = Sealer(key, m["nonce"]).manifest_mac(m)
    return m


def verify(m: dict, key: SealKey, path: str) -> Rules:
    """The manifest's rules, once its key id and MAC are right."""
    old = str(m.get("format", ""))
    if old != VERSION and old.startswith("DG"):
        raise SealFormat(path=path, format=old)
    missing = [f for f in FIELDS if f not in m]
    if missing or m.get("format") != VERSION:
        raise ManifestTampered(path=path)
    if m["key_id"] != key.id:
        raise WrongKey(sealed=m["key_id"][:4], have=key.id[:4])
    if not same(Sealer(key, m["nonce"]).manifest_mac(m), m["mac"]):
        raise ManifestTampered(path=path)
    return from_snapshot(m["rules_snapshot"])


def generations(m: dict) -> dict:
    """{serial: generation} of every serial re-sealed at least once."""
    out = {}
    for gen, rows in json.loads(m.get("generations") or "{}").items():
        out.update(dict.fromkeys(ranges.decode(rows), int(gen)))
    return out


def with_generations(m: dict, gens: dict) -> dict:
    """The manifest with these {serial: generation} recorded (generation 0 is not written)."""
    by_gen = {}
    for s, g in gens.items():
        if g > 0:
            by_gen.setdefault(int(g), []).append(int(s))
    return {**m, "generations": json.dumps({str(g): ranges.encode(s) for g, s in sorted(by_gen.items())})}


def current_generation(m: dict, serials: np.ndarray | list) -> np.ndarray:
    """The generation each serial's seal must carry now."""
    serials = np.asarray(serials, dtype=np.int64)
    gens = generations(m)
    if not gens or not len(serials):
        return np.zeros(len(serials), np.int64)
    keys = np.array(sorted(gens), dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, serials), len(keys) - 1)
    values = np.array([gens[k] for k in keys.tolist()], dtype=np.int64)
    return np.where(keys[at] == serials, values[at], 0)


def sealed_row(m: dict, serial: int) -> int:
    return int(json.loads(m["sealed_rows"]).get(str(serial), serial))


def serial_of_row(m: dict, sealed_row: int) -> int:
    """The serial of the person sealed in this row."""
    for s, r in json.loads(m["sealed_rows"]).items():
        if int(r) == int(sealed_row):
            return int(s)
    return int(sealed_row)
