"""The seal: keyed BLAKE2b over canonical values. The only module that computes a seal's MACs (the audit
log's line MACs, under a key derived for that purpose alone, are audit.py's).

A seal cell reads  DG2:<serial>.<generation>:<tags>:<seal_mac>:<row_mac>
- generation: how many times this person's row was re-sealed (approved); the manifest holds each serial's
  current generation, so a row copied back from an older version of the list (an earlier generation of the
  same serial, its seal once genuine) is found out.
- tags: one 48-bit tag per bound column (8 base64url characters each), MAC(nonce, column, value).
  Equal values in a column share a tag: they are interchangeable. A moved value is found by its
  tag; two different values collide with probability 2^-48 per pair (for a value looked up among
  a million rows, about 3.6e-9).
- seal_mac (96 bits) authenticates serial, generation and tags: a seal edited by hand or copied from another
  workbook (other nonce) or made with another key fails it.
- row_mac (128 bits) covers the seal and every canonical value of the row: a clean row costs one MAC.
The key never leaves this module's callers' memory; without it no tag reveals anything.
MACs are computed in one Python loop over a copied keyed state (about a microsecond each); everything
around it (joining, base64, comparing) is vectorised.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import kinds
from .kinds.values import arrow
from .rules import Rules

VERSION = "DG2"
TAG_CHARS = 8
SEP_VALUE = "\x1f"
SEP_SEAL = "\x1e"


def canonical(values: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Each bound column in its kind's canonical form; blanks are "". Columns are done on threads:
    Arrow's kernels release the GIL, so a second core halves the time."""
    def one(c):
        return kinds.canon_function(c.kind)(values[c.name]).values
    if len(values) < 10_000:
        return pd.DataFrame({c.name: one(c) for c in rules.columns})
    with ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        return pd.DataFrame(dict(zip(rules.names, pool.map(one, rules.columns))))


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _b64(digest: bytes, chars: int) -> str:
    return base64.urlsafe_b64encode(digest).decode()[:chars]


CHUNK = 1 << 16


def _chunks(items):
    """Items as lists of UTF-8 bytes, CHUNK at a time: a Python list, an Arrow string array, or an
    iterator of Arrow arrays (rows joined a chunk at a time, so a million never exist at once)."""
    if isinstance(items, pa.ChunkedArray):
        items = items.combine_chunks()
    if isinstance(items, pa.Array):
        whole = items
        items = (whole.slice(start, CHUNK) for start in range(0, len(whole), CHUNK))
    elif not hasattr(items, "__next__"):    # a list, Series or array of str or bytes
        yield [i.encode() if isinstance(i, str) else i for i in items]
        return
    for chunk in items:
        yield chunk.cast(pa.large_binary()).to_pylist()


def _b64_each(digests: bytes, size: int, chars: int) -> pa.Array:
    """Concatenated `size`-byte digests as an Arrow array of their base64url texts cut to `chars`: each
    digest is padded with zero bytes to a multiple of 3, so one encoding call serves them all (the padding
    only fills bits the cut drops: encoding a digest alone pads with the same zero bits)."""
    n = len(digests) // size
    pad = -size % 3
    raw = np.frombuffer(digests, np.uint8).reshape(n, size)
    if pad:
        raw = np.hstack([raw, np.zeros((n, pad), np.uint8)])
    width = (size + pad) // 3 * 4
    text = binascii.b2a_base64(raw.tobytes(), newline=False).translate(_URLSAFE)
    cut = np.frombuffer(text, np.uint8).reshape(n, width)[:, :chars]
    offsets = np.arange(n + 1, dtype=np.int64) * chars
    return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(cut.tobytes())])


def _matrix(arr: pa.Array, chars: int) -> np.ndarray:
    """A string array whose items all have `chars` bytes, as an (n, chars) uint8 matrix (no copy)."""
    offsets = np.frombuffer(arr.buffers()[1], np.int64, len(arr) + 1, arr.offset * 8)
    return np.frombuffer(arr.buffers()[2], np.uint8)[offsets[0]:offsets[-1]].reshape(len(arr), chars)


class SealKey(Protocol):
    """What the core needs of a seal key (store/keys.Key is one): its secret, and its id (a hash that names it)."""
    secret: bytes

    @property
    def id(self) -> str: ...


