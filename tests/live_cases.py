"""The live guard's filter cases: named edits staff make on a synth list (header row 3, data rows 4-43,
bound columns A-K, the seal in L), and a sweep of addresses around the list's edges."""
import itertools
from dataclasses import dataclass

from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Case:
    address: str
    has_manifest: bool = True
    own_write: bool = False
    first_row: int = 4
    bound: tuple = tuple(range(1, 12))
    seal_col: int = 12


# (what staff did, the address Excel reports, whether Python is called)
NAMED = [
    ("sort of the 個人番号 column alone (Kosai)", Case("$H$4:$H$43"), True),
    ("sort of the whole table, seals included", Case("$A$4:$L$43"), False),
    ("sort of the visible columns only, seals left behind", Case("$A$4:$K$43"), True),
    ("sort of the seal column alone", Case("$L$4:$L$43"), True),
    ("paste shifted two rows down", Case("$H$6:$H$45"), True),
    ("paste of two columns", Case("$G$10:$H$20"), True),
    ("fill down a column", Case("$E$4:$E$43"), True),
    ("fill down two cells", Case("$E$4:$E$5"), True),
    ("fill right across one row", Case("$A$5:$K$5"), False),
    ("typing into one cell", Case("$B$5"), False),
    ("Ctrl+Enter into visible cells of a filtered column", Case("$H$5,$H$7,$H$9"), True),
    ("insert whole rows", Case("$10:$12"), False),
    ("delete one whole row", Case("$10:$10"), False),
    ("clear the whole 個人番号 column", Case("$H:$H"), True),
    ("insert a column right of the list", Case("$N:$N"), False),
    ("edit the header row", Case("$A$3:$K$3"), False),
    ("edit the title rows", Case("$A$1:$K$2"), False),
    ("fill a free column (備考)", Case("$M$4:$M$43"), False),
    ("paste new people below the list", Case("$A$44:$K$50"), True),
    ("a workbook that is not sealed", Case("$H$4:$H$43", has_manifest=False), False),
    ("DonorGuard's own repair writes", Case("$H$4:$H$43", own_write=True), False),
    ("a list whose only bound column is met by a multi-area paste", Case("$C$5:$C$5,$H$30", bound=(8,)), False),
    ("two one-row areas on bound columns", Case("$C$5,$H$30", bound=(3, 8)), True),
]


def _area(r1, r2, c1, c2) -> str:
    if (c1, c2) == (1, 16384):
        return f"${r1}:${r2}"
    if (r1, r2) == (1, 1048576):
        return f"${get_column_letter(c1)}:${get_column_letter(c2)}"
    first = f"${get_column_letter(c1)}${r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:${get_column_letter(c2)}${r2}"


def sweep() -> list:
    """Every area over rows and columns at the list's edges, alone and in pairs, under every flag and a few
    bound-column sets and seal positions."""
    rows = [(a, b) for a, b in itertools.combinations_with_replacement([1, 3, 4, 5, 43, 44, 1048576], 2)]
    cols = [(a, b) for a, b in itertools.combinations_with_replacement([1, 2, 8, 11, 12, 13, 16384], 2)]
    areas = [_area(r1, r2, c1, c2) for (r1, r2), (c1, c2) in itertools.product(rows, cols)]
    addresses = areas + [f"{a},{b}" for a, b in zip(areas[::7], areas[3::11])]
    out = [c for _, c, _ in NAMED]
    for address, (bound, seal) in itertools.product(addresses, [(tuple(range(1, 12)), 12), ((8,), 0), ((2, 8), 13)]):
        out.append(Case(address, bound=bound, seal_col=seal))
    for address in addresses[::9]:
        for has, own in [(False, False), (True, True), (False, True)]:
            out.append(Case(address, has_manifest=has, own_write=own))
    return out
