"""Shared parts of digit-string ID kinds (My Number, Corporate Number, local government code)."""
from __future__ import annotations

import re
import unicodedata
from types import ModuleType
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .values import nfkc_arrow, replace, series

_SEPARATORS = "[\\s\\-‐－−ー]"


def canon(s: pd.Series | pa.Array | np.ndarray | list) -> pd.Series:
    """Full-width digits, spaces and hyphens normalised; a number cell's trailing .0 dropped."""
    arr = replace(nfkc_arrow(s), _SEPARATORS, "")
    return series(replace(arr, r"^(\d+)\.0+$", r"\1"))


def compact(value: object) -> str:
    """One value in canonical form (the same as canon, without building an array)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    v = re.sub(_SEPARATORS, "", unicodedata.normalize("NFKC", str(value)))
    return re.sub(r"^(\d+)\.0+$", r"\1", v)


def mask(value: object) -> str:
    """At most the last 4 digits: 123456789012 -> ****-****-9012."""
    v = compact(value)
    if not v:
        return "(空)"
    tail = v[-4:] if len(v) > 4 else ""
    return "****-****-" + tail if len(v) >= 8 else "****"


def problem(value: str, length: int, is_valid: Callable[[str], bool], name: str) -> str | None:
    """Why a compacted value is not a valid number of this kind, or None."""
    if value == "":
        return "blank"
    if not re.fullmatch(r"\d+", value):
        return "not_digits"
    if len(value) < length and is_valid(value.zfill(length)):
        return "leading_zero_lost"
    if len(value) != length:
        return "length"
    if not is_valid(value):
        return "check_digit"
    return None


def padded(value: str, length: int, is_valid: Callable[[str], bool]) -> str | None:
    """The value with its lost leading zeros written back, when that makes a valid number of this kind (a
    fixed-length number typed as a number loses them all: 001234567890 -> 1234567890), else None."""
    if not value.isascii() or not value.isdigit() or len(value) >= length:
        return None
    fixed = value.zfill(length)
    return fixed if is_valid(fixed) else None


def digit_matrix(arr: pa.Array, length: int) -> tuple:
    """(positions, digits): where a value is exactly `length` ASCII digits, and those values as an
    (n, length) matrix of small ints, read straight from the Arrow buffers (no Python string per value)."""
    arr = pc.cast(arr, pa.large_string()) if not pa.types.is_large_string(arr.type) else arr
    ok = pc.fill_null(pc.match_substring_regex(arr, f"^[0-9]{{{length}}}$"), False)
    where = np.flatnonzero(ok.to_numpy(zero_copy_only=False))
    sub = arr.take(pa.array(where, pa.int64())) if len(where) else arr.slice(0, 0)
    if len(sub) == 0:
        return where, np.zeros((0, length), np.int64)
    offsets = np.frombuffer(sub.buffers()[1], np.int64)[sub.offset:sub.offset + len(sub) + 1]
    data = np.frombuffer(sub.buffers()[2], np.uint8)[offsets[0]:offsets[-1]]
    return where, data.reshape(len(sub), length).astype(np.int64) - 48


def problems(arr: pa.Array, kind: ModuleType) -> np.ndarray:
    """kind.problem of every value of an Arrow string array, as an object array aligned with it (None:
    valid). The check digit is computed for the whole column at once (kind.check_ok over the digit
    matrix); only values that are not `length` ASCII digits go through kind.problem, once each."""
    where, d = digit_matrix(arr, kind.length)
    ok = kind.check_ok(d)
    out = np.full(len(arr), None, dtype=object)
    out[where[~ok]] = "check_digit"  # the right length, all digits: what problem() says of a bad check
    done = np.zeros(len(arr), bool)
    done[where] = True
    rest = np.flatnonzero(~done)
    if len(rest):
        values = arr.take(pa.array(rest, pa.int64())).to_pylist()
        verdict = {v: kind.problem(v) for v in set(values)}
        out[rest] = [verdict[v] for v in values]
    return out
