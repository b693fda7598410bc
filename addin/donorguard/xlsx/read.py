"""Read a donor list from an .xlsx: the table (every bound column as text), its place in the sheet,
and the manifest if sealed. fastexcel reads the cells; the sheet XML is peeked only for addresses."""
from dataclasses import dataclass

import fastexcel
import numpy as np
import pandas as pd

from ..core.errors import MissingColumns, WorkbookUnreadable
from ..core.locate import aliases, find_header, layout, norm, table as make_table
from ..core.manifest import SEAL_HEADER, SHEET as MANIFEST_SHEET
from ..core.rules import Rules
from ..core.table import Table
from . import early, package, sheetstream, sheetxml, tables
from .tables import TablePart


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
    table_part: TablePart | None = None     # the Excel Table around the list, if any


def _load(reader, name, path, n_rows=None, use_columns=None):
    try:
        return reader.load_sheet(name, header_row=None, dtypes="string", n_rows=n_rows, use_columns=use_columns)
    except Exception:
        raise WorkbookUnreadable(path=path, why=f"the cells of sheet {name!r} could not be parsed") from None


def _frame(sheet, name, path) -> pd.DataFrame:
    try:
        return sheet.to_pandas()
    except Exception:
        raise WorkbookUnreadable(path=path, why=f"the cells of sheet {name!r} could not be parsed") from None


def read_manifest(reader, path) -> dict | None:
    if MANIFEST_SHEET not in reader.sheet_names:
        return None
    df = _frame(_load(reader, MANIFEST_SHEET, path), MANIFEST_SHEET, path)
    return {str(k): ("" if pd.isna(v) else str(v)) for k, v in zip(df.iloc[:, 0], df.iloc[:, 1])} \
        if df.shape[1] >= 2 else {}


def open_book(path, rules: Rules, formulas: bool = False) -> Book:
    """Everything the core needs from the workbook. Sealed workbooks use their manifest's rules.
    The header is found in the sheet XML's first rows; then only the bound columns and the seal
    column are read (a stray note at XFD1 costs nothing), or cut from the whole sheet if the command
    line had it parsed early (xlsx/early.py). Unbound columns are read only if a repair is planned.
    formulas: look for formulas in the bound cells (sealing does; a check does when the rules seal
    formulas' values)."""
    path = str(path)
    with package.open_zip(path) as zf:
        parts = package.sheet_parts(zf)
        try:
            reader = fastexcel.read_excel(path)
        except Exception:
            raise WorkbookUnreadable(path=path, why="the workbook structure could not be parsed") from None
        manifest = read_manifest(reader, path)
        if manifest is not None and manifest.get("rules_snapshot"):
            from ..core.rules import from_snapshot
            try:
                rules = from_snapshot(manifest["rules_snapshot"])
            except Exception:
                pass  # the manifest check reports the tampering
        names = [manifest["sheet"]] if manifest and manifest.get("sheet") in parts else \
            [rules.sheet] if rules.sheet else [n for n in reader.sheet_names if n != MANIFEST_SHEET]
        missing = set(rules.names)
        for name in names:
            if name not in parts:
                continue
            header_row, found, seal, heads = _header(zf, parts[name][0], rules)
            if header_row is not None:
                break
            missing = found if len(found) < len(missing) else missing
        else:
            raise MissingColumns(path=path, missing=", ".join(sorted(missing, key=rules.names.index)),
                                 rows=rules.header_search_rows)
        part = parts[name][0]
        around = [t for t in tables.of_sheet(zf, part) if t.covers(header_row, found.values())]
        formula_cells = sheetstream.formula_cells(package.pieces(zf, part, path), set(found.values())) \
            if formulas or rules.policies.get("formulas") == "seal_values" else []
    wanted = sorted(set(found.values()) | ({seal} if seal else set()))
    last, df = _columns(reader, name, path, wanted, early.take(path))
    df.columns = [sheetxml.col_letter(c) for c in wanted]
    at = {c: j for j, c in enumerate(wanted)}
    h = _header_index(df, {n: at[c] for n, c in found.items()}, header_row, rules, path)
    seal_col = seal or last + 2
    top = header_row - h

    def hidden():
        with package.open_zip(path) as z:
            return sheetstream.hidden_rows(package.pieces(z, part, path))
    named = norm(heads.get(seal)) == SEAL_HEADER if seal else True
    lay = layout(heads, found, seal_col)
    table = make_table(df, h, {n: at[c] for n, c in found.items()}, at.get(seal), top, rules, hidden, layout=lay,
                       seal_header=None if named else str(heads.get(seal) or ""))
    table.formulas = _formula_frame(table.rows, formula_cells, found)
    table.unbound = _unbound_reader(path, name, lay.unbound, table.rows, top)
    return Book(path, name, part, header_row, dict(found), seal_col, table, manifest, rules, parts,
                around[0] if around else None)


