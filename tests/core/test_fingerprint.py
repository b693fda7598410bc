"""Canonical forms and the seal's bytes: golden vectors, so the exact bytes hashed never drift."""
import base64
import hashlib

import pandas as pd

from donorguard.core.fingerprint import Sealer, parse
from donorguard.store.keys import Key

KEY = Key(bytes(range(32)), "<test>")


NONCE = "00112233445566778899aabbccddeeff"
GEN3 = "DG2:7.3:9Ira2JkXVt8_nn-N:sJhIb8Y4HAnuY1qh:1QCAaZPnn917aIr3hOnw0w"


def _mac(person, size, data):
    """The construction documented in fingerprint.py, written out independently."""
    d = hashlib.blake2b(NONCE.encode() + b"\x00" + data, key=KEY.secret, digest_size=size, person=person).digest()
    return base64.urlsafe_b64encode(d).decode()


def test_golden_tags_and_seal():
    """The exact bytes: changing canonicalisation, separators or MAC parameters breaks every seal out there.
    DG2 (issue 12): the head carries serial and generation, "7.0"; the seal MAC and the row MAC cover them."""
    s = Sealer(KEY, NONCE)
    tag = _mac(b"DG-cell1", 6, "個人番号".encode() + b"\x00" + b"123456789018")[:8]
    assert s.tag("個人番号", "123456789018") == tag == "shqfezoe"
    assert s.tag("氏名", "123456789018") != tag
    canon = pd.DataFrame({"a": ["x"], "b": ["y"]})
    tags = pd.DataFrame({"a": [s.tag("a", "x")], "b": [s.tag("b", "y")]})
    for gen, golden in ((0, "DG2:7.0:9Ira2JkXVt8_nn-N:DHZ7KeIRviJqFxZo:OuhfJyirdA4ZrmlGe-6u6A"),
                        (3, GEN3)):
        head = f"DG2:7.{gen}:{s.tag('a', 'x')}{s.tag('b', 'y')}"
        prefix = head + ":" + _mac(b"DG-seal1", 12, head.encode())[:16]
        row = _mac(b"DG-row01", 16, (prefix + "\x1e" + "x\x1fy").encode())[:22]
        seal = s.make_seals([7], tags, canon, [gen]).iloc[0]
        assert seal == f"{prefix}:{row}" == golden
    p = parse(pd.Series([seal, "junk", None, seal + ":x", seal.replace("7.3", "7")]), 2)
    assert p["ok"].tolist() == [True, False, False, False, False] and p["serial"].tolist() == [7, -1, -1, -1, -1]
    assert p["generation"].tolist() == [3, -1, -1, -1, -1]


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

