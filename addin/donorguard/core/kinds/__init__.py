"""Registered kinds. A rule names a kind; an unknown name fails when the rules load.

ID kinds (modules with canon, compact, problem, is_valid, mask, format) hold numbers
that must never be shown whole; value kinds only say how a cell is canonicalised.
"""
from . import corpnum, lgcode, mynumber
from .values import KINDS as VALUE_KINDS

ID_KINDS = {m.name: m for m in (mynumber, corpnum)}
CODE_KINDS = {lgcode.name: lgcode}
ALL = sorted([*VALUE_KINDS, *ID_KINDS, *CODE_KINDS])


def canon_function(kind: str):
    if kind in VALUE_KINDS:
        return VALUE_KINDS[kind]
    return {**ID_KINDS, **CODE_KINDS}[kind].canon


def checked(kind: str):
    """The module that validates values of this kind, or None."""
    return ID_KINDS.get(kind) or CODE_KINDS.get(kind)
