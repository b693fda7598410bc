"""Canonical forms and the seal's bytes: golden vectors, so the exact bytes hashed never drift."""
import base64
import hashlib

import pandas as pd
import pytest

from donorguard.core import kinds
from donorguard.core.fingerprint import Sealer, parse
from donorguard.store.keys import Key
from donorguard.core.kinds import lgcode, mynumber
from donorguard.core.kinds.values import KINDS


def canon(kind, values):
    return kinds.canon_function(kind)(pd.Series(values, dtype=object)).tolist()


@pytest.mark.parametrize("kind, raw, want", [
    ("text", ["山田　太郎", " 山田  太郎 ", None, "a\tb", "ｶﾀｶﾅ"], ["山田 太郎", "山田 太郎", "", "a b", "カタカナ"]),
    ("kana", ["ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"], ["ヤマダ タロウ", "ヤマダ タロウ"]),
    ("date", ["1980-01-02 00:00:00", "1980/1/2", "1980年1月2日", "１９８０/０１/０２", "S55.1.2", ""],
     ["1980-01-02", "1980-01-02", "1980-01-02", "1980-01-02", "S55.1.2", ""]),
    ("amount", ["10,000", "10000.0", "１００００円", "0", "12.50", "abc"], ["10000", "10000", "10000", "0", "12.5", "abc"]),
    ("postal", ["〒431-0431", "4310431", "４３１－０４３１"], ["4310431", "4310431", "4310431"]),
    ("code", ["D000123", "123.0", "０１２"], ["D000123", "123", "012"]),
    ("mynumber", ["0123-4567-8901", "１２３４ ５６７８ ９０１２", "123456789012.0", None],
     ["012345678901", "123456789012", "123456789012", ""]),
])
def test_canonical_forms(kind, raw, want):
    assert canon(kind, raw) == want


def test_every_value_kind_maps_blank_to_empty():
    for name, f in KINDS.items():
        assert f(pd.Series([None, float("nan"), ""], dtype=object)).tolist() == ["", "", ""], name


def test_lgcode_check_digit():
    assert lgcode.is_valid("222216") and lgcode.is_valid("131016")
    assert not lgcode.is_valid("222217") and not lgcode.is_valid("22221")
    assert lgcode.calc_check_digit("01100") == "2"


def test_mynumber_problems_and_mask():
    valid = "123456789018"
    assert mynumber.is_valid(valid)
    assert mynumber.problem(valid) is None
    assert mynumber.problem("123456789019") == "check_digit"
    assert mynumber.problem("12345678901") == "length"
    assert mynumber.problem("12345678") == "length"
    assert mynumber.problem("") == "blank"
    assert mynumber.problem("12345678901a") == "not_digits"
    lost = "023456789013"
    assert mynumber.is_valid(lost) and mynumber.problem(lost[1:]) == "leading_zero_lost"
    assert mynumber.mask(valid) == "****-****-9018"
    assert valid not in mynumber.mask(valid)


KEY = Key(bytes(range(32)), "<test>")
NONCE = "00112233445566778899aabbccddeeff"


def _mac(person, size, data):
    """The construction documented in fingerprint.py, written out independently."""
    d = hashlib.blake2b(NONCE.encode() + b"\x00" + data, key=KEY.secret, digest_size=size, person=person).digest()
    return base64.urlsafe_b64encode(d).decode()


def test_golden_tags_and_seal():
    """The exact bytes: changing canonicalisation, separators or MAC parameters breaks every seal out there."""
    s = Sealer(KEY, NONCE)
    tag = _mac(b"DG-cell1", 6, "個人番号".encode() + b"\x00" + b"123456789018")[:8]
    assert s.tag("個人番号", "123456789018") == tag == "shqfezoe"
    assert s.tag("氏名", "123456789018") != tag
    canon = pd.DataFrame({"a": ["x"], "b": ["y"]})
    tags = pd.DataFrame({"a": [s.tag("a", "x")], "b": [s.tag("b", "y")]})
    head = f"DG1:7:{s.tag('a', 'x')}{s.tag('b', 'y')}"
    prefix = head + ":" + _mac(b"DG-seal1", 12, head.encode())[:16]
    row = _mac(b"DG-row01", 16, (prefix + "\x1e" + "x\x1fy").encode())[:22]
    seal = s.make_seals([7], tags, canon).iloc[0]
    assert seal == f"{prefix}:{row}" == "DG1:7:9Ira2JkXVt8_nn-N:_9T1VT6Q_UqJ9aJb:OGRmiELzVJaUbJDS6wTRyQ"
    p = parse(pd.Series([seal, "junk", None, seal + ":x"]), 2)
    assert p["ok"].tolist() == [True, False, False, False] and p["serial"].tolist() == [7, -1, -1, -1]


def test_rows_intact_compares_every_row_exactly():
    s = Sealer(KEY, NONCE)
    canon = pd.DataFrame({"a": ["x", "y", "z", "w", "v"], "b": ["1", "2", "3", "4", "5"]})
    tags = pd.DataFrame({c: s.tags(c, canon[c]).to_numpy() for c in canon})
    seals = s.make_seals(range(1, 6), tags, canon)
    p = parse(seals, 2)
    assert s.rows_intact(p["prefix"], canon, p["row_mac"]).tolist() == [True] * 5
    stored = p["row_mac"].astype(object).copy()
    stored[1] = stored[1][:-1] + ("A" if stored[1][-1] != "A" else "Q")   # last character changed
    stored[2] = stored[2][:-1]                                              # one character short
    stored[3] = None
    moved = canon.copy()
    moved.loc[4, "a"] = "x"                                                 # a value changed
    assert s.rows_intact(p["prefix"], moved, stored).tolist() == [True, False, False, False, False]
    assert s.seals_intact(p["head"], p["seal_mac"]).tolist() == [True] * 5
    assert s.rows_intact(p["prefix"].iloc[:0], canon.iloc[:0], p["row_mac"].iloc[:0]).tolist() == []


def test_other_key_or_nonce_gives_other_tags():
    a = Sealer(KEY, NONCE).tag("個人番号", "123456789018")
    assert Sealer(Key(bytes(32), "<z>"), NONCE).tag("個人番号", "123456789018") != a
    assert Sealer(KEY, "ff" * 16).tag("個人番号", "123456789018") != a


@pytest.mark.parametrize("raw", ["0123-4567-8901", "１２３４ ５６７８ ９０１２", "123456789012.0", None, "12-34 ‐56－78−90ー12", ""])
def test_scalar_compact_equals_vectorised_canon(raw):
    assert mynumber.compact(raw) == canon("mynumber", [raw])[0]
