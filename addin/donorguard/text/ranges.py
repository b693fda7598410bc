"""Row lists as text, every form in one place: "4-6,9" (the manifest, --rows), Excel selections
("3:5,8:8", "$12:$15") and the form people read ("12-15, 40, ほか 3 行")."""
from __future__ import annotations

import re
from typing import Iterable


def runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """[4,5,6,9] -> [(4, 6), (9, 9)]: sorted, duplicates dropped."""
    out: list[tuple[int, int]] = []
    for n in sorted({int(r) for r in rows}):
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def encode(rows: Iterable[int]) -> str:
    """[4,5,6,9] -> "4-6,9"."""
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs(rows))


def decode(text: str) -> list[int]:
    """"4-6,9" -> [4,5,6,9] (spaces allowed). Raises ValueError naming the first part that is not a row
    or a range."""
    out: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        a, _, b = part.partition("-")
        a, b = a.strip(), b.strip()
        if not a.isascii() or not a.isdigit() or (b and not (b.isascii() and b.isdigit())):
            raise ValueError(part)
        out.extend(range(int(a), int(b or a) + 1))
    return out


def selection(spec) -> list[int]:
    """The rows of an Excel selection as the add-in passes it ("3:5,8:8", "$12:$15,$40:$40"), of "12-15,40",
    or of a list of numbers; parts that are none of these are skipped. Sorted, no duplicates."""
    if spec is None:
        return []
    if isinstance(spec, (list, tuple, set)):
        return sorted({int(r) for r in spec})
    out = set()
    for part in str(spec).split(","):
        part = re.sub(r"[A-Za-z$\s]", "", part)
        a, _, b = part.replace("-", ":").partition(":")
        if not a.isdigit() or (b and not b.isdigit()):
            continue
        lo, hi = sorted((int(a), int(b or a)))
        out.update(range(lo, hi + 1))
    return sorted(out)


def shown(rows: Iterable[int], more: str, limit: int = 8) -> str:
    """[12,13,14,15,40] -> "12-15, 40"; past `limit` runs, `more` (formatted with n, the rows left out)."""
    rs = runs(rows)
    out = [str(a) if a == b else f"{a}-{b}" for a, b in rs[:limit]]
    rest = sum(b - a + 1 for a, b in rs[limit:])
    if rest:
        out.append(more.format(n=rest))
    return ", ".join(out)
