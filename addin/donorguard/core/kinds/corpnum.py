"""法人番号 (Corporate Number): 13 digits, the first a check digit (python-stdnum's jp.cn)."""
import numpy as np
from stdnum.jp import cn

from . import digits

name = "corpnum"
length = 13
canon = digits.canon
compact = digits.compact
mask = digits.mask


def is_valid(value: str) -> bool:
    return cn.is_valid(value)


WEIGHTS = np.array((2, 1) * 6)  # digits 2..13; stdnum weighs them 1, 2, 1, ... from the right


def check_ok(d: np.ndarray) -> np.ndarray:
    """is_valid over an (n, 13) digit matrix: first digit 9 - (sum(w * d) mod 9)."""
    return 9 - (d[:, 1:] @ WEIGHTS) % 9 == d[:, 0]


def pad(value: str) -> str | None:
    """The value with its lost leading zeros back, when that gives a valid number (see digits.padded)."""
    return digits.padded(value, length, is_valid)


def problem(value: str) -> str | None:
    return digits.problem(value, length, is_valid, name)


def format(value: str) -> str:
    return cn.format(value)
