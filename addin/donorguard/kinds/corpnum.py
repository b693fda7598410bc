"""法人番号 (Corporate Number): 13 digits, the first a check digit (python-stdnum's jp.cn)."""
from stdnum.jp import cn

from . import digits

name = "corpnum"
length = 13
canon = digits.canon
compact = digits.compact
mask = digits.mask


def is_valid(value: str) -> bool:
    return cn.is_valid(value)


def problem(value: str) -> str | None:
    return digits.problem(value, length, is_valid, name)


def format(value: str) -> str:
    return cn.format(value)
