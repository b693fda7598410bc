"""The open workbook as the core sees it: the list's used range read in one call and turned into the
cell texts the core expects, located with locate.py, plus the manifest sheet (one more call), and the
Excel Table (ListObject) the list sits in, if any.

Writes go back in as few calls as possible: one per run of consecutive rows in a column.
"""
import datetime as dt
import math
import numbers
from dataclasses import dataclass, field, replace
from typing import Callable

import pandas as pd

from ..core import rules as rules_mod
from ..core.errors import MissingColumns
from ..core.locate import find_header, layout as make_layout, norm, table as make_table
from ..core.manifest import FIELDS, SEAL_HEADER, SHEET as MANIFEST_SHEET
from ..core.rules import Rules
from ..core.table import Table
from ..store import rulesets

REPORT_SHEET = "検査結果"
MARKS_SHEET = "_DonorGuard_marks"
OWN_SHEETS = {MANIFEST_SHEET.casefold(), REPORT_SHEET.casefold(), MARKS_SHEET.casefold()}


def text_of(v):
    """A cell value as the file reader (fastexcel, dtypes="string") gives it, so a list sealed from a
    file checks clean in Excel and back: None stays None; integral numbers without ".0" (an ID typed
    as a number, 123456789012.0 -> "123456789012"); other numbers to 9 decimals, trailing zeros
    dropped; dates as YYYY-MM-DD (with the time when there is one); booleans "true"/"false"."""
    if v is None:
        return None
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        if v.is_integer():
            return str(int(v))
        s = f"{v:.9f}".rstrip("0").rstrip(".")
        return "0" if s in ("-0", "") else s
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0, 0):
            return v.date().isoformat()
        return v.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def cell_value(v):
    """A value as written into a cell. Text is written behind an apostrophe, which Excel takes off
    again: "012345678901" stays text (no lost zero), "12-15" stays text (no date), "=..." no formula."""
    if isinstance(v, str):
        return "'" + v
    return v


def find_sheet(book, name):
    if not name:
        return None
    for s in book.sheets:
        if s.name.casefold() == str(name).casefold():
            return s
    return None


def add_sheet(book, name, hidden=False, after=None):
    sheets = book.sheets
    s = sheets.add(name=name, after=after if after is not None else sheets[len(sheets) - 1])
    if hidden:
        s.visible = False
    return s


def raw_rows(rng) -> list:
    """A range's values without xlwings' conversions, as rows (for DonorGuard's own text sheets:
    the remote engine would turn text that looks like an ISO timestamp into a datetime)."""
    v = rng.raw_value
    if not isinstance(v, (list, tuple)):
        return [[v]]
    if v and not isinstance(v[0], (list, tuple)):
        return [list(v)]
    return [list(r) for r in v]


def read_manifest(book) -> dict | None:
    sheet = find_sheet(book, MANIFEST_SHEET)
    if sheet is None:
        return None
    out = {}
    for row in raw_rows(sheet.used_range):
        if row and text_of(row[0]) is not None:
            out[text_of(row[0])] = (text_of(row[1]) or "") if len(row) > 1 else ""
    return out


def write_manifest(book, m: dict):
    sheet = find_sheet(book, MANIFEST_SHEET) or add_sheet(book, MANIFEST_SHEET, hidden=True)
    sheet.range((1, 1), (len(FIELDS), 2)).value = [[k, cell_value(m[k])] for k in FIELDS]


