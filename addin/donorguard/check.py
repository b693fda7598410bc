"""Check a sealed table against its seals: a findings table, a diagnosis and a repair plan.

Read-only. A clean row costs one MAC; cells are looked at only in rows whose MAC fails.
"""
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import diagnose, manifest as mf
from .fingerprint import Sealer, canonical, parse, same, tag_of
from .kinds.values import arrow
from .messages import Messages
from .rules import Rules
from .table import Table

FINDING_COLUMNS = ["row", "kind", "columns", "belongs_at_row", "sealed_row", "message"]


@dataclass
class Plan:
    """What repair would do: move values home, restore lost leading zeros, clear others' values."""
    moves: list = field(default_factory=list)      # (dst_pos, column, src_pos)
    set_text: list = field(default_factory=list)   # (pos, column, text)
    clear: list = field(default_factory=list)      # (pos, column)
    reentry: list = field(default_factory=list)    # (pos, column): value overwritten, not in the sheet


@dataclass
class Report:
    status: str
    rows: int
    findings: pd.DataFrame
    diagnosis: pd.DataFrame
    plan: Plan
    canon: pd.DataFrame = None

    @property
    def clean(self) -> bool:
        return self.status == "clean"


def check(table: Table, manifest: dict, key, path: str = "workbook", lang: str = "ja") -> Report:
    rules = mf.verify(manifest, key, path)
    return Checker(table, manifest, rules, key, Messages(lang, rules)).run()