class Sealer:
    def __init__(self, key: SealKey, nonce: str):
        self.key = key.secret
        self.nonce = nonce.encode()

    def _mac(self, person: bytes, size: int, data: bytes) -> bytes:
        return hashlib.blake2b(self.nonce + b"\x00" + data, key=self.key, digest_size=size, person=person).digest()

    def _digests(self, person: bytes, size: int, prefix: bytes, items) -> bytes:
        """The MACs of prefix + each item (str or bytes), concatenated: the keyed state is set up once,
        then copied per item."""
        base = hashlib.blake2b(self.nonce + b"\x00" + prefix, key=self.key, digest_size=size, person=person)
        copy = base.copy

        def one(item):
            h = copy()
            h.update(item)
            return h.digest()
        return b"".join(b"".join(map(one, chunk)) for chunk in _chunks(items))

    def _verify(self, person: bytes, size: int, chars: int, items, stored) -> np.ndarray:
        """Per item: does its MAC equal the stored base64url text? Every byte of every MAC is compared
        (no early exit), so timing does not tell how much of a forged MAC was right."""
        stored = arrow(stored)
        if len(stored) == 0:
            return np.zeros(0, bool)
        fits = pc.equal(pc.binary_length(stored), chars)
        theirs = _matrix(pc.if_else(fits, stored, pa.scalar("=" * chars, pa.large_string())), chars)
        mine = _matrix(self._texts(person, size, chars, items), chars)
        return (np.bitwise_or.reduce(mine ^ theirs, axis=1) == 0) & fits.to_numpy(zero_copy_only=False)

    def tags(self, column: str, canon: pd.Series) -> pd.Series:
        """The tag of every value of a column, one MAC per distinct value."""
        enc = pc.dictionary_encode(arrow(canon))
        macs = _b64_each(self._digests(b"DG-cell1", 6, column.encode() + b"\x00", enc.dictionary), 6, TAG_CHARS)
        return pd.Series(macs.take(enc.indices).to_pandas().to_numpy(dtype=object), index=canon.index, dtype=object)

    def tag(self, column: str, value: str) -> str:
        return self.tags(column, pd.Series([value], dtype=object)).iloc[0]

    def _rows(self, prefixes, canon: pd.DataFrame):
        """Seal prefix and canonical values of each row, joined: the bytes a row MAC covers, by chunks."""
        sep_value, sep_seal = (pa.scalar(x, pa.large_string()) for x in (SEP_VALUE, SEP_SEAL))
        columns = [arrow(prefixes)] + [arrow(canon[c]) for c in canon.columns]
        for start in range(0, len(columns[0]), CHUNK):
            prefix, *values = (c.slice(start, CHUNK) for c in columns)
            yield pc.binary_join_element_wise(prefix, pc.binary_join_element_wise(*values, sep_value), sep_seal)

    def rows_intact(self, prefixes: pa.Array | list, canon: pd.DataFrame, stored: pa.Array | pd.Series) -> np.ndarray:
        """Per row: does the stored row MAC match prefix and values? The clean path's only per-row work."""
        return self._verify(b"DG-row01", 16, 22, self._rows(prefixes, canon), stored)

    def seals_intact(self, heads: pa.Array | list, stored: pa.Array | pd.Series) -> np.ndarray:
        """Per seal: does its seal MAC match serial and tags?"""
        return self._verify(b"DG-seal1", 12, 16, heads, stored)

    def make_seals(self, serials: np.ndarray | list, tag_frame: pd.DataFrame, canon: pd.DataFrame,
                   generations: np.ndarray | list | None = None) -> pd.Series:
        """One seal per row: serial and generation (0 unless given) bound to the row's tags and values."""
        colon = pa.scalar(":", pa.large_string())
        tags = pc.binary_join_element_wise(*[arrow(tag_frame[c]) for c in tag_frame.columns],
                                           pa.scalar("", pa.large_string()))
        serial = np.asarray(serials, dtype=np.int64)
        gens = np.zeros(len(serial), np.int64) if generations is None else np.asarray(generations, np.int64)
        token = pc.binary_join_element_wise(*(pc.cast(pa.array(a), pa.large_string()) for a in (serial, gens)),
                                            pa.scalar(".", pa.large_string()))
        heads = pc.binary_join_element_wise(pa.scalar(VERSION, pa.large_string()), token, tags, colon)
        prefixes = pc.binary_join_element_wise(heads, self._texts(b"DG-seal1", 12, 16, heads), colon)
        macs = self._texts(b"DG-row01", 16, 22, self._rows(prefixes, canon))
        return pd.Series(pc.binary_join_element_wise(prefixes, macs, colon).to_pandas().to_numpy(dtype=object),
                         dtype=object)

    def _texts(self, person: bytes, size: int, chars: int, items) -> pa.Array:
        return _b64_each(self._digests(person, size, b"", items), size, chars)

    def manifest_mac(self, fields: dict) -> str:
        body = json.dumps({k: v for k, v in fields.items() if k != "mac"}, sort_keys=True,
                          ensure_ascii=False, separators=(",", ":"))
        return _b64(self._mac(b"DG-manif", 16, body.encode()), 22)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


