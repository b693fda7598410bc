import datetime

import openpyxl
import pandas as pd
from stdnum.jp import in_ as mynumber

from donorguard.tools import synth


def test_check_digits_and_ids():
    df = synth.make_people(500, seed=1, leading_zero_share=0.2)
    assert list(df.columns) == synth.COLUMNS
    assert all(mynumber.is_valid(v) for v in df["個人番号"])
    assert df["個人番号"].is_unique and df["寄附者番号"].is_unique
    assert 40 < df["個人番号"].str.startswith("0").sum() < 160
    assert all(synth.lgcode_is_valid(v) for v in df["住所地市町村コード"])
    assert df["住所地市町村コード"].value_counts().iloc[0] > 50  # skewed
    assert df["寄附日"].nunique() < 30 and all(d.year == 2026 for d in df["寄附日"])
    assert set(df["寄附金額"]) <= {10000, 20000, 30000, 50000, 100000}
    assert all(datetime.date(1940, 1, 1) <= d <= datetime.date(2005, 12, 31) for d in df["生年月日"])


def test_lgcode_check_digit():
    assert synth.lgcode_check_digit("22221") == 6 and synth.lgcode_is_valid("222216")
    assert synth.lgcode_check_digit("13101") == 6 and synth.lgcode_is_valid("131016")
    assert not synth.lgcode_is_valid("222217")


def test_deterministic():
    assert synth.make_people(50, seed=3).equals(synth.make_people(50, seed=3))
    assert not synth.make_people(50, seed=3).equals(synth.make_people(50, seed=4))


def test_workbook_keeps_leading_zeros(tmp_path):
    df = synth.make_people(60, seed=2, leading_zero_share=0.5)
    path = tmp_path / "list.xlsx"
    synth.write_workbook(df, path, free_columns={"備考": ["x"] * 60})
    back = pd.read_excel(path, dtype=str, header=2, engine="openpyxl")
    assert list(back.columns[:2]) == ["寄附者番号", "氏名"] and back.columns[-1] == "備考"
    for col in synth.TEXT_COLUMNS:
        assert back[col].tolist() == df[col].tolist()
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == synth.DEFAULT_TITLE and ws["A3"].font.b
    assert ws["E4"].is_date and ws["E4"].number_format == "yyyy/mm/dd"


def test_kosai_mistake(tmp_path):
    df = synth.make_people(40, seed=5)
    src, dst = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    synth.write_workbook(df, src)
    synth.kosai_mistake(src, dst)
    back = pd.read_excel(dst, dtype=str, header=2, engine="openpyxl")
    assert back["個人番号"].tolist() == sorted(df["個人番号"])
    for col in ("寄附者番号", "氏名", "住所地市町村コード"):
        assert back[col].tolist() == df[col].tolist()
