"""The console script finds the workbook on its command line (to check it and have it parsed while Python
loads pandas: test_early.py); what the checks find is reported in one sentence, as if found later."""
import sys
import subprocess

import pytest

from donorguard.cli.launch import BOOK_COMMANDS, TAKES_VALUE, books
from support import env


@pytest.mark.parametrize("args, expected", [
    (["check", "a.xlsx"], ["a.xlsx"]),
    (["check", "--key", "k.key", "--lang", "en", "a.xlsx", "--json"], ["a.xlsx"]),
    (["repair", "--out", "b.xlsx", "a.xlsx"], ["a.xlsx"]),
    (["export", "a.xlsx", "--to", "out"], ["a.xlsx"]),
    (["seal", "--key=k.key", "a.xlsx"], ["a.xlsx"]),
    (["key", "new", "k.key"], []),
    (["audit", "verify", "log.jsonl"], []),
    ([], []),
])
def test_books_on_the_command_line(args, expected):
    assert books(args) == expected


def test_every_option_that_takes_a_value_is_known():
    """launch.py cannot import the CLI (that would load pandas first), so it names the options itself."""
    import click

    from donorguard.cli.command import main
    for name in BOOK_COMMANDS & set(main.commands):
        for p in main.commands[name].params:
            if isinstance(p, click.Option) and not p.is_flag:
                assert set(p.opts) <= TAKES_VALUE, (name, p.opts)


def test_console_entry_gives_one_sentence(tmp_path):
    bad = tmp_path / "list.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    r = subprocess.run([sys.executable, "-m", "donorguard", "check", str(bad), "--lang", "en"],
                       capture_output=True, text=True, env=env(tmp_path), timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr and "not a zip" in r.stderr
