"""The Excel buttons (donorguard.excel) on real xlwings Books, without Excel.

xlwings' remote engine (the one behind xlwings Server) builds a Book from the JSON payload an Excel
client sends, and queues every write and dialog as a JSON action (`book.json()`). Here the payload is
built from .xlsx files made with donorguard.synth and sealed / broken with the file layer, and the
actions are asserted, then applied to the payload (a small stand-in for the client) to run the next
button on the result. The remote engine cannot return the button pressed in a dialog nor read fill
colours, so `Staff` (a host adapter, see donorguard/excel/host.py) scripts the answers and reads fills
from the .xlsx, as the desktop engines do.
"""
import copy
import datetime as dt
import json
import os
import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from donorguard import __version__
from donorguard.cli import ops as files
from donorguard.excel.host import RemoteHost
from donorguard.store import keys, rulesets as rules_mod
from donorguard.tools import synth

try:
    from support import ID_RE
except ImportError:
    from tests.support import ID_RE

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

H = 8           # 個人番号 is column H in synth workbooks (title row 1, header row 3, data from row 4)
FIRST = 4
YELLOW = "#ffff00"


# -- the remote engine ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def xw():
    """xlwings with its remote engine (a noncommercial licence key, for these tests only)."""
    old = os.environ.get("XLWINGS_LICENSE_KEY")
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    try:
        import xlwings
        if "remote" not in [e.name for e in xlwings.engines]:
            from xlwings.pro import _xlremote
            xlwings.engines.add(xlwings.main.Engine(impl=_xlremote.engine))
        yield xlwings
    finally:
        if old is None:
            os.environ.pop("XLWINGS_LICENSE_KEY", None)
        else:
            os.environ["XLWINGS_LICENSE_KEY"] = old


