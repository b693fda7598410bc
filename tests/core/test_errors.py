"""core/errors.py: every named error has its catalogue sentence in Japanese and English (the shells print it, by
class name), a representative instance says it in Japanese with no English words, and no whole My Number stands in
a message or a text detail."""
import re
import string

import pytest
from stdnum.jp import in_

from donorguard.core import errors, safety
from donorguard.text import en, ja
from donorguard.text.messages import error_text


def subclasses(cls) -> list:
    out = []
    for sub in cls.__subclasses__():
        out += [sub] + subclasses(sub)
    return out


ERRORS = sorted(set(subclasses(errors.DonorGuardError)), key=lambda c: c.__name__)
FILL = "〇〇"                      # a detail's value in a representative instance (no English in it)
SETTINGS_PROBLEMS = ["syntax", "unknown", "not_text", "choice", "missing", "unreadable"]    # SettingsError's docstring

# details that the catalogue turns into words of its own (a reason, an errno, an action, problem items)
SPECIAL = {
    "NotAWorkbook": {"why": "no such file"},
    "WorkbookUnreadable": {"why": "it is a folder"},
    "TooLargeToWrite": {"why": "cells", "reason": "cells", "size": 2_000_000, "limit": 1_000_000},
    "UnfitToSeal": {"problems": "x", "items": [("個人番号", "check_digit", [5, 6]), ("氏名", "blank", [9])]},
    "NotApprovable": {"rows": "5-6", "why": "x", "reason": "separated"},
    "AuditUnwritable": {"why": "x", "errno": "ENOSPC"},
    "AuditOutcomeUnwritten": {"why": "x", "errno": "ENOSPC", "action": "export"},
}
ALLOWED = re.compile(r"DonorGuard|Excel|Python\d*|python addin/vba/build\.py|install-addin|chmod|--[a-z-]+|"
                     r"\.xlsx?\b|DONORGUARD_[A-Z_]+|export\.[a-z_]+")


def fields(text: str) -> set:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def instance(cls, problem=None) -> errors.DonorGuardError:
    """An instance of cls with every detail its English message and its Japanese sentence name."""
    if cls is errors.ExportRefused:
        return safety.refusal("formula", [("氏名", [5, 6]), ("住所", [7])])
    pattern = ja.TEXT["errors"][cls.__name__]
    if problem is not None:
        pattern = pattern[problem]
    details = {f: FILL for f in fields(cls.message) | fields(pattern)}
    details.update(SPECIAL.get(cls.__name__, {}))
    if problem is not None:
        details["problem"] = problem
    return cls(**details)


CASES = [(c, None) for c in ERRORS if c is not errors.SettingsError] + \
        [(errors.SettingsError, p) for p in SETTINGS_PROBLEMS]


@pytest.mark.parametrize("T", [ja.TEXT, en.TEXT], ids=["ja", "en"])
def test_every_named_error_has_its_sentence(T):
    assert sorted(c.__name__ for c in ERRORS if c.__name__ not in T["errors"]) == []
    assert sorted(T["errors"]["SettingsError"]) == sorted(SETTINGS_PROBLEMS)


@pytest.mark.parametrize("cls, problem", CASES, ids=lambda v: getattr(v, "__name__", v or ""))
def test_a_representative_error_is_said_in_japanese(cls, problem):
    e = instance(cls, problem)
    said, english = error_text(e, "ja"), error_text(e, "en")
    assert said != english and said != str(e)                # the catalogue's sentence, not the default message
    assert "{" not in said.replace("{}", "")                  # every blank filled in
    rest = ALLOWED.sub("", said.replace(FILL, ""))
    assert not re.search(r"[A-Za-z]{3,}", rest), said


def test_the_english_sentence_fills_in_the_same_details():
    e = errors.MissingColumns(path="名簿.xlsx", missing="個人番号", rows=20)
    assert error_text(e, "en") == str(e) == "No sheet of 名簿.xlsx has a header row with 個人番号 in its first 20 rows."
    assert error_text(e, "ja") == "名簿.xlsx のどのシートにも、最初の 20 行以内に 個人番号 の列見出しがありません。"


def my_number(body: str = "12345678901") -> str:
    return body + str(in_.calc_check_digit(body))


@pytest.mark.parametrize("cls, detail", [(errors.NotAWorkbook, "path"), (errors.NoSuchWorkbook, "name"),
                                         (errors.RulesError, "problem"), (errors.OutputExists, "path")])
def test_no_whole_my_number_in_a_message_or_a_text_detail(cls, detail):
    number = my_number()
    e = instance(cls)
    e = cls(**{**e.details, detail: f"/共有/{number}_名簿.xlsx"})
    for text in (str(e), error_text(e, "ja"), error_text(e, "en"), *map(str, e.details.values())):
        assert number not in text
    assert e.details[detail] == f"/共有/****-****-{number[-4:]}_名簿.xlsx"
    assert f"****-****-{number[-4:]}" in error_text(e, "ja")


def test_a_sentence_of_its_own_is_said_as_it_is_and_masked_too():
    number = my_number("98765432109")
    e = errors.DonorGuardError(f"鍵ファイル {number}.key はすでにあります。")
    assert e.custom and not errors.DonorGuardError().custom
    assert error_text(e, "ja") == error_text(e, "en") == str(e) == "鍵ファイル ****-****-" + number[-4:] + \
        ".key はすでにあります。"


def test_numbers_in_details_stay_numbers():
    e = errors.TooLargeToWrite(path="a.xlsx", why="x", reason="cells", size=2_000_000, limit=1_000_000)
    assert e.details["size"] == 2_000_000 and "2,000,000" in error_text(e, "ja") and "1,000,000" in str(e)


def test_a_missing_key_file_is_a_missing_key_said_as_such():
    """Shells that handle NoKey handle a key file named but not there too, with its own sentence."""
    e = errors.KeyFileMissing(path="/共有/donorguard.key")
    assert isinstance(e, errors.NoKey)
    assert error_text(e, "ja") == "封印鍵のファイル /共有/donorguard.key がありません。--key の場所を確かめてください。"


def test_each_error_exits_with_its_code():
    """As the README's table of commands says: 1 for a list unfit to seal, rows refused, an export blocked or
    refused, a list whose manifest cannot be trusted (a check's verdict); 2 when DonorGuard cannot do what was
    asked."""
    ones = {c.__name__ for c in ERRORS if c.code == 1}
    assert ones == {"ManifestTampered", "SealFormat", "UnfitToSeal", "NotApprovable", "ExportBlocked",
                    "ExportRefused"}
    assert {c.code for c in ERRORS} == {1, 2} and errors.DonorGuardError.code == 2
