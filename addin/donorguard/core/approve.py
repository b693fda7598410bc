"""Approve: re-seal chosen rows (added or corrected) with a reason; every other seal stays as it is."""
import json
import re

import numpy as np

from ..text import ranges, t
from ..text.messages import problems_text, row_ranges
from . import manifest as mf
from .check import Report
from .errors import NotApprovable
from .fingerprint import parse
from .seal import problems, seals_for

REFUSED = ("separated", "duplicate")


def _refuse(rows, why, items=None):
    text = problems_text(items, "en") if items else t("en")["refusals"][why]
    raise NotApprovable(rows=row_ranges(rows, lang="en"), why=text, reason=why, items=items)


def refuse_rows(report: Report, rows: list) -> None:
    """Raise NotApprovable if any of these rows holds another person's values or copies another row:
    approving would seal the wrong pairs."""
    f = report.findings
    for kind in REFUSED:
        bad = sorted(set(f.loc[(f["kind"] == kind) & f["row"].isin(rows), "row"].astype(int)))
        if bad:
            _refuse(bad, kind)


def approve(table, m: dict, key, report: Report, rows: list, reason: str, removed: list = (), *, stamp: mf.Stamp):
    """New seal strings by table position, and the re-signed manifest."""
    rules = mf.from_snapshot(m["rules_snapshot"])
    reason = re.sub(r"\d{8,}", lambda d: "*" * (len(d.group()) - 4) + d.group()[-4:], reason.strip())
    if not reason:
        _refuse(rows, "reason_required")
    where = {int(r): i for i, r in enumerate(table.rows)}
    unknown = [r for r in rows if r not in where]
    if unknown:
        _refuse(unknown, "not_rows")
    refuse_rows(report, rows)
    f = report.findings
    missing = set(f.loc[f["kind"] == "missing", "sealed_row"].astype(int))
    not_missing = [r for r in removed if r not in missing]
    if not_missing:
        _refuse(not_missing, "not_missing")
    flagged = set(f["row"].dropna().astype(int))
    positions = np.array(sorted(where[r] for r in rows if r in flagged), dtype=np.int64)
    found = problems(report.canon, table.rows, rules, positions)
    if found:
        _refuse(rows, "problems", found)

    known = set(ranges.decode(m["serials"])) - {mf.serial_of_row(m, r) for r in removed}
    sealed_rows = json.loads(m["sealed_rows"])
    for r in removed:
        sealed_rows.pop(str(mf.serial_of_row(m, r)), None)
    parsed = parse(table.seals, len(rules.names))
    present = {}
    for i, (ok, s) in enumerate(zip(parsed["ok"], parsed["serial"])):
        if ok and i not in set(positions.tolist()):
            present.setdefault(int(s), i)
    nxt = int(m["next_serial"])
    serials = []
    for p in positions:
        s = int(parsed["serial"].iat[p])
        if not (parsed["ok"].iat[p] and s in known and s not in present):
            s, nxt = nxt, nxt + 1
        serials.append(s)
        known.add(s)
        if s != int(table.rows[p]):
            sealed_rows[str(s)] = int(table.rows[p])
        else:
            sealed_rows.pop(str(s), None)
    new = dict(m)
    new.update(serials=ranges.encode(known), sealed_rows=json.dumps(sealed_rows, sort_keys=True),
               next_serial=str(nxt), rows=str(len(known)))
    approvals = json.loads(m["approvals"])
    approvals.append({"at": stamp.at, "by": stamp.by, "rows": ranges.encode(table.rows[positions]),
                      "removed": ranges.encode(removed), "reason": reason})
    new["approvals"] = json.dumps(approvals, ensure_ascii=False)
    new = mf.sign(new, key)
    seals = seals_for(new, key, rules, serials, report.canon.iloc[positions].reset_index(drop=True))
    return dict(zip(positions.tolist(), seals.tolist())), new

