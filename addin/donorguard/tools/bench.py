"""python -m donorguard.bench: DonorGuard's commands timed against a plain read of the same file.

Every task is a whole process (interpreter start and imports included), run alternately, --repeat
times; the table shows medians and each process's peak resident memory (/usr/bin/time's %M).
Performance is measured here, never asserted.

Workbooks are generated once into a cache folder keyed by size, columns and seed: a plain list, a sealed
copy and a Kosai copy (the sealed list with only its 個人番号 column sorted). Thirteen columns: the eleven
the rules bind, a reception number and notes, as a normal office list has; eleven: the bound ones alone.
"""
import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

SEED = 2017
ID_COL, JOIN_COL, HEADER = "個人番号", "寄附者番号", 2     # synth: title, blank row, header on row 3
NOTES = ["電話で住所変更の連絡あり。新住所は申請書の記載どおりで確認済み（担当：窓口、2026年1月15日）",
         "返礼品は辞退、寄附のみ希望とのこと。申請書の余白に本人の署名あり。受領書は郵送で送付済み",
         "申請書を再送いただいた（2026年2月受付）。旧住所の書類は規程どおり破棄済み、台帳も更新済み",
         "ワンストップ特例申請書を受理。本人確認書類の写し（表裏）を確認し、不備なしと判断した",
         "本人確認書類として運転免許証の写しを受領。裏面に住所変更の記載あり、申請書の住所と一致",
         "マイナンバーカードの写しで番号と本人を確認。有効期限内であることも確認済み（担当：試験係）"]

READ = ("import sys, fastexcel; fastexcel.read_excel(sys.argv[1])"
        ".load_sheet(0, header_row=None, dtypes='string').to_pandas()")
OPENPYXL = "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])"
DATACOMPY = f"""import sys, pandas as pd, datacompy
a, b = (pd.read_excel(p, engine="calamine", dtype=str, header={HEADER}) for p in sys.argv[1:3])
cmp = datacompy.PandasCompare(a, b, join_columns="{JOIN_COL}", df1_name="list", df2_name="master")
cmp.report()
print(cmp.matches(), len(cmp.all_mismatch()))
"""


def dg(*args) -> list:
    return [sys.executable, "-m", "donorguard", *map(str, args)]


def say(text):
    print(text, file=sys.stderr, flush=True)


# -- the workbooks ------------------------------------------------------------------------------

def free_columns(rows: int, seed: int) -> dict:
    """The two columns a list has besides the bound ones: a reception number (受付番号) and notes (備考)."""
    import random
    rng = random.Random(seed + 13)
    return {"受付番号": [f"R8-{i + 1:07d}" for i in range(rows)], "備考": [rng.choice(NOTES) for _ in range(rows)]}


def prepare(cache: Path, rows: int, seed: int, kosai: bool = True, columns: int = 13) -> dict:
    """plain / sealed / kosai workbooks and the key for one size and width (11 or 13), made once and reused."""
    d = cache / f"{rows}rows-{columns}cols-seed{seed}"
    d.mkdir(parents=True, exist_ok=True)
    p = {"dir": d, "columns": columns, "plain": d / "plain.xlsx", "sealed": d / "sealed.xlsx",
         "kosai": d / "kosai.xlsx", "key": d / "bench.key", "audit": d / "audit.jsonl", "work": d / "work"}
    p["work"].mkdir(exist_ok=True)
    if not p["plain"].exists():
        from . import synth
        say(f"generating {rows} rows (seed {seed}) into {d} …")
        t = time.perf_counter()
        tmp = d / "plain.tmp.xlsx"
        synth.write_workbook(synth.make_people(rows, seed=seed), tmp,
                             free_columns=free_columns(rows, seed) if columns == 13 else None)
        os.replace(tmp, p["plain"])
        say(f"  {time.perf_counter() - t:.1f} s")
    from ..core.fingerprint import VERSION
    made = d / "seal-format"
    if not p["key"].exists() or not made.exists() or made.read_text() != VERSION:   # sealed by an older DonorGuard
        from ..store import keys
        if not p["key"].exists():
            keys.create(p["key"])
        for k in ("sealed", "kosai"):
            p[k].unlink(missing_ok=True)
        made.write_text(VERSION)
    env = {**os.environ, "DONORGUARD_AUDIT_LOG": str(p["audit"])}
    if not p["sealed"].exists():
        say("sealing the cached copy …")
        tmp = d / "sealed.tmp.xlsx"
        shutil.copyfile(p["plain"], tmp)
        subprocess.run(dg("seal", tmp, "--key", p["key"]), env=env, check=True, capture_output=True)
        os.replace(tmp, p["sealed"])
    if kosai and not p["kosai"].exists():
        say("making the Kosai copy …")
        tmp = d / "kosai.tmp.xlsx"
        kosai_copy(p["sealed"], tmp)
        out = subprocess.run(dg("check", tmp, "--json", "--key", p["key"]), env=env, capture_output=True)
        rep = json.loads(out.stdout or b"{}")
        causes = {c["cause"] for c in rep.get("diagnosis", [])}
        if out.returncode != 1 or rep.get("status") != "blocked" or "column_sorted_alone" not in causes:
            raise RuntimeError(f"the Kosai copy does not check as a column sorted alone: {causes or out.stderr}")
        os.replace(tmp, p["kosai"])
    return p


