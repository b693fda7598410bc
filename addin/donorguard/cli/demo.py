"""`donorguard demo`: the Kosai mistake made and caught on the bundled sample, step by step.

It works in a folder of its own with a key of its own, the shipped rule set and its own audit log, so neither
the office's settings nor the user's key or log are touched; the folder is removed at the end unless --keep.
"""
import shutil
import tempfile
from pathlib import Path

from ..core.errors import ExportBlocked
from ..core.rules import DEFAULT
from ..store import audit, keys, rulesets as rules_mod
from ..store.places import bundled
from ..text import report, t
from ..tools import synth
from . import ops as files


def run(lang: str, keep, echo) -> int:
    say = t(lang)["demo"]
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="donorguard-demo-"))
    try:
        work.mkdir(parents=True, exist_ok=True)
        echo(f"{say['folder']}: {work}\n")
        with audit.logging_to(work / "audit.jsonl"):
            ok = _story(work, lang, say, echo)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    if not keep:
        echo(say["removed"])
    return 0 if ok else 1


def _story(work: Path, lang: str, say: dict, echo) -> bool:
    book, sorted_, fixed = work / "donors.xlsx", work / "donors-sorted.xlsx", work / "donors-repaired.xlsx"
    shutil.copyfile(bundled("workbooks", "donors.xlsx"), book)
    key_file = work / "demo.key"
    if not key_file.exists():
        keys.create(key_file)
    rules = rules_mod.load(bundled("rules", f"{DEFAULT}.yaml"))

    echo(f"== {say['seal']}\n$ donorguard seal {book.name}")
    b, m, k, _ = files.seal_file(book, rules, key_file)
    echo(say["sealed_line"].format(rows=len(b.table), key=k.id[:4]) + "\n")

    echo(f"== {say['sort']}")
    synth.kosai_mistake(book, sorted_)
    echo(f"{sorted_.name}\n")

    echo(f"== {say['check']}\n$ donorguard check {sorted_.name}")
    _, rep, _ = files.check_file(sorted_, rules, key_file, lang)
    echo(report.as_text(rep, lang, limit=5) + "\n")
    try:
        files.export_file(sorted_, work / "out", rules, key_file, lang=lang)
        return False
    except ExportBlocked:
        echo(say["blocked"] + "\n")

    echo(f"== {say['repair']}\n$ donorguard repair {sorted_.name} --out {fixed.name}")
    done = files.repair_file(sorted_, fixed, rules, key_file, lang, force=True)
    echo(say["moved_back"].format(n=done.cells) + "\n")

    echo(f"== {say['check_repaired']}\n$ donorguard check {fixed.name}")
    _, rep2, _ = files.check_file(fixed, rules, key_file, lang)
    echo(report.as_text(rep2, lang) + "\n")

    echo(f"== {say['export']}\n$ donorguard export {fixed.name} --to out")
    folder, receipt, _ = files.export_file(fixed, work / "out", rules, key_file, lang=lang)
    echo(say["export_line"].format(rows=receipt["rows"], files=len(receipt["files"])))
    echo(f"{say['exported_to']}: {folder}")
    return not rep.clean and rep2.clean