@dataclass
class ListView:
    """One read of the list: raw values (as xlwings gave them), their texts, and where things are."""
    book: object
    sheet: object
    rules: Rules
    manifest: dict | None
    raw: list            # rows of the used range, as read
    row0: int            # Excel row of raw[0]
    col0: int            # Excel column of raw[0][0]
    h: int
    found: dict          # rule column -> index in raw rows
    seal_j: int | None
    table: Table = None
    hidden: Callable = field(default=lambda: set())
    list_object: object = None      # the Excel Table (xlwings Table) around the list, if any
    formulas: tuple = ()            # (Excel row, column name) of bound cells holding a formula

    def __post_init__(self):
        if self.table is None:
            self.table = self._table()

    def _table(self) -> Table:
        grid = pd.DataFrame(self.raw, dtype=object)
        for j in {*self.found.values(), *([self.seal_j] if self.seal_j is not None else [])}:
            if j < grid.shape[1]:
                # most cells are text already: kept as they are without a call (a second per 100k rows)
                grid[j] = pd.Series([v if type(v) is str and v else text_of(v) for v in grid[j]], index=grid.index,
                                    dtype=object)
        head = self.raw[self.h] if self.h < len(self.raw) else []
        lay = make_layout({self.col0 + j: text_of(v) for j, v in enumerate(head)}, self.columns, self.seal_col)
        named = self.seal_j is None or norm(text_of(self.raw_at(self.header_row, self.seal_col))) == SEAL_HEADER
        t = make_table(grid, self.h, self.found, self.seal_j, self.row0, self.rules, self.hidden, layout=lay,
                       seal_header=None if named else str(text_of(self.raw_at(self.header_row, self.seal_col)) or ""))
        at = {int(r): i for i, r in enumerate(t.rows)}
        hits = [(at[r], c, True) for r, c in self.formulas if r in at]
        t.formulas = pd.DataFrame(hits, columns=["pos", "column", "cached"]).astype({"pos": "int64", "cached": bool})
        t.unbound = lambda: pd.DataFrame({c: [text_of(self.raw_at(int(r), c)) for r in t.rows] for c in lay.unbound})
        return t

    # -- where ----------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.sheet.name

    @property
    def header_row(self) -> int:
        return self.row0 + self.h

    @property
    def columns(self) -> dict:
        return {c: self.col0 + j for c, j in self.found.items()}

    @property
    def width(self) -> int:
        return max((len(r) for r in self.raw), default=0)

    @property
    def seal_col(self) -> int:
        return self.col0 + (self.seal_j if self.seal_j is not None else self.width)

    @property
    def span(self) -> tuple:
        """First and last Excel column of the list (bound columns and whatever lies between)."""
        cols = self.columns.values()
        return min(cols), max(cols)

    def raw_at(self, row: int, col: int):
        i, j = row - self.row0, col - self.col0
        if 0 <= i < len(self.raw) and 0 <= j < len(self.raw[i]):
            return self.raw[i][j]
        return None

    # -- as it will be after writes --------------------------------------------------------------
    def updated(self, cells: dict, manifest: dict | None = None) -> "ListView":
        """The view once these cells ({(row, col): value, text without its apostrophe}) are written."""
        width = max([self.width] + [c - self.col0 + 1 for _, c in cells])
        height = max([len(self.raw)] + [r - self.row0 + 1 for r, _ in cells])
        raw = [list(r) + [None] * (width - len(r)) for r in self.raw]
        raw += [[None] * width for _ in range(height - len(raw))]
        for (r, c), v in cells.items():
            raw[r - self.row0][c - self.col0] = v
        h, found, seal_j = find_header([[text_of(v) for v in r] for r in raw[:self.rules.header_search_rows]],
                                       self.rules)
        return replace(self, raw=raw, h=h, found=found, seal_j=seal_j, table=None,
                       manifest=self.manifest if manifest is None else manifest)

    @property
    def in_table(self) -> bool:
        """Is the list inside an Excel Table whose right edge is next to the seal column?"""
        if self.list_object is None:
            return False
        rng = self.list_object.range
        return rng.column + rng.columns.count == self.seal_col


