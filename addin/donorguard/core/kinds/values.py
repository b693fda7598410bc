"""Value kinds: how a bound cell's text becomes the exact string that is sealed.

Every kind maps a pandas Series of cell texts (str or missing) to a Series of canonical strings,
blank cells becoming "". Canonical strings never contain control characters, so the seal can join
them with one. Vectorised with Arrow compute: no per-cell Python work on the fast path.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
)
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def arrow(s: pd.Series | pa.Array | np.ndarray | list) -> pa.Array:
    """Cell texts as an Arrow string array, missing as "". Zero-copy for pandas' Arrow-backed str."""
    if isinstance(s, pd.Series) and s.dtype == object:
        s = s.where(s.notna(), None)
    try:
        arr = pa.array(s, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array([None if v is None or v != v else str(v) for v in s], type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.large_string())
    return pc.fill_null(arr, "")


def series(arr: pa.Array) -> pd.Series:
    """Back to pandas, as its Arrow-backed str dtype (no copy)."""
    return arr.to_pandas()


def nfkc_arrow(s: pd.Series | pa.Array | np.ndarray | list) -> pa.Array:
    arr = arrow(s)
    if len(arr) == 0 or pc.all(pc.string_is_ascii(arr)).as_py():
        return arr
    return pc.utf8_normalize(arr, "NFKC")


def nfkc(s: pd.Series | pa.Array | np.ndarray | list) -> pd.Series:
    return series(nfkc_arrow(s))


def _any(arr: pa.Array, pattern: str) -> bool:
    return bool(len(arr)) and pc.any(pc.match_substring_regex(arr, pattern)).as_py()


def replace(arr: pa.Array, pattern: str, by: str) -> pa.Array:
    """A regex replacement, skipped (one scan instead of a rewrite) when nothing matches."""
    return pc.replace_substring_regex(arr, pattern, by) if _any(arr, pattern) else arr


def _text_arrow(s) -> pa.Array:
    arr = nfkc_arrow(s)
    if not _any(arr, r"\s\s|^\s|\s$|[\x00-\x1f\x7f]|[\t\n\r\f\v]"):
        return arr
    arr = pc.replace_substring_regex(arr, r"\s+", " ")
    arr = pc.replace_substring_regex(arr, r"[\x00-\x1f\x7f]", "")
    return pc.utf8_trim(arr, " ")


def text(s: pd.Series | pa.Array | np.ndarray | list) -> pd.Series:
    """NFKC, runs of white space made one space, control characters dropped, trimmed."""
    return series(_text_arrow(s))


def kana(s: pd.Series | pa.Array | np.ndarray | list) -> pd.Series:
    """Like text; NFKC already turns half-width katakana into full-width."""
    return text(s)


def _per_value(arr: pa.Array, f, done: str) -> pd.Series:
    """f applied once per distinct value, only where the value is not already canonical (regex `done`)."""
    ready = pc.or_(pc.match_substring_regex(arr, done), pc.equal(arr, ""))
    if pc.all(ready).as_py():
        return series(arr)
    values = arr.to_pylist()
    table = {v: f(v) for v in set(values)}
    return pd.Series([table[v] for v in values], dtype="str")


EPOCH = dt.datetime(1899, 12, 30)      # Excel's day 0 (1900 date system, its 1900-02-29 included)
LAST_SERIAL = 2958465                  # 9999-12-31
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")


def _from_serial(v: str) -> str | None:
    """An Excel date serial (a date cell shown as General or as a number) as the reader shows a date cell:
    1980-01-02, or 1980-01-02 12:30:00 with a time of day. None when v is not a serial."""
    if not _SERIAL.match(v) or not 1 <= float(v) <= LAST_SERIAL:
        return None
    when = EPOCH + dt.timedelta(seconds=round(float(v) * 86400))
    return when.date().isoformat() if when.time() == dt.time(0) else when.isoformat(sep=" ")


def _date_one(v: str) -> str:
    m = _DATE.match(v)
    if not m:
        return _from_serial(v) or v
    y, mo, d = m.groups()
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def date(s: pd.Series | pa.Array | np.ndarray | list) -> pd.Series:
    """A date cell or a date written as text (1980/1/2, 1980-01-02, 1980年1月2日) -> 1980-01-02; a date cell
    whose format was changed to General or a number (its serial, 29222) -> the same date: a format is not an
    edit."""
    arr = pc.replace_substring_regex(_text_arrow(s), r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?$", r"\1")
    return _per_value(arr, _date_one, r"^\d{4}-\d{2}-\d{2}$")


def _serial_of(v: str) -> str | None:
    """A number cell given a date format reads as a date (10000 -> 1927-05-18): its serial, as text."""
    m = _STAMP.match(v)
    if not m:
        return None
    y, mo, d, h, mi, sec = (int(x) if x else 0 for x in m.groups())
    try:
        delta = dt.datetime(y, mo, d, h, mi, sec) - EPOCH
    except ValueError:
        return None
    return str(delta.days + delta.seconds / 86400)


def _number_one(v: str) -> str:
    v = _serial_of(v) or v
    w = v.replace(",", "").replace("円", "").replace(" ", "")
    if not _NUMBER.match(w):
        return v
    sign = "-" if w.startswith("-") else ""
    w = w.lstrip("+-")
    whole, _, frac = w.partition(".")
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0")
    out = whole + ("." + frac if frac else "")
    return sign + out if out != "0" else "0"


def amount(s: pd.Series | pa.Array | np.ndarray | list) -> pd.Series:
    """10,000 / 10000.0 / １００００円 -> 10000; an amount cell given a date format (read as 1927-05-18) is
    still the number 10000."""
    return _per_value(_text_arrow(s), _number_one, r"^(0|-?[1-9][0-9]*)$")


def postal(s: pd.Series | pa.Array | np.ndarray | list) -> pd.Series:
    """〒123-4567 -> 1234567."""
    return series(replace(_text_arrow(s), "[〒\\-‐－ ]", ""))


def code(s: pd.Series | pa.Array | np.ndarray | list) -> pd.Series:
    """Codes and numbers kept as written, with the .0 a number cell gains removed."""
    return series(replace(_text_arrow(s), r"^(\d+)\.0+$", r"\1"))


KINDS = {"text": text, "kana": kana, "date": date, "amount": amount, "postal": postal, "code": code}
