"""Shared parts of digit-string ID kinds (My Number, Corporate Number, local government code)."""
import re
import unicodedata

import pandas as pd

from .values import nfkc_arrow, replace, series

_SEPARATORS = "[\\s\\-‐－−ー]"


def canon(s) -> pd.Series:
    """Full-width digits, spaces and hyphens normalised; a number cell's trailing .0 dropped."""
    arr = replace(nfkc_arrow(s), _SEPARATORS, "")
    return series(replace(arr, r"^(\d+)\.0+$", r"\1"))


def compact(value) -> str:
    """One value in canonical form (the same as canon, without building an array)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    v = re.sub(_SEPARATORS, "", unicodedata.normalize("NFKC", str(value)))
    return re.sub(r"^(\d+)\.0+$", r"\1", v)


def mask(value) -> str:
    """At most the last 4 digits: 123456789012 -> ****-****-9012."""
    v = compact(value)
    if not v:
        return "(空)"
    tail = v[-4:] if len(v) > 4 else ""
    return "****-****-" + tail if len(v) >= 8 else "****"


def problem(value: str, length: int, is_valid, name: str) -> str | None:
    """Why a compacted value is not a valid number of this kind, or None."""
    if value == "":
        return "blank"
    if not re.fullmatch(r"\d+", value):
        return "not_digits"
    if len(value) == length - 1 and is_valid("0" + value):
        return "leading_zero_lost"
    if len(value) != length:
        return "length"
    if not is_valid(value):
        return "check_digit"
    return None
