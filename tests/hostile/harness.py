"""Running the real `donorguard` command on a case, in a folder of its own, and recording what it left.

Shared by tests/test_hostile.py and tests/crash/kill_trials.py.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from donorguard.store import audit

TIMEOUT = 30
DONORGUARD = shutil.which("donorguard")


def cli() -> list:
    """The installed console script if there is one, else the module through this interpreter."""
    return [DONORGUARD] if DONORGUARD else [sys.executable, "-m", "donorguard"]


audit_log = audit.logging_to     # DONORGUARD_AUDIT_LOG set for in-process calls, then put back


def env_for(home: Path, **extra) -> dict:
    """A clean environment: own HOME (so no real key or log is touched), own temp folder, no debug."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DONORGUARD_", "XDG_"))}
    env.update(HOME=str(home), TMPDIR=str(home / "tmp"), PYTHONDONTWRITEBYTECODE="1",
               LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    (home / "tmp").mkdir(exist_ok=True)
    env.update({k: str(v) for k, v in extra.items()})
    return env


@dataclass
class Run:
    args: list
    rc: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    extra: dict = field(default_factory=dict)

    def describe(self) -> str:
        return (f"$ donorguard {' '.join(map(str, self.args))}\n  exit {self.rc} in {self.seconds:.1f} s"
                f"{' (TIMED OUT)' if self.timed_out else ''}\n  stdout: {self.stdout[-1500:]!r}\n"
                f"  stderr: {self.stderr[-1500:]!r}")


def run(args, env, cwd=None, timeout=TIMEOUT, capture_dir=None) -> Run:
    """The installed console script in a new process; stdout/stderr also saved in capture_dir."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(cli() + [str(a) for a in args], env=env, cwd=cwd, capture_output=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        r = Run(list(args), p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"), time.monotonic() - t0)
    except subprocess.TimeoutExpired as e:
        r = Run(list(args), None, (e.stdout or b"").decode("utf-8", "replace"),
                (e.stderr or b"").decode("utf-8", "replace"), time.monotonic() - t0, timed_out=True)
    if capture_dir:
        Path(capture_dir).mkdir(parents=True, exist_ok=True)
        (Path(capture_dir) / "stdout.txt").write_text(r.stdout, encoding="utf-8")
        (Path(capture_dir) / "stderr.txt").write_text(r.stderr, encoding="utf-8")
    return r


# -- the same command in a process forked from a preloaded server ------------------------------
# Starting Python and importing pandas, fastexcel and openpyxl costs about a second per command, more
# than most hostile inputs take to be refused. The corpus matrix therefore runs donorguard.cli.main in
# a child of a multiprocessing fork server that imported it once: a separate process with its own
# environment, working folder, stdout/stderr files, exit code and the same 30-second kill. Set
# DONORGUARD_TEST_EXEC=subprocess to run every command through the installed console script instead.

PRELOAD = ["donorguard.cli.command", "donorguard.cli.launch", "donorguard.cli.ops", "donorguard.xlsx.outbound",
           "fastexcel", "openpyxl", "pandas"]
_ctx = None


def _context():
    global _ctx
    if _ctx is None:
        import multiprocessing
        _ctx = multiprocessing.get_context("forkserver")
        _ctx.set_forkserver_preload(PRELOAD)
    return _ctx


def _child(args, env, cwd, out, err):                      # runs in the forked process
    import io
    import tempfile
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None
    if cwd:
        os.chdir(cwd)
    for fd, name in ((1, out), (2, err)):
        f = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(f, fd)
        os.close(f)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", line_buffering=True)
    sys.argv = ["donorguard", *args]
    from donorguard.cli.launch import main  # as the console script: the workbook is inspected early
    code = 1                                # an exception other than SystemExit: Python exits with 1
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        raise
    finally:                                # the exit code as the command gave it (see run_forked)
        Path(out).with_name("exit-code.txt").write_text(str(code))


def run_forked(args, env, cwd=None, timeout=TIMEOUT, capture_dir=None) -> Run:
    import tempfile
    own = capture_dir is None
    capture_dir = Path(tempfile.mkdtemp(prefix="dg-capture-") if own else capture_dir)
    capture_dir.mkdir(parents=True, exist_ok=True)
    out, err = capture_dir / "stdout.txt", capture_dir / "stderr.txt"
    t0 = time.monotonic()
    try:
        p = _context().Process(target=_child, args=([str(a) for a in args], dict(env), cwd, str(out), str(err)))
        p.start()
        p.join(timeout)
        timed_out = p.is_alive()
        if timed_out:
            p.kill()
            p.join()
        read = lambda f: f.read_bytes().decode("utf-8", "replace") if f.exists() else ""
        code = p.exitcode
        if code == 255:     # the fork server's word when it lost track of its child (seen under load): the
            code = _own_exit_code(capture_dir / "exit-code.txt", timeout)   # command wrote its own on exit
        return Run(list(args), None if timed_out else code, read(out), read(err), time.monotonic() - t0,
                   timed_out=timed_out)
    finally:
        if own:
            shutil.rmtree(capture_dir, ignore_errors=True)


def _own_exit_code(f: Path, timeout: float) -> int:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if f.exists() and f.read_text().strip().isdigit():
            return int(f.read_text())
        time.sleep(0.05)
    return 255


def executor():
    """run_forked by default; the console script when DONORGUARD_TEST_EXEC=subprocess."""
    return run if os.environ.get("DONORGUARD_TEST_EXEC") == "subprocess" else run_forked


def sha256(path) -> str | None:
    p = Path(path)
    if not p.is_file():
        return None
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def leftovers(*folders) -> list:
    """Temporary files DonorGuard must never leave behind: *.dgtmp and .donorguard-export-* folders.
    The kill trials look while a command runs, so a folder may vanish mid-walk (renamed into place):
    os.walk skips it instead of failing as Path.rglob does."""
    out = []
    for folder in folders:
        for top, dirs, names in os.walk(folder):
            out += [Path(top, n) for n in dirs + names
                    if n.endswith(".dgtmp") or n.startswith(".donorguard-export-")]
    return sorted(out)


def receipt_problems(export_folder: Path) -> list:
    """Why an export folder is not a complete set: its receipt must name exactly its files, by SHA-256."""
    import json
    receipt = export_folder / "receipt.json"
    if not receipt.is_file():
        return [f"{export_folder.name}: no receipt.json"]
    try:
        r = json.loads(receipt.read_text(encoding="utf-8"))
    except ValueError:
        return [f"{export_folder.name}: receipt.json is not JSON"]
    problems = []
    listed = {f["file"]: f["sha256"] for f in r.get("files", [])}
    present = {p.name for p in export_folder.iterdir() if p.name != "receipt.json"}
    if set(listed) != present:
        problems.append(f"{export_folder.name}: files {sorted(present ^ set(listed))[:3]} not matching the receipt")
    for name, digest in listed.items():
        if name in present and sha256(export_folder / name) != digest:
            problems.append(f"{export_folder.name}/{name}: SHA-256 differs from the receipt")
    if sum(f.get("rows", 0) for f in r.get("files", [])) != r.get("rows"):
        problems.append(f"{export_folder.name}: receipt row count does not add up")
    return problems
