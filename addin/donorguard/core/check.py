"""Check a sealed table against its seals: findings, notices, a diagnosis and a repair plan.

Read-only. A clean row costs one MAC; cells are looked at only when some row's MAC fails or a serial is missing
or of an older generation (explain.py). A row is whole when its bound values agree with one seal, wherever in
the list that seal now sits: only values separated from their owner's row are findings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..text import ranges
from ..text.messages import Messages
from . import diagnose, manifest as mf, safety
from .codes import Kind, Notice
from .evidence import FINDING_COLUMNS
from .explain import explain
from .fingerprint import Sealer, canonical, quick, serial_numbers
from .plan import Plan
from .rules import Rules
from .table import Table

if TYPE_CHECKING:
    from .fingerprint import SealKey

__all__ = ["FINDING_COLUMNS", "NOTICE_COLUMNS", "Plan", "Report", "check", "Checker", "no_notices"]

NOTICE_COLUMNS = ["notice", "rows", "columns", "message"]   # worth knowing, not a separation: no effect on status


def no_notices() -> pd.DataFrame:
    return pd.DataFrame(columns=NOTICE_COLUMNS)


@dataclass
class Report:
    status: str
    rows: int
    findings: pd.DataFrame
    diagnosis: pd.DataFrame
    plan: Plan
    canon: pd.DataFrame = None
    notices: pd.DataFrame = field(default_factory=no_notices)
    people: np.ndarray | None = None      # positions of the rows a person lives in (export takes these)

    @property
    def clean(self) -> bool:
        return self.status == "clean"

    @property
    def problem_rows(self) -> int:
        """How many rows of the list have problems (sealed rows that are gone are counted apart: gone_rows)."""
        return int(self.findings["row"].dropna().nunique())

    @property
    def gone_rows(self) -> int:
        """How many sealed rows are nowhere in the list."""
        return int((self.findings["kind"] == Kind.MISSING).sum())


def check(table: Table, manifest: dict, key: SealKey, path: str = "workbook", lang: str = "ja") -> Report:
    rules = mf.verify(manifest, key, path)
    return Checker(table, manifest, rules, key, Messages(lang, rules, table.headers), path).run()


class Checker:
    def __init__(self, table: Table, manifest: dict, rules: Rules, key: SealKey, msg: Messages, book: str = "workbook"):
        self.t, self.m, self.rules, self.msg, self.book = table, manifest, rules, msg, book
        self.sealer = Sealer(key, manifest["nonce"])
        self.cols = rules.names

    def run(self) -> Report:
        t, n = self.t, len(self.cols)
        self.canon = canonical(t.values, self.rules)
        prefix, row_mac, colon = quick(t.seals, n)
        clean = self.sealer.rows_intact(prefix, self.canon, row_mac) & colon
        plan, people, away = Plan(), np.arange(len(t)), np.zeros(0, np.int64)
        findings = pd.DataFrame(columns=FINDING_COLUMNS)
        diag = pd.DataFrame(columns=diagnose.COLUMNS)
        if not clean.all() or not self._current(*serial_numbers(prefix, n)):
            found = explain(self, clean)
            findings, plan, people, away = found.evidence.findings, found.plan, found.people, found.seals_away
            if len(findings):
                diag = diagnose.diagnose(found.evidence, self.msg)
        notices = self._notices(away)
        status = "clean" if findings.empty else "blocked"
        rows = int(self.canon.ne("").any(axis=1).sum())
        report = Report(status, rows, findings, diag, plan, self.canon, notices, people)
        # what must not leave the office (safety.py: formula text, encodings) is added to the verdict here
        return safety.screened(report, t.values, self.rules, t.rows, self.msg)

    def _current(self, serials, generations) -> bool:
        """Every sealed serial once, each at its current generation."""
        expected = ranges.decode(self.m["serials"])
        if len(serials) != len(expected) or not np.array_equal(np.sort(serials), np.asarray(expected)):
            return False
        return bool(np.array_equal(generations, mf.current_generation(self.m, serials)))

    def _notices(self, away) -> pd.DataFrame:
        """What is worth knowing though it separates nothing."""
        out, msg, rows = [], self.msg, self.t.rows
        if len(away):
            r = rows[away].tolist()
            out.append((Notice.SEALS_OUT_OF_PLACE.value, r, [], msg.notice(Notice.SEALS_OUT_OF_PLACE, r)))
        if self.t.seal_header is not None:
            text = msg.notice(Notice.SEAL_HEADER, [], header=self.t.seal_header)
            out.append((Notice.SEAL_HEADER.value, [], [], text))
        f = self.t.formulas
        if len(f):
            r, cols = sorted(set(rows[f["pos"].to_numpy()].tolist())), [c for c in self.cols if c in set(f["column"])]
            out.append((Notice.FORMULAS_SEALED.value, r, cols, msg.notice(Notice.FORMULAS_SEALED, r, cols)))
        return pd.DataFrame(out, columns=NOTICE_COLUMNS)
