"""Seal a known-good table: refuse a list unfit to seal, else one seal per row, a manifest, and notices
(characters the rules' export encoding cannot carry: worth fixing before the list is sent, not a refusal)."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..text.messages import Messages, problems_text
from . import kinds, manifest as mf, safety
from .check import NOTICE_COLUMNS
from .errors import UnfitToSeal
from .fingerprint import Sealer, canonical
from .kinds import digits
from .kinds.values import arrow
from .rules import Rules
from .table import Table


def problems(canon: pd.DataFrame, rows, rules: Rules, positions=None) -> list:
    """Why these rows cannot be sealed, as (column, reason, Excel rows): invalid numbers, one ID on two
    owners (reason "two_owners"), text a spreadsheet would run as a formula ("formula"). Never a value.
    Each distinct value is validated once."""
    positions = np.arange(len(canon)) if positions is None else np.asarray(positions, dtype=np.int64)
    out = []
    for c in rules.columns:
        mod = kinds.checked(c.kind)
        if mod is None:
            continue
        blank_ok = c.name != rules.id or rules.policies.get("allow_blank_id")
        verdict = digits.problems(arrow(canon[c.name]), mod)[positions]
        if blank_ok:
            verdict[verdict == "blank"] = None
        bad = np.flatnonzero(verdict != None)  # noqa: E711 (element-wise on an object array)
        if len(bad):
            why, first, which = np.unique(verdict[bad].astype(str), return_index=True, return_inverse=True)
            at = rows[positions[bad]]
            for k in np.argsort(first, kind="stable"):
                out.append((c.name, str(why[k]), [int(r) for r in at[which == k]]))
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
        out.append((rules.id, "two_owners", [int(r) for r in rows[hit]]))
    return out + safety.unfit(canon, rows, rules, positions)


def seal(table: Table, rules: Rules, key, sheet: str, header_row: int, *, stamp: mf.Stamp, lang: str = "ja"):
    """Seal strings (aligned with the table), the signed manifest and the notices (a DataFrame of
    check.NOTICE_COLUMNS). Raises UnfitToSeal."""
    canon = canonical(table.values, rules)
    found = problems(canon, table.rows, rules)
    if found:
        raise UnfitToSeal(problems=problems_text(found, "en"), items=found)
    m = mf.new(rules, key, sheet, header_row, table.rows.tolist(), stamp)
    notices = pd.DataFrame(safety.notices(table.values, canon, rules, table.rows, Messages(lang, rules)),
                           columns=NOTICE_COLUMNS)
    return seals_for(m, key, rules, table.rows, canon), m, notices


def seals_for(m: dict, key, rules: Rules, serials, canon: pd.DataFrame) -> pd.Series:
    sealer = Sealer(key, m["nonce"])
    tags = pd.DataFrame({c: sealer.tags(c, canon[c]).to_numpy() for c in rules.names})
    return sealer.make_seals(list(serials), tags, canon.reset_index(drop=True))
