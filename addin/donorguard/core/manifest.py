"""The manifest: what a sealed workbook says about its seals, MAC'd as a whole.

Stored as text in a hidden sheet (key/value rows). Every value is a string.
"""
import json
import secrets
from dataclasses import dataclass

from .. import __version__
from ..text import ranges
from .errors import ManifestTampered, WrongKey
from .fingerprint import VERSION, Sealer, same
from .rules import Rules, from_snapshot

SHEET = "_DonorGuard"
SEAL_HEADER = "DonorGuard"
FIELDS = ("format", "rules", "rules_snapshot", "key_id", "nonce", "sheet", "header_row", "rows",
          "serials", "sealed_rows", "next_serial", "sealed_at", "sealed_by", "tool_version",
          "approvals", "mac")


@dataclass(frozen=True)
class Stamp:
    """When and by whom (the shell reads the clock and the login name; the core does no I/O)."""
    at: str
    by: str


def new(rules: Rules, key, sheet: str, header_row: int, serials, stamp: Stamp, nonce: str | None = None) -> dict:
    m = {
        "format": VERSION, "rules": rules.name,
        "rules_snapshot": json.dumps(rules.snapshot(), ensure_ascii=False, sort_keys=True),
        "key_id": key.id, "nonce": nonce or secrets.token_hex(16), "sheet": sheet,
        "header_row": str(header_row), "rows": str(len(serials)), "serials": ranges.encode(serials),
        "sealed_rows": "{}", "next_serial": str(max(serials, default=0) + 1),
        "sealed_at": stamp.at, "sealed_by": stamp.by, "tool_version": __version__, "approvals": "[]",
    }
    return sign(m, key)


def sign(m: dict, key) -> dict:
    m = {k: str(m[k]) for k in FIELDS if k != "mac"}
    m["mac"] = Sealer(key, m["nonce"]).manifest_mac(m)
    return m


def verify(m: dict, key, path: str) -> Rules:
    """The manifest's rules, once its key id and MAC are right."""
    missing = [f for f in FIELDS if f not in m]
    if missing or m.get("format") != VERSION:
        raise ManifestTampered(path=path)
    if m["key_id"] != key.id:
        raise WrongKey(sealed=m["key_id"][:4], have=key.id[:4])
    if not same(Sealer(key, m["nonce"]).manifest_mac(m), m["mac"]):
        raise ManifestTampered(path=path)
    return from_snapshot(m["rules_snapshot"])


def sealed_row(m: dict, serial: int) -> int:
    return int(json.loads(m["sealed_rows"]).get(str(serial), serial))


def serial_of_row(m: dict, sealed_row: int) -> int:
    """The serial of the person sealed in this row."""
    for s, r in json.loads(m["sealed_rows"]).items():
        if int(r) == int(sealed_row):
            return int(s)
    return int(sealed_row)