def read(book, host, rules: Rules | None = None, formulas: bool = False) -> ListView:
    """The list (one values call on its sheet) and the manifest (one call), like xlsx.read.open_book.
    formulas: also read the bound cells' formulas (one more call, on engines that can: sealing does)."""
    manifest = read_manifest(book)
    if manifest is not None and manifest.get("rules_snapshot"):
        try:
            rules = rules_mod.from_snapshot(manifest["rules_snapshot"])
        except Exception:
            pass  # the manifest check reports the tampering
    rules = rules or rulesets.load()
    if manifest is not None and find_sheet(book, manifest.get("sheet")) is not None:
        candidates = [find_sheet(book, manifest["sheet"])]
    elif rules.sheet:
        candidates = [s for s in [find_sheet(book, rules.sheet)] if s is not None]
    else:
        candidates = [s for s in book.sheets if s.name.casefold() not in OWN_SHEETS]
    missing = set(rules.names)
    for sheet in candidates:
        used = sheet.used_range
        raw = used.options(ndim=2).value or [[None]]
        n = rules.header_search_rows
        head = [[text_of(v) for v in r] for r in raw[:n]]
        below = [{j: text_of(v) for j, v in enumerate(r) if v is not None} for r in raw[n:n + 200]]
        h, found, seal_j = find_header(head, rules, below)
        if h is not None:
            row0, col0 = used.row, used.column
            first = row0 + h + 1
            last = row0 + len(raw) - 1

            def hidden(sheet=sheet, first=first, last=last):
                return host.hidden_rows(sheet, first, last) if last >= first else set()
            cells = _formulas(used, row0, col0, found) if formulas or \
                rules.policies.get("formulas") == "seal_values" else ()
            return ListView(book, sheet, rules, manifest, raw, row0, col0, h, found, seal_j, hidden=hidden,
                            list_object=_list_object(sheet, row0 + h, [col0 + j for j in found.values()]),
                            formulas=cells)
        if len(found) < len(missing):
            missing = found
    raise MissingColumns(path=book.name, missing="、".join(sorted(missing, key=rules.names.index)),
                         rows=rules.header_search_rows)


def _formulas(used, row0: int, col0: int, found: dict) -> tuple:
    """(Excel row, column name) of bound cells holding a formula; () where the engine cannot read formulas."""
    try:
        grid = used.formula
    except (NotImplementedError, AttributeError):
        return ()
    if not isinstance(grid, (list, tuple)) or (grid and not isinstance(grid[0], (list, tuple))):
        grid = [grid] if isinstance(grid, (list, tuple)) else [[grid]]
    out = []
    for i, row in enumerate(grid):
        for name, j in found.items():
            if j < len(row) and isinstance(row[j], str) and row[j].startswith("="):
                out.append((row0 + i, name))
    return tuple(out)


def _list_object(sheet, header_row: int, cols: list):
    """The Excel Table whose header row is the list's and which holds its bound columns, or None."""
    try:
        found = list(sheet.tables)
    except Exception:
        return None
    for t in found:
        try:
            rng = t.range
        except Exception:
            continue
        if rng is not None and rng.row == header_row and \
                all(rng.column <= c < rng.column + rng.columns.count for c in cols):
            return t
    return None


def write_column(sheet, col: int, values: dict):
    """{row: value} into one column: one write per run of consecutive rows. Text keeps being text."""
    rows = sorted(values)
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        block = [[cell_value(values[r])] for r in rows[i:j + 1]]
        sheet.range((rows[i], col), (rows[j], col)).value = block
        i = j + 1


def write_seal_column(view: ListView, seals: dict):
    """seals: {Excel row: seal text}. The header and every seal in one write; the column is hidden."""
    col = view.seal_col
    last = max(seals, default=view.header_row)
    block = [[cell_value(SEAL_HEADER)]] + [[cell_value(seals[r]) if r in seals else None]
                                           for r in range(view.header_row + 1, last + 1)]
    view.sheet.range((view.header_row, col), (last, col)).value = block
    view.sheet.range((view.header_row, col)).columns.hidden = True
    if view.in_table:       # the Table takes in the seal column: sorts and filters inside it carry the seals
        rng = view.list_object.range
        view.list_object.resize(view.sheet.range((rng.row, rng.column), (rng.row + rng.rows.count - 1, col)))