@pytest.fixture
def env(tmp_path, monkeypatch):
    key = tmp_path / "team.key"
    keys.create(key)
    monkeypatch.setenv("DONORGUARD_KEY_FILE", str(key))
    monkeypatch.setenv("DONORGUARD_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.delenv("DONORGUARD_DEBUG", raising=False)
    return tmp_path


def _encode(v):
    """A cell's value as the Excel client sends it. Text as Excel reads it: "_x005F_" is an escaped "_"
    (ECMA-376 ST_Xstring; DonorGuard writes one before any "_xH…_" in a seal). openpyxl undoes it in shared
    strings but not in inline ones, so a seal holding "_xE_" would reach the buttons changed (it did, for about
    one key in twenty: seals are random)."""
    if isinstance(v, str):
        return v.replace("_x005F_", "_")
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%dT00:00:00.000Z")
    return v


def payload(path, name="list.xlsx") -> dict:
    """What an Excel client sends: every sheet's values from A1, names, the active sheet."""
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        values = [[_encode(v) for v in row] for row in ws.iter_rows(values_only=True)] or [[""]]
        sheets.append({"name": ws.title, "values": values, "pictures": [], "notes": [],
                       "tables": [_table(t) for t in ws.tables.values()],
                       "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden"})
    return {"client": "Microsoft Excel", "version": None, "book": {"name": name, "active_sheet_index": 0,
            "selection": "A1"}, "names": [], "sheets": sheets}


def _table(t) -> dict:
    """A table part as the Excel client describes a ListObject."""
    from openpyxl.utils.cell import get_column_letter, range_boundaries
    c1, r1, c2, r2 = range_boundaries(t.ref)

    def a1(ra, ca, rb, cb):
        return f"${get_column_letter(ca)}${ra}:${get_column_letter(cb)}${rb}"
    return {"name": t.displayName, "range_address": a1(r1, c1, r2, c2), "header_row_range_address": a1(r1, c1, r1, c2),
            "data_body_range_address": a1(r1 + 1, c1, r2, c2), "total_row_range_address": None, "show_headers": True,
            "show_totals": False, "table_style": "", "show_autofilter": True, "columns": []}


def fills_of(path) -> dict:
    """{sheet: {(row, col): "#rrggbb"}} of the solid fills in an .xlsx (what staff coloured)."""
    out = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.fill is not None and c.fill.fill_type == "solid":
                    out.setdefault(ws.title, {})[(c.row, c.column)] = "#" + str(c.fill.fgColor.rgb)[-6:].lower()
    return out


class Client:
    """A workbook as an Excel client holds it: the payload, plus fills; applies a Book's actions."""

    def __init__(self, path, name="list.xlsx"):
        self.data = payload(path, name)
        self.fills = fills_of(path)
        self.hidden_columns = set()

    def book(self, xw):
        data = copy.deepcopy(self.data)
        data["version"] = xw.__version__
        return xw.Book(json=data)

    def sheet(self, name):
        return next(s for s in self.data["sheets"] if s["name"] == name)

    def apply(self, book):
        sheets = self.data["sheets"]
        for a in book.json()["actions"]:
            f, args = a["func"], a["args"]
            s = sheets[a["sheet_position"]] if a["sheet_position"] is not None else None
            if f == "addSheet":
                sheets.insert(args[0], {"name": args[1], "values": [[""]], "pictures": [], "tables": [],
                                        "notes": [], "visibility": "Visible"})
            elif f == "setSheetVisibility":
                s["visibility"] = args[0]
            elif f == "sheetClear":
                s["values"] = [[""]]
                self.fills.pop(s["name"], None)
            elif f == "setValues":
                vals, r0, c0 = s["values"], a["start_row"], a["start_column"]
                width = max(len(vals[0]), c0 + a["column_count"])
                while len(vals) < r0 + a["row_count"]:
                    vals.append([""] * width)
                for line in vals:
                    line.extend([""] * (width - len(line)))
                for i, row in enumerate(a["values"]):
                    for j, v in enumerate(row):
                        vals[r0 + i][c0 + j] = v[1:] if isinstance(v, str) and v.startswith("'") else v
            elif f == "setRangeColor":
                m = self.fills.setdefault(s["name"], {})
                for i in range(a["row_count"]):
                    for j in range(a["column_count"]):
                        cell = (a["start_row"] + i + 1, a["start_column"] + j + 1)
                        if args[0] is None:
                            m.pop(cell, None)
                        else:
                            m[cell] = args[0]
            elif f == "activateSheet":
                self.data["book"]["active_sheet_index"] = args[0]
            elif f == "setColumnHidden":
                self.hidden_columns.add((s["name"], a["start_column"] + 1))
            elif f == "resizeTable":
                s["tables"][args[0]]["range_address"] = args[1]
        return self

    def cell(self, sheet, row, col):
        vals = self.sheet(sheet)["values"]
        try:
            return vals[row - 1][col - 1]
        except IndexError:
            return ""


class Staff(RemoteHost):
    """The person at the keyboard: presses the scripted buttons; fills come from the client's state
    (the desktop engines read them from Excel)."""
    answers = True
    reads_fills = True

    def __init__(self, book, client=None, press=(), typed=None):
        super().__init__(book)
        self.client, self.press, self.typed, self.asked = client, list(press), typed, []

    def alert(self, prompt, title="DonorGuard", buttons="ok", mode="info"):
        super().alert(prompt, title, buttons, mode)
        if buttons == "ok":
            return "ok"
        self.asked.append(prompt)
        return self.press.pop(0)

    def ask_text(self, prompt, title="DonorGuard", default=""):
        if self.typed is None:
            return None
        self.asked.append(prompt)
        return self.typed

    def fills(self, sheet, cells):
        known = self.client.fills.get(sheet.name, {}) if self.client else {}
        return {c: known.get(c) for c in cells}


def actions(book, func=None):
    return [a for a in book.json()["actions"] if func is None or a["func"] == func]


def alerts(book):
    return [a["args"] for a in actions(book, "alert")]


def painted(book, sheet_index=0) -> dict:
    out = {}
    for a in actions(book, "setRangeColor"):
        if a["sheet_position"] != sheet_index:
            continue
        for i in range(a["row_count"]):
            for j in range(a["column_count"]):
                out[(a["start_row"] + i + 1, a["start_column"] + j + 1)] = a["args"][0]
    return out


def ids_leaked(book, ids, exempt=lambda a: False) -> set:
    found = set()
    for a in book.json()["actions"]:
        if exempt(a):
            continue
        found |= set(ID_RE.findall(json.dumps(a, ensure_ascii=False))) & ids
    return found


# -- workbooks ------------------------------------------------------------------------------------

def rules_with(tmp, on_save) -> Path:
    src = rules_mod.find("furusato-onestop")
    text = src.read_text(encoding="utf-8").replace("on_save: confirm", f"on_save: {on_save}")
    p = tmp / f"rules-{on_save}.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def sealed(tmp, n=40, seed=3, rules=None, name="list.xlsx"):
    df = synth.make_people(n, seed=seed, leading_zero_share=0.3)
    path = tmp / name
    synth.write_workbook(df, path)
    files.seal_file(path, rules_mod.load(rules) if rules else rules_mod.load())
    return path, df


def kosai(tmp, path, fill=()) -> Path:
    """The Kosai mistake (個人番号 sorted alone), with some cells filled yellow by staff beforehand."""
    out = tmp / ("kosai-" + path.name)
    synth.kosai_mistake(path, out)
    if fill:
        wb = openpyxl.load_workbook(out)
        ws = wb.worksheets[0]
        for ref in fill:
            ws[ref].fill = PatternFill("solid", fgColor="FFFF00")
        wb.save(out)
    return out


def ids(df) -> set:
    return set(df["個人番号"].astype(str))


def report_values(client):
    return client.sheet("検査結果")["values"]


# -- conversion and hardening (no workbook) -------------------------------------------------------

def test_cell_texts_as_the_core_expects():
    from donorguard.excel.workbook import cell_value, text_of
    assert text_of(123456789012.0) == "123456789012"
    assert text_of(10000) == "10000" and text_of(1.5) == "1.5" and text_of(True) == "true"
    assert text_of(dt.datetime(1980, 1, 2)) == "1980-01-02"
    assert text_of(dt.datetime(1980, 1, 2, 9, 30)) == "1980-01-02 09:30:00"
    assert text_of(dt.date(2026, 3, 1)) == "2026-03-01"
    assert text_of(None) is None and text_of("") is None and text_of("012345678901") == "012345678901"
    assert cell_value("012345678901") == "'012345678901" and cell_value(5) == 5 and cell_value(None) is None


def test_cell_texts_match_the_file_reader(tmp_path):
    """Whatever a number or date cell holds, Excel's value and fastexcel's text agree."""
    import fastexcel

    from donorguard.excel.workbook import text_of
    values = [1 / 3, 123.456, 2.5e-10, 1234567.891, 0.1 + 0.2, -0.5, 1.5e20, 1234567890123.0, 10000.0,
              123456789012.0, True, dt.datetime(2020, 1, 2), dt.datetime(2020, 1, 2, 9, 30), "０１２"]
    wb = openpyxl.Workbook()
    wb.active.append(values)
    wb.save(tmp_path / "v.xlsx")
    read = fastexcel.read_excel(str(tmp_path / "v.xlsx")).load_sheet(0, header_row=None, dtypes="string")
    texts = read.to_pandas().iloc[0].tolist()
    assert [text_of(v) for v in values[:11]] == texts[:11]
    assert text_of(values[11]) == texts[11][:10] and text_of(values[12]) == texts[12] and texts[13] == "０１２"


def test_rows_from_the_selection():
    from donorguard.text.ranges import selection as _parse_rows
    assert _parse_rows("3:5,8:8") == [3, 4, 5, 8]
    assert _parse_rows("$12:$15,$40:$40") == [12, 13, 14, 15, 40]
    assert _parse_rows("12-13, 40") == [12, 13, 40] and _parse_rows("") == [] and _parse_rows([7, 7]) == [7]


def test_workbook_folder_is_taken_off_sys_path(tmp_path, monkeypatch):
    from donorguard.excel import _harden_sys_path
    folder = tmp_path / "received"
    folder.mkdir()
    (folder / "list.xlsx").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    path = ["", str(folder), "/usr/lib/python3", str(tmp_path)]
    argv = ["-c", "--wb=list.xlsx", "--from_xl=1", "--hwnd=1"]
    assert _harden_sys_path(argv, list(path)) == ["/usr/lib/python3"]
    assert _harden_sys_path(["-c"], list(path)) == path       # plain Python: untouched


# -- the buttons ----------------------------------------------------------------------------------

def test_clean_list_checks_clean(xw, env):
    import donorguard.excel as dg
    path, df = sealed(env)
    client = Client(path)
    book = client.book(xw)
    report = dg.check_book(book, host=Staff(book, client), version=__version__)
    assert report.clean and report.rows == 40
    assert [a[0] for a in alerts(book)] == ["問題ありません: 40 行すべてが封印どおりです。"]
    assert painted(book) == {} and not ids_leaked(book, ids(df))
    assert [a["func"] for a in actions(book)] == ["activateSheet", "alert"]   # a clean list gets no new sheet


def test_kosai_mistake_is_coloured_and_reported(xw, env):
    import donorguard.excel as dg
    path, df = sealed(env)
    client = Client(kosai(env, path, fill=["H5", "H6", "B7"]))
    book = client.book(xw)
    report = dg.check_book(book, host=Staff(book, client))
    assert report.status == "blocked"
    assert report.diagnosis["cause"].tolist() == ["column_sorted_alone"]
    moved = set(report.findings.loc[report.findings["kind"] == "separated", "row"].astype(int))
    assert set(painted(book)) == {(r, H) for r in moved}                 # only the moved 個人番号 cells
    assert set(painted(book).values()) == {"#ff9999"}
    (text, title, buttons, mode, _), = alerts(book)
    assert "個人番号 の列が残りの列と別々に並べ替えられ" in text and "検査結果" in text and mode == "critical"
    assert not ids_leaked(book, ids(df))
    client.apply(book)
    names = [s["name"] for s in client.data["sheets"]]
    assert names[:2] == ["申請者一覧", "検査結果"]
    assert client.sheet("_DonorGuard_marks")["visibility"] == "Hidden"
    rows = report_values(client)
    assert rows[0][0] == "DonorGuard 検査結果" and rows[1][0].startswith("送付できません")
    links = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("=HYPERLINK(")]
    assert len(links) == 1 + len(report.findings)                        # one per cause and per finding
    assert links[1] == f"=HYPERLINK(\"#'申請者一覧'!H{min(moved)}\",{min(moved)})"
    messages = [r[5] for r in rows if len(r) > 5 and isinstance(r[5], str) and "行目の 個人番号" in r[5]]
    assert len(messages) == len(moved) and all("****-****-" in m for m in messages)
    # the staff's yellow is remembered for the cells DonorGuard coloured (H5, H6), not for B7
    marks = client.sheet("_DonorGuard_marks")["values"]
    assert ["申請者一覧", 5, 6, H, H, YELLOW, "#ff9999"] in marks
    assert not any(r[3] == 2 for r in marks[2:] if r[0])


