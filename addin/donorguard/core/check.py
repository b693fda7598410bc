"""Check a sealed table against its seals: a findings table, a diagnosis and a repair plan.

Read-only. A clean row costs one MAC; cells are looked at only in rows whose MAC fails.
"""
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..text import ranges
from ..text.messages import Messages
from . import diagnose, manifest as mf, safety
from .fingerprint import TAG_CHARS, Sealer, canonical, parse, quick, serial_numbers
from .kinds import digits
from .kinds.values import arrow
from .rules import Rules
from .table import Table

FINDING_COLUMNS = ["row", "kind", "columns", "belongs_at_row", "sealed_row", "message"]
NOTICE_COLUMNS = ["notice", "rows", "columns", "message"]   # worth knowing, not a separation: no effect on status


def no_notices() -> pd.DataFrame:
    return pd.DataFrame(columns=NOTICE_COLUMNS)


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
    notices: pd.DataFrame = field(default_factory=no_notices)

    @property
    def clean(self) -> bool:
        return self.status == "clean"

    @property
    def problem_rows(self) -> int:
        """How many rows have problems: rows with findings, and sealed rows that are gone."""
        f = self.findings
        return int(f["row"].dropna().nunique() + (f["kind"] == "missing").sum())


def check(table: Table, manifest: dict, key, path: str = "workbook", lang: str = "ja") -> Report:
    rules = mf.verify(manifest, key, path)
    return Checker(table, manifest, rules, key, Messages(lang, rules, table.headers)).run()


