import pytest


@pytest.fixture(autouse=True)
def _own_home(tmp_path_factory, monkeypatch):
    """No test reads or writes the real key, audit log, settings or lock folder: DONORGUARD_HOME points every
    per-user place at a fresh folder (subprocesses inherit it), and no key or log is named by the caller's
    environment."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DONORGUARD_HOME", str(home))
    monkeypatch.delenv("DONORGUARD_KEY_FILE", raising=False)
    monkeypatch.setenv("DONORGUARD_AUDIT_LOG", str(home / "audit.jsonl"))
    yield home


def pytest_terminal_summary(terminalreporter, config):
    """The table of tests/acceptance/test_libreoffice.py, when it ran."""
    lines = getattr(config, "_donorguard_acceptance", None)
    if lines:
        terminalreporter.section("DonorGuard under LibreOffice: edits and verdicts")
        for line in lines:
            terminalreporter.write_line(line)
