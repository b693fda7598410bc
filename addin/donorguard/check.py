"""Check a sealed table against its seals: a findings table, a diagnosis and a repair plan.

Read-only. A clean row costs one MAC; cells are looked at only in rows whose MAC fails.
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import diagnose, manifest as mf
from .fingerprint import Sealer, canonical, parse, same, tag_of
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
            stored = seals["row_mac"].iloc[idx].tolist()
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
        for i in np.flatnonzero(broken):
            seal_ok[i] = same(self.sealer.seal_mac(seals["head"].iat[i]), seals["seal_mac"].iat[i])
        known = set(mf.decode_ranges(self.m["serials"]))
        serial = seals["serial"].to_numpy()
        for i in np.flatnonzero(seal_ok & ~np.isin(serial, list(known))):
            seal_ok[i] = False
        for i in np.flatnonzero((sealed & ~seal_ok) | (~sealed & ~seals["blank"].to_numpy())):
            self._add(rows[i], "tampered", [], None, serial[i] if serial[i] >= 0 else None, self.msg.tampered())
        self.tampered = (sealed & ~seal_ok) | (~sealed & ~seals["blank"].to_numpy())

        # expected tags of every row with a genuine seal
        self.exp = {c: tag_of(seals["tags"], j) for j, c in enumerate(self.cols)}
        # one owner row per serial; further rows carrying the same seal are duplicates
        owner = np.full(n, False)
        first = {}
        for i in np.flatnonzero(seal_ok):
            s = serial[i]
            if s not in first or (clean[i] and not clean[first[s]]):
                first[s] = i
        owner[list(first.values())] = True
        self.owner = owner
        self.pos_of_serial = first
        dup = seal_ok & ~owner
        self.unsealed = seals["blank"].to_numpy() & has_values
        work = (seal_ok & ~clean & owner) | self.unsealed
        self.cur = {c: pd.Series(index=np.flatnonzero(work), dtype=object) for c in self.cols}
        if work.any():
            w = np.flatnonzero(work)
            for c in self.cols:
                self.cur[c] = pd.Series(self.sealer.tags(c, self.canon[c].iloc[w]).to_numpy(), index=w)
        for i in np.flatnonzero(dup):
            o = first[serial[i]]
            self._add(rows[i], "duplicate", [], rows[o], mf.sealed_row(self.m, serial[i]),
                      self.msg.duplicate(rows[o]))
        for s in sorted(known - set(first)):
            self._add(None, "missing", [], None, mf.sealed_row(self.m, s), self.msg.missing(mf.sealed_row(self.m, s)))
        broken_owner = np.flatnonzero(seal_ok & ~clean & owner)
        for c in self.cols:
            self._column(c, broken_owner)
        self._rows_added()
        self._invalid_ids(np.concatenate([broken_owner, np.flatnonzero(self.unsealed)]))
        self._cell_findings()

    def _column(self, c, broken_owner):
        """Pair each misplaced value of column c with the row whose seal asks for it."""
        exp_all, cur = self.exp[c], self.cur[c]
        exp_b = exp_all.iloc[broken_owner]
        cur_b = cur.loc[broken_owner] if len(broken_owner) else cur.iloc[:0]
        wrong = broken_owner[(cur_b.to_numpy() != exp_b.to_numpy())]
        unsealed = np.flatnonzero(self.unsealed & self.canon[c].ne("").to_numpy())
        sources = np.concatenate([wrong, unsealed])
        if not len(sources):
            return
        need = pd.Series(wrong, index=exp_all.iloc[wrong].to_numpy())
        src_tags = cur.loc[sources].to_numpy()
        owners_exp = exp_all[self.owner]
        owner_by_tag = pd.Series(owners_exp.index.to_numpy(), index=owners_exp.to_numpy())
        owner_by_tag = owner_by_tag[owner_by_tag.index.isin(set(src_tags))]
        needers = {t: list(g) for t, g in need.groupby(level=0)} if len(need) else {}
        owners = {t: list(g) for t, g in owner_by_tag.groupby(level=0)} if len(owner_by_tag) else {}
        filled = set()
        for pos, tag in sorted(zip(sources, src_tags)):
            wanted = needers.get(tag)
            blank = self.canon[c].iat[pos] == ""
            is_unsealed = self.unsealed[pos]
            if wanted:
                dst = wanted.pop(0)
                self.plan.moves.append((dst, c, pos))
                filled.add(dst)
                self.cells.append((pos, c, "separated", dst, True, blank, is_unsealed))
            elif len(owners.get(tag, ())) == 1 and (c == self.rules.id or not is_unsealed):
                # a copy of a value only one owner has: someone else's value
                self.cells.append((pos, c, "separated", owners[tag][0], False, blank, is_unsealed))
            elif not is_unsealed:
                kind = "id_changed" if c == self.rules.id else "owner_changed"
                self.cells.append((pos, c, kind, -1, False, blank, is_unsealed))
        for pos in wrong:
            if pos in filled:
                continue
            fixed = self._leading_zero(c, pos)
            if fixed:
                self.plan.set_text.append((pos, c, fixed))
            else:
                self.plan.reentry.append((pos, c))
        moved_out = {p for _, col, p in self.plan.moves if col == c}
        for pos, col, kind, dst, paired, blank, is_unsealed in self.cells:
            if col != c or pos in filled or blank:
                continue
            if kind == "separated" and (pos in moved_out or not (paired or is_unsealed)):
                if not any(p == pos and cc == c for p, cc, _ in self.plan.set_text):
                    self.plan.clear.append((pos, c))

    def _leading_zero(self, c, pos):
        kind = self.rules.id_kind if c == self.rules.id else None
        v = self.canon[c].iat[pos]
        if kind is None or len(v) != kind.length - 1 or not v.isdigit():
            return None
        if self.sealer.tag(c, "0" + v) == self.exp[c].iat[pos]:
            return "0" + v
        return None

    def _cell_findings(self):
        rows, msg = self.t.rows, self.msg
        cells = self.cell_frame()
        cells = cells[~cells["unsealed"]]
        zero = {(p, c) for p, c, _ in self.plan.set_text}
        for (pos, kind, dst), g in cells.groupby(["pos", "kind", "dst"], sort=True):
            cols = [c for c in self.cols if c in set(g["col"])]
            serial = self.seals["serial"].iat[pos]
            belongs = rows[dst] if dst >= 0 else None
            if kind == "separated":
                text = msg.separated(rows[pos], cols, belongs, self._display(dst), self._masked(pos, cols))
            elif all((pos, c) in zero for c in cols):
                text = msg.leading_zero(rows[pos], self._masked(pos, cols))
            else:
                text = msg.edited(rows[pos], cols, self._masked(pos, cols))
            self._add(rows[pos], kind, cols, belongs, mf.sealed_row(self.m, serial), text)

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
            v = self.canon[id_col].iat[pos]
            why = kind.problem(v)
            if why and not (why == "blank" and self.rules.policies.get("allow_blank_id")):
                serial = self.seals["serial"].iat[pos]
                self._add(self.t.rows[pos], "invalid_id", [id_col], None,
                          mf.sealed_row(self.m, serial) if serial >= 0 else None,
                          self.msg.invalid_id(self.t.rows[pos], why, kind.mask(v)))

    # -- helpers ------------------------------------------------------------------------
    def cell_frame(self) -> pd.DataFrame:
        """The misplaced or edited cells: position, column, kind, owner position, paired, blank, unsealed."""
        df = pd.DataFrame(self.cells, columns=["pos", "col", "kind", "dst", "paired", "blank", "unsealed"])
        return df.astype({"pos": "int64", "dst": "int64", "paired": bool, "blank": bool, "unsealed": bool})

    def _display(self, pos):
        """The owner's name as it stands in the owner's row, if that cell is itself in place."""
        name_col = self.rules_display
        if pos < 0 or name_col is None:
            return None
        cur = self.cur[name_col]
        if self.clean[pos] or (pos in cur.index and cur.at[pos] == self.exp[name_col].iat[pos]):
            return self.t.values[name_col].iat[pos]
        return None

    @property
    def rules_display(self):
        return next((c.name for c in self.rules.columns if c.owner and c.kind == "text"), None)

    def _masked(self, pos, cols):
        if self.rules.id in cols:
            return self.rules.id_kind.mask(self.canon[self.rules.id].iat[pos])
        return None

    def _add(self, row, kind, cols, belongs, sealed_row, message):
        self.findings.append((None if row is None else int(row), kind, cols,
                              None if belongs is None else int(belongs),
                              None if sealed_row is None else int(sealed_row), message))
