"""Read a donor list from an .xlsx: the table (every bound column as text), its place in the sheet,
and the manifest if sealed. fastexcel reads the cells; the sheet XML is peeked only for addresses."""
from dataclasses import dataclass

import fastexcel
import numpy as np
import pandas as pd

from ..errors import MissingColumns, WorkbookUnreadable
from ..locate import aliases, find_header, norm, table as make_table
from ..manifest import SHEET as MANIFEST_SHEET
from ..rules import Rules
from ..table import Table
from . import package, sheetxml


@dataclass
class Book:
    path: str
    sheet: str
    part: str
    header_row: int
    columns: dict           # rule column name -> Excel column index
    seal_col: int
    table: Table
    manifest: dict | None
    rules: Rules
    sheet_parts: dict


def _load(reader, name, path, n_rows=None) -> pd.DataFrame:
    try:
        return reader.load_sheet(name, header_row=None, dtypes="string", n_rows=n_rows).to_pandas()
    except Exception:
        raise WorkbookUnreadable(path=path, why=f"the cells of sheet {name!r} could not be parsed") from None


def read_manifest(reader, path) -> dict | None:
    if MANIFEST_SHEET not in reader.sheet_names:
        return None
    df = _load(reader, MANIFEST_SHEET, path)
    return {str(k): ("" if pd.isna(v) else str(v)) for k, v in zip(df.iloc[:, 0], df.iloc[:, 1])} \
        if df.shape[1] >= 2 else {}


def open_book(path, rules: Rules) -> Book:
    """Everything the core needs from the workbook. Sealed workbooks use their manifest's rules."""
    path = str(path)
    with package.open_zip(path) as zf:
        parts = package.sheet_parts(zf)
        try:
            reader = fastexcel.read_excel(path)
        except Exception:
            raise WorkbookUnreadable(path=path, why="the workbook structure could not be parsed") from None
        manifest = read_manifest(reader, path)
        if manifest is not None and manifest.get("rules_snapshot"):
            from ..rules import from_snapshot
            try:
                rules = from_snapshot(manifest["rules_snapshot"])
            except Exception:
                pass  # the manifest check reports the tampering
        names = [manifest["sheet"]] if manifest and manifest.get("sheet") in parts else \
            [rules.sheet] if rules.sheet else [n for n in reader.sheet_names if n != MANIFEST_SHEET]
        found = set(rules.names)
        for name in names:
            if name not in parts:
                continue
            df = _load(reader, name, path)  # one read: the header is found in its first rows
            h, found, seal_j = find_header(df.head(rules.header_search_rows).astype(object).to_numpy().tolist(),
                                           rules)
            if h is not None:
                break
        else:
            raise MissingColumns(path=path, missing=", ".join(sorted(found, key=rules.names.index)),
                                 rows=rules.header_search_rows)
        row0, col0 = _origin(zf, parts[name][0], h, found, rules, path)
    header_row = h + row0
    columns = {c: j + col0 for c, j in found.items()}
    seal_col = seal_j + col0 if seal_j is not None else df.shape[1] + col0
    part = parts[name][0]

    def hidden():
        with package.open_zip(path) as z:
            return sheetxml.hidden_rows(z.read(part))

    table = make_table(df, h, found, seal_j, row0, rules, hidden)
    return Book(path, name, part, header_row, columns, seal_col, table, manifest, rules, parts)


def _origin(zf, part, h, found, rules, path):
    """Excel row and column of the DataFrame's first cell, from the header row in the sheet XML."""
    with zf.open(part) as stream:
        rows = sheetxml.first_rows(stream, rules.header_search_rows + 200)
    needed = []
    for _, cells in rows:
        for _, cell in cells:
            if b't="s"' in cell.split(b">", 1)[0]:
                v = sheetxml.re.search(rb"<v>(\d+)</v>", cell)
                if v:
                    needed.append(int(v.group(1)))
    strings = []
    if needed and "xl/sharedStrings.xml" in zf.namelist():
        with zf.open("xl/sharedStrings.xml") as s:
            strings = sheetxml.shared_strings(s, max(needed))

    def shared(i):
        return strings[i] if i < len(strings) else None

    alias = aliases(rules)
    for r, cells in rows:
        texts = {col: norm(sheetxml.cell_text(cell, shared)) for col, cell in cells}
        cols = {}
        for col, t in sorted(texts.items()):
            if t in alias:
                cols.setdefault(alias[t], col)
        if set(cols) >= set(found):
            offsets = {cols[c] - j for c, j in found.items()}
            if len(offsets) == 1 and r is not None:
                return r - h, offsets.pop()
    raise WorkbookUnreadable(path=path, why="the header row could not be located in the sheet XML")
