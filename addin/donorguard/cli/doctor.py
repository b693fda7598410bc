"""`donorguard doctor`: one screen for IT. Each line is ok, warn or fail, and says how to fix what is not ok;
exit 0 when every line is ok, 1 otherwise. It reads and changes nothing but what it names: no key is made,
nothing is written (the audit log's folder is only asked whether it is writable).
"""
from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..core.errors import DonorGuardError, NoKey
from ..store import audit, keys, rulesets, settings
from ..store.places import bundled, config_dir
from ..text import t
from ..text.messages import error_text
from . import install


@dataclass(frozen=True)
class Line:
    status: str          # ok, warn, fail
    text: str
    fix: str = ""


def checks(lang: str, addin_dir=None) -> list:
    """Every line of the check-up, in the order IT reads them."""
    T = t(lang)["doctor"]
    lines = [_python(T), _packages(T)]
    found = _settings(T, lang)
    lines.append(found)
    if found.status != "fail":          # a broken settings file: its line says so; the rest would repeat it
        lines += [_rules(T, lang), _key(T, lang), _audit(T, lang)]
    addin = _addin(T, addin_dir)
    lines += [addin, _interpreter(T), _xlwings(T, addin)]
    if sys.platform == "darwin":
        lines.append(_applescript(T))
    return lines


def run(lang: str, addin_dir, echo) -> int:
    T = t(lang)["doctor"]
    lines = checks(lang, addin_dir)
    echo(T["title"].format(version=__version__))
    width = max(len(T[s]) for s in ("ok", "warn", "fail"))
    for line in lines:
        echo(f"{T[line.status]:<{width}}  {line.text}")
        if line.fix:
            echo(f"{'':<{width}}  → {line.fix}")
    bad = sum(line.status != "ok" for line in lines)
    echo(T["all_ok"] if not bad else T["not_ok"].format(n=bad))
    return 0 if not bad else 1


def _python(T) -> Line:
    version = ".".join(map(str, sys.version_info[:3]))
    return Line("ok", T["python"].format(version=version, bits=struct.calcsize("P") * 8, path=sys.executable))


def _packages(T) -> Line:
    from packaging.requirements import Requirement
    try:
        metadata.distribution("donorguard")
    except metadata.PackageNotFoundError:
        return Line("warn", T["not_installed"].format(path=Path(__file__).parents[1]), T["fix_reinstall"])
    wanted = [Requirement(r) for r in _requires()]
    seen, bad = [], []
    for req in wanted:
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue                                       # the test extra, or another platform's
        try:
            have = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            bad.append(T["package_missing"].format(name=req.name))
            continue
        if not req.specifier.contains(have, prereleases=True):
            bad.append(T["package_version"].format(name=req.name, have=have, want=req.specifier))
        seen.append(f"{req.name} {have}")
    if bad:
        return Line("fail", T["packages_bad"].format(list=", ".join(bad)), T["fix_reinstall"])
    return Line("ok", T["packages"].format(list=", ".join([f"donorguard {__version__}"] + seen)))


def _settings(T, lang) -> Line:
    try:
        found = settings.current()
    except DonorGuardError as e:
        return Line("fail", error_text(e, lang), T["fix_settings"])
    if found.file is None:
        return Line("warn", T["settings_none"], T["fix_settings_none"].format(path=config_dir() / settings.NAME))
    return Line("ok", T["settings"].format(path=found.file))


def _rules(T, lang) -> Line:
    folder = settings.current().rules_folder
    if folder is not None and not folder.is_dir():
        return Line("fail", T["rules_folder_missing"].format(path=folder), T["fix_rules"])
    names, default = rulesets.available(), rulesets.default_name()
    try:
        for name in dict.fromkeys(names + [default]):
            rulesets.load(name)
    except DonorGuardError as e:
        return Line("fail", error_text(e, lang), T["fix_rules"])
    return Line("ok", T["rules"].format(names=", ".join(names), default=default))


def _default_rules():
    try:
        return rulesets.load()
    except DonorGuardError:
        return None            # said on the rules line; the key and log are then looked up without them