FIELDS = {"tags": lambda w: (-(w + 40), -40), "head": lambda w: (0, -40), "seal_mac": lambda w: (-39, -23),
          "prefix": lambda w: (0, -23), "row_mac": lambda w: (-22, None)}


_B64 = "[A-Za-z0-9_\\-]"
_TOKEN = "[0-9]{1,9}\\.[0-9]{1,6}"


def pattern(ncols: int) -> str:
    """The regular expression a seal cell of a list with ncols bound columns matches."""
    return f"^{VERSION}:{_TOKEN}:{_B64}{{{TAG_CHARS * ncols}}}:{_B64}{{16}}:{_B64}{{22}}$"


def looks_like_seal(text: pa.Array) -> np.ndarray:
    """Per cell: is this a seal cell of some DonorGuard list (any number of columns)? How the seal column is
    found when its header was renamed or cleared."""
    hit = pc.match_substring_regex(pc.utf8_trim_whitespace(arrow(text)),
                                   f"^{VERSION}:{_TOKEN}:(?:{_B64}{{{TAG_CHARS}}})+:{_B64}{{16}}:{_B64}{{22}}$")
    return hit.to_numpy(zero_copy_only=False)


def _token(text: pa.Array) -> tuple:
    """(serial, generation) int arrays from "<serial>.<generation>" texts (-1 where not digits)."""
    parts = pc.extract_regex(text, "^(?P<s>[0-9]{1,9})\\.(?P<g>[0-9]{1,6})$")
    out = []
    for name in ("s", "g"):
        f = pc.struct_field(parts, name)
        out.append(pc.fill_null(pc.cast(f, pa.int64()), -1).to_numpy(zero_copy_only=False))
    return tuple(out)


def parse(seals: pd.Series, ncols: int, fields: tuple = tuple(FIELDS)) -> pd.DataFrame:
    """Split seal cells into blank, ok, serial, generation and the text `fields` (tags, head, seal_mac,
    prefix, row_mac); rows that do not parse get ok=False, -1 and "". Vectorised (Arrow): a well-formed seal
    has fixed widths after its serial and generation, so its fields are slices."""
    width = TAG_CHARS * ncols
    text = pc.utf8_trim_whitespace(arrow(seals))
    ok = pc.match_substring_regex(text, pattern(ncols))
    filler = pa.scalar(f"{VERSION}:0.0:{'A' * width}:{'A' * 16}:{'A' * 22}", pa.large_string())
    good = pc.if_else(ok, text, filler)
    empty = pa.scalar("", pa.large_string())
    serial, gen = _token(pc.utf8_slice_codeunits(good, len(VERSION) + 1, -(width + 41)))
    okn = ok.to_numpy(zero_copy_only=False)
    out = {"blank": pc.equal(text, "").to_numpy(zero_copy_only=False), "ok": okn,
           "serial": np.where(okn, serial, -1), "generation": np.where(okn, gen, -1)}
    for f in fields:
        out[f] = pc.if_else(ok, pc.utf8_slice_codeunits(good, *FIELDS[f](width)), empty).to_pandas()
    return pd.DataFrame(out)


def quick(seals: pd.Series, ncols: int) -> tuple:
    """(prefix, row_mac, colon in place) of every seal cell by slicing alone, unvalidated: enough for the
    clean path, where a row MAC that verifies proves prefix and MAC are what was sealed. A list with any
    other row is read again with parse()."""
    text, width = arrow(seals), TAG_CHARS * ncols
    prefix, row_mac = (pc.utf8_slice_codeunits(text, *FIELDS[f](width)) for f in ("prefix", "row_mac"))
    colon = pc.equal(pc.utf8_slice_codeunits(text, -23, -22), ":").to_numpy(zero_copy_only=False)
    return prefix, row_mac, colon


def serial_numbers(prefixes: pa.Array | list, ncols: int) -> tuple:
    """(serials, generations) of verified seal prefixes (DG2:<serial>.<generation>:<tags>:<seal_mac>)."""
    return _token(pc.utf8_slice_codeunits(arrow(prefixes), len(VERSION) + 1, -(TAG_CHARS * ncols + 18)))
