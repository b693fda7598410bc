"""Wheelhouses for PCs that cannot reach a package index, and the pins in constraints.txt that they rest on.

    python tools/wheelhouse.py download [--target NAME ...] [--wheel WHEEL] [--out wheelhouse]
    python tools/wheelhouse.py check    [--target NAME ...] [--wheel WHEEL]
    python tools/wheelhouse.py lock     [--wheel WHEEL]

download: for each target (default: every Windows and macOS one) a folder OUT/NAME holding the DonorGuard wheel
and a wheel of every package it needs there, at the versions constraints.txt pins, binary wheels only. On the PC:
    py -3.11 -m pip install --no-index --find-links wheelhouse\\win-cp311 donorguard
check: every target resolves from binary wheels alone and every package it needs is pinned (exit 1 if not);
on Linux with the test extra too (what CI installs). Reads package metadata only.
lock: rewrites constraints.txt with what check checks, each package pinned to the version the targets agree on
(with a marker when only Windows or macOS need it); a package not pinned yet gets the newest version pyproject.toml
allows. The test extra is not locked for Windows and macOS: CI runs on Linux, and on Windows it needs a package
published only as source (win-unicode-console, for oletools' pcodedmp).

pip evaluates environment markers for the machine it runs on, whatever --platform says (a Linux pip would leave
out pywin32, which xlwings needs on Windows), so each target's markers are evaluated here and what pip left out
is named to it explicitly, until nothing is missing.
The DonorGuard wheel: --wheel, else the newest dist/donorguard-*.whl (python -m build; see the README).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"


@dataclass(frozen=True)
class Target:
    name: str
    platforms: tuple          # pip --platform tags (pip adds the older ones each implies)
    python: str               # 3.11
    markers: dict             # the environment markers of such a PC

    def env(self, extra: str = "") -> dict:
        return dict(self.markers, python_version=self.python, python_full_version=self.python + ".0",
                    implementation_name="cpython", platform_python_implementation="CPython", extra=extra)


_WIN = {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64"}
_MAC_ARM = {"os_name": "posix", "sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64"}
_MAC_X86 = dict(_MAC_ARM, platform_machine="x86_64")
_LINUX = {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"}
_MANYLINUX = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64", "linux_x86_64")

TARGETS = {t.name: t for py in ("3.11", "3.12") for t in (
    Target(f"win-cp{py.replace('.', '')}", ("win_amd64",), py, _WIN),
    Target(f"mac-arm64-cp{py.replace('.', '')}", ("macosx_14_0_arm64",), py, _MAC_ARM),
    Target(f"mac-x86_64-cp{py.replace('.', '')}", ("macosx_12_0_x86_64",), py, _MAC_X86),
    Target(f"linux-cp{py.replace('.', '')}", _MANYLINUX, py, _LINUX),
)}
OFFICE = [n for n in TARGETS if not n.startswith("linux")]


def extras(t: Target) -> str:
    """What is locked and checked for a target: the test extra where CI runs (Linux), the runtime elsewhere."""
    return "[test]" if t.name.startswith("linux") else ""


def pip(*args) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check"], check=True)


def _platform_args(t: Target) -> list:
    args = ["--only-binary=:all:", "--python-version", t.python, "--implementation", "cp"]
    for p in t.platforms:
        args += ["--platform", p]
    return args


def resolve(t: Target, wheel: Path, extras: str = "", constraints: Path | None = CONSTRAINTS) -> dict:
    """{name: (version, requirement text as named)} of everything the target needs, markers evaluated for it."""
    named: list = []
    while True:
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json"
            pip("install", "-q", "--dry-run", "--ignore-installed", "--report", str(report), "--target",
                str(Path(tmp) / "t"), *_platform_args(t), *(["-c", str(constraints)] if constraints else []),
                f"{wheel}{extras}", *named)
            found = json.loads(report.read_text(encoding="utf-8"))["install"]
        got = {canonicalize_name(i["metadata"]["name"]): i["metadata"] for i in found}
        missing = _missing(t, got, extras)
        if not missing:
            return {n: m["version"] for n, m in got.items()}
        named += sorted(missing)


def _missing(t: Target, got: dict, extras: str) -> set:
    """Requirements the target's markers call for that pip, judging by its own machine, did not resolve."""
    out = set()
    for name, meta in got.items():
        wanted = [""] + ([e.strip() for e in extras.strip("[]").split(",")] if name == "donorguard" else [])
        for text in meta.get("requires_dist") or []:
            req = Requirement(text)
            if req.marker is not None and not any(req.marker.evaluate(t.env(e)) for e in wanted):
                continue
            if canonicalize_name(req.name) not in got:
                out.add(str(Requirement(req.name + str(req.specifier) if req.specifier else req.name)))
    return out


