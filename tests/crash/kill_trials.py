"""SIGKILL DonorGuard at random moments and prove nothing is ever half-written.

    python tests/crash/kill_trials.py --trials 120            # the full run (2-4 s a trial)
    python tests/crash/kill_trials.py --trials 25 --rows 1000 --rerun-every 12   # as tests/test_hostile.py

Each trial copies a fresh input, starts the real `donorguard` command (seal or approve in place,
repair to a copy, export to a folder) and kills it with SIGKILL: half the trials (at random) after a
random delay drawn over the command's measured running time, the others within 0.3 s of its
temporary result (*.dgtmp, .donorguard-export-*) appearing, i.e. while it writes. Then it asserts:

  * seal / approve (in place): the workbook is byte-identical to before, or complete and clean
    (the check finds every row as sealed); never anything in between;
  * repair: the input byte-identical; the --out file absent, or complete and clean;
  * export: the input byte-identical; no export folder, or exactly one whose receipt.json names
    exactly its files with their SHA-256;
  * every 5th trial (--rerun-every), the same command run again afterwards succeeds (no stuck
    lock, no debris in the way; repair runs with --force, since a rerun writes the same copy again).

Temporary files a killed process could not remove (*.dgtmp, .donorguard-export-*) are counted and
reported, not failed: they never take the place of a result and the next run is not disturbed by
them (nothing removes them either; see the report of issue 6).
Prints one summary line; exit status 0 when no trial failed.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))       # tests/, for hostile.harness

from hostile import harness  # noqa: E402

OPS = ("seal", "approve", "repair", "export")
SEED = 1707
APPROVE_REASON = "転居による住所の訂正（申告書で確認）"


@dataclass
class Trial:
    n: int
    op: str
    delay: float
    killed: bool = False         # still running when the signal came
    aimed: bool = False          # waited for the temporary file to appear, then killed within 0.3 s
    mid_write: bool = False      # a temporary result existed when the signal came
    outcome: str = ""            # unchanged / complete / none
    failures: list = field(default_factory=list)
    leftovers: int = 0
    recovered: bool | None = None
    folder: Path | None = None


@dataclass
class Result:
    trials: list
    seconds: float
    durations: dict
    workdir: Path

    @property
    def failures(self) -> list:
        return [f"trial {t.n} ({t.op}, killed at {t.delay:.2f} s): {f}" for t in self.trials for f in t.failures]

    def summary(self) -> str:
        by_op = Counter(t.op for t in self.trials)
        killed = sum(t.killed for t in self.trials)
        writing = sum(t.mid_write and t.killed for t in self.trials)
        outcomes = Counter((t.op, t.outcome) for t in self.trials)
        rec = [t.recovered for t in self.trials if t.recovered is not None]

        def o(op):
            return "/".join(f"{k} {outcomes[(op, k)]}" for k in ("unchanged", "none", "complete") if outcomes[(op, k)])
        return (f"kill_trials: {len(self.trials)} trials ({', '.join(f'{op} {by_op[op]}' for op in OPS)}) "
                f"in {self.seconds:.0f} s; killed mid-run {killed} (while writing {writing}), "
                f"finished first {len(self.trials) - killed}; "
                f"seal {o('seal')}; approve {o('approve')}; repair {o('repair')}; export {o('export')}; "
                f"reruns ok {sum(rec)}/{len(rec)}; stale temp files {sum(t.leftovers for t in self.trials)}; "
                f"failures {len(self.failures)}")


def people_seed() -> int:
    return SEED


def prepare(workdir: Path, rows: int) -> dict:
    """The inputs: unsealed (seal), sealed (export), IDs moved after sealing (repair), an address
    corrected after sealing (approve)."""
    from donorguard.store import keys
    workdir.mkdir(parents=True, exist_ok=True)
    key = workdir / "team.key"
    if not key.exists():
        keys.create(key)
    with harness.audit_log(workdir / "prepare-audit.jsonl"):
        return _prepare(workdir, rows, key)


def _prepare(workdir: Path, rows: int, key: Path) -> dict:
    import openpyxl

    from donorguard.cli import ops as files
    from donorguard.store import rulesets as rules_mod
    from donorguard.tools import synth
    unsealed = workdir / "donors.xlsx"
    synth.write_workbook(synth.make_people(rows, seed=SEED), unsealed)
    sealed = workdir / "donors-sealed.xlsx"
    shutil.copyfile(unsealed, sealed)
    files.seal_file(sealed, rules_mod.load(), str(key))
    # repair: the 個人番号 of rows 20-69 put in reverse order (a sort of part of one column)
    moved = workdir / "donors-moved.xlsx"
    wb = openpyxl.load_workbook(sealed)
    ws = wb.worksheets[0]
    ids = [ws[f"H{r}"].value for r in range(20, 70)]
    for r, v in zip(range(20, 70), reversed(ids)):
        ws[f"H{r}"] = v
    wb.save(moved)
    # approve: one address corrected after sealing
    edited = workdir / "donors-edited.xlsx"
    wb = openpyxl.load_workbook(sealed)
    ws = wb.worksheets[0]
    ws["G10"] = str(ws["G10"].value) + "（転居）"
    wb.save(edited)
    rep = files.check_file(edited, rules_mod.load(), str(key))[1]
    assert not rep.clean and set(rep.findings["row"].dropna().astype(int)) == {10}, rep.findings
    return {"key": key, "seal": unsealed, "approve": edited, "repair": moved, "export": sealed}


def command(op: str, book: Path, folder: Path, key: Path) -> list:
    return {"seal": ["seal", book, "--key", key],
            "approve": ["approve", book, "--rows", "10", "--reason", APPROVE_REASON, "--key", key],
            "repair": ["repair", book, "--out", folder / "repaired.xlsx", "--force", "--key", key],
            "export": ["export", book, "--to", folder / "exports", "--key", key]}[op]


def is_clean(path, key) -> bool:
    from donorguard.cli import ops as files
    from donorguard.store import rulesets as rules_mod
    try:
        return files.check_file(path, rules_mod.load(), str(key))[1].clean
    except Exception:
        return False


def _start(args, env):
    return subprocess.Popen(harness.cli() + [str(a) for a in args], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def calibrate(inputs: dict, workdir: Path) -> dict:
    """Seconds each command takes when left alone (and proof that it succeeds)."""
    def one(op):
        folder = workdir / "calibrate" / op
        folder.mkdir(parents=True, exist_ok=True)
        book = folder / inputs[op].name
        shutil.copyfile(inputs[op], book)
        env = harness.env_for(folder / "home", DONORGUARD_AUDIT_LOG=folder / "audit.jsonl")
        r = harness.run(command(op, book, folder, inputs["key"]), env, capture_dir=folder)
        if r.rc != 0:
            raise RuntimeError(f"{op} does not succeed undisturbed:\n{r.describe()}")
        return op, r.seconds
    with ThreadPoolExecutor(2) as ex:
        return dict(ex.map(one, OPS))


def trial(n: int, op: str, inputs: dict, durations: dict, workdir: Path, rng: random.Random,
          rerun_every: int = 5) -> Trial:
    folder = workdir / "trials" / f"{n:04d}-{op}"
    folder.mkdir(parents=True)
    book = folder / inputs[op].name
    shutil.copyfile(inputs[op], book)
    before = harness.sha256(book)
    d = durations[op]
    t = Trial(n, op, rng.uniform(0.1 * d, 1.3 * d), aimed=rng.random() < 0.5, folder=folder)
    env = harness.env_for(folder / "home", DONORGUARD_AUDIT_LOG=folder / "audit.jsonl")
    key = inputs["key"]
    t0 = time.monotonic()
    p = _start(command(op, book, folder, key), env)
    if t.aimed:     # aim at the write itself: kill within 0.3 s of the temporary file appearing
        while p.poll() is None and not harness.leftovers(folder) and time.monotonic() - t0 < 3 * d:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.3))
        t.delay = time.monotonic() - t0
    else:
        time.sleep(t.delay)
    t.mid_write = bool(harness.leftovers(folder))
    t.killed = p.poll() is None
    if t.killed:
        os.killpg(p.pid, signal.SIGKILL)
    out, err = p.communicate()
    (folder / "stdout.txt").write_bytes(out)
    (folder / "stderr.txt").write_bytes(err)
    if not t.killed and p.returncode != 0:
        t.failures.append(f"finished before the kill with exit {p.returncode}: {err.decode(errors='replace')[-300:]}")
    after = harness.sha256(book)

    if op in ("seal", "approve"):
        if after == before:
            t.outcome = "unchanged"
        elif is_clean(book, key):
            t.outcome = "complete"
        else:
            t.failures.append("the workbook changed but is not a complete, clean result (half-written)")
    else:
        if after != before:
            t.failures.append("the input workbook changed")
        if op == "repair":
            out_file = folder / "repaired.xlsx"
            if not out_file.exists():
                t.outcome = "none"
            elif is_clean(out_file, key):
                t.outcome = "complete"
            else:
                t.failures.append("repaired.xlsx exists but is not complete and clean (half-written)")
        else:
            exports = folder / "exports"
            sets = [p for p in exports.iterdir() if p.name.startswith("donorguard-export-")] \
                if exports.is_dir() else []
            if not sets:
                t.outcome = "none"
            elif len(sets) > 1:
                t.failures.append(f"{len(sets)} export folders from one run")
            else:
                problems = harness.receipt_problems(sets[0])
                t.outcome = "complete" if not problems else "partial"
                t.failures.extend(f"partial export set: {p}" for p in problems)
    t.leftovers = len(harness.leftovers(folder))

    if rerun_every and n % rerun_every == 0:   # the next run must not be blocked by what the killed one left
        if op == "seal" and t.outcome == "complete":
            t.recovered = is_clean(book, key)
        else:
            r = harness.run(command(op, book, folder, key), env, capture_dir=folder / "rerun")
            t.recovered = r.rc == 0 and (op not in ("seal", "approve") or is_clean(book, key))
            if not t.recovered:
                t.failures.append(f"running {op} again afterwards failed:\n{r.describe()}")
            stale = [q for q in harness.leftovers(folder) if q.name.endswith(".dgtmp")]
            if stale and op != "export":  # the next write of the same workbook removes a killed one's file
                t.failures.append(f"temporary files of the killed {op} still there after a rerun: {stale}")
    return t


def run(trials: int = 100, rows: int = 2000, seed: int = 1, jobs: int = 2, workdir=None, keep=False,
        rerun_every: int = 5) -> Result:
    t0 = time.monotonic()
    own = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="donorguard-kill-"))
    try:
        inputs = prepare(workdir, rows)
        durations = calibrate(inputs, workdir)
        rng = random.Random(seed)
        plan = [(i + 1, OPS[i % len(OPS)], random.Random(rng.random())) for i in range(trials)]
        with ThreadPoolExecutor(jobs) as ex:
            done = list(ex.map(lambda a: trial(a[0], a[1], inputs, durations, workdir, a[2], rerun_every), plan))
        return Result(done, time.monotonic() - t0, durations, workdir)
    finally:
        if own and not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--rows", type=int, default=2000, help="rows of the synthetic list (a few thousand)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="trials run side by side")
    ap.add_argument("--rerun-every", type=int, default=5, help="after every Nth trial, run the command again")
    ap.add_argument("--workdir", default=None, help="keep everything here (default: a temporary folder)")
    a = ap.parse_args(argv)
    res = run(a.trials, a.rows, a.seed, a.jobs, a.workdir, keep=bool(a.workdir), rerun_every=a.rerun_every)
    for f in res.failures:
        print("FAIL", f)
    print(res.summary())
    return 1 if res.failures else 0


if __name__ == "__main__":
    sys.exit(main())