def kosai_copy(sealed: Path, out: Path) -> None:
    """The sealed list with only the ID column sorted as text: each ID cell moved, bytes unchanged
    (the sheet XML is rewritten directly; openpyxl load+save takes minutes at 100k rows)."""
    import fastexcel
    import numpy as np

    from ..core.repair import Edit
    from ..store import rulesets as rules_mod
    from ..xlsx.read import open_book
    from ..xlsx.write import write_edits

    book = open_book(sealed, rules_mod.load())
    ids = book.table.values[ID_COL].astype(object).where(book.table.values[ID_COL].notna(), "").astype(str)
    order = np.argsort(ids.to_numpy(), kind="stable")
    rows = book.table.rows
    write_edits(book, [Edit("move", int(rows[i]), ID_COL, src_row=int(rows[j]))
                       for i, j in enumerate(order) if i != j], out)
    back = fastexcel.read_excel(str(out)).load_sheet(0, header_row=HEADER, dtypes="string").to_pandas()
    before = fastexcel.read_excel(str(sealed)).load_sheet(0, header_row=HEADER, dtypes="string").to_pandas()
    if back[ID_COL].fillna("").tolist() != sorted(ids) or \
            not back.drop(columns=ID_COL).equals(before.drop(columns=ID_COL)):
        raise RuntimeError("the Kosai copy is not the sealed list with only its ID column sorted")


# -- running ------------------------------------------------------------------------------------

def tasks(p: dict, big: bool = False) -> list:
    """(name, setup, command, expected exit code); setup runs untimed before each run. The big list
    runs DonorGuard's commands and the read, not openpyxl (most of an hour) nor datacompy."""
    w, key = p["work"], p["key"]

    def fresh_unsealed():
        shutil.copyfile(p["plain"], w / "unsealed.xlsx")

    def clear(*paths):
        def setup():
            for q in paths:
                shutil.rmtree(q) if q.is_dir() else q.unlink(missing_ok=True)
        return setup

    have_datacompy = subprocess.run(
        [sys.executable, "-c", "import datacompy"], capture_output=True).returncode == 0
    every = [
        ("read: fastexcel → pandas (baseline)", None, [sys.executable, "-c", READ, p["sealed"]], 0),
        ("donorguard check (sealed)", None, dg("check", p["sealed"], "--key", key), 0),
        ("donorguard seal (fresh unsealed copy)", fresh_unsealed,
         dg("seal", w / "unsealed.xlsx", "--key", key), 0),
        ("openpyxl load+save (sealed)", clear(w / "openpyxl.xlsx"),
         [sys.executable, "-c", OPENPYXL, p["sealed"], w / "openpyxl.xlsx"], 0),
        ("donorguard repair (Kosai copy)", clear(w / "repaired.xlsx"),
         dg("repair", p["kosai"], "--out", w / "repaired.xlsx", "--key", key), 0),
        ("donorguard export (sealed)", clear(w / "export"),
         dg("export", p["sealed"], "--to", w / "export", "--key", key), 0),
        ("datacompy: Kosai copy vs master", None,
         [sys.executable, "-c", DATACOMPY, p["kosai"], p["plain"]] if have_datacompy else None, 0),
    ]
    return [t for t in every if not t[0].startswith(("openpyxl", "datacompy"))] if big else every


