"""The catalogue: ja.py and en.py hold the same keys, and a sentence for every code the core defines once
(core/codes.py): finding kinds, causes, notices, reasons, refusals; Japanese sentences hold no English words."""
import re

import pytest

from donorguard.core import codes
from donorguard.text import en, ja


def keys(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from keys(v, prefix + k + ".")
        else:
            yield prefix + k


def test_same_keys_in_both_languages():
    assert set(keys(ja.TEXT)) == set(keys(en.TEXT))


@pytest.mark.parametrize("lang", [ja.TEXT, en.TEXT], ids=["ja", "en"])
def test_every_code_has_its_sentence(lang):
    assert {str(c) for c in codes.Cause} | {str(c) for c in codes.Message} == set(lang["cause"])
    assert {str(c) for c in codes.Notice} == set(lang["notice"])
    assert {str(c) for c in codes.Why} <= set(lang["why"])
    assert {str(c) for c in codes.Refusal} - {"problems"} == set(lang["refusals"])
    assert {str(c) for c in codes.Kind} == set(lang["excel"]["kinds"])
    assert {str(c) for c in codes.Cause} - {"swapped"} == set(lang["excel"]["cause_names"])


ALLOWED = re.compile(r"donorguard [a-z]+|DonorGuard|donorguard|Ctrl\+[A-Z]|--[a-z-]+|skip_labels|\{[a-z_]+\}|chmod|"
                     r"Excel|Python|Mac|"
                     r"BOOK|\[[a-z_]+\]")


def test_japanese_sentences_hold_no_english_words():
    """Except names of the tool, keys, commands, options, placeholders and documented codes."""
    def texts(d):
        for v in d.values():
            if isinstance(v, dict):
                yield from texts(v)
            elif isinstance(v, str):
                yield v
            else:
                yield from v
    for section in ("finding", "why", "cause", "notice", "status", "problems", "refusals"):
        for text in texts(ja.TEXT[section]):
            rest = ALLOWED.sub("", text)
            assert not re.search(r"[A-Za-z]{3,}", rest), (section, text)
