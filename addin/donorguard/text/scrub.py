"""The last guard of the leak promise: any run of 12 digits that is a valid My Number (python-stdnum's
jp.in_), wherever it stands in a text that leaves DonorGuard (a name typed with a number in it, a file name,
a path, an exception), is shown as ****-****-1234.

Written as 12 digits, half- or full-width, or as three groups of four joined by one kind of space or hyphen
(stdnum's own format). A longer run of digits (a 13-digit Corporate Number) is not a My Number and stays.
Hashes and MACs are not passed through here: a hex digest may hold 12 decimal digits in a row by chance.
"""
import re
import unicodedata

from stdnum.jp import in_

_D = "[0-9０-９]"
_RUN = re.compile(rf"(?<!{_D}){_D}{{4}}([ \-‐－−\u3000]?){_D}{{4}}\1{_D}{{4}}(?!{_D})")
_DIGITS = re.compile(rf"{_D}{{4}}")


def _mask(m: re.Match) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", m.group()))
    return "****-****-" + digits[-4:] if in_.is_valid(digits) else m.group()


def scrub(text):
    """`text` with every valid My Number in it masked; anything that is not a str is returned as it is."""
    if not isinstance(text, str) or not _DIGITS.search(text):
        return text
    return _RUN.sub(_mask, text)


def scrub_all(value):
    """scrub, also of the texts inside lists, tuples (named ones too) and dicts; other values as they are."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [scrub_all(x) for x in value]
    if isinstance(value, tuple):
        items = [scrub_all(x) for x in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, dict):
        return {k: scrub_all(x) for k, x in value.items()}
    return value
