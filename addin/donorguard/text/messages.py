"""The core's sentences from the catalogue: findings, causes, notices, the status line, why a list cannot be
sealed, rows approved or a list exported, and named errors. IDs arrive here already masked; names (which
may hold a number typed into them) and whole error sentences pass through scrub."""
import functools
import re

from . import lang as pick, ranges, t
from .scrub import scrub


def row_ranges(rows, limit: int = 8, lang: str = "ja") -> str:
    """[12,13,14,15,40] -> "12-15, 40"; long lists end with how many more."""
    return ranges.shown(rows, t(pick(lang))["words"]["more"], limit)


class Messages:
    """Sentences that name columns as the sheet's header does, with the rule set's name where it differs
    (headers: {rule name: header text}); the data (findings' columns) keeps the rule set's names."""

    def __init__(self, lang: str, rules=None, headers=None):
        self.lang = pick(lang)
        self.t = t(self.lang)
        self.f = self.t["finding"]
        words = self.t["words"]
        shown = {c: words["header_alias"].format(header=h, name=c)
                 for c, h in (headers or {}).items() if "".join(h.split()) != c}
        self.join = lambda cols: words["and"].join(shown.get(c, c) for c in cols)

    def separated(self, row, cols, belongs, name, masked):
        return self.separated_many([row], [cols], [belongs], [name], [masked])[0]

    def edited(self, row, cols, masked):
        return self.edited_many([row], [cols], [masked])[0]

    def leading_zero(self, row, cols, masked):
        return self.leading_zero_many([row], [cols], [masked])[0]

    # the same sentences for many findings at once: one list comprehension, no call per finding
    def separated_many(self, rows, cols, belongs, names, masked) -> list:
        mine, nowhere, who = self.f["separated"].format, self.f["separated_nowhere"].format, self.f["name"].format
        join = self.join
        return [nowhere(row=r, cols=join(c), masked=f" ({m})" if m else "") if b is None else
                mine(row=r, cols=join(c), masked=f" ({m})" if m else "", belongs=b,
                     name=who(name=scrub(n)) if n else "")
                for r, c, b, n, m in zip(rows, cols, belongs, names, masked)]

    def edited_many(self, rows, cols, masked) -> list:
        text, join = self.f["edited"].format, self.join
        return [text(row=r, cols=join(c), masked=f" ({m})" if m else "") for r, c, m in zip(rows, cols, masked)]

    def leading_zero_many(self, rows, cols, masked) -> list:
        text, join = self.f["leading_zero"].format, self.join
        return [text(row=r, cols=join(c), masked=f" ({m})" if m else "") for r, c, m in zip(rows, cols, masked)]

    def copied(self, row, cols, belongs, name, masked):
        """An ID copied over another row's (fill-down, a pasted copy): its owner's row still holds it."""
        return self.f["copied"].format(row=row, cols=self.join(cols), masked=f" ({masked})" if masked else "",
                                       belongs=belongs, name=self.f["name"].format(name=name) if name else "")

    def unsealed(self, row, cols, belongs):
        if cols and belongs is not None:
            return self.f["unsealed_from"].format(row=row, cols=self.join(cols), belongs=belongs)
        return self.f["unsealed"].format(row=row)

    def duplicate(self, of):
        return self.f["duplicate"].format(of=of)

    def duplicate_values(self, of):
        return self.f["duplicate_values"].format(of=of)

    def stale(self):
        return self.f["stale"]

    def tied(self, row):
        return self.f["tied"].format(row=row)

    def missing(self, row):
        return self.f["missing"].format(row=row)

    def tampered(self):
        return self.f["tampered"]

    def invalid_id(self, row, why, masked):
        return self.f["invalid_id"].format(row=row, why=self.t["why"].get(why, why),
                                           masked=f" ({masked})" if masked else "")

    def formula(self, row, cols):
        return self.f["formula"].format(row=row, cols=self.join(cols))

    def uncarried(self, col, chars, encoding):
        """A notice: the characters of column `col` ((character, what `encoding` makes of it or None if it
        cannot write it, Excel rows), ...), with the two ways out."""
        return self.t["notice"]["encoding"].format(col=col, chars=chars_text(chars, self.lang), encoding=encoding,
                                                   ways=self.t["notice"]["ways"])

    def cause(self, cause, rows, cols, shift=None, sealed=False, book="BOOK"):
        w = self.t["words"]
        where = w["sealed_row" if sealed else "row"].format(rows=row_ranges(rows, lang=self.lang))
        return self.t["cause"][cause].format(cols=self.join(cols), rows=where, n=len(set(rows)), k=abs(shift or 0),
                                             dir=w["down" if (shift or 0) > 0 else "up"], book=_quoted(book),
                                             list=ranges.encode(rows))

    def notice(self, code, rows, cols=(), **extra):
        """A notice's sentence; a header that was cleared ("") is named as blank."""
        where = self.t["words"]["row"].format(rows=row_ranges(rows, lang=self.lang))
        if extra.get("header") == "":
            extra["header"] = self.t["words"]["blank_header"]
        return self.t["notice"][code].format(rows=where, n=len(set(rows)), cols=self.join(cols), **extra)

    def status(self, clean, n, bad, gone=0):
        """One line: clean, or how many rows of the list have problems and how many sealed rows are gone (never
        more rows than the list has)."""
        s = self.t["status"]
        if clean:
            return s["clean"].format(n=n)
        if not bad and gone:
            return s["blocked_gone"].format(gone=gone)
        return s["blocked"].format(n=n, bad=bad) + (s["gone"].format(gone=gone) if gone else "")


