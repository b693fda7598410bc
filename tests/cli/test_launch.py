"""The console script finds the workbook on its command line (to check it and have it parsed while Python
loads pandas: test_early.py); what the checks find is reported in one sentence, as if found later."""
import subprocess
import sys

import pytest

from donorguard.cli.launch import books
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


def test_the_book_is_what_click_parses():
    """launch.py reads the command line with click's own parameters: the same BOOK click will give the command."""
    from donorguard.cli.command import main
    for name, cmd in main.commands.items():
        if not any(p.name == "book" for p in cmd.params):
            continue
        values = {o: "x.key" for p in cmd.params if hasattr(p, "is_flag") and not p.is_flag for o in p.opts}
        flags = [o for p in cmd.params if getattr(p, "is_flag", False) for o in p.opts]
        for opts in (list(values.items())[:2], list(values.items())[-2:]):
            args = [name, *[x for kv in opts for x in kv], *flags[:1], "a.xlsx"]
            ctx = cmd.make_context(name, args[1:], resilient_parsing=True)
            assert books(args) == [ctx.params["book"]], args


def test_no_heavy_import_to_read_the_command_line():
    code = ("import sys; from donorguard.cli.launch import books; books(['check', 'a.xlsx']); "
            "print(sorted(m for m in ('pandas', 'pyarrow', 'numpy', 'yaml') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "[]", r.stderr


def test_console_entry_gives_one_sentence(tmp_path):
    bad = tmp_path / "list.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    r = subprocess.run([sys.executable, "-m", "donorguard", "check", str(bad), "--lang", "en"],
                       capture_output=True, text=True, env=env(tmp_path), timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr and "not a zip" in r.stderr