TIME = "/usr/bin/time"
# Without GNU time: a small wrapper reads its child's ru_maxrss (a few MB of the wrapper's own pages
# may count: Linux keeps the high-water mark across exec, hence never from this big process itself).
WRAP = ("import os, sys; pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ);"
        " _, st, ru = os.wait4(pid, 0); open(sys.argv[1], 'w').write(str(ru.ru_maxrss));"
        " sys.exit(os.waitstatus_to_exitcode(st))")


def run_once(cmd: list, env: dict, log: Path) -> tuple:
    """(seconds, peak RSS in MB or None, exit code) of one whole process."""
    cmd, rss = [str(c) for c in cmd], log.with_suffix(".rss")
    rss.unlink(missing_ok=True)
    if os.access(TIME, os.X_OK):
        cmd = [TIME, "-f", "%M", "-o", str(rss), *cmd]
    elif hasattr(os, "wait4") and hasattr(os, "posix_spawn"):
        cmd = [sys.executable, "-S", "-c", WRAP, str(rss), *cmd]
    with open(log, "wb") as out:
        t = time.perf_counter()
        code = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env).returncode
        secs = time.perf_counter() - t
    try:
        kb = int(rss.read_text().split()[-1]) / (1024 if sys.platform == "darwin" else 1)
    except (OSError, ValueError, IndexError):
        return secs, None, code
    return secs, kb / 1024, code


def compiled() -> None:
    """Byte-compile donorguard once, as pip does when it installs a package (the libraries compared against
    were installed so): an editable install run with PYTHONDONTWRITEBYTECODE would compile every module in
    every run. A read-only install is left as it is."""
    import compileall
    try:
        compileall.compile_dir(Path(__file__).parent, quiet=2)
    except OSError:
        pass


def _env(p: dict) -> dict:
    return {**os.environ, "DONORGUARD_AUDIT_LOG": str(p["audit"]), "PYTHONDONTWRITEBYTECODE": "1"}


def measure(p: dict, repeat: int, big: bool = False) -> list:
    env = _env(p)
    compiled()
    todo = tasks(p, big)
    runs = {name: [] for name, *_ in todo}
    for r in range(repeat):
        for name, setup, cmd, expect in todo:
            if cmd is None:
                continue
            if setup:
                setup()
            log = p["work"] / "last-output.txt"
            secs, mb, code = run_once(cmd, env, log)
            if code != expect:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name}: exit {code}, expected {expect} (workbooks made by an older "
                                   f"version? remove {p['dir']} to make them again):\n{tail}")
            runs[name].append((secs, mb))
            say(f"  run {r + 1}/{repeat}  {name:<40} {secs:8.2f} s  {mb or 0:8.0f} MB")
    return [(name, runs[name]) for name, *_ in todo]