def _formula_frame(rows, cells, found: dict) -> pd.DataFrame:
    """Formula cells (Excel row, column, cached) as table positions and bound column names."""
    pos = {int(r): i for i, r in enumerate(rows)}
    name = {c: n for n, c in found.items()}
    hits = [(pos[r], name[c], cached) for r, c, cached in cells if r in pos]
    return pd.DataFrame(hits, columns=["pos", "column", "cached"]).astype({"pos": "int64", "cached": bool})


def _unbound_reader(path, name, cols, rows, top):
    """A function giving the unbound columns' cell texts at the table's rows (read when called)."""
    def read():
        if not cols:
            return pd.DataFrame(index=range(len(rows)))
        reader = fastexcel.read_excel(path)
        _, df = _read_columns(reader, name, path, list(cols))
        at = np.asarray(rows, np.int64) - top
        out = {}
        for j, c in enumerate(cols):
            col = df.iloc[:, j].to_numpy(dtype=object) if j < df.shape[1] else np.zeros(0, object)
            inside = (at >= 0) & (at < len(col))
            cells = np.full(len(at), None, dtype=object)
            cells[inside] = col[at[inside]]
            out[c] = cells
        return pd.DataFrame(out)
    return read


def _columns(reader, name, path, wanted, parsed=None) -> tuple:
    """(the sheet's last used column, 0-based; DataFrame of the wanted Excel columns in order): cut from the
    early parse of the sheet if there is one, else read column by column."""
    if parsed is not None and parsed.name == name and all(c - 1 in parsed.columns for c in wanted):
        import pyarrow as pa
        table = pa.table([parsed.columns[c - 1] for c in wanted], names=list(map(str, wanted)))
        return max(parsed.columns), table.to_pandas()
    return _read_columns(reader, name, path, wanted)


def _read_columns(reader, name, path, wanted) -> tuple:
    sheet = _load(reader, name, path, use_columns=",".join(sheetxml.col_letter(c) for c in wanted))
    return max(c.absolute_index for c in sheet.available_columns()), _frame(sheet, name, path)


def _header(zf, part, rules):
    """(Excel row, {column name: Excel column}, seal Excel column or None, {Excel column: header text}) of the
    header, from the first rows of the sheet XML (the seal column by its header, else by its cells); or (None, the
    names missing from the closest row, None, {})."""
    try:
        stream = zf.open(part)
    except KeyError:
        raise WorkbookUnreadable(path=zf.filename, why=f"part {part} is missing") from None
    with stream:
        rows = sheetxml.first_rows(stream, rules.header_search_rows + 200)
    needed = [int(v.group(1)) for _, cells in rows for _, cell in cells
              if b't="s"' in cell.split(b">", 1)[0] and (v := sheetxml.re.search(rb"<v>(\d+)</v>", cell))]
    strings = []
    if needed and "xl/sharedStrings.xml" in zf.namelist():
        with zf.open("xl/sharedStrings.xml") as s:
            strings = sheetxml.shared_strings(s, max(needed))

    def shared(i):
        return strings[i] if i < len(strings) else None

    texts, number = {}, None
    for r, cells in rows:
        number = r if r is not None else (number or 0) + 1
        row = {col: sheetxml.cell_text(cell, shared) for col, cell in cells}
        if any(v not in (None, "") for v in row.values()):
            texts[number] = row
    if not texts:
        return None, set(rules.names), None, {}
    first = min(texts)
    grid = [texts.get(r, {}) for r in range(first, first + rules.header_search_rows)]
    width = max((max(r, default=0) for r in grid), default=0)
    below = [{c - 1: v for c, v in texts[r].items()} for r in sorted(texts) if r >= first + rules.header_search_rows]
    i, found, seal = find_header([[r.get(c) for c in range(1, width + 1)] for r in grid], rules, below)
    if i is None:
        return None, found, None, {}
    return first + i, {n: j + 1 for n, j in found.items()}, (seal + 1 if seal is not None else None), grid[i]


def _header_index(df: pd.DataFrame, at: dict, header_row: int, rules: Rules, path) -> int:
    """The DataFrame row holding the header (found at Excel row header_row in the XML)."""
    alias = aliases(rules)
    head = df.head(header_row).astype(object).to_numpy()
    for i, row in enumerate(head):
        if all(alias.get(norm(row[j])) == n for n, j in at.items()):
            return i
    raise WorkbookUnreadable(path=path, why="the header row could not be located in the sheet XML")


def has_manifest(path) -> bool:
    """Whether the workbook names DonorGuard's manifest sheet (sealed), without reading any cell."""
    with package.open_zip(str(path)) as zf:
        return MANIFEST_SHEET in package.sheet_parts(zf)
