import os
import shutil
import tempfile
from pathlib import Path

import pytest

import support

_TEMP_VARS = ("TMPDIR", "TEMP", "TMP")
_HOME_VARS = ("DONORGUARD_HOME", "HOME", "USERPROFILE", "DONORGUARD_AUDIT_LOG")
_CALLERS = ("DONORGUARD_KEY_FILE", "DONORGUARD_SETTINGS", "DONORGUARD_LANG")      # never the caller's


def pytest_configure(config):
    """The suite's temporary files all go to one folder of its own (subprocesses inherit TMPDIR), so that at
    the end it can show it left nothing there, whatever other processes do in the machine's temp folder.
    What runs before a test's own home (collection, session and module fixtures) gets a home there too."""
    config._donorguard_env = {v: os.environ.get(v) for v in _TEMP_VARS + _HOME_VARS + _CALLERS}
    root = Path(tempfile.mkdtemp(prefix="donorguard-tests-"))
    home = root / "session-home"
    home.mkdir()
    os.environ.update({v: str(root) for v in _TEMP_VARS})
    os.environ.update({v: str(home) for v in _HOME_VARS[:3]}, DONORGUARD_AUDIT_LOG=str(home / "audit.jsonl"))
    for var in _CALLERS:
        os.environ.pop(var, None)
    tempfile.tempdir = None
    config._donorguard_tmp = root


@pytest.hookimpl(trylast=True)          # after pytest has removed its own tmp_path folders (they passed)
def pytest_sessionfinish(session, exitstatus):
    """Nothing of the suite's stays in the temp folder: what is left besides pytest's own folders fails the
    session, named; the folder is then removed (kept when pytest keeps the folders of failed tests in it)."""
    root = getattr(session.config, "_donorguard_tmp", None)
    if root is None:
        return
    support.remove_session_folders()
    shutil.rmtree(root / "session-home", ignore_errors=True)
    # pytest-of-*: pytest's, removed above when the tests passed; pymp-*: multiprocessing's (the hostile tests'
    # fork server), removed when Python exits
    own = ("pytest-of-", "pymp-")
    left = sorted(str(p.relative_to(root)) for p in root.iterdir() if not p.name.startswith(own))
    if left:
        session.config._donorguard_left = left
        if session.exitstatus == 0:
            session.exitstatus = 1
    kept = [p for p in root.glob("pytest-of-*/pytest-*") if not p.is_symlink()]
    if session.exitstatus != 0 and kept:         # pytest kept the folders of the failed tests: so do we
        return
    if any(p.name.startswith("pymp-") for p in root.iterdir()):
        from multiprocessing import util  # after multiprocessing's own exit clean-up (priority -100)
        util.Finalize(None, shutil.rmtree, args=(str(root),), kwargs={"ignore_errors": True}, exitpriority=-200)
    else:
        shutil.rmtree(root, ignore_errors=True)


def pytest_unconfigure(config):
    for var, value in getattr(config, "_donorguard_env", {}).items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value
    tempfile.tempdir = None


@pytest.fixture(autouse=True)
def _own_home(tmp_path_factory, monkeypatch):
    """No test reads or writes the real key, audit log, settings, lock folder or home: DONORGUARD_HOME points
    every per-user place at a fresh folder, and HOME (USERPROFILE) too, where the add-in's conf file lives
    (subprocesses inherit both); no key, log or settings file is named by the caller's environment."""
    home = tmp_path_factory.mktemp("home")
    for var in _HOME_VARS[:3]:
        monkeypatch.setenv(var, str(home))
    monkeypatch.setenv("DONORGUARD_AUDIT_LOG", str(home / "audit.jsonl"))
    for var in _CALLERS:
        monkeypatch.delenv(var, raising=False)
    yield home


def pytest_terminal_summary(terminalreporter, config):
    """The table of tests/acceptance/test_libreoffice.py, when it ran; what the suite left in the temp folder."""
    lines = getattr(config, "_donorguard_acceptance", None)
    if lines:
        terminalreporter.section("DonorGuard under LibreOffice: edits and verdicts")
        for line in lines:
            terminalreporter.write_line(line)
    left = getattr(config, "_donorguard_left", None)
    if left:
        terminalreporter.section("Left in the temporary folder by the tests (the session fails)")
        terminalreporter.write_line(f"in {config._donorguard_tmp}:")
        for name in left:
            terminalreporter.write_line(f"  {name}")
