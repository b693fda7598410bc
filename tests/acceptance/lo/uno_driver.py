"""Apply spreadsheet edits with a running LibreOffice over UNO and save as .xlsx.

Runs under Debian's /usr/bin/python3 (the only interpreter with ``uno``):

    /usr/bin/python3 tests/lo/uno_driver.py --pipe NAME JOBFILE.json
    /usr/bin/python3 tests/lo/uno_driver.py --pipe NAME --terminate

JOBFILE holds a list of {"in", "out", "sheet", "ops"}.  One JSON line per job is
printed; the exit status is 0 unless connecting to LibreOffice failed (2).
Rows and columns are 1-based Excel numbers; columns may be letters or ints.
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.sheet import TableFilterField
from com.sun.star.table import CellAddress, TableSortField

CONNECT_SECONDS = 30
MAX_COL = 1023  # LibreOffice 7.4 sheets have 1024 columns


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def col_index(col):
    """0-based column index from "H" or 1-based int 8."""
    if isinstance(col, int):
        return col - 1
    n = 0
    for ch in col.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
    deadline = time.time() + CONNECT_SECONDS
    while True:
        try:
            return resolver.resolve(url)
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.3)


def set_config(ctx, path, name, value):
    cp = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx)
    acc = cp.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (prop("nodepath", path),))
    acc.setPropertyValue(name, value)
    acc.commitChanges()


def cell_range(sheet, ref):
    return sheet.getCellRangeByName(ref)


def first_cell(sheet, ref):
    a = cell_range(sheet, ref).RangeAddress
    return CellAddress(a.Sheet, a.StartColumn, a.StartRow)


def put(cell, v):
    if v is None:
        cell.setString("")
    elif isinstance(v, str):
        cell.setString(v)
    else:
        cell.setValue(v)


def get(cell):
    t = cell.Type.value  # EMPTY, VALUE, TEXT, FORMULA
    if t == "TEXT":
        return cell.getString()
    if t == "VALUE":
        return cell.getValue()
    if t == "FORMULA":
        return ("=", cell.getFormula())
    return None


def op_sort(doc, sheet, op):
    """A sort of a range, or (with "db") of a database range: an Excel Table comes in as one."""
    if op.get("db"):
        rng = doc.DatabaseRanges.getByName(op["db"]).getReferredCells()
        a, want = rng.RangeAddress, cell_range(sheet, op["range"]).RangeAddress
        if (a.StartColumn, a.StartRow, a.EndColumn, a.EndRow) != (want.StartColumn, want.StartRow, want.EndColumn,
                                                                  want.EndRow):
            raise ValueError("database range %s is not %s" % (op["db"], op["range"]))
    else:
        rng = cell_range(sheet, op["range"])
    field = TableSortField()
    field.Field = col_index(op["col"]) - rng.RangeAddress.StartColumn
    field.IsAscending = not op.get("descending", False)
    desc = [prop("SortFields", uno.Any("[]com.sun.star.table.TableSortField", (field,))),
            prop("ContainsHeader", bool(op.get("header", False))),
            prop("IsSortColumns", False)]
    uno.invoke(rng, "sort", (tuple(desc),))


def op_copy(doc, sheet, op):
    sheet.copyRange(first_cell(sheet, op["dst"]), cell_range(sheet, op["src"]).RangeAddress)


def op_cut(doc, sheet, op):
    sheet.moveRange(first_cell(sheet, op["dst"]), cell_range(sheet, op["src"]).RangeAddress)


def op_paste(doc, sheet, op):
    ctl = doc.getCurrentController()
    ctl.setActiveSheet(sheet)
    ctl.select(cell_range(sheet, op["src"]))
    data = ctl.getTransferable()
    ctl.select(cell_range(sheet, op["dst"]))
    ctl.insertTransferable(data)


def op_filter(doc, sheet, op):
    rng = cell_range(sheet, op["range"])
    addr = rng.RangeAddress
    dbs = doc.getPropertyValue("UnnamedDatabaseRanges")
    dbs.setByTable(addr)
    db = dbs.getByTable(addr.Sheet)
    db.AutoFilter = True
    f = TableFilterField()
    f.Field = col_index(op["col"]) - addr.StartColumn
    f.Operator = uno.Enum("com.sun.star.sheet.FilterOperator", "EQUAL")
    val = op["equals"]
    f.IsNumeric = not isinstance(val, str)
    if f.IsNumeric:
        f.NumericValue = val
    else:
        f.StringValue = val
    desc = db.getFilterDescriptor()
    desc.ContainsHeader = True
    desc.setFilterFields((f,))
    db.refresh()


def op_hide_rows(doc, sheet, op):
    for r in op["rows"]:
        sheet.Rows.getByIndex(r - 1).IsVisible = False


def op_write(doc, sheet, op):
    a = first_cell(sheet, op["cell"])
    for i, row in enumerate(op["values"]):
        for j, v in enumerate(row):
            put(sheet.getCellByPosition(a.Column + j, a.Row + i), v)


def op_swap(doc, sheet, op):
    a, b = cell_range(sheet, op["a"]), cell_range(sheet, op["b"])
    va, vb = get(a), get(b)
    for cell, v in ((a, vb), (b, va)):
        if isinstance(v, tuple):
            cell.setFormula(v[1])
        else:
            put(cell, v)


def op_fill_down(doc, sheet, op):
    """Ctrl+D: the top cell of the range copied into the cells below it."""
    from com.sun.star.sheet.FillDateMode import FILL_DATE_DAY
    from com.sun.star.sheet.FillDirection import TO_BOTTOM
    from com.sun.star.sheet.FillMode import SIMPLE
    cell_range(sheet, op["range"]).fillSeries(TO_BOTTOM, SIMPLE, FILL_DATE_DAY, 0, 0)


def op_insert_cells(doc, sheet, op):
    """Insert cells, shift cells down (only the range's columns move)."""
    from com.sun.star.sheet.CellInsertMode import DOWN
    sheet.insertCells(cell_range(sheet, op["range"]).RangeAddress, DOWN)


def op_delete_cells(doc, sheet, op):
    """Delete cells, shift cells up."""
    from com.sun.star.sheet.CellDeleteMode import UP
    sheet.removeRange(cell_range(sheet, op["range"]).RangeAddress, UP)


def op_insert_rows(doc, sheet, op):
    sheet.Rows.insertByIndex(op["at"] - 1, op.get("count", 1))


def op_delete_rows(doc, sheet, op):
    sheet.Rows.removeByIndex(op["at"] - 1, op.get("count", 1))


def op_insert_cols(doc, sheet, op):
    sheet.Columns.insertByIndex(col_index(op["at"]), op.get("count", 1))


def op_copy_row(doc, sheet, op):
    src, dst = op["src"] - 1, op["dst"] - 1
    sheet.Rows.insertByIndex(dst, 1)
    if src >= dst:
        src += 1
    addr = sheet.Rows.getByIndex(src).RangeAddress
    sheet.copyRange(CellAddress(addr.Sheet, 0, dst), addr)


def op_set_width(doc, sheet, op):
    sheet.Columns.getByIndex(col_index(op["col"])).Width = int(op["width_mm"] * 100)


def op_bold(doc, sheet, op):
    cell_range(sheet, op["range"]).CharWeight = 150.0  # com.sun.star.awt.FontWeight.BOLD


def op_fill(doc, sheet, op):
    cell_range(sheet, op["range"]).CellBackColor = int(op["rgb"], 16)


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_")}


def run_job(desktop, job, workdir):
    src = os.path.abspath(job["in"])
    out = os.path.abspath(job["out"])
    copy = os.path.join(workdir, "in_" + re.sub(r"[^\w.]", "_", os.path.basename(src)))
    shutil.copyfile(src, copy)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(copy), "_blank", 0,
                                       (prop("Hidden", True),))
    if doc is None:
        raise RuntimeError("LibreOffice could not open %s" % src)
    try:
        sheets = doc.getSheets()
        name = job.get("sheet")
        if name:
            sheet = sheets.getByName(name)
        else:
            ctl = doc.getCurrentController()
            sheet = ctl.getActiveSheet() if ctl is not None else sheets.getByIndex(0)
        for op in job.get("ops", []):
            if op.get("op") not in OPS:
                raise ValueError("unknown op %r" % op.get("op"))
            OPS[op["op"]](doc, sheet, op)
        doc.storeToURL(uno.systemPathToFileUrl(out),
                       (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)))
    finally:
        doc.close(True)
        os.remove(copy)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--pipe", required=True)
    ap.add_argument("--terminate", action="store_true")
    ap.add_argument("jobfile", nargs="?")
    args = ap.parse_args(argv)
    try:
        ctx = connect(args.pipe)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    except Exception as e:
        print(json.dumps({"ok": False, "error": "connect failed: %r" % e}), flush=True)
        return 2
    if args.terminate:
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge often drops while LibreOffice exits
        return 0
    set_config(ctx, "/org.openoffice.Office.Calc/Input", "ReplaceCellsWarning", False)
    with open(args.jobfile, encoding="utf-8") as f:
        jobs = json.load(f)
    workdir = tempfile.mkdtemp(prefix="uno_driver_")
    try:
        for job in jobs:
            try:
                run_job(desktop, job, workdir)
                res = {"ok": True}
            except Exception as e:
                res = {"ok": False, "error": "%s: %s" % (type(e).__name__, e),
                       "trace": traceback.format_exc(limit=3)}
            print(json.dumps(res, ensure_ascii=False), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
