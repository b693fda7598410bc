"""The command line has the list parsed on another thread while pandas loads (xlsx/early.py). What
open_book makes of that parse equals what it reads by itself; a file changed since, a wide sheet, a list
that is not the first sheet, or a refused workbook is read (or refused) as if nothing had been parsed."""
import os
import shutil
import zipfile

import openpyxl
import pandas as pd
import pytest

from donorguard.cli import ops as files
from donorguard.core.errors import NotAWorkbook
from donorguard.store import rulesets as rules_mod
from donorguard.xlsx import early, package, read
from donorguard.xlsx.read import open_book
from support import book, new_key

RULES = rules_mod.load()
_read_columns = read._read_columns
SAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "workbooks")


def same(a, b):
    assert (a.sheet, a.header_row, a.columns, a.seal_col, a.part) == (b.sheet, b.header_row, b.columns, b.seal_col,
                                                                         b.part)
    pd.testing.assert_frame_equal(a.table.values, b.table.values)
    assert a.table.rows.tolist() == b.table.rows.tolist()
    pd.testing.assert_series_equal(a.table.seals, b.table.seals)
    assert a.manifest == b.manifest


@pytest.fixture(params=["halves", "whole"])
def cut(request, monkeypatch):
    """Lists parsed in halves (xlsx/halves.py: any size) or whole (none)."""
    monkeypatch.setattr(early, "SPLIT_FROM", 0 if request.param == "halves" else 1 << 40)
    return request.param


def early_book(path, monkeypatch, served=True, cut=None):
    """open_book after early.start; with served, reading the columns itself is an error. With cut, the
    parse must have been of the halves or the whole as it says."""
    early.start(path)
    if cut:
        assert len(early._started[str(path)][0]) == (2 if cut == "halves" else 1)
    if served:
        def refuse(*a):
            raise AssertionError("open_book read the columns although they were parsed early")
        monkeypatch.setattr(read, "_read_columns", refuse)
    try:
        return open_book(path, RULES)
    finally:
        monkeypatch.setattr(read, "_read_columns", _read_columns)


@pytest.mark.parametrize("name", ["donors.xlsx", "donors-sealed.xlsx", "donors-kosai.xlsx"])
def test_samples_read_early_equal_read_late(tmp_path, monkeypatch, name, cut):
    p = tmp_path / name
    shutil.copyfile(os.path.join(SAMPLES, name), p)
    same(early_book(p, monkeypatch, cut=cut), open_book(p, RULES))


def test_list_off_to_the_side_with_notes_around_it(tmp_path, monkeypatch, cut):
    p, _ = book(tmp_path, n=80, start_col=3, free_columns={"備考": ["x"] * 80})
    wb = openpyxl.load_workbook(p)
    wb.active["A1"], wb.active["T150"] = "memo", "note far below and right"
    wb.save(p)
    files.seal_file(p, RULES, new_key(tmp_path))
    same(early_book(p, monkeypatch, cut=cut), open_book(p, RULES))


def test_a_file_replaced_after_the_start_is_read_again(tmp_path, monkeypatch):
    p, _ = book(tmp_path, n=40, seed=1)
    other, _ = book(tmp_path, n=70, seed=2, name="other.xlsx")
    early.load_arrow()
    early.start(p)
    threads, parsed = early._started[str(p)]
    for t in threads:
        t.join()
    assert parsed().columns is not None             # the first file was parsed...
    os.replace(other, p)
    got = open_book(p, RULES)                       # ...and not used
    assert len(got.table) == 70
    same(got, open_book(p, RULES))


def test_a_parse_nobody_took_is_waited_for_before_python_exits(tmp_path):
    """A command that stops before reading (a usage error) must not leave fastexcel parsing while Python shuts
    down: that aborts the process. The launcher settles them in its finally."""
    p, _ = book(tmp_path, n=40)
    early.start(p)
    threads, _ = early._started[str(p)]
    early.settle()
    assert not early._started and not any(t.is_alive() for t in threads)


def test_a_wide_sheet_is_left_to_open_book(tmp_path, monkeypatch):
    p, _ = book(tmp_path, n=40)
    wb = openpyxl.load_workbook(p)
    wb.active["BZ2"] = "far right, within reason"
    wb.save(p)
    early.start(p)
    assert str(p) not in early._started
    same(open_book(p, RULES), open_book(p, RULES))


def test_the_manifest_sheet_is_named_as_the_manifest_names_it():
    from donorguard.core import manifest
    assert early.MANIFEST_SHEET == manifest.SHEET


def test_a_list_on_the_second_sheet(tmp_path, monkeypatch):
    p, _ = book(tmp_path, n=40)
    wb = openpyxl.load_workbook(p)
    wb.create_sheet("メモ", 0)["A1"] = "first sheet, not the list"
    wb.save(p)
    same(early_book(p, monkeypatch, served=False), open_book(p, RULES))


def test_a_refused_workbook_is_refused_once_with_the_same_words(tmp_path, monkeypatch):
    p, _ = book(tmp_path, n=40)
    with zipfile.ZipFile(p) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    scans = []
    monkeypatch.setattr(package, "extent", lambda *a, real=package.extent: scans.append(a[1]) or real(*a))
    early.start(p)                                  # finds it, says nothing
    assert str(p) not in early._started
    with pytest.raises(NotAWorkbook, match="too many cells") as first:
        open_book(p, RULES)
    package._inspected.clear()
    with pytest.raises(NotAWorkbook) as fresh:
        open_book(p, RULES)
    assert str(first.value) == str(fresh.value)
    assert scans.count("xl/worksheets/sheet1.xml") == 2     # once early (reused by open_book), once fresh