def _key(T, lang) -> Line:
    rules = _default_rules()
    try:
        key = keys.find(None, rules.key_file if rules else None)
    except NoKey as e:
        if settings.current().key_file or os.environ.get("DONORGUARD_KEY_FILE") or (rules and rules.key_file):
            return Line("fail", error_text(e, lang), T["fix_key"])
        return Line("warn", T["key_none"].format(path=keys.default_path()), T["fix_key_none"])
    except DonorGuardError as e:
        return Line("fail", error_text(e, lang), T["fix_key"])
    if key.id == keys.SAMPLE_ID:
        return Line("fail", T["key_sample"].format(path=key.path), T["fix_key_sample"])
    private = T["key_private"] if os.name == "posix" else T["key_windows"]
    return Line("ok", T["key"].format(id=key.id[:4], path=key.path) + private)


def _writable(path: Path) -> bool:
    """Whether the file can be appended to, or made: its nearest existing folder is writable."""
    if path.exists():
        return path.is_file() and os.access(path, os.W_OK)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def _audit(T, lang) -> Line:
    path = audit.default_path(_default_rules())
    if _writable(path):
        return Line("ok", T["audit"].format(path=path))
    return Line("fail", T["audit_bad"].format(path=path), T["fix_audit"])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _addin(T, folder) -> Line:
    shipped = bundled("addin", "donorguard.xlam")
    if not shipped.is_file():
        return Line("fail", T["shipped_missing"].format(path=shipped), T["fix_reinstall"])
    folder = Path(folder) if folder else install.startup_folder()
    if folder is None:
        return Line("warn", T["addin_nowhere"], T["fix_addin_nowhere"])
    placed = folder / shipped.name
    if not placed.is_file():
        return Line("fail", T["addin_missing"].format(folder=folder), T["fix_addin"])
    if _sha(placed) != _sha(shipped):
        return Line("fail", T["addin_other"].format(path=placed), T["fix_addin"])
    return Line("ok", T["addin"].format(path=placed))


def _interpreter(T) -> Line:
    conf, codepage = install.conf_path(), install.vba_codepage()
    try:
        seen = install.interpreter_as_vba_reads(conf)
    except OSError:
        seen = None
    if not seen:
        return Line("fail", T["interpreter_none"].format(conf=conf), T["fix_addin"])
    if os.path.normcase(seen) != os.path.normcase(sys.executable) or not os.path.isfile(seen):
        return Line("fail", T["interpreter_other"].format(conf=conf, codepage=codepage, seen=seen,
                                                          python=sys.executable), T["fix_interpreter"])
    return Line("ok", T["interpreter"].format(conf=conf, codepage=codepage, path=seen))


def _xlwings(T, addin: Line) -> Line:
    """The add-in carries xlwings' VBA of the version DonorGuard pins (addin/vba/build.py refuses any other, and
    a test holds the shipped add-in to a fresh build), so a placed add-in equal to the shipped one has it."""
    import xlwings
    pin = next((r.split("==", 1)[1].strip() for r in _requires() if r.replace(" ", "").startswith("xlwings==")),
               None)
    if addin.status != "ok" or pin is None:
        return Line("warn", T["xlwings_unknown"], addin.fix if pin else T["fix_reinstall"])
    if pin != xlwings.__version__:
        return Line("fail", T["xlwings_other"].format(vba=pin, python=xlwings.__version__),
                    T["fix_xlwings"].format(vba=pin))
    return Line("ok", T["xlwings"].format(vba=pin, python=xlwings.__version__))


def _requires() -> list:
    try:
        return metadata.requires("donorguard") or []
    except metadata.PackageNotFoundError:
        return []


def _applescript(T) -> Line:
    import xlwings
    path = install.applescript_folder() / f"xlwings-{xlwings.__version__}.applescript"
    if path.is_file():
        return Line("ok", T["applescript"].format(path=path))
    return Line("fail", T["applescript_missing"].format(path=path), T["fix_applescript"])
