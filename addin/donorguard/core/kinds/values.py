"""Value kinds: how a bound cell's text becomes the exact string that is sealed.

Every kind maps a pandas Series of cell texts (str or missing) to a Series of canonical strings,
blank cells becoming "". Canonical strings never contain control characters, so the seal can join
them with one. Vectorised with Arrow compute: no per-cell Python work on the fast path.
"""
import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
)
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def arrow(s) -> pa.Array:
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


def nfkc_arrow(s) -> pa.Array:
    arr = arrow(s)
    if len(arr) == 0 or pc.all(pc.string_is_ascii(arr)).as_py():
        return arr
    return pc.utf8_normalize(arr, "NFKC")


def nfkc(s) -> pd.Series:
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


def text(s) -> pd.Series:
    """NFKC, runs of white space made one space, control characters dropped, trimmed."""
    return series(_text_arrow(s))


def kana(s) -> pd.Series:
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


def _date_one(v: str) -> str:
    m = _DATE.match(v)
    if not m:
        return v
    y, mo, d = m.groups()
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def date(s) -> pd.Series:
    """A date cell or a date written as text (1980/1/2, 1980-01-02, 1980年1月2日) -> 1980-01-02."""
    arr = pc.replace_substring_regex(_text_arrow(s), r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?$", r"\1")
    return _per_value(arr, _date_one, r"^\d{4}-\d{2}-\d{2}$")


def _number_one(v: str) -> str:
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


def amount(s) -> pd.Series:
    """10,000 / 10000.0 / １００００円 -> 10000."""
    return _per_value(_text_arrow(s), _number_one, r"^(0|-?[1-9][0-9]*)$")


def postal(s) -> pd.Series:
    """〒123-4567 -> 1234567."""
    return series(replace(_text_arrow(s), "[〒\\-‐－ ]", ""))


def code(s) -> pd.Series:
    """Codes and numbers kept as written, with the .0 a number cell gains removed."""
    return series(replace(_text_arrow(s), r"^(\d+)\.0+$", r"\1"))


KINDS = {"text": text, "kana": kana, "date": date, "amount": amount, "postal": postal, "code": code}
