"""The one catalogue: Japanese and English say the same things, with the same blanks to fill."""
import re
import string

import pytest

from donorguard.text import en, ja, lang, t


def leaves(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(leaves(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


JA, EN = leaves(ja.TEXT), leaves(en.TEXT)


def fields(text) -> set:
    if isinstance(text, (tuple, list)):
        return set().union(*(fields(x) for x in text)) if text else set()
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_the_same_keys_in_both_languages():
    assert sorted(set(JA) ^ set(EN)) == []


@pytest.mark.parametrize("key", sorted(JA))
def test_the_same_blanks_in_both_languages(key):
    assert fields(JA[key]) == fields(EN[key]), key


def test_every_sentence_is_a_plain_string_or_a_tuple_of_them():
    for key, v in {**JA, **EN}.items():
        assert isinstance(v, str) or (isinstance(v, tuple) and all(isinstance(x, str) for x in v)), key


@pytest.mark.parametrize("asked, env, got", [
    ("en", None, "en"), ("ja", "en", "ja"), (None, "en", "en"), (None, None, "ja"), (None, "fr", "ja")])
def test_language_choice(monkeypatch, asked, env, got):
    if env is None:
        monkeypatch.delenv("DONORGUARD_LANG", raising=False)
    else:
        monkeypatch.setenv("DONORGUARD_LANG", env)
    assert lang(asked) == got
    assert t(asked) is (en.TEXT if got == "en" else ja.TEXT)


@pytest.mark.parametrize("lang_text", [ja.TEXT, en.TEXT], ids=["ja", "en"])
def test_every_code_has_its_sentence(lang_text):
    """Every finding kind, cause, notice, reason and refusal defined once in core/codes.py has its sentence."""
    from donorguard.core import codes
    assert {str(c) for c in codes.Cause} | {str(c) for c in codes.Message} == set(lang_text["cause"])
    assert {str(c) for c in codes.Notice} == set(lang_text["notice"]) - {"ways"}
    assert {str(c) for c in codes.Why} <= set(lang_text["why"]) | {"two_owners"}
    assert {str(c) for c in codes.Refusal} - {"problems"} == set(lang_text["refusals"])
    assert {str(c) for c in codes.Kind} == set(lang_text["excel"]["kinds"])
    assert {str(c) for c in codes.Cause} == set(lang_text["excel"]["cause_names"])


ALLOWED = re.compile(r"donorguard [a-z]+|DonorGuard|donorguard|Ctrl\+[A-Z]|--[a-z-]+|skip_labels|\{[a-z_]+\}|chmod|"
                     r"Excel|Python|Mac|UTF-8|utf-8-sig|export\.[a-z_]+|BOOK|\[[a-z_]+\]")


def test_japanese_findings_causes_and_notices_hold_no_english_words():
    """Except names of the tool, keys, commands, options, placeholders and documented codes."""
    for section in ("finding", "why", "cause", "notice", "status", "problems", "refusals"):
        for key, text in leaves(ja.TEXT[section]).items():
            rest = ALLOWED.sub("", text)
            assert not re.search(r"[A-Za-z]{3,}", rest), (section, key, text)