def test_repair_puts_values_back_and_restores_fills(xw, env):
    import donorguard.excel as dg
    path, df = sealed(env)
    client = Client(kosai(env, path, fill=["H5", "H6", "B7"]))
    book = client.book(xw)
    dg.check_book(book, host=Staff(book, client))
    client.apply(book)

    book = client.book(xw)                                           # staff press 修復, then OK
    staff = Staff(book, client, press=["ok"])
    before, after, reentry = dg.repair_book(book, host=staff, version=__version__)
    assert before.status == "blocked" and after.clean and reentry.empty
    assert "封印どおりの行に戻します" in staff.asked[0] and alerts(book)[0][2] == "ok_cancel"
    writes = [a for a in actions(book, "setValues") if a["sheet_position"] == 0]
    assert writes and {a["start_column"] for a in writes} == {H - 1}   # only 個人番号 cells are written
    restored = painted(book)
    assert restored[(5, H)] == YELLOW and restored[(6, H)] == YELLOW
    assert {v for c, v in restored.items() if c not in {(5, H), (6, H)}} == {None}
    assert (7, 2) not in restored                                      # never coloured: never touched
    final = alerts(book)[-1][0]
    assert final.startswith("39 個のセルを封印どおりの行に戻しました。") and "問題ありません" in final
    # the only IDs in any action are the ones written into their owners' cells
    id_writes = lambda a: a["func"] == "setValues" and a["sheet_position"] == 0  # noqa: E731
    assert not ids_leaked(book, ids(df), exempt=id_writes)
    client.apply(book)
    assert [client.cell("申請者一覧", FIRST + i, H) for i in range(len(df))] == df["個人番号"].tolist()
    assert client.fills["申請者一覧"] == {(5, H): YELLOW, (6, H): YELLOW, (7, 2): YELLOW}

    book = client.book(xw)                                           # and it checks clean
    report = dg.check_book(book, host=Staff(book, client))
    assert report.clean and painted(book) == {}
    assert not any(any(r) for r in client.apply(book).sheet("_DonorGuard_marks")["values"][2:])


