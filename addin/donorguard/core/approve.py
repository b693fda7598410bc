"""Approve: re-seal chosen rows (added or corrected) with a reason, each in a new seal generation; every other
seal stays as it is. Says exactly what it did, or refuses: rows that hold other people's values, copies, seals
that sit in other rows, a person deleted (that is --removed), rows that need nothing."""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import numpy as np

from ..text import ranges, t
from ..text.messages import problems_text, row_ranges
from . import manifest as mf
from .check import Report
from .codes import Kind, Refusal
from .errors import NotApprovable
from .fingerprint import parse
from .seal import problems, seals_for
from .table import Table

if TYPE_CHECKING:
    from .fingerprint import SealKey

REFUSED = (Kind.SEPARATED, Kind.DUPLICATE)


def _refuse(rows, why, items=None):
    text = problems_text(items, "en") if items else t("en")["refusals"][why]
    raise NotApprovable(rows=row_ranges(rows, lang="en"), why=text, reason=str(why), items=items)


def refuse_rows(report: Report, table: Table, rows: list) -> None:
    """Raise NotApprovable if any of these rows holds another person's values, copies another row, or has its
    seal in another row: approving would seal the wrong pairs."""
    f = report.findings
    for kind in REFUSED:
        bad = sorted(set(f.loc[(f["kind"] == kind) & f["row"].isin(rows), "row"].astype(int)))
        if bad:
            _refuse(bad, kind)
    seal_col = table.layout.seal
    moved = {int(table.rows[q]) for d, c, s in report.plan.moves if c == seal_col for q in (d, s)}
    bad = sorted(moved & set(rows))
    if bad:
        _refuse(bad, Refusal.SEAL_MOVED)


def needing(report: Report, rows: list) -> tuple:
    """(rows with findings, rows whose sealed person was deleted) among these Excel rows. Raises NotApprovable
    when a row needs nothing: a deleted person's row is approved with --removed, a clean row not at all."""
    f = report.findings
    flagged = set(f["row"].dropna().astype(int))
    missing = set(f.loc[f["kind"] == Kind.MISSING, "sealed_row"].dropna().astype(int))
    idle = [r for r in rows if r not in flagged]
    gone = [r for r in idle if r in missing]
    if gone:
        _refuse(gone, Refusal.USE_REMOVED)
    return [r for r in rows if r in flagged], missing


def approve(table: Table, m: dict, key: SealKey, report: Report, rows: list, reason: str, removed: list = (), *,
            stamp: mf.Stamp) -> tuple[dict, dict]:
    """New seal strings by table position, and the re-signed manifest."""
    rules = mf.from_snapshot(m["rules_snapshot"])
    reason = re.sub(r"\d{8,}", lambda d: "*" * (len(d.group()) - 4) + d.group()[-4:], reason.strip())
    if not reason:
        _refuse(rows, Refusal.REASON_REQUIRED)
    where = {int(r): i for i, r in enumerate(table.rows)}
    unknown = [r for r in rows if r not in where]
    if unknown:
        _refuse(unknown, Refusal.NOT_ROWS)
    refuse_rows(report, table, rows)
    chosen, missing = needing(report, rows)
    not_missing = [r for r in removed if r not in missing]
    if not_missing:
        _refuse(not_missing, Refusal.NOT_MISSING)
    if not chosen and not removed:
        _refuse(rows, Refusal.NOTHING_TO_APPROVE)
    positions = np.array(sorted(where[r] for r in chosen), dtype=np.int64)
    found = problems(report.canon, table.rows, rules, positions)
    if found:
        _refuse(rows, Refusal.PROBLEMS, found)

    known = set(ranges.decode(m["serials"])) - {mf.serial_of_row(m, r) for r in removed}
    sealed_rows = json.loads(m["sealed_rows"])
    gens = mf.generations(m)
    for r in removed:
        s = mf.serial_of_row(m, r)
        sealed_rows.pop(str(s), None)
        gens.pop(s, None)
    parsed = parse(table.seals, len(rules.names))
    present, chosen_at = {}, set(positions.tolist())
    for i, (ok, s) in enumerate(zip(parsed["ok"], parsed["serial"])):
        if ok and i not in chosen_at:
            present.setdefault(int(s), i)
    nxt = int(m["next_serial"])
    serials, generation = [], []
    for p in positions:
        s = int(parsed["serial"].iat[p])
        if parsed["ok"].iat[p] and s in known and s not in present:
            gens[s] = gens.get(s, 0) + 1          # the same person, re-sealed: earlier seals of it are stale
        else:
            s, nxt = nxt, nxt + 1
        serials.append(s)
        generation.append(gens.get(s, 0))
        known.add(s)
        if s != int(table.rows[p]):
            sealed_rows[str(s)] = int(table.rows[p])
        else:
            sealed_rows.pop(str(s), None)
    new = mf.with_generations(dict(m), gens)
    new.update(serials=ranges.encode(known), sealed_rows=json.dumps(sealed_rows, sort_keys=True),
               next_serial=str(nxt), rows=str(len(known)))
    approvals = json.loads(m["approvals"])
    approvals.append({"at": stamp.at, "by": stamp.by, "rows": ranges.encode(table.rows[positions]),
                      "removed": ranges.encode(removed), "reason": reason})
    new["approvals"] = json.dumps(approvals, ensure_ascii=False)
    new = mf.sign(new, key)
    seals = seals_for(new, key, rules, serials, report.canon.iloc[positions].reset_index(drop=True), generation)
    return dict(zip(positions.tolist(), seals.tolist())), new
