"""Which person lives in which row, once something moved: the row holding most of a person's cells.

A sort or a paste moves a rectangle of adjacent columns; the seal column may be inside it or not. Whatever
moved, a person's cells now sit in a few rows. Each row is given the person who has the most cells in it
(bound values agreeing with that person's seal, the seal itself, and the unbound columns between two such
cells), each person one row, the best pairs first. A row whose bound values are all one person's is that
person's or nobody's (a copy): never another person's, so a repair never touches a row whose values agree.
Everything else in a row then belongs elsewhere: the smaller side of what moved is what a repair moves back.
Where a row is as much one person's as another's (columns moved as two halves of equal size) nobody can tell
which side moved: the rows connected to it are left undecided.

Pure numpy on integer codes; a few vectorised rounds, no Python loop per row (except to find what ties touch).
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Homes:
    home: np.ndarray        # per row: the person living there, or -1
    house: np.ndarray       # per person: its row, or -1
    undecided: np.ndarray   # per row: left alone (its columns moved as two equal halves, or connected to such)
    unsure: np.ndarray      # per person: in an undecided group (not missing, not housed)
    whole: np.ndarray       # per row: every bound value agrees with its person


def assign(cur: np.ndarray, exp: np.ndarray, seal_person: np.ndarray, gaps: np.ndarray, seal_at: int,
           fixed: np.ndarray) -> Homes:
    """cur (rows x bound columns) and exp (people x bound columns): integer codes of the current and the sealed
    values, equal codes for equal values (-1: not known). seal_person: per row, the person whose seal is there
    (-1: none). Signal columns are the bound columns in sheet order with the seal column inserted at index
    `seal_at`; gaps[0] counts the unbound columns before the first, gaps[k] those between signal columns k-1 and
    k, gaps[-1] those after the last. An unbound cell between two cells of a person counts for that person; one
    on the boundary of a person's run, or beside the list, might be the person's or not: where that decides
    whose row it is, the row is undecided (a repair must not guess). fixed: per row, the person
    already known to live there (a row whose own seal verifies it), or -1."""
    n, people = len(cur), len(exp)
    home = np.full(n, -1, np.int64)
    house = np.full(people, -1, np.int64)
    at = np.flatnonzero(fixed >= 0)
    home[at] = fixed[at]
    house[fixed[at]] = at                   # a person fixed twice keeps the last: the caller fixes each once
    free_rows, free_people = home < 0, house < 0
    r, p = _candidates(cur, exp, seal_person, free_rows, free_people)
    copy = _whole_somewhere(cur, exp)
    keep = ~copy[r] | (cur[r] == exp[p]).all(axis=1)      # a row whole for someone is that someone's or nobody's
    r, p = r[keep], p[keep]
    match = _agree(cur, exp, seal_person, seal_at, r, p)
    inner, edges = gaps[1:-1], (gaps[0], gaps[-1])
    score = match.sum(axis=1) + (match[:, :-1] & match[:, 1:]).astype(np.int64) @ inner
    maybe = (match[:, :-1] ^ match[:, 1:]).astype(np.int64) @ inner + match[:, 0] * edges[0] + match[:, -1] * edges[1]
    tied = _rounds(r, p, score, score + maybe, home, house)
    _improve(r, p, score, home, house, fixed, tied)
    undecided = np.zeros(n, bool)
    unsure = np.zeros(people, bool)
    if tied.any():
        rows, persons = _touching(r, p, tied, n, people)
        undo = rows & (fixed < 0)
        house[home[undo & (home >= 0)]] = -1
        home[undo] = -1
        undecided, unsure = undo, persons & (house < 0)
    whole = fixed >= 0
    lives = np.flatnonzero((home >= 0) & (fixed < 0))
    if len(lives):
        whole[lives] = (cur[lives] == exp[home[lives]]).all(axis=1)
    return Homes(home, house, undecided, unsure, whole)


def _candidates(cur, exp, seal_person, free_rows, free_people) -> tuple:
    """(row, person) pairs worth scoring: the person whose seal is in the row, and each person a value of the row
    belongs to alone (held by no other person in that column). A row is never given a person it holds neither
    the seal nor one such value of: values many people share say nothing of whose row it is."""
    rows, persons = [], []
    i = np.flatnonzero(free_rows & (seal_person >= 0))
    keep = free_people[seal_person[i]]
    rows.append(i[keep])
    persons.append(seal_person[i][keep])
    fr = np.flatnonzero(free_rows)
    for j in range(cur.shape[1]):
        if not len(fr) or not len(exp):
            break
        size = int(max(exp[:, j].max(initial=0), cur[fr, j].max(initial=0))) + 1
        held = np.bincount(exp[:, j], minlength=size)
        alone = np.full(size, -1, np.int64)
        one = held[exp[:, j]] == 1
        alone[exp[one, j]] = np.flatnonzero(one)
        mine = cur[fr, j]
        who = np.where(mine >= 0, alone[np.maximum(mine, 0)], -1)
        ok = who >= 0
        ok[ok] = free_people[who[ok]]
        rows.append(fr[ok])
        persons.append(who[ok])
    r, p = np.concatenate(rows), np.concatenate(persons)
    key = np.unique(r * max(len(exp), 1) + p)
    return key // max(len(exp), 1), key % max(len(exp), 1)


def _whole_somewhere(cur, exp) -> np.ndarray:
    """Per row: are its bound values all one person's (whatever seal sits beside them)? Rows and people hashed
    to one 64-bit number each (wrapping sums of codes times odd constants), a hit confirmed code by code."""
    if not len(exp) or not len(cur):
        return np.zeros(len(cur), bool)
    mult = np.random.default_rng(12).integers(1, 1 << 62, size=cur.shape[1], dtype=np.uint64) | np.uint64(1)
    rows = (cur.astype(np.uint64) * mult).sum(axis=1, dtype=np.uint64)
    people = (exp.astype(np.uint64) * mult).sum(axis=1, dtype=np.uint64)
    order = np.argsort(people)
    at = np.minimum(np.searchsorted(people[order], rows), len(order) - 1)
    hit = np.flatnonzero(people[order][at] == rows)
    out = np.zeros(len(cur), bool)
    out[hit] = (cur[hit] == exp[order[at[hit]]]).all(axis=1)
    return out


def _agree(cur, exp, seal_person, seal_at, r, p) -> np.ndarray:
    """Per pair and signal column (bound columns in sheet order with the seal column at seal_at): does the row's
    cell agree with the person?"""
    bound = (cur[r] == exp[p]) & (cur[r] >= 0)
    seal = (seal_person[r] == p)[:, None]
    return np.hstack([bound[:, :seal_at], seal, bound[:, seal_at:]])


def _rounds(r, p, score, high, home, house) -> np.ndarray:
    """Greedy matching, best pairs first, in rounds: every pair that is the best of its row and of its person is
    taken at once (a person best in several rows takes the first); a row best for two people is tied, and so is
    a row whose best person another could still match or beat (high: a pair's score with every unbound cell it
    might hold). Fills home and house; returns per row whether it was tied."""
    tied = np.zeros(len(home), bool)
    alive = (home[r] < 0) & (house[p] < 0)
    while alive.any():
        rr, pp, ss, hh = r[alive], p[alive], score[alive], high[alive]
        best_row = np.full(len(home), -1, np.int64)
        np.maximum.at(best_row, rr, ss)
        best_person = np.full(len(house), -1, np.int64)
        np.maximum.at(best_person, pp, ss)
        top = (ss == best_row[rr]) & (ss == best_person[pp])
        per_row = np.bincount(rr[top], minlength=len(home))
        rival = np.full(len(home), -1, np.int64)            # the best any other pair of the row might reach
        others = ss < best_row[rr]
        np.maximum.at(rival, rr[others], hh[others])
        clash = top & ((per_row[rr] > 1) | (rival[rr] >= ss))
        tied[rr[clash]] = True
        take = np.flatnonzero(top & ~clash)
        order = take[np.lexsort((rr[take], pp[take]))]
        first = np.ones(len(order), bool)
        first[1:] = pp[order][1:] != pp[order][:-1]
        take = order[first]
        home[rr[take]] = pp[take]
        house[pp[take]] = rr[take]
        alive = (home[r] < 0) & (house[p] < 0) & ~tied[r]
        if not len(take) and not clash.any():
            break
    return tied


def _improve(r, p, score, home, house, fixed, tied, rounds: int = 8):
    """Undo greedy choices a better pairing beats: a person left without a row takes row i from the person q living
    there when q has a free row of its own and the two together hold more cells than q alone in i. (A row's
    columns overwritten by a pasted copy hold more of the copied person's cells than of the row's own person,
    whose seal is still there.)"""
    for _ in range(rounds):
        cand = (house[p] < 0) & (home[r] >= 0) & (fixed[r] < 0) & ~tied[r]
        if not cand.any():
            return
        free_row = (home < 0) & ~tied
        alone = free_row[r] & (house[p] >= 0) & (fixed[house[np.maximum(p, 0)]] < 0)
        best = np.full(len(house), 0, np.int64)              # what each housed person would hold in a free row
        where = np.full(len(house), -1, np.int64)
        if alone.any():
            order = np.lexsort((r[alone], -score[alone], p[alone]))
            pa, ra, sa = p[alone][order], r[alone][order], score[alone][order]
            first = np.ones(len(pa), bool)
            first[1:] = pa[1:] != pa[:-1]
            best[pa[first]], where[pa[first]] = sa[first], ra[first]
        now = np.zeros(len(home), np.int64)
        mine = home[r] == p
        now[r[mine]] = score[mine]
        i, newcomer = r[cand], p[cand]
        q = home[i]
        gain = score[cand] + best[q] - now[i]
        good = np.flatnonzero((gain > 0) & (where[q] >= 0))
        if not len(good):
            return
        good = good[np.argsort(-gain[good], kind="stable")]
        used_rows, used_people, done = set(), set(), 0
        for k in good.tolist():
            row, person, old, spare = int(i[k]), int(newcomer[k]), int(q[k]), int(where[q[k]])
            if {row, spare} & used_rows or {person, old} & used_people:
                continue
            used_rows |= {row, spare}
            used_people |= {person, old}
            home[row], house[person] = person, row
            home[spare], house[old] = old, spare
            done += 1
        if not done:
            return


def _touching(r, p, tied, n, people) -> tuple:
    """The rows and people connected to a tied row through candidate pairs (union-find over the pairs; only
    run when something is tied)."""
    nodes, ends = np.unique(np.concatenate([r, p + n]), return_inverse=True)
    parent = list(range(len(nodes)))

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a, b in zip(ends[:len(r)].tolist(), ends[len(r):].tolist()):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([root(x) for x in range(len(nodes))], dtype=np.int64)
    bad_roots = roots[np.isin(nodes, np.flatnonzero(tied))]
    hit = nodes[np.isin(roots, bad_roots)]
    rows, persons = np.zeros(n, bool), np.zeros(people, bool)
    rows[hit[hit < n]] = True
    persons[hit[hit >= n] - n] = True
    return rows, persons
