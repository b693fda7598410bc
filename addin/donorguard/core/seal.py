"""Seal a known-good table: refuse a list unfit to seal, else one seal per row and a manifest.

Unfit: invalid numbers, one ID on two owners, a blank required cell, a formula in a bound column (unless the
rules seal formulas' values), text a spreadsheet would run as a formula (safety.py), a total or other row that
is not a person inside the list, and fixed-length numbers that lost their leading zeros (which pad_zeros can
write back: those kinds are unambiguous). Notices: characters the rules' export encoding cannot carry (worth
fixing before the list is sent, not a refusal).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..text.messages import Messages, problems_text
from . import kinds, manifest as mf, safety
from .check import NOTICE_COLUMNS
from .codes import Why
from .errors import UnfitToSeal
from .fingerprint import Sealer, canonical
from .kinds import digits
from .kinds.values import arrow
from .rules import Rules
from .table import Table

if TYPE_CHECKING:
    from .fingerprint import SealKey

TOTAL_LABELS = ("合計", "小計", "総計", "計", "総合計", "合計額")


def problems(canon: pd.DataFrame, rows: np.ndarray | list, rules: Rules, positions: np.ndarray | list | None = None,
             formulas: pd.DataFrame | None = None) -> list:
    """Why these rows cannot be sealed, as (column, reason, Excel rows): rows that are not people, invalid
    numbers, blank required cells, formula cells, one ID on two owners (reason "two_owners"), text a
    spreadsheet would run as a formula ("formula"). Never a value. Each distinct value is validated once."""
    positions = np.arange(len(canon)) if positions is None else np.asarray(positions, dtype=np.int64)
    rows = np.asarray(rows, dtype=np.int64)
    out = []
    odd = _not_people(canon, rules, positions)
    if len(odd):
        out.append((rules.id, Why.NOT_A_PERSON.value, [int(r) for r in rows[odd]]))
    people = np.setdiff1d(positions, odd)
    required = set(rules.required)
    for c in rules.columns:
        mod = kinds.checked(c.kind)
        if mod is not None:
            verdict = digits.problems(arrow(canon[c.name]), mod)[people]
            if c.name not in required:
                verdict[verdict == Why.BLANK.value] = None
        else:
            blank = (canon[c.name].to_numpy()[people] == "") & (c.name in required)
            verdict = np.where(blank, Why.BLANK.value, None)
        bad = np.flatnonzero(verdict != None)  # noqa: E711 (element-wise on an object array)
        if len(bad):
            why, first, which = np.unique(verdict[bad].astype(str), return_index=True, return_inverse=True)
            at = rows[people[bad]]
            for k in np.argsort(first, kind="stable"):
                out.append((c.name, str(why[k]), [int(r) for r in at[which == k]]))
    out += _formulas(formulas, rows, rules, positions)
    sep = pa.scalar("\x1f", pa.large_string())
    owners = pc.binary_join_element_wise(*[arrow(canon[c.name]) for c in rules.columns if c.owner], sep)
    df = pd.DataFrame({"id": arrow(canon[rules.id]).to_pandas(), "owner": owners.to_pandas()})
    df = df[df["id"] != ""]
    conflict = df.groupby("id")["owner"].transform("nunique") > 1
    conflict_ids = set(df.loc[conflict, "id"])
    if len(positions) < len(canon):
        conflict_ids &= set(canon[rules.id].iloc[positions])
    hit = df.index[df["id"].isin(conflict_ids)].to_numpy()
    if len(hit):
        out.append((rules.id, Why.TWO_OWNERS.value, [int(r) for r in rows[hit]]))
    return out + safety.unfit(canon, rows, rules, positions)


def _not_people(canon: pd.DataFrame, rules: Rules, positions: np.ndarray) -> np.ndarray:
    """Positions of rows that are not people: no ID, and a total's label in a cell, or below the last row with an
    ID with a required owner column blank (a 合計 row under the list)."""
    no_id = canon[rules.id].to_numpy()[positions] == ""
    if not no_id.any():
        return np.zeros(0, np.int64)
    labels = set(TOTAL_LABELS) | set(rules.policies.get("skip_labels") or ())
    texts = canon.iloc[positions]
    label = np.zeros(len(positions), bool)
    for c in rules.names:
        label |= texts[c].str.replace(r"\s", "", regex=True).isin(labels).to_numpy()
    with_id = np.flatnonzero(~no_id)
    below = np.arange(len(positions)) > (with_id[-1] if len(with_id) else -1)
    unnamed = np.zeros(len(positions), bool)
    for c in rules.columns:
        if c.owner and c.name in rules.required:
            unnamed |= texts[c.name].to_numpy() == ""
    return positions[no_id & (label | (below & unnamed))]


def _formulas(formulas: pd.DataFrame | None, rows, rules: Rules, positions) -> list:
    """Formula cells in bound columns: refused unless the rules seal their values; never without a value."""
    if formulas is None or not len(formulas):
        return []
    f = formulas[formulas["pos"].isin(positions)]
    seal_values = rules.policies.get("formulas") == "seal_values"
    out = []
    for c in rules.names:
        mine = f[f["column"] == c]
        for why, sel in ((Why.FORMULA_NO_VALUE, ~mine["cached"].astype(bool)),
                         (Why.FORMULA_CELL, mine["cached"].astype(bool) & (not seal_values))):
            at = mine.loc[sel, "pos"].to_numpy(np.int64)
            if len(at):
                out.append((c, why.value, sorted(int(r) for r in rows[at])))
    return out


def pad_zeros(table: Table, rules: Rules) -> list:
    """(position, column, text) of every fixed-length number (My Number, local government code, corporate
    number) that lost its leading zeros when typed as a number, written back as zero-padded text."""
    canon = canonical(table.values, rules)
    out = []
    for c in rules.columns:
        mod = kinds.checked(c.kind)
        if mod is None:
            continue
        verdict = digits.problems(arrow(canon[c.name]), mod)
        for q in np.flatnonzero(verdict == Why.LEADING_ZERO_LOST.value).tolist():
            out.append((q, c.name, mod.pad(canon[c.name].iat[q])))
    return out


def seal(table: Table, rules: Rules, key: SealKey, sheet: str, header_row: int, *, stamp: mf.Stamp, lang: str = "ja",
         book: str = "BOOK") -> tuple[pd.Series, dict, pd.DataFrame]:
    """Seal strings (aligned with the table), the signed manifest and the notices (a DataFrame of
    check.NOTICE_COLUMNS). Raises UnfitToSeal (with pad=True when pad_zeros would fix some of it)."""
    canon = canonical(table.values, rules)
    found = problems(canon, table.rows, rules, formulas=table.formulas)
    if found:
        pad = any(why == Why.LEADING_ZERO_LOST for _, why, _ in found)
        raise UnfitToSeal(problems=problems_text(found, "en"), items=found, pad=pad, book=book)
    m = mf.new(rules, key, sheet, header_row, table.rows.tolist(), stamp)
    notices = pd.DataFrame(safety.notices(table.values, canon, rules, table.rows, Messages(lang, rules)),
                           columns=NOTICE_COLUMNS)
    return seals_for(m, key, rules, table.rows, canon), m, notices


def seals_for(m: dict, key: SealKey, rules: Rules, serials: np.ndarray | list, canon: pd.DataFrame,
              generations: np.ndarray | list | None = None) -> pd.Series:
    sealer = Sealer(key, m["nonce"])
    tags = pd.DataFrame({c: sealer.tags(c, canon[c]).to_numpy() for c in rules.names})
    return sealer.make_seals(list(serials), tags, canon.reset_index(drop=True), generations)
