"""What a repair would do, from the check alone: cells moved home, lost leading zeros written back, copies
cleared; what it cannot do (values to re-enter, rows it must leave alone). The seal and unbound cells move
with the bound cells around them, so whole rows stay whole."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .table import SEAL, Layout


@dataclass
class Plan:
    """moves (dst_pos, column, src_pos), set_text (pos, column, text), clear (pos, column): all applied at once,
    from the cells as they were. A column is a bound column's name, or an Excel column number (the seal column,
    an unbound column). reentry (pos, column): a value overwritten, nowhere in the sheet. left (pos, why): rows
    a repair does not touch, and why (codes.Left)."""
    moves: list = field(default_factory=list)
    set_text: list = field(default_factory=list)
    clear: list = field(default_factory=list)
    reentry: list = field(default_factory=list)
    left: list = field(default_factory=list)

    def destinations(self, column: str, n: int) -> np.ndarray:
        """Per position: where the cell of this column moves to, or -1."""
        out = np.full(n, -1, np.int64)
        for d, c, s in self.moves:
            if c == column:
                out[s] = d
        return out


def seal_moves(plan: Plan, home: np.ndarray, seal_person: np.ndarray, writable: np.ndarray,
               has_values: np.ndarray, seal_col: int) -> int:
    """Each person's seal moved beside the row that person lives in (a seal column left out of a sort). A seal
    cell that is not a genuine current seal is never overwritten, nor the seal of a person who lives in no row
    (part of a row cut and pasted over another: that seal and the cells left beside it are all that is left of
    its person); a seal moved away leaves its cell empty unless another moves in; a further copy of a seal in a
    row holding no values (a stray) is cleared. Returns how many seals move."""
    n = len(home)
    first = np.full(max(home.max(initial=-1), seal_person.max(initial=-1)) + 1, -1, np.int64)
    housed = np.zeros(len(first) + 1, bool)      # (the last: "no person", housed for the test below)
    housed[home[home >= 0]] = True
    housed[-1] = True
    last_trace = ~housed[np.where(seal_person >= 0, seal_person, -1)]       # the seal of a person living nowhere
    need = np.flatnonzero((home >= 0) & (seal_person != home) & writable & ~last_trace)
    owned = np.flatnonzero(seal_person >= 0)
    # a person's seal is taken from a row it does not live in, the first such row
    away = owned[home[owned] != seal_person[owned]]
    who, at = np.unique(seal_person[away], return_index=True)
    first[who] = away[at]
    src = first[home[need]] if len(need) else np.zeros(0, np.int64)
    ok = src >= 0
    need, src = need[ok], src[ok]
    plan.moves.extend(zip(need.tolist(), [seal_col] * len(need), src.tolist()))
    filled = np.zeros(n, bool)
    filled[need] = True
    moved_out = np.zeros(n, bool)
    moved_out[src] = True
    stray = np.zeros(n, bool)
    stray[owned] = ~has_values[owned] & housed[seal_person[owned]] & (home[owned] < 0)
    clear = np.flatnonzero((moved_out | stray) & ~filled)
    plan.clear.extend(zip(clear.tolist(), [seal_col] * len(clear)))
    return len(need)


def unbound_moves(plan: Plan, layout: Layout, n: int, blank: Callable[[], dict | None], keep: np.ndarray) -> None:
    """Unbound cells follow the cells on both sides of them: a cell between two cells that move to the same row
    moves there too (a sort or paste moved the rectangle they share). A move never overwrites an unbound value
    that stays: a chain of moves ending on a filled cell that does not move is dropped whole. blank: gives, per
    unbound Excel column, which positions are empty (None: unknown, and then nothing unbound moves); called
    only when some unbound cell would move (reading those columns is most of a Kosai repair's cost otherwise).
    keep: positions left alone."""
    if not layout.unbound:
        return
    empty = functools.cache(blank)          # read once, when first needed
    order = layout.order()
    signals = [(c, name) for c, name in order if name is not None]
    dest = {name: plan.destinations(layout.seal if name == SEAL else name, n) for _, name in signals}
    for col, name in order:
        if name is not None or col not in layout.unbound:
            continue
        left = [s for s in signals if s[0] < col]
        right = [s for s in signals if s[0] > col]
        if not left or not right:
            continue              # beside the list: which side of a moved rectangle it was on is unknown
        a, b = dest[left[-1][1]], dest[right[0][1]]
        go = (a >= 0) & (a == b) & ~keep
        if not go.any():
            continue
        if empty() is None:
            return
        if col not in empty():
            continue
        src = np.flatnonzero(go)
        dst = a[src]
        ok = _chains_end_well(src, dst, n, empty()[col])
        src, dst = src[ok], dst[ok]
        plan.moves.extend(zip(dst.tolist(), [col] * len(src), src.tolist()))
        filled = np.zeros(n, bool)
        filled[dst] = True
        vacated = np.setdiff1d(src, np.flatnonzero(filled))
        plan.clear.extend(zip(vacated.tolist(), [col] * len(vacated)))


def _chains_end_well(src: np.ndarray, dst: np.ndarray, n: int, blank: np.ndarray) -> np.ndarray:
    """Per move: does following destinations (a destination that is itself the source of a move) end on an
    empty cell, or come round in a cycle? (Pointer doubling: log n vectorised steps.)"""
    if not len(src):
        return np.zeros(0, bool)
    move_from = np.full(n, -1, np.int64)
    move_from[src] = np.arange(len(src))
    nxt = move_from[dst]                       # the move leaving my destination, or -1
    jump = np.where(nxt >= 0, nxt, np.arange(len(src)))
    for _ in range(max(1, int(np.ceil(np.log2(len(src) + 1))) + 1)):
        jump = jump[jump]
    end = jump
    ends_open = nxt[end] < 0
    return np.where(ends_open, blank[dst[end]], True)
