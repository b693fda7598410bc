"""全国地方公共団体コード (local government code): 5 digits and a check digit.

The check digit over digits abcde is (11 - (6a+5b+4c+3d+2e) mod 11) mod 10.

>>> calc_check_digit("22221"), calc_check_digit("13101")
('6', '6')
>>> is_valid("222216"), is_valid("222217")
(True, False)
"""
from __future__ import annotations

import re

import numpy as np

from . import digits

name = "lgcode"
length = 6
canon = digits.canon
compact = digits.compact


def calc_check_digit(first5: str) -> str:
    total = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), first5))
    return str((11 - total % 11) % 10)


WEIGHTS = np.array((6, 5, 4, 3, 2))


def check_ok(d: np.ndarray) -> np.ndarray:
    """is_valid over an (n, 6) digit matrix, the same formula for every row at once."""
    return (11 - (d[:, :5] @ WEIGHTS) % 11) % 10 == d[:, 5]


def is_valid(value: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", value)) and calc_check_digit(value[:5]) == value[5]


def pad(value: str) -> str | None:
    """The value with its lost leading zeros back, when that gives a valid number (see digits.padded)."""
    return digits.padded(value, length, is_valid)


def problem(value: str) -> str | None:
    return digits.problem(value, length, is_valid, name)


def mask(value: object) -> str:
    """A destination code is public; shown as is."""
    return compact(value)


def format(value: str) -> str:
    return value
