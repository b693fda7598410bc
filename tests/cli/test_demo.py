"""The demo and the bundled samples work straight after a clone (git keeps no mode 0600) and leave nothing."""
import os
import shutil
import stat

import pytest

from donorguard.core.errors import KeyFileInsecure
from donorguard.store import keys
from donorguard.store.places import bundled
from support import cli


def test_demo_removes_its_folder_and_keeps_out_of_the_users_log(tmp_path):
    temp, log = tmp_path / "temp", tmp_path / "users-audit.jsonl"
    temp.mkdir()
    r = cli(tmp_path, "demo", TMPDIR=str(temp), DONORGUARD_AUDIT_LOG=str(log))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[0].startswith(f"作業フォルダ: {temp / 'donorguard-demo-'}")
    assert r.stdout.splitlines()[-1] == ("作業フォルダを削除しました（残すには --keep フォルダ を付けて"
                                         "実行してください）。")
    assert list(temp.iterdir()) == [] and not log.exists()


def test_demo_keep(tmp_path):
    r = cli(tmp_path, "demo", "--keep", tmp_path / "demo", "--lang", "en")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1].startswith(f"Exported to: {tmp_path / 'demo' / 'out'}")
    assert {"donors.xlsx", "donors-sorted.xlsx", "donors-repaired.xlsx", "demo.key", "audit.jsonl", "out"} <= \
        {p.name for p in (tmp_path / "demo").iterdir()}


def test_the_sample_key_works_as_git_checks_it_out(tmp_path):
    sample = tmp_path / "sample.key"
    shutil.copyfile(bundled("workbooks", "sample.key"), sample)
    os.chmod(sample, 0o644)
    assert keys.read(sample).id == keys.SAMPLE_ID            # published: who can read it does not matter
    r = cli(tmp_path, "check", bundled("workbooks", "donors-sealed.xlsx"), "--key", sample)
    assert r.returncode == 0 and r.stdout == "問題ありません: 3000 行すべてが封印どおりです。\n"
    r = cli(tmp_path, "check", bundled("workbooks", "donors-kosai.xlsx"), "--key", sample)
    assert r.returncode == 1 and r.stdout.startswith("送付できません: 3000 行中 ")


def test_any_other_key_readable_by_others_is_refused(tmp_path):
    k = keys.create(tmp_path / "team.key")
    os.chmod(k.path, 0o640)
    assert stat.S_IMODE(os.stat(k.path).st_mode) == 0o640
    with pytest.raises(KeyFileInsecure):
        keys.read(k.path)
