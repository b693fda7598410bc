"""Check digits and seal refusals: the vectorised paths give exactly what python-stdnum and the
per-value loop give."""
import random

import numpy as np
import pyarrow as pa
import pytest
from stdnum.jp import cn, in_

from donorguard.core.fingerprint import canonical
from donorguard.core.kinds import corpnum, digits, lgcode, mynumber
from donorguard.core.seal import problems
from donorguard.store import rulesets as rules_mod

RULES = rules_mod.load()


STDNUM = {mynumber: in_.is_valid, corpnum: cn.is_valid, lgcode: lgcode.is_valid}


def junk(mod, rng: random.Random, n: int) -> list:
    """Values of every shape problem() tells apart: valid, bad check digit, one digit short (a lost
    leading zero or not), too long, blank, letters, full-width and non-ASCII digits, separators."""
    out = []
    for _ in range(n):
        size = rng.choice([mod.length] * 6 + [mod.length - 1] * 2 + [mod.length + 1, 0, 1, 5])
        v = "".join(rng.choice("0123456789") for _ in range(size))
        if size == mod.length and rng.random() < 0.4:  # make it valid by trying every last/first digit
            for d in "0123456789":
                w = v[:-1] + d if mod is not corpnum else d + v[1:]
                if STDNUM[mod](w):
                    v = w
        if size == mod.length - 1 and mod is not corpnum and rng.random() < 0.3:  # a lost leading 0
            v = next((v[:-1] + d for d in "0123456789" if STDNUM[mod]("0" + v[:-1] + d)), v)
        if v and rng.random() < 0.05:
            k = rng.randrange(len(v))
            v = v[:k] + rng.choice(["a", " ", "-", "１", "٣", "\n", "é"]) + v[k + 1:]
        out.append(v)
    return out


@pytest.mark.parametrize("mod", [mynumber, corpnum, lgcode], ids=lambda m: m.name)
def test_check_digits_match_stdnum(mod):
    rng = np.random.default_rng(7)
    d = rng.integers(0, 10, size=(20000, mod.length))
    want = [STDNUM[mod]("".join(map(str, row))) for row in d.tolist()]
    assert mod.check_ok(d).tolist() == want
    assert 0 < sum(want) < len(want)


@pytest.mark.parametrize("mod", [mynumber, corpnum, lgcode], ids=lambda m: m.name)
def test_vectorised_problems_equal_problem(mod):
    values = junk(mod, random.Random(mod.length), 6000)
    got = digits.problems(pa.array(values, pa.large_string()), mod)
    want = [mod.problem(v) for v in values]
    assert got.tolist() == want
    assert {None, "blank", "not_digits", "length", "check_digit"} <= set(want)
    assert mod is corpnum or "leading_zero_lost" in want
    assert digits.problems(pa.array([], pa.large_string()), mod).tolist() == []


def reference_problems(canon, rows, rules, positions) -> list:
    """seal.problems' per-value loop as it was before vectorising (two_owners left out; blanks refused in
    required columns)."""
    from donorguard.core import kinds
    out = []
    for c in rules.columns:
        mod = kinds.checked(c.kind)
        if mod is None:
            continue
        blank_ok = c.name not in rules.required
        bad = {}
        for p in positions:
            why = mod.problem(canon[c.name].iloc[p])
            why = None if why == "blank" and blank_ok else why
            if why:
                bad.setdefault(why, []).append(int(rows[p]))
        out += [(c.name, why, rr) for why, rr in bad.items()]
    return out


def test_seal_problems_equal_the_per_value_loop():
    from donorguard.tools import synth
    df = synth.make_people(400, seed=3).astype(object)
    rng = random.Random(5)
    ids, codes = junk(mynumber, rng, 400), junk(lgcode, rng, 400)
    df["個人番号"] = ids
    df["住所地市町村コード"] = codes
    df["寄附者番号"] = [f"D{i:06d}" for i in range(400)]  # no ID on two owners here
    canon = canonical(df, RULES)
    rows = np.arange(400, dtype=np.int64) + 4
    for positions in (list(range(400)), sorted(rng.sample(range(400), 90))):
        got = problems(canon, rows, RULES, positions)
        got = [x for x in got if x[1] != "two_owners"]
        assert got == reference_problems(canon, rows, RULES, positions)
        assert len(got) >= 5

