"""Export, the core part: one frame per destination from a clean table, and the read-back check
of what was written against the seals."""
from dataclasses import dataclass
from datetime import date

import pandas as pd

from . import manifest as mf
from .check import Report
from .errors import ExportBlocked
from .fingerprint import Sealer, canonical, parse, tag_of


@dataclass
class Batch:
    destination: str
    frame: pd.DataFrame      # export columns, as text to be written
    positions: list          # table positions of its rows, in order


def _fmt(kind: str, v: str, date_format: str) -> str:
    if kind == "date" and len(v) == 10 and v[4] == "-" and v[7] == "-":
        try:
            return date.fromisoformat(v).strftime(date_format)
        except ValueError:
            return v
    if kind == "postal" and len(v) == 7 and v.isdigit():
        return f"{v[:3]}-{v[3:]}"
    return v


def _column(raw: pd.Series, canon: pd.Series, kind: str, date_format: str) -> pd.Series:
    """Names and addresses as staff typed them (trimmed); numbers, codes and dates in one form."""
    if kind in ("text", "kana"):
        return raw.astype(object).where(raw.notna(), "").astype(str).str.strip().reset_index(drop=True)
    return canon.map(lambda v: _fmt(kind, v, date_format)).reset_index(drop=True)


def batches(table, report: Report, m: dict) -> list:
    """One batch per destination code, rows in list order. Only a clean report can be exported."""
    if not report.clean:
        raise ExportBlocked()
    rules = mf.from_snapshot(m["rules_snapshot"])
    ex = rules.export
    canon = report.canon
    frame = pd.DataFrame({c: _column(table.values[c], canon[c], rules.column(c).kind, ex["date_format"])
                          for c in ex["columns"]})
    keys = canon[ex["by"]] if ex["by"] else pd.Series(["all"] * len(canon))
    out = []
    for dest, idx in keys.groupby(keys, sort=True).groups.items():
        pos = sorted(idx.tolist())
        out.append(Batch(str(dest), frame.iloc[pos].reset_index(drop=True), pos))
    return out


def verify(batch: Batch, read_back: pd.DataFrame, table, m: dict, key) -> bool:
    """Every written value, read back from the file, carries the tag its row's seal holds."""
    rules = mf.from_snapshot(m["rules_snapshot"])
    cols = rules.export["columns"]
    if list(read_back.columns) != cols or len(read_back) != len(batch.positions):
        return False
    seals = parse(table.seals.iloc[batch.positions].reset_index(drop=True), len(rules.names))
    if not seals["ok"].all():
        return False
    sealer = Sealer(key, m["nonce"])
    sub = rules.__class__(**{**rules.__dict__, "columns": [rules.column(c) for c in cols]})
    canon = canonical(read_back, sub)
    for c in cols:
        expected = tag_of(seals["tags"], rules.names.index(c))
        if not (sealer.tags(c, canon[c]).to_numpy() == expected.to_numpy()).all():
            return False
    return True
