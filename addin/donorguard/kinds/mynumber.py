"""個人番号 (My Number): 12 digits, the last a check digit (python-stdnum's jp.in_)."""
from stdnum.jp import in_

from . import digits

name = "mynumber"
length = 12
canon = digits.canon
compact = digits.compact
mask = digits.mask


def is_valid(value: str) -> bool:
    return in_.is_valid(value)


def problem(value: str) -> str | None:
    """None when value (already canonical) is a valid My Number, else the reason."""
    return digits.problem(value, length, is_valid, name)


def format(value: str) -> str:
    return in_.format(value)
