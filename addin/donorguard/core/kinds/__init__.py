"""Registered kinds. A rule names a kind; an unknown name fails when the rules load.

ID kinds (modules with canon, compact, problem, is_valid, mask, format) hold numbers
that must never be shown whole; value kinds only say how a cell is canonicalised.
"""
from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Callable

from . import corpnum, lgcode, mynumber
from .values import KINDS as VALUE_KINDS

if TYPE_CHECKING:
    import pandas as pd

ID_KINDS = {m.name: m for m in (mynumber, corpnum)}
CODE_KINDS = {lgcode.name: lgcode}
ALL = sorted([*VALUE_KINDS, *ID_KINDS, *CODE_KINDS])


def canon_function(kind: str) -> Callable[[pd.Series], pd.Series]:
    if kind in VALUE_KINDS:
        return VALUE_KINDS[kind]
    return {**ID_KINDS, **CODE_KINDS}[kind].canon


def checked(kind: str) -> ModuleType | None:
    """The module that validates values of this kind, or None."""
    return ID_KINDS.get(kind) or CODE_KINDS.get(kind)