def pins(path: Path = CONSTRAINTS) -> dict:
    """{name: (version, marker or None)} from a constraints file."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            out[canonicalize_name(req.name)] = (str(req.specifier).lstrip("="), req.marker)
    return out


def unpinned(t: Target, resolved: dict, pinned: dict) -> list:
    """What the target needs that constraints.txt does not pin for it, or pins at another version."""
    bad = []
    for name, version in sorted(resolved.items()):
        if name == "donorguard":
            continue
        pin = pinned.get(name)
        if pin is None or (pin[1] is not None and not pin[1].evaluate(t.env())):
            bad.append(f"{name} {version} (not pinned)")
        elif pin[0] != version:
            bad.append(f"{name} {version} (pinned {pin[0]})")
    return bad


def lock(wheel: Path, targets: list) -> str:
    """The text of constraints.txt pinning what every target needs."""
    seen: dict = {}                                      # name -> {version: [targets]}
    with tempfile.TemporaryDirectory() as tmp:
        known = Path(tmp) / "known.txt"                  # the current pins, unmarked: a lock keeps them
        known.write_text("".join(f"{n}=={v}\n" for n, (v, _) in pins().items()), encoding="utf-8")
        for t in targets:
            for name, version in resolve(t, wheel, extras(t), constraints=known).items():
                if name != "donorguard":
                    seen.setdefault(name, {}).setdefault(version, []).append(t)
    lines = [
        "# Exact versions CI and the offline wheelhouses install (pip install -c constraints.txt ...), for CPython",
        "# 3.11 and 3.12 on Linux, Windows (win_amd64) and macOS. pyproject.toml declares what DonorGuard needs;",
        "# this file says what it is tested with. Made by `python tools/wheelhouse.py lock`.",
    ]
    for name in sorted(seen):
        for version, where in sorted(seen[name].items()):
            lines.append(f"{name}=={version}{_marker(where)}")
    return "\n".join(lines) + "\n"


def _marker(where: list) -> str:
    """A marker for a package that Linux (locked with the test extra) does not need: the systems that do."""
    systems = sorted({t.markers["sys_platform"] for t in where})
    if "linux" in systems:
        return ""
    return " ; " + " or ".join(f'sys_platform == "{s}"' for s in systems)


def default_wheel() -> Path:
    found = sorted((ROOT / "dist").glob("donorguard-*.whl"), key=lambda p: p.stat().st_mtime)
    if not found:
        sys.exit("no dist/donorguard-*.whl: build it first (python -m build), or give --wheel")
    return found[-1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["download", "check", "lock"])
    ap.add_argument("--target", action="append", choices=sorted(TARGETS),
                    help="repeatable; default: every Windows and macOS target (check: all)")
    ap.add_argument("--wheel", type=Path, help="the DonorGuard wheel (default: the newest in dist/)")
    ap.add_argument("--out", type=Path, default=Path("wheelhouse"), help="download: the wheelhouse folder")
    a = ap.parse_args(argv)
    wheel = (a.wheel or default_wheel()).resolve()
    if a.action == "lock":
        CONSTRAINTS.write_text(lock(wheel, list(TARGETS.values())), encoding="utf-8")
        return 0
    targets = [TARGETS[n] for n in (a.target or (OFFICE if a.action == "download" else TARGETS))]
    failed = False
    for t in targets:
        if a.action == "check":
            bad = unpinned(t, resolve(t, wheel, extras(t)), pins())
            print(f"{t.name}: " + ("all pinned" if not bad else "; ".join(bad)))
            failed = failed or bool(bad)
            continue
        resolved = resolve(t, wheel)
        folder = a.out / t.name
        pip("download", "-q", "-d", str(folder), *_platform_args(t), "-c", str(CONSTRAINTS), str(wheel),
            *(f"{n}=={v}" for n, v in sorted(resolved.items()) if n != "donorguard"))
        size = sum(f.stat().st_size for f in folder.iterdir())
        print(f"{t.name}: {len(list(folder.glob('*.whl')))} wheels, {size / 2**20:.1f} MiB in {folder}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
