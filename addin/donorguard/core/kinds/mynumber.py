"""個人番号 (My Number): 12 digits, the last a check digit (python-stdnum's jp.in_)."""
import numpy as np
from stdnum.jp import in_

from . import digits

name = "mynumber"
length = 12
canon = digits.canon
compact = digits.compact
mask = digits.mask


def is_valid(value: str) -> bool:
    return in_.is_valid(value)


WEIGHTS = np.array((6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))


def check_ok(d: np.ndarray) -> np.ndarray:
    """is_valid over an (n, 12) digit matrix: stdnum's check digit, -sum(w * d) mod 11 mod 10, last."""
    return (-(d[:, :11] @ WEIGHTS)) % 11 % 10 == d[:, 11]


def pad(value: str) -> str | None:
    """The value with its lost leading zeros back, when that gives a valid number (see digits.padded)."""
    return digits.padded(value, length, is_valid)


def problem(value: str) -> str | None:
    """None when value (already canonical) is a valid My Number, else the reason."""
    return digits.problem(value, length, is_valid, name)


def format(value: str) -> str:
    return in_.format(value)
