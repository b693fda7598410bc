"""The seal: keyed BLAKE2b over canonical values. The only module that computes a MAC.

A seal cell reads  DG1:<serial>:<tags>:<seal_mac>:<row_mac>
- tags: one 48-bit tag per bound column (8 base64url characters each), MAC(nonce, column, value).
  Equal values in a column share a tag: they are interchangeable. A moved value is found by its
  tag; two different values collide with probability 2^-48 per pair (for a value looked up among
  a million rows, about 3.6e-9).
- seal_mac (96 bits) authenticates serial and tags: a seal edited by hand or copied from another
  workbook (other nonce) or made with another key fails it.
- row_mac (128 bits) covers the seal and every canonical value of the row: a clean row costs one MAC.
The key never leaves this module's callers' memory; without it no tag reveals anything.
"""
import base64
import hashlib
import hmac
import json

import pandas as pd

from . import kinds
from .rules import Rules

VERSION = "DG1"
TAG_CHARS = 8
SEP_VALUE = "\x1f"
SEP_SEAL = "\x1e"


def canonical(values: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Each bound column in its kind's canonical form; blanks are ""."""
    return pd.DataFrame({c.name: kinds.canon_function(c.kind)(values[c.name]).values
                         for c in rules.columns})


def _b64(digest: bytes, chars: int) -> str:
    return base64.urlsafe_b64encode(digest).decode()[:chars]


class Sealer:
    def __init__(self, key, nonce: str):
        self.key = key.secret
        self.nonce = nonce.encode()

    def _mac(self, person: bytes, size: int, data: bytes) -> bytes:
        return hashlib.blake2b(self.nonce + b"\x00" + data, key=self.key, digest_size=size, person=person).digest()

    def tags(self, column: str, canon: pd.Series) -> pd.Series:
        """The tag of every value of a column, one MAC per distinct value."""
        prefix = column.encode() + b"\x00"
        values = canon.tolist()
        table = {v: _b64(self._mac(b"DG-cell1", 6, prefix + v.encode()), TAG_CHARS) for v in set(values)}
        return pd.Series([table[v] for v in values], index=canon.index, dtype=object)

    def tag(self, column: str, value: str) -> str:
        return self.tags(column, pd.Series([value], dtype=object)).iloc[0]

    def seal_mac(self, head: str) -> str:
        return _b64(self._mac(b"DG-seal1", 12, head.encode()), 16)

    def row_macs(self, prefixes: pd.Series, canon: pd.DataFrame) -> list:
        """MAC over seal prefix and values, row by row (the clean path's only per-row work)."""
        joined = canon.iloc[:, 0].str.cat([canon[c] for c in canon.columns[1:]], sep=SEP_VALUE) \
            if canon.shape[1] > 1 else canon.iloc[:, 0]
        blake, key, nonce = hashlib.blake2b, self.key, self.nonce + b"\x00"
        return [_b64(blake(nonce + (p + SEP_SEAL + j).encode(), key=key, digest_size=16,
                           person=b"DG-row01").digest(), 22)
                for p, j in zip(prefixes, joined)]

    def make_seals(self, serials, tag_frame: pd.DataFrame, canon: pd.DataFrame) -> pd.Series:
        tags = tag_frame.iloc[:, 0].str.cat([tag_frame[c] for c in tag_frame.columns[1:]]) \
            if tag_frame.shape[1] > 1 else tag_frame.iloc[:, 0]
        heads = [f"{VERSION}:{s}:{t}" for s, t in zip(serials, tags)]
        prefixes = pd.Series([f"{h}:{self.seal_mac(h)}" for h in heads])
        macs = self.row_macs(prefixes, canon)
        return pd.Series([f"{p}:{m}" for p, m in zip(prefixes, macs)])

    def manifest_mac(self, fields: dict) -> str:
        body = json.dumps({k: v for k, v in fields.items() if k != "mac"}, sort_keys=True,
                          ensure_ascii=False, separators=(",", ":"))
        return _b64(self._mac(b"DG-manif", 16, body.encode()), 22)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def parse(seals: pd.Series, ncols: int) -> pd.DataFrame:
    """Split seal cells into serial, tags, head and prefix; rows that do not parse get ok=False."""
    s = seals.astype(object).where(seals.notna(), "").astype(str).str.strip()
    parts = s.str.split(":", expand=True, regex=False)
    for i in range(5):
        if i not in parts.columns:
            parts[i] = None
    tags = parts[2].fillna("")
    ok = (parts[0] == VERSION) & parts[1].fillna("").str.fullmatch(r"\d{1,9}") \
        & tags.str.fullmatch(rf"[A-Za-z0-9_\-]{{{TAG_CHARS * ncols}}}") \
        & parts[3].fillna("").str.len().eq(16) & parts[4].fillna("").str.len().eq(22)
    if 5 in parts.columns:
        ok &= parts[5].isna()
    ok = ok.fillna(False).astype(bool)
    head = parts[0].fillna("") + ":" + parts[1].fillna("") + ":" + tags
    return pd.DataFrame({
        "blank": s.eq(""), "ok": ok,
        "serial": pd.to_numeric(parts[1].where(ok), errors="coerce").fillna(-1).astype("int64"),
        "tags": tags, "head": head, "seal_mac": parts[3].fillna(""),
        "prefix": head + ":" + parts[3].fillna(""), "row_mac": parts[4].fillna(""),
    })


def tag_of(tags: pd.Series, j: int) -> pd.Series:
    return tags.str.slice(j * TAG_CHARS, (j + 1) * TAG_CHARS)