def test_repair_cancelled_changes_nothing(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(kosai(env, path))
    book = client.book(xw)
    assert dg.repair_book(book, host=Staff(book, client, press=["cancel"])) is None
    assert [a["func"] for a in actions(book)] == ["alert", "alert"]
    assert alerts(book)[1][0] == "修復を取りやめました。何も変更していません。"


def test_remote_engine_cannot_confirm_so_repair_writes_nothing(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(kosai(env, path))
    book = client.book(xw)
    assert dg.repair_book(book) is None                    # default host for the remote engine
    assert [a["func"] for a in actions(book)] == ["alert"] and alerts(book)[0][2] == "ok_cancel"


def test_export_refused_when_blocked_then_written_when_clean(xw, env):
    import donorguard.excel as dg
    path, df = sealed(env)
    client = Client(kosai(env, path))
    out = env / "out"
    out.mkdir()
    book = client.book(xw)
    assert dg.export_book(book, host=Staff(book, client), to=out) is None
    text = alerts(book)[-1][0]
    assert text.startswith("書き出しませんでした") and "列が残りの列と別々に並べ替えられ" in text
    assert list(out.iterdir()) == [] and painted(book)
    client.apply(book)

    book = client.book(xw)
    dg.repair_book(book, host=Staff(book, client, press=["ok"]))
    client.apply(book)
    book = client.book(xw)
    folder, receipt = dg.export_book(book, host=Staff(book, client), to=out)
    assert folder.parent == out and receipt["rows"] == len(df)
    assert str(folder) in alerts(book)[-1][0] and alerts(book)[-1][0].startswith("書き出しました")
    assert not ids_leaked(book, ids(df))
    log = [json.loads(line) for line in (env / "audit.jsonl").read_text().splitlines()]
    assert [(x["event"], x.get("phase")) for x in log] == [       # write-ahead: each change's intent, then outcome
        ("seal", "intent"), ("seal", "done"), ("export_blocked", None), ("repair", "intent"), ("repair", "done"),
        ("export", "intent"), ("export", "done")]


def test_export_needs_a_folder(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(path)
    book = client.book(xw)                                 # the remote book has no folder
    assert dg.export_book(book, host=Staff(book, client)) is None
    assert "保存してから" in alerts(book)[-1][0]


def test_seal_in_excel_then_check_and_cross_check_with_files(xw, env):
    import donorguard.excel as dg
    df = synth.make_people(30, seed=9, leading_zero_share=0.5)
    path = env / "new.xlsx"
    synth.write_workbook(df, path)
    client = Client(path, name="new.xlsx")
    book = client.book(xw)
    m = dg.seal_book(book, host=Staff(book, client), version=__version__)
    assert m["rows"] == "30" and m["sheet"] == "申請者一覧" and m["header_row"] == "3"
    assert alerts(book)[0][0].startswith("封印しました: 30 行")
    assert not ids_leaked(book, ids(df))
    funcs = [a["func"] for a in actions(book)]
    assert funcs[:5] == ["setValues", "setColumnHidden", "addSheet", "setSheetVisibility", "setValues"]
    client.apply(book)
    assert client.cell("申請者一覧", 3, 12) == "DonorGuard" and ("申請者一覧", 12) in client.hidden_columns
    assert client.sheet("_DonorGuard")["visibility"] == "Hidden"

    book = client.book(xw)
    assert dg.check_book(book, host=Staff(book, client)).clean
    # the file layer reads the Excel seals as valid
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for r, v in enumerate(client.sheet("申請者一覧")["values"], start=1):
        if len(v) >= 12 and v[11]:
            ws.cell(r, 12, v[11])
    man = wb.create_sheet("_DonorGuard")
    for r, (k, v) in enumerate(client.sheet("_DonorGuard")["values"], start=1):
        man.cell(r, 1, k)
        man.cell(r, 2, str(v)).number_format = "@"
    man.sheet_state = "hidden"
    copy_path = env / "copy.xlsx"
    wb.save(copy_path)
    _, report, _ = files.check_file(copy_path, rules_mod.load())
    assert report.clean

    book = client.book(xw)                                 # sealing twice is refused
    assert dg.seal_book(book, host=Staff(book, client)) is None
    assert alerts(book)[-1][0].endswith("はすでに封印されています。変更した行は「承認」してください。")


def test_seal_in_excel_without_an_audit_trace_changes_nothing(xw, env, monkeypatch):
    """The write-ahead rule in Excel: the log is a folder, so the intent cannot be written and nothing is."""
    import donorguard.excel as dg
    df = synth.make_people(12, seed=4)
    path = env / "new.xlsx"
    synth.write_workbook(df, path)
    (env / "log-folder").mkdir()
    monkeypatch.setenv("DONORGUARD_AUDIT_LOG", str(env / "log-folder"))
    client = Client(path, name="new.xlsx")
    book = client.book(xw)
    assert dg.seal_book(book, host=Staff(book, client)) is None
    assert [a[0] for a in alerts(book)] == [f"監査ログ {env / 'log-folder'} に書き込めないため、何もしていません"
                                            "（ファイルではなくフォルダーです）。"]
    assert [a["func"] for a in actions(book)] == ["alert"]                  # no cell, no sheet written


def test_seal_in_excel_says_what_the_export_encoding_cannot_carry(xw, env):
    import donorguard.excel as dg
    df = synth.make_people(12, seed=4)
    df.loc[2, "氏名"] = "𠮷田\u3000花子"
    path = env / "new.xlsx"
    synth.write_workbook(df, path)
    client = Client(path, name="new.xlsx")
    book = client.book(xw)
    assert dg.seal_book(book, host=Staff(book, client)) is not None
    text = alerts(book)[0][0]
    assert text.startswith("封印しました: 12 行") and "お知らせ\n・氏名 の「𠮷」（U+20BB7、行 6）" in text


def test_ids_stored_as_numbers_check_clean(xw, env):
    import donorguard.excel as dg
    df = synth.make_people(20, seed=4, leading_zero_share=0.0)
    path = env / "num.xlsx"
    synth.write_workbook(df, path, ids_as_numbers=True, dates_as_text=True)
    files.seal_file(path, rules_mod.load())
    client = Client(path)
    assert isinstance(client.cell("申請者一覧", FIRST, H), int)
    book = client.book(xw)
    assert dg.check_book(book, host=Staff(book, client)).clean


def test_approve_an_added_row(xw, env):
    import donorguard.excel as dg
    path, df = sealed(env, n=20)
    extra = synth.make_people(25, seed=77).iloc[24]
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for j, c in enumerate(synth.COLUMNS, start=1):
        v = extra[c]
        ws.cell(24, j, v if not hasattr(v, "item") else v.item())
    wb.save(path)
    client = Client(path)
    book = client.book(xw)
    report = dg.check_book(book, host=Staff(book, client))
    assert report.findings["kind"].tolist() == ["unsealed"]
    assert set(painted(book)) == {(24, c) for c in range(1, 12)} and set(painted(book).values()) == {"#ffd966"}
    client.apply(book)
    assert client.data["book"]["active_sheet_index"] == 1  # the report is shown

    book = client.book(xw)                                 # rows selected on the report sheet: refused
    assert dg.approve_book(book, rows="24:24", reason="x", host=Staff(book, client)) is None
    assert alerts(book)[-1][0].startswith("承認する行は一覧のシート「申請者一覧」で選んでください")
    client.data["book"]["active_sheet_index"] = 0          # staff click the row's link

    book = client.book(xw)                                 # no reason yet: staff are told where to type it
    assert dg.approve_book(book, rows="24:24", host=Staff(book, client), version=__version__) is None
    assert "B4 セルに理由を入力" in alerts(book)[-1][0]
    client.apply(book)
    client.sheet("検査結果")["values"][3][1] = "原本と照合して追加 123456789012"
    client.data["book"]["active_sheet_index"] = 0          # back on the list, row 24 selected

    book = client.book(xw)
    m = dg.approve_book(book, rows="$24:$24", host=Staff(book, client))
    assert m is not None and json.loads(m["approvals"])[-1]["reason"] == "原本と照合して追加 ********9012"
    text = alerts(book)[-1][0]
    assert text.startswith("行 24 を承認して封印し直しました") and "********9012" in text
    assert "問題ありません" in text
    assert not ids_leaked(book, ids(df) | {"123456789012"})
    client.apply(book)
    assert client.fills.get("申請者一覧", {}) == {}
    assert client.sheet("検査結果")["values"][3][1] in ("", None)   # the used reason is cleared
    client.data["book"]["active_sheet_index"] = 0
    book = client.book(xw)
    assert dg.check_book(book, host=Staff(book, client)).clean


def test_approve_refuses_moved_values(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(kosai(env, path))
    book = client.book(xw)
    assert dg.approve_book(book, rows="4:6", reason="x", host=Staff(book, client)) is None
    assert "先に「修復」を実行してください" in alerts(book)[-1][0]
    assert [a["func"] for a in actions(book)] == ["alert"]


def test_status_changes_nothing(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(kosai(env, path))
    book = client.book(xw)
    text = dg.status_book(book, host=Staff(book, client), version=__version__)
    assert "封印: 40 行" in text and "送付できません" in text and __version__ in text
    assert [a["func"] for a in actions(book)] == ["alert"]


def test_version_mismatch_is_refused(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(kosai(env, path))
    for button in (dg.check_book, dg.repair_book, dg.seal_book, dg.export_book, dg.status_book,
                   dg.approve_book):
        book = client.book(xw)
        assert button(book, version="0.0.9", host=Staff(book, client, press=["ok"])) is None
        (text, _, _, mode, _), = alerts(book)
        assert "版 0.0.9" in text and f"版 {__version__}" in text and mode == "critical"
        assert [a["func"] for a in actions(book)] == ["alert"]
    book = client.book(xw)
    verdict = env / "donorguard-verdict-v.txt"
    assert dg.on_save(book, verdict=str(verdict), version="0.0.9", host=Staff(book, client)) == "ok"
    assert verdict.read_bytes() == b"ok\r\n"


# -- the save hook --------------------------------------------------------------------------------

@pytest.mark.parametrize("policy, press, expected", [
    ("confirm", ["yes"], "ok"),
    ("confirm", ["no"], "cancel"),
    ("block", [], "cancel"),
    ("warn", [], "ok"),
])
def test_save_of_a_broken_list_follows_the_policy(xw, env, policy, press, expected):
    import donorguard.excel as dg
    path, df = sealed(env, rules=rules_with(env, policy))
    client = Client(kosai(env, path))
    book = client.book(xw)
    verdict = env / "donorguard-verdict-20260101-ABC.txt"
    staff = Staff(book, client, press=press)
    assert dg.on_save(book, verdict=str(verdict), version=__version__, host=staff) == expected
    assert verdict.read_bytes() == expected.encode() + b"\r\n"
    assert [a["func"] for a in actions(book)] == ["alert"]          # read-only: no write to the workbook
    (text, _, buttons, mode, _), = alerts(book)
    assert text.startswith("このブックには問題があります。") and mode == "critical"
    assert buttons == ("yes_no" if policy == "confirm" else "ok")
    assert not ids_leaked(book, ids(df))
    assert not list(env.glob(".dg-verdict-*"))


def test_save_of_a_clean_list_is_silent(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(path)
    book = client.book(xw)
    verdict = env / "dg-verdict-xyz.txt"
    assert dg.on_save(book, verdict=str(verdict), host=Staff(book, client)) == "ok"
    assert verdict.read_bytes() == b"ok\r\n" and actions(book) == []


def test_save_on_an_engine_without_answers_lets_the_vba_ask(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(kosai(env, path))
    book = client.book(xw)
    verdict = env / "donorguard-verdict-x.txt"
    assert dg.on_save(book, verdict=str(verdict)) == "ask"
    assert verdict.read_bytes() == b"ask\r\n"


def test_save_hook_finds_the_workbook_by_name(xw, env):
    """The VBA passes Wb.Name (any characters): the book being saved, not necessarily the active one."""
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(kosai(env, path), name="名簿 'R8' (1).xlsx")
    book = client.book(xw)
    other = Client(path, name="other.xlsx").book(xw)
    verdict = env / "donorguard-verdict-n.txt"
    assert dg.on_save("名簿 'r8' (1).xlsx", verdict=str(verdict), version=__version__) == "ask"
    assert [a["func"] for a in actions(book)] == ["alert"] and actions(other) == []
    assert verdict.read_bytes() == b"ask\r\n"


def test_save_that_cannot_be_checked_still_saves(xw, env, monkeypatch):
    import donorguard.excel as dg
    path, _ = sealed(env)
    monkeypatch.setenv("DONORGUARD_KEY_FILE", str(env / "other.key"))
    keys.create(env / "other.key")
    client = Client(kosai(env, path))
    book = client.book(xw)
    verdict = env / "donorguard-verdict-k.txt"
    assert dg.on_save(book, verdict=str(verdict), host=Staff(book, client)) == "ok"
    assert verdict.read_bytes() == b"ok\r\n"
    assert "別の封印鍵" in alerts(book)[0][0] and "そのまま保存されます" in alerts(book)[0][0]


def test_verdict_goes_only_to_a_verdict_file(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(path)
    book = client.book(xw)
    with pytest.raises(ValueError):
        dg.on_save(book, verdict=str(env / "list.xlsx"), host=Staff(book, client))


def test_unsealed_list_is_not_checked(xw, env):
    import donorguard.excel as dg
    df = synth.make_people(10, seed=2)
    path = env / "plain.xlsx"
    synth.write_workbook(df, path)
    client = Client(path)
    book = client.book(xw)
    assert dg.check_book(book, host=Staff(book, client)) is None
    assert alerts(book)[0][0].endswith("はまだ封印されていません。正しい一覧であることを確かめてから封印してください。")
    assert alerts(book)[0][3] == "critical"


def test_list_away_from_a1(xw, env):
    import donorguard.excel as dg
    df = synth.make_people(15, seed=6)
    path = env / "offset.xlsx"
    synth.write_workbook(df, path, title=None, start_col=3)
    files.seal_file(path, rules_mod.load())
    client = Client(kosai(env, path))
    book = client.book(xw)
    report = dg.check_book(book, host=Staff(book, client))
    moved = set(report.findings["row"].astype(int))
    assert set(painted(book)) == {(r, H + 2) for r in moved}
    book = client.apply(book).book(xw)
    dg.repair_book(book, host=Staff(book, client, press=["ok"]))
    client.apply(book)
    assert [client.cell("申請者一覧", 2 + i, H + 2) for i in range(15)] == df["個人番号"].tolist()


def test_repair_lists_cells_to_reenter(xw, env):
    import donorguard.excel as dg
    path, df = sealed(env)
    broken = kosai(env, path)
    wb = openpyxl.load_workbook(broken)
    lost_owner_row = FIRST + df["個人番号"].tolist().index(wb.worksheets[0]["H10"].value)
    wb.worksheets[0]["H10"] = "000000000019"      # overwritten: its value is nowhere in the sheet now
    wb.save(broken)
    client = Client(broken)
    book = client.book(xw)
    before, after, reentry = dg.repair_book(book, host=Staff(book, client, press=["ok"]))
    assert not after.clean and reentry["row"].tolist() == [lost_owner_row]
    text = alerts(book)[-1][0]
    assert f"  {lost_owner_row} 行目: 個人番号" in text and "原本から入力し直してください" in text
    assert not ids_leaked(book, ids(df) | {"000000000019"},
                          exempt=lambda a: a["func"] == "setValues" and a["sheet_position"] == 0)
    client.apply(book)
    rows = report_values(client)
    at = next(i for i, r in enumerate(rows) if r[0] == "原本から入力し直すセル")
    assert rows[at + 2][:2] == [f"=HYPERLINK(\"#'申請者一覧'!H{lost_owner_row}\",{lost_owner_row})", "個人番号"]


@pytest.mark.parametrize("selected, asked", [
    ("", "封印時の行 10 の人が一覧から削除されています"),
    ("10:10", "選んだ行 10 の封印時の人は削除されています。"),     # its row selected: its deletion is asked about
])
def test_approve_a_deleted_row(xw, env, selected, asked):
    import donorguard.excel as dg
    path, df = sealed(env, n=20)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0].delete_rows(10)
    wb.save(path)
    client = Client(path)
    book = client.book(xw)
    staff = Staff(book, client, press=["yes"])
    m = dg.approve_book(book, rows=selected, reason="寄附の取消", host=staff)
    assert m is not None and asked in staff.asked[0]
    assert json.loads(m["approvals"])[-1]["removed"] == "10"
    assert "封印時の行 10 の削除を承認しました" in alerts(book)[-1][0]
    book = client.apply(book).book(xw)
    assert dg.check_book(book, host=Staff(book, client)).clean


def test_modules_from_the_workbook_folder_are_refused(tmp_path, monkeypatch):
    import types

    from donorguard.core.errors import UnsafeImport
    from donorguard.excel import _guard_folder
    folder = tmp_path / "received"
    (folder / "yaml").mkdir(parents=True)
    fake = types.ModuleType("yaml")
    fake.__file__ = str(folder / "yaml" / "__init__.py")
    monkeypatch.setitem(__import__("sys").modules, "yaml", fake)
    monkeypatch.setattr(__import__("sys"), "path", ["/usr/lib", str(folder)])
    with pytest.raises(UnsafeImport):
        _guard_folder(types.SimpleNamespace(fullname=str(folder / "list.xlsx")))
    assert __import__("sys").path == ["/usr/lib"]


# -- the Windows adapter, against a stand-in for Excel's COM objects ------------------------------

class _Interior:
    def __init__(self, api, cells):
        self.api, self.cells = api, cells

    @property
    def ColorIndex(self):
        self.api.reads += 1
        got = {self.api.fill.get(c) for c in self.cells}
        return -4142 if got == {None} else None if len(got) > 1 else 6

    @property
    def Color(self):
        got = {self.api.fill.get(c) for c in self.cells}
        if len(got) > 1:
            return None
        colour = got.pop() or "#ffffff"
        r, g, b = int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
        return r + (g << 8) + (b << 16)

    @ColorIndex.setter
    def ColorIndex(self, v):
        assert v == -4142
        self.api.writes.append((self.address, None))
        for c in self.cells:
            self.api.fill.pop(c, None)

    @Color.setter
    def Color(self, v):
        colour = f"#{v & 255:02x}{(v >> 8) & 255:02x}{(v >> 16) & 255:02x}"
        self.api.writes.append((self.address, colour))
        for c in self.cells:
            self.api.fill[c] = colour


class _SheetApi:
    """Range(address).Interior over a dict of fills; counts reads, records writes."""

    def __init__(self, fill):
        self.fill, self.reads, self.writes = dict(fill), 0, []

    def Range(self, address):
        from openpyxl.utils.cell import range_boundaries
        cells = []
        for part in address.split(","):
            c1, r1, c2, r2 = range_boundaries(part)
            cells += [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        interior = _Interior(self, cells)
        interior.address = address
        return type("R", (), {"Interior": interior})()


def test_windows_adapter_reads_fills_by_halving_and_paints_unions():
    from donorguard.excel.host import WindowsHost
    api = _SheetApi({(5, 8): "#ffff00", (6, 8): "#ffff00"})
    sheet = type("S", (), {"api": api})()
    host = WindowsHost(book=None)
    cells = [(r, 8) for r in range(4, 1004)]
    got = host.fills(sheet, cells)
    assert got[(5, 8)] == got[(6, 8)] == "#ffff00" and {got[c] for c in cells[3:]} == {None}
    assert api.reads < 40                                     # not one read per cell
    host.paint(sheet, {c: "#ff9999" for c in cells})
    assert api.writes == [("H4:H1003", "#ff9999")]
    api.writes.clear()
    host.paint(sheet, {(r, 8): None for r in range(4, 200, 2)})
    assert all(len(a) <= 250 for a, _ in api.writes) and {c for _, c in api.writes} == {None}
    assert sum(len(a.split(",")) for a, _ in api.writes) == 98


def test_english_on_request(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env)
    client = Client(kosai(env, path))
    book = client.book(xw)
    dg.check_book(book, host=Staff(book, client), lang="en")
    text = alerts(book)[-1][0]
    assert text.startswith("Blocked: 39 of 40 rows have problems.")
    assert "The column(s) 個人番号 were sorted apart" in text


def test_every_call_the_vba_makes_exists():
    """The names and keywords in addin/vba/*.bas|.cls are the functions' own."""
    import inspect

    import donorguard.excel as dg
    vba = ""
    for p in (Path(__file__).resolve().parents[2] / "addin" / "vba").glob("*.[bc][al][ss]"):
        vba += p.read_text(encoding="utf-8")
    calls = re.findall(r'(?:RunDonorGuard "|dg\.)(\w+)\((.*)', vba)
    assert {name for name, _ in calls} == set(dg.__all__)
    for name, rest in calls:
        params = inspect.signature(getattr(dg, name)).parameters
        for kw in re.findall(r"(\w+)=", rest):
            assert kw in params, (name, kw)


def test_sealing_a_list_in_an_excel_table_widens_the_table(xw, env):
    """The ListObject takes in the seal column (xlwings: Table.resize), so sorts inside the Table carry seals."""
    import donorguard.excel as dg
    path = env / "table.xlsx"
    synth.write_workbook(synth.make_people(20, seed=2), path, table=True)
    client = Client(path, name="table.xlsx")
    assert client.sheet("申請者一覧")["tables"][0]["range_address"] == "$A$3:$K$23"
    book = client.book(xw)
    assert dg.seal_book(book, host=Staff(book, client)) is not None
    [resize] = actions(book, "resizeTable")
    assert resize["args"][0] == 0 and resize["args"][1].replace("$", "") == "A3:L23"
    client.apply(book)
    book = client.book(xw)
    assert dg.check_book(book, host=Staff(book, client)).clean


def test_sealing_ids_typed_as_numbers_offers_the_zeros(xw, env):
    import donorguard.excel as dg
    df = synth.make_people(20, seed=4, leading_zero_share=0.5)
    path = env / "num.xlsx"
    synth.write_workbook(df, path, ids_as_numbers=True)
    lost = [i + FIRST for i, v in enumerate(df["個人番号"]) if v.startswith("0")]
    client = Client(path, name="num.xlsx")
    book = client.book(xw)
    staff = Staff(book, client, press=["no"])
    assert dg.seal_book(book, host=staff) is None
    assert staff.asked[0].startswith(f"個人番号 の {len(lost)} 個のセル（行 ")
    assert alerts(book)[-1][0].startswith("この一覧は封印できません: 個人番号が先頭の 0 が失われている")
    book = client.book(xw)
    staff = Staff(book, client, press=["yes"])
    assert dg.seal_book(book, host=staff) is not None
    client.apply(book)
    assert [client.cell("申請者一覧", r, H) for r in lost] == [df["個人番号"].iat[r - FIRST] for r in lost]
    book = client.book(xw)
    assert dg.check_book(book, host=Staff(book, client)).clean


def test_repair_after_a_sort_without_the_seal_column_moves_only_seals(xw, env):
    import donorguard.excel as dg
    path, df = sealed(env, n=20)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    rows = [[ws.cell(r, c).value for c in range(1, 12)] for r in range(FIRST, FIRST + 20)]
    rows.sort(key=lambda v: str(v[1]))
    for i, v in enumerate(rows):
        for j, x in enumerate(v):
            ws.cell(FIRST + i, 1 + j).value = x
    wb.save(path)
    client = Client(path)
    book = client.book(xw)
    report = dg.check_book(book, host=Staff(book, client))
    assert report.clean and "封印の列（DonorGuard）が並べ替えに含まれず" in alerts(book)[-1][0]
    book = client.book(xw)                                  # the save hook does not ask: nothing is separated
    verdict = env / "dg-verdict-sort.txt"
    assert dg.on_save(book, verdict=str(verdict), version=__version__, host=Staff(book, client)) == "ok"
    assert not alerts(book) and verdict.read_bytes() == b"ok\r\n"
    book = client.book(xw)
    done = dg.repair_book(book, host=Staff(book, client), confirmed=True)
    assert done is not None
    written = actions(book, "setValues")
    assert {a["start_column"] + 1 for a in written if a["sheet_position"] == 0} == {12}
    assert alerts(book)[-1][0].startswith(f"{len(report.notices['rows'].iat[0])} 個の封印をそれぞれの行に戻しました。")
    book = client.apply(book).book(xw)
    again = dg.check_book(book, host=Staff(book, client))
    assert again.clean and again.notices.empty
# -- issue 16: the rule set picker, long selections, AutoSave ---------------------------------------

def test_seal_lets_staff_pick_the_rule_set(xw, env):
    import donorguard.excel as dg
    df = synth.make_people(10, seed=9)
    path = env / "new.xlsx"
    synth.write_workbook(df, path)
    for typed, ok in (("9", False), ("", False), ("1", True)):
        client = Client(path, name="new.xlsx")
        book = client.book(xw)
        staff = Staff(book, client, typed=typed)
        m = dg.seal_book(book, host=staff)
        assert staff.asked[0].startswith("封印に使う規則を番号で選んでください（空欄のままなら furusato-onestop）")
        assert "  1. furusato-onestop（既定）\n  2. payroll-report" in staff.asked[0]
        assert (m is not None) is ok and (m or {}).get("rules") in (None, "furusato-onestop")
    assert alerts(book)[-1][0].startswith("封印しました: 10 行（規則 furusato-onestop")


def test_a_long_selection_comes_in_a_file(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env, n=20)
    rows = env / "donorguard-rows-20260101-1.txt"
    rows.write_text(",".join(f"{r}:{r}" for r in range(4, 24)), encoding="ascii")
    client = Client(path)
    book = client.book(xw)
    assert dg.approve_book(book, rows_file=str(rows), reason="x", host=Staff(book, client)) is None
    assert alerts(book)[-1][0].startswith("選んだ行（4-23）には承認が必要な変更がありません") and not rows.exists()
    book = client.book(xw)                                # only the add-in's own temporary files are read
    assert dg.approve_book(book, rows_file=str(path), host=Staff(book, client)) is None
    assert "ValueError" in alerts(book)[-1][0] and path.exists()


def test_autosave_warns_once_and_always_saves(xw, env):
    import donorguard.excel as dg
    path, _ = sealed(env, rules=rules_with(env, "block"))
    client = Client(kosai(env, path))
    book = client.book(xw)
    verdict = env / "donorguard-verdict-auto.txt"
    assert dg.on_save(book, verdict=str(verdict), autosave=True, host=Staff(book, client)) == "ok"
    (text, _, buttons, _, _), = alerts(book)
    assert buttons == "ok" and text.endswith("自動保存（AutoSave）が有効なため、このブックの保存時の検査はこの 1 回"
                                              "だけです。送付の前に「検査」を押してください。")


def test_report_sheet_and_dialog_carry_whatever_notices_the_core_gives(xw, env):
    """Notices (worth knowing, not separations) come through by their own message, whatever their kind."""
    import dataclasses

    import pandas as pd

    from donorguard.excel import report_sheet, workbook
    path, _ = sealed(env)
    client = Client(kosai(env, path))
    book = client.book(xw)
    import donorguard.excel as dg
    report = dg.check_book(book, host=Staff(book, client))
    noticed = dataclasses.replace(report, notices=pd.DataFrame(
        [{"notice": "some_future_notice", "rows": [5], "columns": ["寄附日"], "message": "お知らせの文です。"}]))
    assert "・お知らせの文です。" in report_sheet.summary(noticed, "ja").splitlines()
    book = client.book(xw)
    view = workbook.read(book, Staff(book, client))
    report_sheet.write(view, noticed, "ja")
    rows = client.apply(book).sheet("検査結果")["values"]
    assert ["お知らせ"] == [r[0] for r in rows if r and r[0] == "お知らせ"]
    assert any(r[5] == "お知らせの文です。" and r[2] == "寄附日" for r in rows if len(r) > 5)
