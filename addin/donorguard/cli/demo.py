"""`donorguard demo`: the Kosai mistake made and caught on the bundled sample, step by step."""
import os
import shutil
import tempfile
from pathlib import Path

from . import ops as files
from ..store import rulesets as rules_mod
from ..store import keys
from ..store.places import bundled
from ..text import report
from ..tools import synth

SAMPLE = bundled("workbooks", "donors.xlsx")
SAY = {
    "ja": ["作業フォルダ", "1. 正しい一覧を封印", "2. 個人番号の列だけを並べ替える（2017 年湖西市の誤り）",
           "3. 検査", "4. 修復（封印だけから元の行に戻す）", "5. 修復したファイルを検査", "6. 住所地市町村ごとに書き出し",
           "書き出し先", "並べ替えたファイルの書き出しは止められました（何も書き出していません）。"],
    "en": ["Working folder", "1. Seal the known-good list", "2. Sort only the ID column (the 2017 Kosai mistake)",
           "3. Check", "4. Repair (back to the sealed rows, from the seals alone)", "5. Check the repaired file",
           "6. Export one file per destination", "Exported to", "Exporting the sorted file was blocked (nothing written)."],
}


def run(lang: str, keep, echo) -> int:
    say = SAY[lang]
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="donorguard-demo-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DONORGUARD_AUDIT_LOG", str(work / "audit.jsonl"))
    book, sorted_, fixed = work / "donors.xlsx", work / "donors-sorted.xlsx", work / "donors-repaired.xlsx"
    if SAMPLE.exists():
        shutil.copyfile(SAMPLE, book)
    else:
        synth.write_workbook(synth.make_people(2000, seed=2017), book)
    key_file = work / "demo.key"
    if not key_file.exists():
        keys.create(key_file)
    rules = rules_mod.load()
    echo(f"{say[0]}: {work}\n")

    echo(f"== {say[1]}\n$ donorguard seal {book.name}")
    b, m, k = files.seal_file(book, rules, key_file)
    echo(f"{len(b.table)} rows sealed, key {k.id[:4]}…\n")

    echo(f"== {say[2]}")
    synth.kosai_mistake(book, sorted_)
    echo(f"{sorted_.name}\n")

    echo(f"== {say[3]}\n$ donorguard check {sorted_.name}")
    _, rep, _ = files.check_file(sorted_, rules, key_file, lang)
    echo(report.as_text(rep, lang, limit=5) + "\n")
    try:
        files.export_file(sorted_, work / "out", rules, key_file, lang=lang)
        return 1
    except Exception:
        echo(say[8] + "\n")

    echo(f"== {say[4]}\n$ donorguard repair {sorted_.name} --out {fixed.name}")
    before, after, reentry = files.repair_file(sorted_, fixed, rules, key_file, lang)
    echo(f"{len(before.plan.moves)} cells moved back\n")

    echo(f"== {say[5]}\n$ donorguard check {fixed.name}")
    _, rep2, _ = files.check_file(fixed, rules, key_file, lang)
    echo(report.as_text(rep2, lang) + "\n")

    echo(f"== {say[6]}\n$ donorguard export {fixed.name} --to out")
    folder, receipt, _ = files.export_file(fixed, work / "out", rules, key_file, lang=lang)
    echo(f"{receipt['rows']} rows, {len(receipt['files'])} files")
    echo(f"{say[7]}: {folder}")
    return 0 if (not rep.clean and rep2.clean) else 1
