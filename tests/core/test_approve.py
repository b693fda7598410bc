"""Approve: corrected and added rows re-sealed with a reason, deletions accepted, other seals unchanged."""
import json

import pytest
from test_properties import HEADER, KEY, STAMP, State, op_insert, sealed

from donorguard.core.approve import approve
from donorguard.core.check import check
from donorguard.core.errors import NotApprovable


def test_corrected_added_and_removed_rows_approved():
    import random
    vals, seals, m = sealed(12, 1)
    s = State(vals, seals)
    s.vals.loc[3, "氏名"] = "訂正 花子"
    op_insert(s, random.Random(5))
    added = next(i for i, o in enumerate(s.origin) if o is None)
    gone = 7 if added > 7 else 8
    keep = [i for i in range(len(s.vals)) if i != gone]
    sealed_row_gone = s.origin[gone] + HEADER + 1
    s.vals = s.vals.iloc[keep].reset_index(drop=True)
    s.seals = [s.seals[i] for i in keep]
    s.origin = [s.origin[i] for i in keep]
    t = s.table()
    rep = check(t, m, KEY)
    assert set(rep.findings["kind"]) == {"owner_changed", "unsealed", "missing"}
    rows = sorted(rep.findings["row"].dropna().astype(int))
    new_seals, m2 = approve(t, m, KEY, rep, rows, "原本と照合 番号123456789012は誤記", [sealed_row_gone], stamp=STAMP)
    assert set(new_seals) == {int(r) - HEADER - 1 for r in rows}
    untouched = [i for i in range(len(s.seals)) if i not in new_seals]
    for i, v in new_seals.items():
        s.seals[i] = v
    assert [s.seals[i] for i in untouched] == [t.seals.iat[i] for i in untouched]
    assert check(s.table(), m2, KEY).clean
    log = json.loads(m2["approvals"])[-1]
    assert log["reason"] == "原本と照合 番号********9012は誤記" and log["removed"] == str(sealed_row_gone)


def test_approve_refuses_moved_values_and_missing_reason():
    vals, seals, m = sealed(10, 2)
    s = State(vals, seals)
    s.vals["個人番号"] = list(reversed(s.vals["個人番号"]))
    t = s.table()
    rep = check(t, m, KEY)
    with pytest.raises(NotApprovable, match="run repair first"):
        approve(t, m, KEY, rep, [4, 5], "ok", stamp=STAMP)
    with pytest.raises(NotApprovable, match="a reason is required"):
        approve(t, m, KEY, rep, [4], "  ", stamp=STAMP)
    with pytest.raises(NotApprovable, match="not missing sealed rows"):
        approve(t, m, KEY, rep, [], "x", [5], stamp=STAMP)