class Checker:
    def __init__(self, table: Table, manifest: dict, rules: Rules, key, msg: Messages):
        self.t, self.m, self.rules, self.msg = table, manifest, rules, msg
        self.sealer = Sealer(key, manifest["nonce"])
        self.cols = rules.names
        self.findings = []
        self.cells = []          # wrong cells: pos, col, kind, owner_pos, paired, blank
        self.plan = Plan()
        self._moved = json.loads(manifest["sealed_rows"])

    # -- the clean path ------------------------------------------------------------
    def run(self) -> Report:
        t, n = self.t, len(self.cols)
        self.canon = canonical(t.values, self.rules)
        prefix, row_mac, colon = quick(t.seals, n)
        self.clean = self.sealer.rows_intact(prefix, self.canon, row_mac) & colon
        if not self.clean.all() or not self._all_serials_present(serial_numbers(prefix, n)):
            self._recheck()
        findings = pd.DataFrame(self.findings, columns=FINDING_COLUMNS)
        findings = findings.sort_values(["row", "kind"], na_position="last", kind="stable").reset_index(drop=True)
        diag = diagnose.diagnose(self) if len(findings) else pd.DataFrame(columns=diagnose.COLUMNS)
        report = Report("clean" if findings.empty else "blocked", len(t), findings, diag, self.plan, self.canon)
        return safety.screened(report, t.values, self.rules, t.rows, self.msg)     # formula text, encodings

    def _recheck(self):
        """Something is wrong: every seal cell parsed and validated, its row checked again, explained."""
        t, n = self.t, len(self.cols)
        seals = parse(t.seals, n)
        sealed = seals["ok"].to_numpy()
        clean = self.clean & sealed                 # rows the quick pass verified need no second MAC
        idx = np.flatnonzero(sealed & ~clean)
        clean[idx] = self.sealer.rows_intact(seals["prefix"].iloc[idx], self.canon.iloc[idx],
                                             seals["row_mac"].iloc[idx])
        self.clean = clean
        if not clean.all() or not self._all_serials_present(seals["serial"].to_numpy()[clean]):
            self._explain(seals, clean, sealed, self.canon.ne("").any(axis=1).to_numpy())

    def _all_serials_present(self, serials) -> bool:
        expected = ranges.decode(self.m["serials"])
        return len(serials) == len(expected) and np.array_equal(np.sort(serials), np.asarray(expected))

    # -- where something is wrong -----------------------------------------------------
    def _explain(self, seals, clean, sealed, has_values):
        """Every finding of a table with broken rows; whole-array work, no Python loop per row."""
        rows, msg, n = self.t.rows, self.msg, len(self.t)
        blank = seals["blank"].to_numpy()
        serial = self.serials = seals["serial"].to_numpy()
        seal_ok = clean.copy()
        idx = np.flatnonzero(sealed & ~clean)
        if len(idx):
            seal_ok[idx] = self.sealer.seals_intact(seals["head"].iloc[idx], seals["seal_mac"].iloc[idx])
        known = np.unique(np.asarray(ranges.decode(self.m["serials"]), dtype=np.int64))
        seal_ok &= np.isin(serial, known)
        self.tampered = (sealed & ~seal_ok) | (~sealed & ~blank)
        bad = np.flatnonzero(self.tampered)
        self._add_many(rows[bad], "tampered", _lists(len(bad)), None, np.where(serial[bad] >= 0, serial[bad], -1),
                       [msg.tampered()] * len(bad))

        # expected tags of every row with a genuine seal, current tags where something is wrong
        tags = arrow(seals["tags"])
        self.exp = {c: pc.utf8_slice_codeunits(tags, j * TAG_CHARS, (j + 1) * TAG_CHARS).to_numpy(zero_copy_only=False)
                    for j, c in enumerate(self.cols)}
        self.can = {}
        # one owner row per serial (its first clean row, else its first row); further rows are duplicates
        ok = np.flatnonzero(seal_ok)
        order = ok[np.lexsort((~clean[ok], serial[ok]))]
        head = np.ones(len(order), bool)
        head[1:] = serial[order][1:] != serial[order][:-1]
        owner_pos = order[head]
        owner_serial = serial[owner_pos]
        self.owner = np.zeros(n, bool)
        self.owner[owner_pos] = True
        first = np.full(n, -1, np.int64)
        first[ok] = owner_pos[np.searchsorted(owner_serial, serial[ok])]
        dup = seal_ok & ~self.owner
        self.unsealed = blank & has_values
        work = np.flatnonzero((seal_ok & ~clean & self.owner) | self.unsealed)
        self.cur = {}
        for c in self.cols:
            self.cur[c] = np.full(n, None, dtype=object)
            if len(work):
                self.cur[c][work] = self.sealer.tags(c, self.canon[c].iloc[work]).to_numpy()
        # a genuine seal over values it does not describe: copied from another row
        copied = np.flatnonzero(dup & ~clean)
        self._add_many(rows[copied], "tampered", _lists(len(copied)), rows[first[copied]],
                       self._sealed_rows(serial[copied]), [msg.tampered()] * len(copied))
        copies = np.flatnonzero(dup & clean)
        of = rows[first[copies]]
        self._add_many(rows[copies], "duplicate", _lists(len(copies)), of, self._sealed_rows(serial[copies]),
                       [msg.duplicate(r) for r in of.tolist()])
        # a row whose seal was edited but still names its serial is that person, tampered, not a deleted row
        claimed = np.intersect1d(serial[bad], known)
        gone = self._sealed_rows(np.setdiff1d(known, np.union1d(owner_serial, claimed)))
        self._add_many(None, "missing", _lists(len(gone)), None, gone, [msg.missing(r) for r in gone.tolist()])
        broken_owner = np.flatnonzero(seal_ok & ~clean & self.owner)
        for c in self.cols:
            self._column(c, broken_owner)
        self._rows_added()
        self._invalid_ids(np.concatenate([broken_owner, np.flatnonzero(self.unsealed)]))
        self._cell_findings()

    def _column(self, c, broken_owner):
        """Pair each misplaced value of column c with the row whose seal asks for it: the k-th value
        (by position) holding a tag fills the k-th row whose seal asks for that tag."""
        exp, cur = self.exp[c], self.cur[c]
        wrong = broken_owner[cur[broken_owner] != exp[broken_owner]]
        unsealed = np.flatnonzero(self.unsealed)
        if len(unsealed):
            unsealed = unsealed[self._can(c)[unsealed] != ""]
        sources = np.sort(np.concatenate([wrong, unsealed]))
        if not len(sources):
            return
        can = self._can(c)
        owners = np.flatnonzero(self.owner)
        codes, uniq = pd.factorize(np.concatenate([cur[sources], exp[wrong], exp[owners]]))
        src, need, own = np.split(codes, [len(sources), len(sources) + len(wrong)])
        rank = _rank_within(src)
        need_count = np.bincount(need, minlength=len(uniq))
        need_start = np.cumsum(need_count) - need_count
        by_tag = wrong[np.argsort(need, kind="stable")]
        paired = rank < need_count[src]
        dst = np.full(len(sources), -1, np.int64)
        dst[paired] = by_tag[need_start[src[paired]] + rank[paired]]
        # a copy of a value only one owner has: someone else's value
        only = np.full(len(uniq), -1, np.int64)
        only[own] = owners
        is_unsealed = self.unsealed[sources]
        is_id = c == self.rules.id
        other = ~paired & (np.bincount(own, minlength=len(uniq))[src] == 1) & (is_id | ~is_unsealed)
        dst[other] = only[src[other]]
        edited = ~paired & ~other & ~is_unsealed
        keep = paired | other | edited
        kind = np.full(len(sources), "separated", dtype=object)
        kind[edited] = "id_changed" if is_id else "owner_changed" if self.rules.column(c).owner else "value_changed"
        self.plan.moves.extend(zip(dst[paired].tolist(), [c] * int(paired.sum()), sources[paired].tolist()))

        n = len(self.t)
        filled = np.zeros(n, bool)
        filled[dst[paired]] = True
        todo = wrong[~filled[wrong]]
        fixed = self._leading_zeros(c, todo)
        has = np.array([f is not None for f in fixed], bool)
        self.plan.set_text.extend(zip(todo[has].tolist(), [c] * int(has.sum()), fixed[has].tolist()))
        self.plan.reentry.extend(zip(todo[~has].tolist(), [c] * int((~has).sum())))
        zero = np.zeros(n, bool)
        zero[todo[has]] = True

        pos, kind, dst, paired, is_unsealed = sources[keep], kind[keep], dst[keep], paired[keep], is_unsealed[keep]
        blank = can[pos] == ""
        clear = (kind == "separated") & ~filled[pos] & ~zero[pos] & ~blank & (paired | ~is_unsealed)
        self.plan.clear.extend(zip(pos[clear].tolist(), [c] * int(clear.sum())))
        self.cells.append({"pos": pos, "col": np.full(len(pos), c, dtype=object), "kind": kind, "dst": dst,
                           "paired": paired, "blank": blank, "unsealed": is_unsealed,
                           "ci": np.full(len(pos), self.cols.index(c), np.int64)})

    def _leading_zeros(self, c, positions):
        """Per position: the value with its lost leading zero restored when that is what was sealed, else None."""
        out = np.full(len(positions), None, dtype=object)
        kind = self.rules.id_kind if c == self.rules.id else None
        if kind is None or not len(positions):
            return out
        values = self._can(c)[positions]
        cand = np.flatnonzero([len(v) == kind.length - 1 and v.isdigit() for v in values])
        if len(cand):
            fixed = np.array(["0" + v for v in values[cand]], dtype=object)
            tags = self.sealer.tags(c, pd.Series(fixed, dtype=object)).to_numpy(dtype=object)
            hit = tags == self.exp[c][positions[cand]]
            out[cand[hit]] = fixed[hit]
        return out

    def _cell_findings(self):
        """One finding per row, kind and owner row, naming its columns in rule order."""
        a = self._cell_arrays(unsealed=False)
        if not len(a["pos"]):
            return
        kcode = pd.factorize(a["kind"], sort=True)[0]
        order = np.lexsort((a["ci"], a["dst"], kcode, a["pos"]))
        pos, kind, dst, ci, kcode = a["pos"][order], a["kind"][order], a["dst"][order], a["ci"][order], kcode[order]
        start = np.ones(len(pos), bool)
        start[1:] = (pos[1:] != pos[:-1]) | (kcode[1:] != kcode[:-1]) | (dst[1:] != dst[:-1])
        g = np.flatnonzero(start)
        cols = _lists(len(g))
        names = np.asarray(self.cols, dtype=object)[ci].tolist()
        for i, name in zip((np.cumsum(start) - 1).tolist(), names):
            cols[i].append(name)
        zero = np.zeros((len(self.t), len(self.cols)), bool)
        if self.plan.set_text:
            zp, zc, _ = zip(*self.plan.set_text)
            zero[list(zp), [self.cols.index(c) for c in zc]] = True
        all_zero = np.logical_and.reduceat(zero[pos, ci], g)
        gp, gk, gd = pos[g], kind[g], dst[g]
        masked = np.full(len(g), None, dtype=object)
        has_id = np.logical_or.reduceat(ci == self.cols.index(self.rules.id), g)
        masked[has_id] = self._masks(self._can(self.rules.id)[gp[has_id]])
        belongs = np.where(gd >= 0, self.t.rows[np.maximum(gd, 0)], -1)
        names = self._owner_names(gd)
        rows, msg = self.t.rows[gp], self.msg
        sep = gk == "separated"
        i = np.flatnonzero(sep)
        parts = [(i, msg.separated_many(rows[i].tolist(), [cols[j] for j in i.tolist()],
                                        [b if b >= 0 else None for b in belongs[i].tolist()],
                                        names[i].tolist(), masked[i].tolist()))]
        i = np.flatnonzero(~sep & all_zero)
        parts.append((i, msg.leading_zero_many(rows[i].tolist(), masked[i].tolist())))
        i = np.flatnonzero(~sep & ~all_zero)
        parts.append((i, msg.edited_many(rows[i].tolist(), [cols[j] for j in i.tolist()], masked[i].tolist())))
        texts = [None] * len(g)
        for i, made in parts:
            for j, text in zip(i.tolist(), made):
                texts[j] = text
        self._add_many(rows, None, cols, belongs, self._sealed_rows(self.serials[gp]), texts, kinds=gk.tolist())

    def _rows_added(self):
        """One finding per unsealed row, naming the columns that hold someone else's value."""
        rows, msg = self.t.rows, self.msg
        a = self._cell_arrays(unsealed=True)
        hit = a["kind"] == "separated"
        order = np.argsort(a["pos"][hit], kind="stable")    # cells come column by column, in rule order
        cols_at, dst_at = {}, {}
        for p, c, d in zip(a["pos"][hit][order].tolist(), a["col"][hit][order].tolist(), a["dst"][hit][order].tolist()):
            if p in cols_at:
                cols_at[p].append(c)
            else:
                cols_at[p], dst_at[p] = [c], d
        pos = np.flatnonzero(self.unsealed).tolist()
        cols = [cols_at.get(p, []) for p in pos]
        dst = np.array([dst_at.get(p, -1) for p in pos], dtype=np.int64)
        belongs = np.where(dst >= 0, rows[np.maximum(dst, 0)], -1)
        excel = rows[pos].tolist()
        texts = [msg.unsealed(r, cl, b if b >= 0 else None) for r, cl, b in zip(excel, cols, belongs.tolist())]
        self._add_many(excel, "unsealed", cols, belongs, None, texts)

    def _invalid_ids(self, positions):
        id_col, kind = self.rules.id, self.rules.id_kind
        pos = np.sort(positions)
        values = self._can(id_col)[pos]
        why = digits.problems(pa.array(values, type=pa.large_string()), kind)
        bad = why.astype(bool)
        if self.rules.policies.get("allow_blank_id"):
            bad &= why != "blank"
        pos, values, why = pos[bad], values[bad], why[bad]
        serial = self.serials[pos]
        excel = self.t.rows[pos].tolist()
        texts = [self.msg.invalid_id(r, w, m) for r, w, m in zip(excel, why.tolist(), self._masks(values))]
        self._add_many(excel, "invalid_id", [[id_col] for _ in excel], None,
                       np.where(serial >= 0, self._sealed_rows(serial), -1), texts)

    # -- helpers ------------------------------------------------------------------------
    def _cell_arrays(self, unsealed=None) -> dict:
        """The cells found so far as arrays (see cell_frame); only those of unsealed rows, or of no
        unsealed row, when `unsealed` is True or False."""
        empty = {"pos": np.zeros(0, np.int64), "col": np.zeros(0, object), "kind": np.zeros(0, object),
                 "dst": np.zeros(0, np.int64), "paired": np.zeros(0, bool), "blank": np.zeros(0, bool),
                 "unsealed": np.zeros(0, bool), "ci": np.zeros(0, np.int64)}
        out = {k: np.concatenate([v] + [part[k] for part in self.cells]) for k, v in empty.items()}
        if unsealed is None:
            return out
        keep = out["unsealed"] == unsealed
        return {k: v[keep] for k, v in out.items()}

    def cell_frame(self) -> pd.DataFrame:
        """The misplaced or edited cells: position, column, kind, owner position, paired, blank, unsealed."""
        a = self._cell_arrays()
        return pd.DataFrame({k: a[k] for k in ["pos", "col", "kind", "dst", "paired", "blank", "unsealed"]})

    def _can(self, c) -> np.ndarray:
        """Column c's canonical values as an object array, made when first needed (most columns never are)."""
        if c not in self.can:
            self.can[c] = self.canon[c].to_numpy(dtype=object)
        return self.can[c]

    def _owner_names(self, dst) -> np.ndarray:
        """The owner's name as it stands in each owner's row (None where that cell is not itself in place)."""
        out = np.full(len(dst), None, dtype=object)
        c = self.display_column
        if c is None:
            return out
        at = np.flatnonzero(dst >= 0)
        d = dst[at]
        in_place = self.clean[d] | (self.cur[c][d] == self.exp[c][d])
        out[at[in_place]] = self.t.values[c].iloc[d[in_place]].to_numpy(dtype=object)
        return out

    def _sealed_rows(self, serials) -> np.ndarray:
        """The Excel row each serial was sealed in: the serial itself unless approve recorded another."""
        out = np.array(serials, dtype=np.int64)
        moved = {int(k): int(v) for k, v in self._moved.items() if k.isdigit() and str(int(k)) == k}
        if moved and len(out):
            keys = np.array(sorted(moved), dtype=np.int64)
            at = np.minimum(np.searchsorted(keys, out), len(keys) - 1)
            hit = keys[at] == out
            out[hit] = np.array([moved[k] for k in keys.tolist()], dtype=np.int64)[at[hit]]
        return out

    @property
    def display_column(self):
        return next((c.name for c in self.rules.columns if c.owner and c.kind == "text"), None)

    def _masks(self, values) -> list:
        """The ID kind's mask of each canonical value; plain ASCII digits (nearly all) without a call each."""
        mask = self.rules.id_kind.mask
        if mask is not digits.mask or not len(values):
            return [mask(v) for v in values]
        arr = pa.array(values, type=pa.large_string())
        text = [pa.scalar(t, pa.large_string()) for t in ("****-****-", "", "****")]
        tail = pc.binary_join_element_wise(text[0], pc.utf8_slice_codeunits(arr, -4), text[1])
        out = pc.if_else(pc.greater_equal(pc.utf8_length(arr), 8), tail, text[2]).to_pylist()
        for i in np.flatnonzero(~pc.match_substring_regex(arr, "^[0-9]+$").to_numpy(zero_copy_only=False)):
            out[i] = mask(values[i])
        return out

    def _add_many(self, rows, kind, cols, belongs, sealed_rows, messages, kinds=None):
        """Findings, one per message; rows, belongs and sealed_rows are Excel rows (-1 or None: none)."""
        k = len(messages)

        def plain(a):
            return [None] * k if a is None else [None if v < 0 else v for v in np.asarray(a, np.int64).tolist()]
        self.findings.extend(zip(plain(rows), kinds or [kind] * k, cols, plain(belongs), plain(sealed_rows), messages))


def _lists(k: int) -> list:
    return [[] for _ in range(k)]


def _rank_within(codes: np.ndarray) -> np.ndarray:
    """Per item, how many earlier items share its code (0 for the first)."""
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    start = np.ones(len(codes), bool)
    start[1:] = sorted_codes[1:] != sorted_codes[:-1]
    first = np.maximum.accumulate(np.where(start, np.arange(len(codes)), 0))
    rank = np.empty(len(codes), np.int64)
    rank[order] = np.arange(len(codes)) - first
    return rank
