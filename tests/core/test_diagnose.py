"""diagnose: causes from the check's Evidence alone (fill-down, shifted pastes, sorts, removed rows with the exact
command), and the exact sentence of every new cause and notice in Japanese and English."""
import random

import pytest
from sheets import HEADER, KEY, RULES, Sheet

from donorguard.core import diagnose as diagnose_mod
from donorguard.core.check import Checker, check
from donorguard.core.codes import Cause, Kind, Notice
from donorguard.core.explain import explain
from donorguard.text.messages import Messages


def test_fill_down_over_ids_is_an_overwrite_with_duplicates():
    """The issue's case: Ctrl+D over IDs puts one number on four rows. Each copy is a `duplicate` finding naming
    the row it belongs to; the cause is cells_overwritten, never column_sorted_alone; the values written over are
    listed for re-entry."""
    s = Sheet.make(12, 7, [])
    j = s.columns.index("個人番号")
    for i in (4, 5, 6):
        s.cells[i][j] = s.cells[3][j]
    rep = check(s.table(), s.m, KEY)
    f = rep.findings
    dup = f[f["kind"] == Kind.DUPLICATE]
    assert dup["row"].tolist() == [HEADER + 5, HEADER + 6, HEADER + 7]
    assert set(dup["belongs_at_row"]) == {HEADER + 4} and all(c == ["個人番号"] for c in dup["columns"])
    assert rep.diagnosis["cause"].tolist() == [Cause.CELLS_OVERWRITTEN]
    assert sorted(q for q, _ in rep.plan.reentry) == [4, 5, 6]


def test_a_shifted_copy_is_a_paste_with_its_shift():
    s = Sheet.make(40, 3, [])
    j = s.columns.index("個人番号")
    s.paste(j, j, 10, 19, 3, cut=False)
    rep = check(s.table(), s.m, KEY)
    assert rep.diagnosis["cause"].tolist() == [Cause.PASTE_SHIFTED] and rep.diagnosis["shift"].tolist() == [3]
    assert Kind.DUPLICATE in set(rep.findings["kind"])       # the copies of rows 10-12: their owners still have them


@pytest.mark.parametrize("k", [1, 3, -2])
def test_shifted_paste_is_diagnosed_with_its_shift(k):
    s = Sheet.make(40, 3, [])
    j = s.columns.index("個人番号")
    s.paste(j, j, 10, 19, k, cut=True)
    d = check(s.table(), s.m, KEY).diagnosis
    assert d["cause"].tolist() == [Cause.PASTE_SHIFTED] and d["shift"].tolist() == [k]


def test_diagnose_reads_only_the_evidence():
    """The Evidence is frozen and complete: diagnose gives the same causes from it alone."""
    s = Sheet.make(20, 2, [])
    j = s.columns.index("個人番号")
    s.sort(j, j, 0, s.n - 1, j)
    ck = Checker(s.table(), s.m, RULES, KEY, Messages("ja"), "名簿.xlsx")
    ck.canon = __import__("donorguard.core.fingerprint", fromlist=["canonical"]).canonical(s.table().values, RULES)
    found = explain(ck, __import__("numpy").zeros(s.n, bool))
    with pytest.raises(AttributeError):
        found.evidence.rows = None                                # frozen
    d = diagnose_mod.diagnose(found.evidence, Messages("en"))
    assert d["cause"].tolist() == [Cause.COLUMN_SORTED_ALONE]
    assert d["message"].iat[0].startswith("The column(s) 個人番号 were sorted apart from the others")


def test_removed_rows_name_the_exact_command():
    s = Sheet.make(10, 2, [])
    for i in (6, 5):
        del s.cells[i], s.origin[i]
    t = s.table()
    from donorguard.core.check import Checker as C
    rep = C(t, s.m, RULES, KEY, Messages("ja"), "寄附者 名簿.xlsx").run()
    d = rep.diagnosis
    assert d["cause"].tolist() == [Cause.ROWS_REMOVED]
    assert d["message"].iat[0] == (
        "封印時の行が削除されています（封印時の行 9-10）。元に戻すか、削除が正しければ承認してください"
        "（donorguard approve \"寄附者 名簿.xlsx\" --removed 9-10 --reason \"理由\"、Excel では行を選ばずに"
        "「承認」）。")
    en = C(t, s.m, RULES, KEY, Messages("en"), "名簿.xlsx").run().diagnosis["message"].iat[0]
    assert en == ("Sealed rows were deleted (sealed rows 9-10). Undo, or approve the removal if it is right "
                  "(donorguard approve 名簿.xlsx --removed 9-10 --reason \"why\"; in Excel, approve with no row "
                  "selected).")