class Checker:
    def __init__(self, table: Table, manifest: dict, rules: Rules, key, msg: Messages):
        self.t, self.m, self.rules, self.msg = table, manifest, rules, msg
        self.sealer = Sealer(key, manifest["nonce"])
        self.cols = rules.names
        self.findings = []
        self.cells = []          # wrong cells: pos, col, kind, owner_pos, paired, blank
        self.plan = Plan()
        self._moved = json.loads(manifest["sealed_rows"])
        self._names = None

    # -- the clean path ------------------------------------------------------------
    def run(self) -> Report:
        t = self.t
        self.canon = canonical(t.values, self.rules)
        seals = parse(t.seals, len(self.cols))
        self.seals = seals
        has_values = self.canon.ne("").any(axis=1).to_numpy()
        sealed = seals["ok"].to_numpy()
        clean = np.zeros(len(t), bool)
        if sealed.any():
            idx = np.flatnonzero(sealed)
            macs = self.sealer.row_macs(seals["prefix"].iloc[idx].reset_index(drop=True),
                                        self.canon.iloc[idx].reset_index(drop=True))
            stored = arrow(seals["row_mac"].iloc[idx]).to_pylist()
            clean[idx] = [same(a, b) for a, b in zip(macs, stored)]
        self.clean = clean
        if not clean.all() or not self._all_serials_present(seals["serial"].to_numpy()[clean]):
            self._explain(seals, clean, sealed, has_values)
        findings = pd.DataFrame(self.findings, columns=FINDING_COLUMNS)
        findings = findings.sort_values(["row", "kind"], na_position="last", kind="stable").reset_index(drop=True)
        diag = diagnose.diagnose(self) if len(findings) else pd.DataFrame(columns=diagnose.COLUMNS)
        return Report("clean" if findings.empty else "blocked", len(t), findings, diag, self.plan, self.canon)

    def _all_serials_present(self, serials) -> bool:
        expected = mf.decode_ranges(self.m["serials"])
        return len(serials) == len(expected) and np.array_equal(np.sort(serials), np.asarray(expected))

    # -- where something is wrong -----------------------------------------------------
    def _explain(self, seals, clean, sealed, has_values):
        t, rows = self.t, self.t.rows
        n = len(t)
        broken = sealed & ~clean
        seal_ok = clean.copy()
        idx = np.flatnonzero(broken)
        if len(idx):
            heads = seals["head"].to_numpy(dtype=object)[idx].tolist()
            stored = seals["seal_mac"].to_numpy(dtype=object)[idx].tolist()
            seal_ok[idx] = [same(a, b) for a, b in zip(self.sealer.seal_macs(heads), stored)]
        known = set(mf.decode_ranges(self.m["serials"]))
        serial = seals["serial"].to_numpy()
        for i in np.flatnonzero(seal_ok & ~np.isin(serial, list(known))):
            seal_ok[i] = False
        for i in np.flatnonzero((sealed & ~seal_ok) | (~sealed & ~seals["blank"].to_numpy())):
            self._add(rows[i], "tampered", [], None, serial[i] if serial[i] >= 0 else None, self.msg.tampered())
        self.tampered = (sealed & ~seal_ok) | (~sealed & ~seals["blank"].to_numpy())

        # expected tags of every row with a genuine seal, current tags where something is wrong
        self.exp = {c: tag_of(seals["tags"], j).to_numpy(dtype=object) for j, c in enumerate(self.cols)}
        self.can = {c: self.canon[c].to_numpy(dtype=object) for c in self.cols}
        # one owner row per serial; further rows carrying the same seal are duplicates
        owner = np.full(n, False)
        first = {}
        for i in np.flatnonzero(seal_ok):
            s = serial[i]
            if s not in first or (clean[i] and not clean[first[s]]):
                first[s] = i
        owner[list(first.values())] = True
        self.owner = owner
        dup = seal_ok & ~owner
        self.unsealed = seals["blank"].to_numpy() & has_values
        work = np.flatnonzero((seal_ok & ~clean & owner) | self.unsealed)
        self.cur = {}
        for c in self.cols:
            self.cur[c] = np.full(n, None, dtype=object)
            if len(work):
                self.cur[c][work] = self.sealer.tags(c, self.canon[c].iloc[work]).to_numpy()
        for i in np.flatnonzero(dup & ~clean):
            # a genuine seal over values it does not describe: copied from another row
            self._add(rows[i], "tampered", [], rows[first[serial[i]]], self._sealed_row(serial[i]),
                      self.msg.tampered())
        for i in np.flatnonzero(dup & clean):
            o = first[serial[i]]
            self._add(rows[i], "duplicate", [], rows[o], self._sealed_row(serial[i]),
                      self.msg.duplicate(rows[o]))
        for s in sorted(known - set(first)):
            self._add(None, "missing", [], None, self._sealed_row(s), self.msg.missing(self._sealed_row(s)))
        broken_owner = np.flatnonzero(seal_ok & ~clean & owner)
        for c in self.cols:
            self._column(c, broken_owner)
        self._rows_added()
        self._invalid_ids(np.concatenate([broken_owner, np.flatnonzero(self.unsealed)]))
        self._cell_findings()

    def _column(self, c, broken_owner):
        """Pair each misplaced value of column c with the row whose seal asks for it."""
        exp, cur, can = self.exp[c], self.cur[c], self.can[c]
        wrong = broken_owner[cur[broken_owner] != exp[broken_owner]]
        unsealed = np.flatnonzero(self.unsealed & (can != ""))
        sources = np.sort(np.concatenate([wrong, unsealed]))
        if not len(sources):
            return
        needers = {}
        for p in wrong:
            needers.setdefault(exp[p], []).append(p)
        src_set = set(cur[sources])
        owners = {}
        for p in np.flatnonzero(self.owner):
            if exp[p] in src_set:
                owners.setdefault(exp[p], []).append(p)
        is_id = c == self.rules.id
        filled, moved_out, cells = set(), set(), []
        for pos in sources:
            tag, blank, is_unsealed = cur[pos], can[pos] == "", bool(self.unsealed[pos])
            wanted = needers.get(tag)
            if wanted:
                dst = wanted.pop(0)
                self.plan.moves.append((dst, c, pos))
                filled.add(dst)
                moved_out.add(pos)
                cells.append((pos, c, "separated", dst, True, blank, is_unsealed))
            elif len(owners.get(tag, ())) == 1 and (is_id or not is_unsealed):
                # a copy of a value only one owner has: someone else's value
                cells.append((pos, c, "separated", owners[tag][0], False, blank, is_unsealed))
            elif not is_unsealed:
                cells.append((pos, c, "id_changed" if is_id else "owner_changed", -1, False, blank, False))
        zero = set()
        for pos in wrong:
            if pos in filled:
                continue
            fixed = self._leading_zero(c, pos)
            if fixed:
                self.plan.set_text.append((pos, c, fixed))
                zero.add(pos)
            else:
                self.plan.reentry.append((pos, c))
        for pos, _, kind, _, paired, blank, is_unsealed in cells:
            if pos in filled or pos in zero or blank or kind != "separated":
                continue
            if pos in moved_out or not (paired or is_unsealed):
                self.plan.clear.append((pos, c))
        self.cells.extend(cells)

    def _leading_zero(self, c, pos):
        kind = self.rules.id_kind if c == self.rules.id else None
        v = self.can[c][pos]
        if kind is None or len(v) != kind.length - 1 or not v.isdigit():
            return None
        if self.sealer.tag(c, "0" + v) == self.exp[c][pos]:
            return "0" + v
        return None

    def _cell_findings(self):
        rows, msg = self.t.rows, self.msg
        zero = {(p, c) for p, c, _ in self.plan.set_text}
        groups = {}
        for pos, col, kind, dst, _, _, is_unsealed in self.cells:
            if not is_unsealed:
                groups.setdefault((pos, kind, dst), set()).add(col)
        serials = self.seals["serial"].to_numpy()
        for (pos, kind, dst), colset in sorted(groups.items()):
            cols = [c for c in self.cols if c in colset]
            belongs = rows[dst] if dst >= 0 else None
            if kind == "separated":
                text = msg.separated(rows[pos], cols, belongs, self._display(dst), self._masked(pos, cols))
            elif all((pos, c) in zero for c in cols):
                text = msg.leading_zero(rows[pos], self._masked(pos, cols))
            else:
                text = msg.edited(rows[pos], cols, self._masked(pos, cols))
            self._add(rows[pos], kind, cols, belongs, self._sealed_row(serials[pos]), text)

    def _rows_added(self):
        rows = self.t.rows
        by_pos = {}
        for pos, col, kind, dst, paired, blank, is_unsealed in self.cells:
            if is_unsealed and kind == "separated":
                by_pos.setdefault(pos, []).append((col, dst))
        for pos in np.flatnonzero(self.unsealed):
            hits = by_pos.get(pos, [])
            dst = hits[0][1] if hits else -1
            self._add(rows[pos], "unsealed", [c for c, _ in hits], rows[dst] if dst >= 0 else None, None,
                      self.msg.unsealed(rows[pos], [c for c, _ in hits], rows[dst] if dst >= 0 else None))

    def _invalid_ids(self, positions):
        id_col, kind = self.rules.id, self.rules.id_kind
        for pos in sorted(positions):
            v = self.can[id_col][pos]
            why = kind.problem(v)
            if why and not (why == "blank" and self.rules.policies.get("allow_blank_id")):
                serial = self.seals["serial"].iat[pos]
                self._add(self.t.rows[pos], "invalid_id", [id_col], None,
                          self._sealed_row(serial) if serial >= 0 else None,
                          self.msg.invalid_id(self.t.rows[pos], why, kind.mask(v)))

    # -- helpers ------------------------------------------------------------------------
    def cell_frame(self) -> pd.DataFrame:
        """The misplaced or edited cells: position, column, kind, owner position, paired, blank, unsealed."""
        df = pd.DataFrame(self.cells, columns=["pos", "col", "kind", "dst", "paired", "blank", "unsealed"])
        return df.astype({"pos": "int64", "dst": "int64", "paired": bool, "blank": bool, "unsealed": bool})

    def _display(self, pos):
        """The owner's name as it stands in the owner's row, if that cell is itself in place."""
        c = self.display_column
        if pos < 0 or c is None:
            return None
        if self.clean[pos] or self.cur[c][pos] == self.exp[c][pos]:
            if self._names is None:
                self._names = self.t.values[c].to_numpy(dtype=object)
            return self._names[pos]
        return None

    def _sealed_row(self, serial) -> int:
        return int(self._moved.get(str(int(serial)), serial))

    @property
    def display_column(self):
        return next((c.name for c in self.rules.columns if c.owner and c.kind == "text"), None)

    def _masked(self, pos, cols):
        if self.rules.id in cols:
            return self.rules.id_kind.mask(self.can[self.rules.id][pos])
        return None

    def _add(self, row, kind, cols, belongs, sealed_row, message):
        self.findings.append((None if row is None else int(row), kind, cols,
                              None if belongs is None else int(belongs),
                              None if sealed_row is None else int(sealed_row), message))
