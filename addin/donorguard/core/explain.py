"""A list with broken rows: who lives in which row now, every finding, and what a repair would do.

Run only when some row's MAC fails or a serial is missing or stale (check.py keeps the clean path at one MAC per
row). Whole-array work: a Python loop runs per column, never per row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..text import ranges
from . import kinds, manifest as mf
from .codes import Kind, Left
from .evidence import CELL_COLUMNS, FINDING_COLUMNS, Evidence
from .fingerprint import TAG_CHARS, parse
from .homes import assign
from .kinds import digits
from .kinds.values import arrow
from .plan import Plan, seal_moves, unbound_moves
from .table import SEAL

if TYPE_CHECKING:
    from .check import Checker


@dataclass(frozen=True)
class Explained:
    evidence: Evidence
    plan: Plan
    people: np.ndarray        # positions of the rows a person lives in, in order
    seals_away: np.ndarray    # positions of whole rows whose seal is in another row


def explain(ck: Checker, clean: np.ndarray) -> Explained:
    """ck: the Checker (table, manifest, rules, sealer, messages, canonical values); clean: per row, does its
    own seal verify it."""
    return _Explainer(ck, clean).run()


class _Explainer:
    def __init__(self, ck: Checker, clean: np.ndarray):
        self.t, self.m, self.rules, self.msg, self.sealer = ck.t, ck.m, ck.rules, ck.msg, ck.sealer
        self.canon, self.book, self.clean = ck.canon, ck.book, clean
        self.cols = self.rules.names
        self.n = len(self.t)
        self.findings, self.cells, self.plan = [], [], Plan()
        self._moved = {int(k): int(v) for k, v in json.loads(self.m["sealed_rows"] or "{}").items()
                       if k.isdigit() and str(int(k)) == k}
        self.can = {}

    # -- who is where ---------------------------------------------------------------------------
    def run(self) -> Explained:
        n, cols = self.n, self.cols
        seals = self.seals = parse(self.t.seals, len(cols))
        ok, blank = seals["ok"].to_numpy(), seals["blank"].to_numpy()
        serial, gen = seals["serial"].to_numpy(), seals["generation"].to_numpy()
        mac_ok = self.clean & ok
        idx = np.flatnonzero(ok & ~self.clean)
        if len(idx):
            mac_ok[idx] = self.sealer.seals_intact(seals["head"].iloc[idx], seals["seal_mac"].iloc[idx])
        known = np.unique(np.asarray(ranges.decode(self.m["serials"]), dtype=np.int64))
        genuine = mac_ok & np.isin(serial, known)
        current = mf.current_generation(self.m, serial)
        self.stale = genuine & (gen < current)
        seal_ok = genuine & (gen == current)
        self.has_values = self.canon.ne("").any(axis=1).to_numpy()
        self.serial = serial

        people, person = np.unique(serial[seal_ok], return_inverse=True)
        self.people = people
        seal_person = np.full(n, -1, np.int64)
        seal_person[seal_ok] = person
        okrows = np.flatnonzero(seal_ok)
        first = okrows[np.lexsort((okrows, ~self.clean[okrows], seal_person[okrows]))]
        rep_person, at = np.unique(seal_person[first], return_index=True)
        self.rep = np.full(len(people), -1, np.int64)
        self.rep[rep_person] = first[at]
        tags = arrow(seals["tags"])
        exp_tags = {c: pc.utf8_slice_codeunits(tags.take(pa.array(self.rep)), j * TAG_CHARS, (j + 1) * TAG_CHARS)
                    .to_numpy(zero_copy_only=False) for j, c in enumerate(cols)}

        fixed = np.full(n, -1, np.int64)
        cl = np.flatnonzero(self.clean & seal_ok)
        who, at = np.unique(seal_person[cl], return_index=True)
        fixed[cl[at]] = who
        self.clean_dup = self.clean & seal_ok & (fixed < 0)
        self.fixed = fixed

        work = np.flatnonzero((fixed < 0) & ~self.clean_dup & self.has_values)
        self.cur, self.cur_code = {}, np.full((n, len(cols)), -1, np.int64)
        exp_code = np.zeros((len(people), len(cols)), np.int64)
        for j, c in enumerate(cols):
            self.cur[c] = np.full(n, None, dtype=object)
            if len(work):
                self.cur[c][work] = self.sealer.tags(c, self.canon[c].iloc[work]).to_numpy()
            codes, _ = pd.factorize(np.concatenate([self.cur[c][work], exp_tags[c]]))
            self.cur_code[work, j] = codes[:len(work)]
            exp_code[:, j] = codes[len(work):]
        self.exp_tags, self.exp_code = exp_tags, exp_code

        matchable = seal_person.copy()
        matchable[self.clean_dup | ~self.has_values] = -1
        order, gaps, seal_at = _signals(self.t.layout, cols)
        homes = assign(self.cur_code[:, order], exp_code[:, order], matchable, gaps, seal_at, fixed)
        self.home, self.house, self.undecided = homes.home, homes.house, homes.undecided
        self.seal_person = seal_person

        # a row whose values are all one person's is whole; its seal's row MAC must say so too
        whole = np.flatnonzero(homes.whole & (fixed < 0) & (self.home >= 0))
        forged = np.zeros(len(people), bool)
        if len(whole):
            r = self.rep[self.home[whole]]
            good = self.sealer.rows_intact(seals["prefix"].iloc[r], self.canon.iloc[whole], seals["row_mac"].iloc[r])
            forged[self.home[whole][~good]] = True
        self.forged = forged
        has_seal = seal_person >= 0
        seal_ok[has_seal] &= ~forged[seal_person[has_seal]]
        self.tampered = ~blank & ~seal_ok
        self.seal_ok = seal_ok

        housed = self.home >= 0
        self.exp_at = np.full((n, len(cols)), -1, np.int64)
        self.exp_at[housed] = exp_code[self.home[housed]]
        self.exp = {c: np.full(n, None, dtype=object) for c in cols}
        for c in cols:
            self.exp[c][housed] = exp_tags[c][self.home[housed]]
        self.broken = housed & (fixed < 0) & ~homes.whole
        self.unsealed = (self.home < 0) & ~self.undecided & blank & self.has_values
        self._duplicates_and_added()
        for j, c in enumerate(cols):
            self._column(j, c)
        writable = ~self.tampered & ~self.undecided
        movable = np.where(self.seal_ok & ~self.undecided, seal_person, -1)
        seal_moves(self.plan, self.home, movable, writable, self.has_values, self.t.layout.seal)
        unbound_moves(self.plan, self.t.layout, n, self._unbound_blank, self.undecided)
        self._tampered_and_missing(known, homes.unsure)
        self._rows_added()
        self._invalid_ids(np.concatenate([np.flatnonzero(self.broken), np.flatnonzero(self.unsealed)]))
        self._cell_findings()
        self._undecided()
        away = np.flatnonzero(housed & homes.whole & (seal_person != self.home))
        return Explained(self._evidence(), self.plan, np.flatnonzero(housed), away)

    def _unbound_blank(self) -> dict | None:
        get = self.t.unbound
        if get is None or not self.t.layout.unbound:
            return None
        frame = get()
        if frame is None:
            return None
        return {c: frame[c].isna().to_numpy() | frame[c].astype(str).str.strip().eq("").to_numpy()
                for c in frame.columns}

    # -- rows nobody lives in -------------------------------------------------------------------
    def _duplicates_and_added(self):
        """Rows nobody lives in that repeat a person who lives elsewhere: a row copied with its seal, or its
        values copied into a row of their own."""
        msg, rows = self.msg, self.t.rows
        dup = np.flatnonzero(self.clean_dup)
        of = self.fixed_row_of(self.seal_person[dup])
        self._add_many(rows[dup], Kind.DUPLICATE, _lists(len(dup)), rows[of], self._sealed_rows(self.serial[dup]),
                       [msg.duplicate(r) for r in rows[of].tolist()])
        loose = np.flatnonzero((self.home < 0) & ~self.undecided & ~self.clean_dup & self.has_values)
        if not len(loose):
            self.copy_of = {}
            return
        index = {tuple(v): p for p, v in enumerate(self.exp_code.tolist()) if self.house[p] >= 0}
        copy_of = {}
        for i, codes in zip(loose.tolist(), self.cur_code[loose].tolist()):
            p = index.get(tuple(codes))
            if p is not None:
                copy_of[i] = p
        self.copy_of = copy_of
        pos = np.array(sorted(copy_of), dtype=np.int64)
        of = np.array([self.house[copy_of[i]] for i in pos.tolist()], dtype=np.int64)
        self._add_many(rows[pos], Kind.DUPLICATE, _lists(len(pos)), rows[of], None,
                       [msg.duplicate_values(r) for r in rows[of].tolist()])
        self.unsealed[pos] = False
        # a genuine seal over values that are nobody's whole row: the seal was copied from another row
        copied = np.setdiff1d(loose[self.seal_ok[loose]], pos)
        owner = self.house[self.seal_person[copied]]
        self._add_many(rows[copied], Kind.TAMPERED, _lists(len(copied)), np.where(owner >= 0, rows[owner], -1),
                       self._sealed_rows(self.serial[copied]), [msg.tampered()] * len(copied))

    def fixed_row_of(self, persons: np.ndarray) -> np.ndarray:
        return self.house[np.asarray(persons, dtype=np.int64)]

    def _tampered_and_missing(self, known, unsure):
        msg, rows = self.msg, self.t.rows
        bad = np.flatnonzero(self.tampered)
        stale = self.stale[bad]
        serial = np.where(self.serial[bad] >= 0, self.serial[bad], -1)
        self._add_many(rows[bad], Kind.TAMPERED, _lists(len(bad)), None,
                       np.where(serial >= 0, self._sealed_rows(serial), -1),
                       [msg.stale() if s else msg.tampered() for s in stale.tolist()])
        # a seal edited but still naming its serial is that person, tampered, not a deleted row
        claimed = np.intersect1d(self.serial[bad], known)
        there = self.people[(self.house >= 0) | unsure]
        gone = self._sealed_rows(np.setdiff1d(known, np.union1d(there, claimed)))
        self._add_many(None, Kind.MISSING, _lists(len(gone)), None, gone, [msg.missing(r) for r in gone.tolist()])

    def _undecided(self):
        """One finding per row left alone: its columns moved as two halves of equal size."""
        pos = np.flatnonzero(self.undecided)
        if not len(pos):
            return
        self.plan.left.extend((int(p), Left.SIDES_TIED) for p in pos.tolist())
        rows = self.t.rows[pos]
        person = self.seal_person[pos]
        differ = np.ones((len(pos), len(self.cols)), bool)
        has = self.seal_ok[pos]
        differ[has] = self.cur_code[pos[has]] != self.exp_code[person[has]]
        cols = [[c for c, d in zip(self.cols, row) if d] or list(self.cols) for row in differ.tolist()]
        self._add_many(rows, Kind.SEPARATED, cols, None,
                       np.where(self.seal_ok[pos], self._sealed_rows(self.serial[pos]), -1),
                       [self.msg.tied(r) for r in rows.tolist()])

    # -- cells ----------------------------------------------------------------------------------
    def _column(self, j, c):
        """Pair each misplaced value of column c with the row whose person needs it: the k-th value (by position)
        holding a value fills the k-th row needing that value."""
        cur, exp = self.cur_code[:, j], self.exp_at[:, j]
        wrong = np.flatnonzero(self.broken & (cur != exp))
        unsealed = np.flatnonzero(self.unsealed)
        if len(unsealed):
            unsealed = unsealed[self._can(c)[unsealed] != ""]
        sources = np.sort(np.concatenate([wrong, unsealed]))
        if not len(sources):
            return
        can = self._can(c)
        src_code, need_code = cur[sources], exp[wrong]
        size = 1 + max(int(src_code.max(initial=0)), int(need_code.max(initial=0)),
                       int(self.exp_code[:, j].max(initial=0)))
        rank = _rank_within(src_code)
        need_count = np.bincount(need_code, minlength=size)
        need_start = np.cumsum(need_count) - need_count
        by_code = wrong[np.argsort(need_code, kind="stable")]
        paired = (src_code >= 0) & (rank < need_count[np.maximum(src_code, 0)])
        dst = np.full(len(sources), -1, np.int64)
        dst[paired] = by_code[need_start[src_code[paired]] + rank[paired]]
        # a copy of a value only one person has, who still has it: overwritten by a copy
        holders = np.bincount(self.exp_code[:, j], minlength=size)
        only = np.full(size, -1, np.int64)
        housed_people = np.flatnonzero(self.house >= 0)
        only[self.exp_code[housed_people, j]] = self.house[housed_people]
        is_unsealed = self.unsealed[sources]
        is_id = c == self.rules.id
        code = np.maximum(src_code, 0)
        copy = ~paired & (src_code >= 0) & (holders[code] == 1) & (only[code] >= 0) & (is_id | ~is_unsealed)
        dst[copy] = only[code[copy]]
        edited = ~paired & ~copy & ~is_unsealed
        keep = paired | copy | edited
        kind = np.full(len(sources), Kind.SEPARATED.value, dtype=object)
        kind[edited] = (Kind.ID_CHANGED if is_id else Kind.OWNER_CHANGED if self.rules.column(c).owner
                        else Kind.VALUE_CHANGED).value
        if is_id:
            kind[copy & ~is_unsealed] = Kind.DUPLICATE.value
        self.plan.moves.extend(zip(dst[paired].tolist(), [c] * int(paired.sum()), sources[paired].tolist()))

        n = self.n
        filled = np.zeros(n, bool)
        filled[dst[paired]] = True
        todo = wrong[~filled[wrong]]
        fixed = self._leading_zeros(j, c, todo)
        has = np.array([f is not None for f in fixed], bool)
        self.plan.set_text.extend(zip(todo[has].tolist(), [c] * int(has.sum()), fixed[has].tolist()))
        self.plan.reentry.extend(zip(todo[~has].tolist(), [c] * int((~has).sum())))
        zero = np.zeros(n, bool)
        zero[todo[has]] = True

        pos, kind, dst, paired, is_unsealed, copy = (a[keep] for a in (sources, kind, dst, paired, is_unsealed, copy))
        blank = can[pos] == ""
        moving = (kind == Kind.SEPARATED.value) | (kind == Kind.DUPLICATE.value)
        clear = moving & ~filled[pos] & ~zero[pos] & ~blank & (paired | ~is_unsealed)
        self.plan.clear.extend(zip(pos[clear].tolist(), [c] * int(clear.sum())))
        self.cells.append({"pos": pos, "col": np.full(len(pos), c, dtype=object), "kind": kind, "dst": dst,
                           "paired": paired, "blank": blank, "unsealed": is_unsealed, "copy": copy,
                           "ci": np.full(len(pos), j, np.int64)})

    def _leading_zeros(self, j, c, positions):
        """Per position: the value with its lost leading zeros written back when that is what was sealed, else
        None (fixed-length digit kinds: any number of zeros)."""
        out = np.full(len(positions), None, dtype=object)
        kind = kinds.checked(self.rules.column(c).kind)
        if kind is None or not len(positions):
            return out
        fixed = np.array([kind.pad(v) for v in self._can(c)[positions]], dtype=object)
        cand = np.flatnonzero(fixed != None)  # noqa: E711 (element-wise)
        if len(cand):
            tags = self.sealer.tags(c, pd.Series(fixed[cand], dtype=object)).to_numpy(dtype=object)
            hit = tags == self.exp[c][positions[cand]]
            out[cand[hit]] = fixed[cand[hit]]
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
        zero = np.zeros((self.n, len(self.cols)), bool)
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
        texts = [None] * len(g)
        sep = gk == Kind.SEPARATED.value
        dup = gk == Kind.DUPLICATE.value
        parts = []
        i = np.flatnonzero(sep)
        parts.append((i, msg.separated_many(rows[i].tolist(), [cols[j] for j in i.tolist()],
                                            [b if b >= 0 else None for b in belongs[i].tolist()],
                                            names[i].tolist(), masked[i].tolist())))
        i = np.flatnonzero(dup)
        parts.append((i, [msg.copied(r, cl, b, nm, m) for r, cl, b, nm, m in
                          zip(rows[i].tolist(), [cols[j] for j in i.tolist()], belongs[i].tolist(),
                              names[i].tolist(), masked[i].tolist())]))
        i = np.flatnonzero(~sep & ~dup & all_zero)
        parts.append((i, msg.leading_zero_many(rows[i].tolist(), [cols[j] for j in i.tolist()], masked[i].tolist())))
        i = np.flatnonzero(~sep & ~dup & ~all_zero)
        parts.append((i, msg.edited_many(rows[i].tolist(), [cols[j] for j in i.tolist()], masked[i].tolist())))
        for i, made in parts:
            for j, text in zip(i.tolist(), made):
                texts[j] = text
        self._add_many(rows, None, cols, belongs, self._sealed_rows(self.serial[gp]), texts, kinds=gk.tolist())

    def _rows_added(self):
        """One finding per unsealed row, naming the columns that hold someone else's value."""
        rows, msg = self.t.rows, self.msg
        a = self._cell_arrays(unsealed=True)
        hit = np.isin(a["kind"], [Kind.SEPARATED.value, Kind.DUPLICATE.value])
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
        self._add_many(excel, Kind.UNSEALED, cols, belongs, None, texts)

    def _invalid_ids(self, positions):
        id_col, kind = self.rules.id, self.rules.id_kind
        pos = np.sort(positions)
        values = self._can(id_col)[pos]
        why = digits.problems(pa.array(values, type=pa.large_string()), kind)
        bad = why.astype(bool)
        if self.rules.policies.get("allow_blank_id"):
            bad &= why != "blank"
        pos, values, why = pos[bad], values[bad], why[bad]
        serial = self.serial[pos]
        excel = self.t.rows[pos].tolist()
        texts = [self.msg.invalid_id(r, w, m) for r, w, m in zip(excel, why.tolist(), self._masks(values))]
        self._add_many(excel, Kind.INVALID_ID, [[id_col] for _ in excel], None,
                       np.where(serial >= 0, self._sealed_rows(serial), -1), texts)

    # -- helpers --------------------------------------------------------------------------------
    def _cell_arrays(self, unsealed=None) -> dict:
        empty = {"pos": np.zeros(0, np.int64), "col": np.zeros(0, object), "kind": np.zeros(0, object),
                 "dst": np.zeros(0, np.int64), "paired": np.zeros(0, bool), "blank": np.zeros(0, bool),
                 "unsealed": np.zeros(0, bool), "copy": np.zeros(0, bool), "ci": np.zeros(0, np.int64)}
        out = {k: np.concatenate([v] + [part[k] for part in self.cells]) for k, v in empty.items()}
        if unsealed is None:
            return out
        keep = out["unsealed"] == unsealed
        return {k: v[keep] for k, v in out.items()}

    def _evidence(self) -> Evidence:
        a = self._cell_arrays()
        cells = pd.DataFrame({k: a[k] for k in CELL_COLUMNS})
        findings = pd.DataFrame(self.findings, columns=FINDING_COLUMNS)
        findings = findings.sort_values(["row", "kind"], na_position="last", kind="stable").reset_index(drop=True)
        zeros = tuple((p, c) for p, c, _ in self.plan.set_text)
        return Evidence(self.t.rows, tuple(self.cols), self.rules.id, self.canon, cells, self.cur, self.exp,
                        findings, zeros, np.flatnonzero(self.undecided), np.flatnonzero(self.stale & self.tampered),
                        self.book, self.t.hidden_rows)

    def _can(self, c) -> np.ndarray:
        """Column c's canonical values as an object array, made when first needed."""
        if c not in self.can:
            self.can[c] = self.canon[c].to_numpy(dtype=object)
        return self.can[c]

    def _owner_names(self, dst) -> np.ndarray:
        """The owner's name as it stands in each owner's row (None where that cell is not itself in place)."""
        out = np.full(len(dst), None, dtype=object)
        c = next((c.name for c in self.rules.columns if c.owner and c.kind == "text"), None)
        if c is None:
            return out
        j = self.cols.index(c)
        at = np.flatnonzero(dst >= 0)
        d = dst[at]
        in_place = (self.fixed[d] >= 0) | ((self.cur_code[d, j] == self.exp_at[d, j]) & (self.exp_at[d, j] >= 0))
        out[at[in_place]] = self.t.values[c].iloc[d[in_place]].to_numpy(dtype=object)
        return out

    def _sealed_rows(self, serials) -> np.ndarray:
        """The Excel row each serial was sealed in: the serial itself unless approve recorded another."""
        out = np.array(serials, dtype=np.int64)
        moved = self._moved
        if moved and len(out):
            keys = np.array(sorted(moved), dtype=np.int64)
            at = np.minimum(np.searchsorted(keys, out), len(keys) - 1)
            hit = keys[at] == out
            out[hit] = np.array([moved[k] for k in keys.tolist()], dtype=np.int64)[at[hit]]
        return out

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
        kind = None if kind is None else str(kind)
        self.findings.extend(zip(plain(rows), kinds or [kind] * k, cols, plain(belongs), plain(sealed_rows), messages))


def _signals(layout, cols) -> tuple:
    """(bound columns in sheet order as indices into cols, the unbound columns before the first signal column,
    between each two, and after the last, index of the seal column among the signal columns)."""
    order = layout.order()
    signals = [name for _, name in order if name is not None]
    gaps, count = [], 0
    for _, name in order:
        if name is None:
            count += 1
        else:
            gaps.append(count)
            count = 0
    gaps = np.array(gaps + [count], dtype=np.int64)
    bound = [cols.index(s) for s in signals if s != SEAL]
    return np.array(bound, dtype=np.int64), gaps, signals.index(SEAL)


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