EXACT = {
    ("cause", Cause.CELLS_OVERWRITTEN): (
        "個人番号 に、ほかの行の値の写しが上書きされています（行 5-7）。上書きされた元の値はシートにないため、"
        "元に戻す（Ctrl+Z）か、原本から入力し直してください。",
        "Copies of other rows' values were written over 個人番号 (rows 5-7). The values they replaced are nowhere "
        "in the sheet: undo (Ctrl+Z) or re-enter them from the source documents."),
    ("cause", Cause.STALE_ROWS): (
        "一覧の古い版から写された行があります（行 5-7）。その後の承認（訂正）が失われています。最新の版から行を戻して"
        "ください。",
        "Rows were copied back from an older version of the list (rows 5-7); later approvals (corrections) are lost. "
        "Bring the rows back from the latest version."),
    ("cause", Cause.SIDES_TIED): (
        "並べ替えた列と残りの列がちょうど同じ幅のため、どちらが動いたか判断できません（行 5-7）。これらの行は「修復」"
        "で書き換えません。元に戻す（Ctrl+Z）か、手で直してください。",
        "The sorted columns and the others are exactly as wide, so which of them moved cannot be told (rows 5-7). "
        "Repair leaves these rows alone: undo (Ctrl+Z) or fix them by hand."),
    ("cause", Cause.LEADING_ZEROS_LOST): (
        "個人番号 の先頭の 0 が失われています（行 5-7）。「修復」で戻すか、セルを文字列にして入力し直してください。",
        "個人番号 lost their leading zeros (rows 5-7). Run repair, or re-enter them in cells formatted as text."),
    ("cause", Cause.PASTE_SHIFTED): (
        "個人番号 が 2 行下にずれています（行 5-7）。ずれた貼り付けか、セルの挿入・削除で起きます。元に戻す（Ctrl+Z）"
        "か、「修復」で封印どおりの行に戻してください。",
        "個人番号 sit 2 rows down of where they belong (rows 5-7): a shifted paste, or cells inserted or deleted. Undo "
        "(Ctrl+Z) or run repair to put them back as sealed."),
    ("notice", Notice.SEALS_OUT_OF_PLACE): (
        "封印の列（DonorGuard）が並べ替えに含まれず、3 行で封印が別の行にあります（行 5-7）。どの行も値はそろって"
        "いて、送付には支障ありません。「修復」で封印をそれぞれの行に戻せます。",
        "The seal column (DonorGuard) was left out of a sort: in 3 rows the seal is in another row (rows 5-7). Every "
        "row's values still belong together, so the list can be sent; repair puts each seal back beside its row."),
    ("notice", Notice.FORMULAS_SEALED): (
        "個人番号 の 3 行（行 5-7）は数式です。封印したのはその値で、数式の結果は編集しなくても変わることがあります。"
        "値として貼り付けておくと安全です。",
        "3 rows of 個人番号 hold formulas (rows 5-7). Their values were sealed; a formula's result can change without "
        "any edit. Paste them as values to be safe."),
}


@pytest.mark.parametrize("key", list(EXACT), ids=lambda k: k[1])
def test_exact_sentences(key):
    section, code = key
    for lang, want in zip(("ja", "en"), EXACT[key]):
        m = Messages(lang)
        got = m.cause(code, [5, 6, 7], ["個人番号"], 2) if section == "cause" else \
            m.notice(code, [5, 6, 7], ["個人番号"])
        assert got == want


def test_exact_finding_sentences():
    ja, en = Messages("ja"), Messages("en")
    assert ja.copied(8, ["個人番号"], 7, "見本野　優也", "****-****-4656") == (
        "8 行目の 個人番号 (****-****-4656) は 7 行目（見本野　優也 さん）の番号を写したもので、この行の番号は"
        "上書きされています。")
    assert en.copied(8, ["個人番号"], 7, None, "****-****-4656") == (
        "Row 8: 個人番号 (****-****-4656) is a copy of the number of row 7; this row's own number was overwritten.")
    assert ja.stale() == ("この行の封印は古い版のものです。一覧の古い版から写された行で、その後の承認（訂正）が"
                          "反映されていません。")
    assert en.stale() == ("This row's seal is from an older version: the row was copied from an older version of "
                          "the list, before a later approval (correction).")
    assert ja.tied(9) == "9 行目では、列がちょうど半分ずつ別々に動いたため、どちらが元の行か判断できません。"
    assert ja.duplicate_values(4) == "この行は 4 行目の人の値をそのまま写した複製です。"
    assert ja.leading_zero(5, ["住所地市町村コード"], None) == \
        "5 行目の 住所地市町村コード は先頭の 0 が失われています。"
    assert ja.notice(Notice.SEAL_HEADER, [], header="") == (
        "封印の列の見出しが「空欄」になっていたため、封印の中身から列を見つけました。見出しを DonorGuard に戻して"
        "ください。")
    assert ja.notice(Notice.SEAL_HEADER, [], header="donorguard") == (
        "封印の列の見出しが「donorguard」になっていたため、封印の中身から列を見つけました。見出しを DonorGuard に"
        "戻してください。")
    assert en.notice(Notice.SEAL_HEADER, [], header="Seal") == (
        "The seal column's header reads \"Seal\", so the column was found by its seals. Put the header DonorGuard "
        "back.")


def test_other_swaps_and_sorts_keep_their_causes():
    s = Sheet.make(30, 4, [])
    j = s.columns.index("個人番号")
    s.cells[3][j], s.cells[17][j] = s.cells[17][j], s.cells[3][j]
    d = check(s.table(), s.m, KEY).diagnosis
    assert d["cause"].tolist() == [Cause.OTHER] and "入れ替わっています" in d["message"].iat[0]
    s = Sheet.make(30, 4, [])
    rng = random.Random(3)
    order = list(range(s.n))
    rng.shuffle(order)
    k = s.columns.index("氏名")
    s.permute(k, k + 1, 0, s.n - 1, order)
    d = check(s.table(), s.m, KEY).diagnosis
    assert d["cause"].tolist() == [Cause.COLUMN_SORTED_ALONE] and d["columns"].iat[0] == ["氏名", "フリガナ"]
