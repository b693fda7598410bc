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
import binascii
import hashlib
import hmac
import json
import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import kinds
from .kinds.values import arrow
from .rules import Rules

VERSION = "DG1"
TAG_CHARS = 8
SEP_VALUE = "\x1f"
SEP_SEAL = "\x1e"


def canonical(values: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Each bound column in its kind's canonical form; blanks are ""."""
    return pd.DataFrame({c.name: kinds.canon_function(c.kind)(values[c.name]).values
                         for c in rules.columns})


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _b64(digest: bytes, chars: int) -> str:
    return base64.urlsafe_b64encode(digest).decode()[:chars]


class Sealer:
    def __init__(self, key, nonce: str):
        self.key = key.secret
        self.nonce = nonce.encode()

    def _mac(self, person: bytes, size: int, data: bytes) -> bytes:
        return hashlib.blake2b(self.nonce + b"\x00" + data, key=self.key, digest_size=size, person=person).digest()

    def _macs(self, person: bytes, size: int, chars: int, prefix: bytes, items) -> list:
        """The base64url MAC of prefix + each item: the keyed state is set up once, then copied."""
        base = hashlib.blake2b(self.nonce + b"\x00" + prefix, key=self.key, digest_size=size, person=person)
        out = []
        for item in items:
            h = base.copy()
            h.update(item.encode())
            out.append(binascii.b2a_base64(h.digest(), newline=False)[:chars].translate(_URLSAFE).decode())
        return out

    def tags(self, column: str, canon: pd.Series) -> pd.Series:
        """The tag of every value of a column, one MAC per distinct value."""
        values = arrow(canon).to_pylist()
        uniq = list(set(values))
        table = dict(zip(uniq, self._macs(b"DG-cell1", 6, TAG_CHARS, column.encode() + b"\x00", uniq)))
        return pd.Series([table[v] for v in values], index=canon.index, dtype=object)

    def tag(self, column: str, value: str) -> str:
        return self.tags(column, pd.Series([value], dtype=object)).iloc[0]

    def seal_mac(self, head: str) -> str:
        return _b64(self._mac(b"DG-seal1", 12, head.encode()), 16)

    def seal_macs(self, heads: list) -> list:
        return self._macs(b"DG-seal1", 12, 16, b"", heads)

    def row_macs(self, prefixes, canon: pd.DataFrame) -> list:
        """MAC over seal prefix and values, row by row (the clean path's only per-row work)."""
        sep_value, sep_seal = (pa.scalar(x, pa.large_string()) for x in (SEP_VALUE, SEP_SEAL))
        values = pc.binary_join_element_wise(*[arrow(canon[c]) for c in canon.columns], sep_value)
        joined = pc.binary_join_element_wise(arrow(prefixes), values, sep_seal)
        return self._macs(b"DG-row01", 16, 22, b"", joined.to_pylist())

    def make_seals(self, serials, tag_frame: pd.DataFrame, canon: pd.DataFrame) -> pd.Series:
        empty = pa.scalar("", pa.large_string())
        tags = pc.binary_join_element_wise(*[arrow(tag_frame[c]) for c in tag_frame.columns], empty).to_pylist()
        heads = [f"{VERSION}:{s}:{t}" for s, t in zip(serials, tags)]
        prefixes = [f"{h}:{m}" for h, m in zip(heads, self.seal_macs(heads))]
        macs = self.row_macs(pd.Series(prefixes, dtype=object), canon)
        return pd.Series([f"{p}:{m}" for p, m in zip(prefixes, macs)], dtype=object)

    def manifest_mac(self, fields: dict) -> str:
        body = json.dumps({k: v for k, v in fields.items() if k != "mac"}, sort_keys=True,
                          ensure_ascii=False, separators=(",", ":"))
        return _b64(self._mac(b"DG-manif", 16, body.encode()), 22)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def parse(seals: pd.Series, ncols: int) -> pd.DataFrame:
    """Split seal cells into serial, tags, head and prefix; rows that do not parse get ok=False.
    Vectorised (Arrow): no per-row Python work."""
    b64 = "[A-Za-z0-9_\\-]"
    text = pc.utf8_trim_whitespace(arrow(seals))
    ok = pc.match_substring_regex(text, f"^{VERSION}:[0-9]{{1,9}}:{b64}{{{TAG_CHARS * ncols}}}:{b64}{{16}}:{b64}{{22}}$")
    filler = pa.scalar(f"{VERSION}:0:{'A' * TAG_CHARS * ncols}:{'A' * 16}:{'A' * 22}", pa.large_string())
    parts = pc.split_pattern(pc.if_else(ok, text, filler), ":")
    field = [pc.if_else(ok, pc.list_element(parts, i), pa.scalar("", pa.large_string())) for i in range(5)]
    colon = pa.scalar(":", pa.large_string())
    head = pc.if_else(ok, pc.binary_join_element_wise(field[0], field[1], field[2], colon), "")
    prefix = pc.if_else(ok, pc.binary_join_element_wise(head, field[3], colon), "")
    serial = pc.if_else(ok, pc.cast(pc.if_else(ok, field[1], "0"), pa.int64()), -1)
    return pd.DataFrame({
        "blank": pc.equal(text, "").to_numpy(zero_copy_only=False), "ok": ok.to_numpy(zero_copy_only=False),
        "serial": serial.to_numpy(zero_copy_only=False), "tags": field[2].to_pandas(), "head": head.to_pandas(),
        "seal_mac": field[3].to_pandas(), "prefix": prefix.to_pandas(), "row_mac": field[4].to_pandas(),
    })


def tag_of(tags: pd.Series, j: int) -> pd.Series:
    return tags.str.slice(j * TAG_CHARS, (j + 1) * TAG_CHARS)
