"""Value kinds: how a bound cell's text becomes the exact string that is sealed.

Every kind maps a pandas Series of cell texts (str or missing) to a Series of
canonical strings, blank cells becoming "". Canonical strings never contain
control characters, so the seal can join them with one.
"""
import re

import pandas as pd

_CONTROL = r"[\x00-\x1f\x7f]"
_SPACES = r"\s+"
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
)
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def blank(s: pd.Series) -> pd.Series:
    """Cell texts as str, missing as ""."""
    return s.astype(object).where(s.notna(), "").astype(str)


def nfkc(s: pd.Series) -> pd.Series:
    s = blank(s)
    if s.str.isascii().all():
        return s
    return s.str.normalize("NFKC")


def text(s: pd.Series) -> pd.Series:
    """NFKC, control characters dropped, runs of spaces made one, trimmed."""
    s = nfkc(s)
    s = s.str.replace(_CONTROL, "", regex=True)
    return s.str.replace(_SPACES, " ", regex=True).str.strip()


def kana(s: pd.Series) -> pd.Series:
    """Like text; NFKC already turns half-width katakana into full-width."""
    return text(s)


def _date_one(v: str) -> str:
    m = _DATE.match(v)
    if not m:
        return v
    y, mo, d = m.groups()
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def date(s: pd.Series) -> pd.Series:
    """A date cell or a date written as text (1980/1/2, 1980-01-02, 1980年1月2日) -> 1980-01-02."""
    return text(s).map(_date_one)


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


def amount(s: pd.Series) -> pd.Series:
    """10,000 / 10000.0 / １００００円 -> 10000."""
    return text(s).map(_number_one)


def postal(s: pd.Series) -> pd.Series:
    """〒123-4567 -> 1234567."""
    return text(s).str.replace(r"[〒\-‐－ ]", "", regex=True)


def code(s: pd.Series) -> pd.Series:
    """Codes and numbers kept as written, with the .0 a number cell gains removed."""
    return text(s).str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


KINDS = {"text": text, "kana": kana, "date": date, "amount": amount, "postal": postal, "code": code}