def _quoted(book: str) -> str:
    """A workbook name as a shell argument (quoted when it holds a space or a quote)."""
    book = str(book)
    plain = book and all(ch.isalnum() or ch in "._-/\\:~" for ch in book)
    return book if plain else '"' + book.replace('"', '\\"') + '"'


def problems_text(items, lang: str) -> str:
    """(column, reason, rows) items as one clause each; reasons in the language's words (English: the code)."""
    lang = pick(lang)
    T = t(lang)
    out = []
    for col, why, rows in items:
        tpl = T["problems"][why if why in ("two_owners", "not_a_person") else "item"]
        reason = why if lang == "en" else T["why"].get(why, why)
        out.append(tpl.format(col=col, why=reason, rows=row_ranges(rows, lang=lang)))
    return ("、" if lang == "ja" else "; ").join(out)


@functools.cache
def _reasons(lang: str) -> list:
    """(pattern, sentence) for every reason the file layer gives in English (the catalogue's keys)."""
    out = []
    for english, said in t(lang)["reasons"].items():
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(english))
        out.append((re.compile(pattern + "$"), said))
    return out


def reason_text(why: str, lang: str) -> str:
    """Why a file could not be read, in the chosen language (as given when no pattern fits)."""
    for pattern, said in _reasons(pick(lang)):
        m = pattern.match(why)
        if m:
            return said.format(**m.groupdict())
    return why


def _code(text: str) -> str:
    return " ".join(f"U+{ord(ch):04X}" for ch in text)


def chars_text(chars, lang: str, limit: int = 8) -> str:
    """Characters as themselves and as U+XXXX, what an encoding makes of each (None: it cannot write it) and
    their rows: ((character, becomes, Excel rows), ...), the first `limit` of them."""
    T = t(pick(lang))
    U = T["unsafe"]

    def one(ch, becomes, rows):
        where = T["words"]["row"].format(rows=row_ranges(rows, limit=4, lang=lang))
        if becomes is None:
            return U["unencodable"].format(char=ch, code=_code(ch), rows=where)
        return U["changes"].format(char=ch, code=_code(ch), becomes=becomes, becomes_code=_code(becomes), rows=where)
    shown = T["words"]["and"].join(one(*c) for c in chars[:limit])
    return shown + (U["more"].format(n=len(chars) - limit) if len(chars) > limit else "")


def unsafe_text(reason: str, items: list, lang: str, encoding: str | None = None, limit: int = 5) -> str:
    """Why an export was refused before anything was written (see core/safety.refusal for the items)."""
    lang = pick(lang)
    T = t(lang)
    U, join = T["unsafe"], T["words"]["and"].join

    def rows(r):
        return T["words"]["row"].format(rows=row_ranges(r, limit=4, lang=lang))
    if reason == "formula":
        cells = [U["formula_cell"].format(col=col, rows=rows(r)) for col, r in items]
    elif reason == "encoding":
        by_col = {}
        for col, ch, becomes, r in items:
            by_col.setdefault(col, []).append((ch, becomes, r))
        cells = [U["encoding_cell"].format(col=col, chars=chars_text(chars, lang, limit))
                 for col, chars in by_col.items()]
    else:
        dest, name, problem = items[0]
        return U["file_name"].format(destination=dest, name=name, problem=T["file_name_why"][problem])
    more = U["more"].format(n=len(cells) - limit) if len(cells) > limit else ""
    return U[reason].format(cells=join(cells[:limit]) + more, encoding=encoding, ways=T["notice"]["ways"])


def error_text(e, lang: str) -> str:
    """A named error in the chosen language; its details never hold an ID (errors.py's contract), and the
    sentence is scrubbed once more (a file name or a cell quoted in it may hold a My Number)."""
    T = t(pick(lang))
    pattern = T["errors"].get(type(e).__name__)
    if isinstance(pattern, dict):             # one sentence per problem (SettingsError)
        pattern = pattern.get(e.details.get("problem"))
    if not pattern or getattr(e, "custom", False):
        return scrub(str(e))
    details = dict(e.details)
    if details.get("reason") in T["unsafe"]:
        details["why"] = unsafe_text(details["reason"], details["items"], lang, details.get("encoding"))
    elif details.get("items"):
        details["problems"] = details["why"] = problems_text(details["items"], lang)
        if details.get("pad"):
            details["problems"] += T["problems"]["pad_hint"].format(book=_quoted(details.get("book", "BOOK")))
    elif details.get("reason") in T["refusals"]:
        details["why"] = T["refusals"][details["reason"]]
    elif details.get("reason") in T["limits"]:
        details["why"] = T["limits"][details["reason"]]
    elif details.get("errno") in T["os_errors"]:
        details["why"] = T["os_errors"][details["errno"]]
    elif isinstance(details.get("why"), str):
        details["why"] = reason_text(details["why"], lang)
    if details.get("action") in T["actions"]:
        details["action"] = T["actions"][details["action"]]
    try:
        return scrub(pattern.format(**details))
    except (KeyError, IndexError, ValueError):
        return scrub(str(e))
