"""Make the sample workbooks: synthetic people only (fictional names marked 架空/見本/試験, generated
My Numbers with valid check digits). Deterministic: same seed, same lists.

    python workbooks/make_samples.py

donors.xlsx          3,000 donors, as staff receive them (title row, formatting)
donors-sealed.xlsx   the same list sealed with sample.key
donors-kosai.xlsx    the sealed list after the 2017 Kosai mistake: 個人番号 sorted alone
sample.key           a key for the samples only; never seal a real list with it (chmod 600 before use)
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "addin"))

from donorguard.cli import ops as files  # noqa: E402
from donorguard.store import keys  # noqa: E402
from donorguard.store import rulesets as rules  # noqa: E402
from donorguard.tools import synth  # noqa: E402

ROWS, SEED = 3000, 2017


def main():
    os.environ.setdefault("DONORGUARD_AUDIT_LOG", str(Path(tempfile.mkdtemp()) / "audit.jsonl"))
    key = HERE / "sample.key"
    if not key.exists():
        keys.create(key)
    os.chmod(key, 0o600)
    plain, sealed, kosai = HERE / "donors.xlsx", HERE / "donors-sealed.xlsx", HERE / "donors-kosai.xlsx"
    synth.write_workbook(synth.make_people(ROWS, seed=SEED), plain)
    shutil.copyfile(plain, sealed)
    files.seal_file(sealed, rules.load(), key)
    synth.kosai_mistake(sealed, kosai)
    for p in (plain, sealed, kosai):
        print(p.name, p.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
