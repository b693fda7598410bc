"""Export, the core part: the text of each destination's rows from a clean table (looked at once more by
safety.py: nothing a spreadsheet would run, nothing the encoding cannot carry), the files' names, and the
read-back check of what was written against the values the check verified against the seals."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..text.scrub import scrub
from . import manifest as mf, safety
from .check import Report
from .errors import ExportBlocked
from .fingerprint import canonical
from .kinds.values import arrow
from .rules import Rules, file_name_problem

if TYPE_CHECKING:
    from .table import Table


@dataclass
class Batch:
    destination: str
    values: pa.Table         # export columns, as the text to be written
    positions: np.ndarray    # table positions of its rows, in order


def _fmt(kind: str, v: str, date_format: str) -> str:
    if kind == "date" and len(v) == 10 and v[4] == "-" and v[7] == "-":
        try:
            return date.fromisoformat(v).strftime(date_format)
        except ValueError:
            return v
    if kind == "postal" and len(v) == 7 and v.isdigit():
        return f"{v[:3]}-{v[3:]}"
    return v


def _per_distinct(values: pa.Array, kind: str, date_format: str) -> pa.Array:
    """_fmt once per distinct value."""
    enc = pc.dictionary_encode(values)
    done = pa.array([_fmt(kind, v, date_format) for v in enc.dictionary.to_pylist()], pa.large_string())
    return done.take(enc.indices)


def _text(s: str) -> pa.Scalar:
    return pa.scalar(s, pa.large_string())


def _postal(values: pa.Array) -> pa.Array:
    """123-4567 for seven ASCII digits in one step; other seven-character values (digits of other
    scripts, which str.isdigit also accepts) go through _fmt."""
    ascii7 = pc.match_substring_regex(values, r"^[0-9]{7}$")
    dashed = pc.binary_join_element_wise(pc.utf8_slice_codeunits(values, 0, 3),
                                         pc.utf8_slice_codeunits(values, 3, 7), _text("-"))
    out = pc.if_else(ascii7, dashed, values)
    other = pc.and_(pc.equal(pc.utf8_length(values), 7), pc.invert(ascii7))
    if pc.any(other).as_py():
        out = pc.replace_with_mask(out, other, _per_distinct(values.filter(other), "postal", ""))
    return out


def _column(raw: pd.Series, canon: pd.Series, kind: str, date_format: str) -> pa.Array:
    """Names and addresses as staff typed them (trimmed); numbers, codes and dates in one form."""
    if kind in safety.TYPED:
        return safety.as_typed(raw)
    if kind == "postal":
        return _postal(arrow(canon))
    if kind == "date":
        return _per_distinct(arrow(canon), kind, date_format)
    return arrow(canon)


def rules_of(m: dict) -> Rules:
    return mf.from_snapshot(m["rules_snapshot"])


def _people(report: Report, n: int) -> np.ndarray:
    """The positions of the rows a person lives in (a seal left in a row of its own is not a person)."""
    return np.arange(n) if report.people is None else np.asarray(report.people, dtype=np.int64)


def batches(table: Table, report: Report, m: dict, encoding: str | None = None) -> list:
    """One batch per destination code, rows in list order, people only. Only a clean report can be exported,
    and only values safe to send: ExportRefused (nothing written yet) for formula text, or for characters
    `encoding` (a text file's; None for .xlsx) cannot carry unchanged."""
    if not report.clean:
        raise ExportBlocked()
    rules = rules_of(m)
    ex = rules.export
    canon = report.canon
    values = pa.table({c: _column(table.values[c], canon[c], rules.column(c).kind, ex["date_format"])
                       for c in ex["columns"]})
    safety.refuse(values, table.rows, rules, encoding)
    people = _people(report, len(canon))
    keys = canon[ex["by"]].iloc[people] if ex["by"] else pd.Series(["all"] * len(people), index=people)
    out = []
    for dest, idx in keys.groupby(keys, sort=True).groups.items():
        pos = np.sort(np.asarray(idx, dtype=np.int64))
        out.append(Batch(str(dest), values.take(pos), pos))
    return out


def file_names(batches: list, rules: Rules, day: str, fmt: str) -> list:
    """Each batch's file name: the rules' file_name filled in (a destination holding a My Number masked).
    Refused (ExportRefused, reason file_name) if one is not a plain file name on every system, or two
    destinations would share one (Windows does not tell upper from lower case)."""
    out, seen = [], set()
    for b in batches:
        stem = rules.export["file_name"].format(destination=scrub(b.destination), rules=rules.name, date=day)
        problem = file_name_problem(stem) or ("same_name" if stem.casefold() in seen else None)
        if problem:
            raise safety.refusal("file_name", [(b.destination, stem, problem)])
        seen.add(stem.casefold())
        out.append(f"{stem}.{fmt}")
    return out


def verify(batches: list, read_back: list, table: Table, report: Report, rules: Rules) -> int | None:
    """The first batch whose file, read back (a table of text), is not what the check verified against
    the seals; None when all are. Every row must be one a person lives in (in a clean report, one whose
    values a genuine seal verifies) and every value read back must have the canonical form the check found
    in its row (report.canon). No MAC: the check did that part."""
    cols = rules.export["columns"]
    person = np.zeros(len(table.rows), bool)
    person[_people(report, len(table.rows))] = True
    bad = [r.column_names != cols or r.num_rows != len(b.positions) or not bool(person[b.positions].all())
           for b, r in zip(batches, read_back)]
    good = [k for k, wrong in enumerate(bad) if not wrong]
    if good:
        pos = pa.array(np.concatenate([batches[k].positions for k in good]))
        ends = np.cumsum([len(batches[k].positions) for k in good])
        for c in cols:
            got = pa.concat_arrays([part for k in good for part in read_back[k].column(c).chunks])
            for g in np.unique(np.searchsorted(ends, _differ(got, arrow(report.canon[c]).take(pos), rules, c),
                                               side="right")):
                bad[good[g]] = True
    return next((k for k, wrong in enumerate(bad) if wrong), None)


def _differ(got: pa.Array, want: pa.Array, rules: Rules, column: str) -> np.ndarray:
    """Where values read back differ from the checked canonical values even once canonicalised (a date
    or postal code as formatted for the export, a name as typed: each distinct value once)."""
    idx = pc.indices_nonzero(pc.not_equal(got, want))
    if not len(idx):
        return np.zeros(0, np.int64)
    enc = pc.dictionary_encode(got.take(idx))
    one = replace(rules, columns=[rules.column(column)])
    again = canonical(pd.DataFrame({column: enc.dictionary.to_pandas()}), one)[column]
    return idx.filter(pc.not_equal(arrow(again).take(enc.indices), want.take(idx))).to_numpy()