def pairs(p: dict, n: int) -> str:
    """The check's headline ratio from n more pairs, each a read then a check of the sealed list back to back:
    the median of the n ratios (a pair shares the machine's speed of that moment, which drifts)."""
    env = _env(p)
    read, check = (cmd for _, _, cmd, _ in tasks(p)[:2])
    ratios = []
    for i in range(n):
        (r, _, _), (c, _, code) = (run_once(cmd, env, p["work"] / "last-output.txt") for cmd in (read, check))
        if code:
            raise RuntimeError(f"donorguard check: exit {code}, expected 0")
        ratios.append(c / r)
        say(f"  pair {i + 1}/{n}  read {r:.2f} s  check {c:.2f} s  ×{c / r:.2f}")
    return (f"check ÷ read, {n} pairs back to back: median {statistics.median(ratios):.2f}× "
            f"(from {min(ratios):.2f}× to {max(ratios):.2f}×)")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2 ** 30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        ram = "?"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    from importlib.metadata import version
    libs = ", ".join(f"{n} {version(n)}" for n in ("pandas", "fastexcel", "openpyxl", "numpy"))
    git = subprocess.run(["git", "-C", str(Path(__file__).parent), "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip() if shutil.which("git") else ""
    libs = f"donorguard {git or 'installed'}, {libs}"
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"machine: {cpu}; {os.cpu_count()} cores ({usable} usable); RAM {ram}; "
            f"{platform.python_implementation()} {platform.python_version()} on {platform.system()}; {libs}\n"
            f"load average now (1/5/15 min): {load} (other work on the machine inflates the timings)")


def table(rows: int, p: dict, results: list) -> str:
    """Medians of each task, and beside its ratio to the read the range of its per-round ratios (each run
    against the read of its own round: the machine's speed of that moment)."""
    mb = {k: p[k].stat().st_size / 2 ** 20 for k in ("plain", "sealed")}
    out = [f"{rows} rows × {p['columns']} columns (.xlsx {mb['plain']:.1f} MB plain, {mb['sealed']:.1f} MB sealed), "
           f"medians of {len(results[0][1])} runs",
           f"{'task':<40} {'median s':>9} {'× read':>7} {'per round':>11} {'peak MB':>8} {'× read':>7}"]
    reads = [s for s, _ in results[0][1]]
    base_s = statistics.median(reads)
    base_mbs = [m for _, m in results[0][1] if m is not None]
    base_mb = statistics.median(base_mbs) if base_mbs else None
    for name, runs in results:
        if not runs:
            out.append(f"{name:<40} {'n/a (datacompy not installed)':>35}")
            continue
        s = statistics.median(x for x, _ in runs)
        rounds = [x / r for (x, _), r in zip(runs, reads)]
        spread = f"{min(rounds):.2f}–{max(rounds):.2f}"
        mbs = [m for _, m in runs if m is not None]
        mb = statistics.median(mbs) if mbs else None
        ratio = f"{mb / base_mb:7.1f}" if mb and base_mb else f"{'-':>7}"
        out.append(f"{name:<40} {s:9.2f} {s / base_s:7.2f} {spread:>11} {(f'{mb:8.0f}' if mb else '       -')} {ratio}")
    return "\n".join(out)


# -- profiling ----------------------------------------------------------------------------------

def profile(command: str, p: dict, top: int = 25) -> str:
    """cProfile of one command in this process (imports done beforehand), top entries by cumulative time."""
    from ..cli import command as cli
    if command == "seal":
        shutil.copyfile(p["plain"], p["work"] / "unsealed.xlsx")
        args = ["seal", str(p["work"] / "unsealed.xlsx"), "--key", str(p["key"])]
    elif command == "repair":
        (p["work"] / "repaired.xlsx").unlink(missing_ok=True)
        args = ["repair", str(p["kosai"]), "--out", str(p["work"] / "repaired.xlsx"), "--key", str(p["key"])]
    elif command == "export":
        shutil.rmtree(p["work"] / "export", ignore_errors=True)
        args = ["export", str(p["sealed"]), "--to", str(p["work"] / "export"), "--key", str(p["key"])]
    else:
        args = ["check", str(p["sealed"]), "--key", str(p["key"])]
    prof = cProfile.Profile()
    t = time.perf_counter()
    with mock.patch.dict(os.environ, DONORGUARD_AUDIT_LOG=str(p["audit"])):
        try:
            prof.runcall(cli.main, args, standalone_mode=False)
        except SystemExit:
            pass
    secs = time.perf_counter() - t
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(top)
    st.sort_stats("tottime").print_stats(15)
    text = buf.getvalue()
    for prefix in sorted({str(Path(__file__).parent.parent)} | set(sys.path), key=len, reverse=True):
        if prefix and len(prefix) > 1:
            text = text.replace(prefix + os.sep, "")
    return f"donorguard {' '.join(args[:1])}: {secs:.2f} s under cProfile\n{text}"


# -- the live guard ------------------------------------------------------------------------------

LIVE = """import json, os, sys, time
t0 = time.perf_counter()
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")   # the remote engine, for this measurement only
import xlwings as xw
from xlwings.pro import _xlremote
xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
import donorguard.excel as dg
t1 = time.perf_counter()
book = xw.Book(json=json.load(open(sys.argv[1], encoding="utf-8")))
t2 = time.perf_counter()
text = dg.on_change(book, address=sys.argv[2])
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "book": t2 - t1, "check": t3 - t2, "dialog": text is not None,
                  "actions": [a["func"] for a in book.json()["actions"]]}))
"""


def payload(xlsx: Path, out: Path) -> Path:
    """What an Excel client sends xlwings' remote engine for this workbook (every sheet's values), made once."""
    if out.exists():
        return out
    import datetime as dt

    import openpyxl
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [["" if v is None else v.strftime("%Y-%m-%dT%H:%M:%S.000Z") if isinstance(v, dt.datetime) else v
                   for v in row] for row in ws.iter_rows(values_only=True)] or [[""]]
        width = max(len(r) for r in values)
        sheets.append({"name": ws.title, "values": [r + [""] * (width - len(r)) for r in values], "pictures": [],
                       "tables": [], "notes": [], "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden"})
    import xlwings
    data = {"client": "Microsoft Excel", "version": xlwings.__version__, "names": [], "sheets": sheets,
            "book": {"name": xlsx.name, "active_sheet_index": 0, "selection": "A1"}}
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return out


def live(p: dict, rows: int, repeat: int) -> str:
    """The live guard: its filter's cost in Python (the VBA's twin), and from a change to the dialog on a
    remote-engine Book of the Kosai copy, as RunPython runs it (a new process: start, imports, the Book, the
    check), then the same with the list untouched (no dialog)."""
    import timeit

    from ..excel.live import should_check
    bound = list(range(1, 12))
    lines = [f"live guard, {rows} rows (medians of {repeat} fresh processes)"]
    for what, address in (("typing one cell", "$B$5"), ("Kosai sort", f"$H$4:$H${rows + 3}")):
        n = 20000
        secs = timeit.timeit(lambda a=address: should_check(True, False, a, 4, bound, 12), number=n) / n
        lines.append(f"  filter (Python twin of the VBA), {what:<16} {secs * 1e6:6.1f} µs per change")
    home = p["dir"] / "live-home"          # where on_change remembers what it said: cleared before each run
    env = {**os.environ, "DONORGUARD_KEY_FILE": str(p["key"]), "DONORGUARD_AUDIT_LOG": str(p["audit"]),
           "DONORGUARD_HOME": str(home)}
    for what, book in (("Kosai copy", "kosai"), ("untouched list", "sealed")):
        data = payload(p[book], p["dir"] / f"{book}.payload.json")
        runs = []
        for _ in range(repeat):
            shutil.rmtree(home, ignore_errors=True)
            t = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", LIVE, data, f"$H$4:$H${rows + 3}"], env=env,
                                 capture_output=True, text=True, check=True)
            got = json.loads(out.stdout.strip().splitlines()[-1])
            got["total"] = time.perf_counter() - t
            runs.append(got)
        med = {k: statistics.median(r[k] for r in runs) for k in ("total", "imports", "book", "check")}
        lines.append(f"  change → dialog, {what:<15} {med['total']:5.2f} s (start + imports {med['imports']:.2f}, "
                     f"remote Book {med['book']:.2f}, read + check + dialog {med['check']:.2f}); "
                     f"dialog: {'yes' if runs[0]['dialog'] else 'no'}, actions {runs[0]['actions']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m donorguard.bench", description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000, help="rows of the list (default 100000)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each task; medians are shown (default 3)")
    ap.add_argument("--big", action="store_true", help="also a list ten times --rows (1M by default): its read, "
                                                       "check, seal, repair and export")
    ap.add_argument("--pairs", type=int, default=9, help="then this many read-then-check pairs of --rows, for "
                                                         "the check's ratio (default 9)")
    ap.add_argument("--columns", type=int, choices=[11, 13], default=13,
                    help="13: the bound columns, a reception number and notes (default); 11: the bound ones alone")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "donorguard-bench",
                    help="folder for the generated workbooks (default ~/.cache/donorguard-bench)")
    ap.add_argument("--live", action="store_true", help="the live guard only: its filter's cost and the time from "
                                                         "a change to the dialog on remote-engine Books")
    ap.add_argument("--profile", choices=["check", "seal", "repair", "export"],
                    help="cProfile this command in-process instead (repair: of the Kosai copy)")
    a = ap.parse_args(argv)
    sizes = [a.rows] + ([a.rows * 10] if a.big else [])
    if a.profile:
        print(profile(a.profile, prepare(a.cache, a.rows, a.seed, columns=a.columns)))
        return 0
    if a.live:
        print(live(prepare(a.cache, a.rows, a.seed, columns=a.columns), a.rows, a.repeat))
        print(machine())
        return 0
    tables, started = [], time.perf_counter()
    for n in sizes:
        p = prepare(a.cache, n, a.seed, columns=a.columns)
        say(f"measuring {n} rows, {a.repeat} runs each, alternating …")
        tables.append(table(n, p, measure(p, a.repeat, big=n != a.rows)))
        if n == a.rows and a.pairs:
            say(f"then {a.pairs} read-then-check pairs of {n} rows …")
            tables[-1] += "\n" + pairs(p, a.pairs)
    print("\n\n".join(tables))
    print(machine())
    print(f"bench run time: {(time.perf_counter() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
