"""core/codes.py: every code is defined once, is its own plain string, and reaches a person as a sentence of the
catalogue in both languages (the sections test_catalogue does not hold to these sets: why, left, refusals as
approve raises them)."""
import enum
import json
import re

import pytest

from donorguard.core import approve, codes
from donorguard.core.errors import NotApprovable
from donorguard.text import en, ja
from donorguard.text.messages import error_text, problems_text

ENUMS = [v for v in vars(codes).values() if isinstance(v, type) and issubclass(v, enum.StrEnum)
         and v.__module__ == codes.__name__]
LANGS = [ja.TEXT, en.TEXT]


def test_every_family_of_codes_is_found():
    assert {e.__name__ for e in ENUMS} == {"Kind", "Cause", "Message", "Notice", "Why", "Refusal", "Left"}


@pytest.mark.parametrize("family", ENUMS, ids=lambda e: e.__name__)
def test_every_code_is_a_distinct_plain_string(family):
    """A second name for a value would be an alias (one member, two names): each value stands once."""
    values = [m.value for m in family.__members__.values()]
    assert len(values) == len(set(values))
    for member in family:
        assert type(member.value) is str and re.fullmatch(r"[a-z]+(_[a-z]+)*", member.value)
        assert member == member.value and str(member) == member.value and f"{member}" == member.value
        assert json.dumps(member) == json.dumps(member.value)


@pytest.mark.parametrize("T", LANGS, ids=["ja", "en"])
def test_every_reason_a_value_cannot_be_sealed_has_its_words(T):
    assert {str(w) for w in codes.Why} <= set(T["why"])
    for why in (codes.Why.TWO_OWNERS, codes.Why.NOT_A_PERSON):             # said as a clause of their own
        assert why in T["problems"]


@pytest.mark.parametrize("T", LANGS, ids=["ja", "en"])
def test_what_a_repair_leaves_alone_is_said_as_a_cause_and_after_the_repair(T):
    for left in codes.Left:
        assert left in T["cause"] and left in T["excel"]["cause_names"]
    assert T["cli"]["left_tied"]


def test_the_finding_kinds_approve_refuses_are_refusal_codes():
    """approve raises NotApprovable with the Kind itself as the reason: each must be a Refusal with a sentence."""
    assert {str(k) for k in approve.REFUSED} <= {str(r) for r in codes.Refusal}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("refusal", list(codes.Refusal), ids=str)
def test_every_refusal_reaches_a_person_as_its_own_sentence(refusal, lang):
    """A refusal with items (problems) is said through them; every other through its sentence."""
    T = ja.TEXT if lang == "ja" else en.TEXT
    items = [("氏名", "formula", [5])] if refusal == codes.Refusal.PROBLEMS else None
    e = NotApprovable(rows="5", why="x", reason=str(refusal), items=items)
    want = problems_text(items, lang) if items else T["refusals"][refusal]
    assert want in error_text(e, lang)
