"""The live guard: the filter's rule (which changes call Python) and donorguard.excel.on_change on xlwings
remote-engine Books made from real sealed workbooks and edited as staff edit them in Excel."""
import random

import pytest
from test_buttons import Client, H, Staff, actions, alerts, env, sealed, xw  # noqa: F401  (fixtures)

from donorguard import __version__
from donorguard.excel import live
from live_cases import NAMED, sweep

FIRST, LAST = 4, 43          # data rows of a 40-row synth list


# -- the filter -----------------------------------------------------------------------------------

@pytest.mark.parametrize("what, case, expected", NAMED, ids=[n for n, _, _ in NAMED])
def test_filter_on_what_staff_do(what, case, expected):
    assert live.should_check(case.has_manifest, case.own_write, case.address, case.first_row, case.bound,
                             case.seal_col) is expected


def test_filter_sweep_invariants():
    """Over the whole sweep: no call without a manifest or for DonorGuard's own writes, never for one cell,
    a whole row or whole sealed rows; and adding an area never takes a call away."""
    for c in sweep():
        got = live.should_check(c.has_manifest, c.own_write, c.address, c.first_row, c.bound, c.seal_col)
        areas = [live.area_bounds(a) for a in c.address.split(",")]
        if not c.has_manifest or c.own_write:
            assert not got, c
        if all(r1 == r2 and c1 == c2 for r1, r2, c1, c2 in areas):
            assert not got or len(areas) > 1, c
        if all((c1, c2) == (1, live.LAST_COL) for _, _, c1, c2 in areas):
            assert not got, c
        if "," in c.address and got is False:
            first = c.address.split(",")[0]
            assert not live.should_check(c.has_manifest, c.own_write, first, c.first_row, c.bound, c.seal_col)


def test_addresses_read_like_excel_writes_them():
    assert live.area_bounds("$H$4:$H$43") == (4, 43, 8, 8)
    assert live.area_bounds("$3:$7") == (3, 7, 1, live.LAST_COL)
    assert live.area_bounds("$H:$K") == (1, live.LAST_ROW, 8, 11)
    assert live.area_bounds("'申請者一覧'!$B$4") == (4, 4, 2, 2)
    assert live.area_bounds("A1:XFD1048576") == (1, live.LAST_ROW, 1, live.LAST_COL)
    assert live.area_bounds("$4A") is None and live.area_bounds("") is None


# -- on_change on remote-engine Books ---------------------------------------------------------------

def column(client, col):
    vals = client.sheet("申請者一覧")["values"]
    return [vals[r - 1][col - 1] for r in range(FIRST, LAST + 1)]


def set_column(client, col, values, first=FIRST):
    vals = client.sheet("申請者一覧")["values"]
    for i, v in enumerate(values):
        vals[first - 1 + i][col - 1] = v


def edit(client, how):
    """Staff's edit, made on what the Excel client holds."""
    vals = client.sheet("申請者一覧")["values"]
    if how == "kosai sort":
        set_column(client, H, sorted(column(client, H)))
    elif how == "shifted paste":
        set_column(client, H, column(client, H)[:-2], first=FIRST + 2)
    elif how == "fill down":
        set_column(client, H, [column(client, H)[0]] * (LAST - FIRST + 1))
    elif how == "whole-table sort":
        rows = vals[FIRST - 1:LAST]
        random.Random(5).shuffle(rows)
        vals[FIRST - 1:LAST] = rows
    elif how == "single edit":
        vals[9][6] = "東京都千代田区千代田1-1"
    return client


def book_after(xw, env, how):  # noqa: F811
    path, _ = sealed(env)
    client = edit(Client(path), how)
    return client, client.book(xw)


@pytest.mark.parametrize("how, cause", [
    ("kosai sort", "個人番号 の列が残りの列と別々に並べ替えられ"),
    ("shifted paste", "個人番号 が 2 行下にずれています"),
    ("fill down", "個人番号"),
])
def test_a_separation_gets_one_dialog(xw, env, how, cause):  # noqa: F811
    import donorguard.excel as dg
    client, book = book_after(xw, env, how)
    text = dg.on_change(book, address="$H$4:$H$43", version=__version__, host=Staff(book, client))
    assert text is not None and [a["func"] for a in actions(book)] == ["alert"]   # nothing written
    (shown, title, buttons, mode, _), = alerts(book)
    assert shown == text and mode == "critical" and buttons == "ok"
    assert text.startswith("直前の操作で、封印した一覧の値が別の人の行に移りました。")
    assert cause in text
    assert text.endswith("元に戻す（Ctrl+Z）がまだ使えるなら、すぐに押してください。使えない場合は DonorGuard "
                         "タブの「修復」で封印どおりの行に戻せます。")
    again = client.book(xw)                  # the next change leaves the same separation: not said twice
    assert dg.on_change(again, address="$B$4:$B$5", host=Staff(again, client)) is None and actions(again) == []


@pytest.mark.parametrize("how", ["whole-table sort", "single edit", "clean"])
def test_no_dialog_without_a_separation(xw, env, how):  # noqa: F811
    import donorguard.excel as dg
    client, book = book_after(xw, env, how)
    assert dg.on_change(book, address="$A$4:$L$43", version=__version__, host=Staff(book, client)) is None
    assert actions(book) == []


def test_english_on_request(xw, env):  # noqa: F811
    import donorguard.excel as dg
    client, book = book_after(xw, env, "kosai sort")
    text = dg.on_change(book, address="$H$4:$H$43", lang="en", host=Staff(book, client))
    assert text.startswith("The last change moved values") and "The column(s) 個人番号 were sorted apart" in text


def test_switched_off_in_the_settings(xw, env, monkeypatch):  # noqa: F811
    import donorguard.excel as dg
    monkeypatch.setenv("DONORGUARD_LIVE_GUARD", "off")
    client, book = book_after(xw, env, "kosai sort")
    assert dg.on_change(book, address="$H$4:$H$43", host=Staff(book, client)) is None and actions(book) == []


def test_a_check_already_running_is_not_started_twice(xw, env):  # noqa: F811
    import donorguard.excel as dg
    from donorguard.store.fsio import lock
    client, book = book_after(xw, env, "kosai sort")
    with lock(live._state_file(book)):
        assert dg.on_change(book, address="$H$4:$H$43", host=Staff(book, client)) is None
    assert actions(book) == []
    assert dg.on_change(book, address="$H$4:$H$43", host=Staff(book, client)) is not None


def test_unsealed_and_unkeyed_lists(xw, env, monkeypatch):  # noqa: F811
    import donorguard.excel as dg
    from donorguard.store import keys
    client, book = book_after(xw, env, "kosai sort")
    keys.create(env / "other.key")
    monkeypatch.setenv("DONORGUARD_KEY_FILE", str(env / "other.key"))
    dg.on_change(book, address="$H$4:$H$43", host=Staff(book, client))
    (text, *_), = alerts(book)
    assert text.startswith("DonorGuard は直前の操作を確かめられませんでした: この一覧は別の封印鍵")
