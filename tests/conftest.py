def pytest_terminal_summary(terminalreporter, config):
    """The table of tests/test_libreoffice_acceptance.py, when it ran."""
    lines = getattr(config, "_donorguard_acceptance", None)
    if lines:
        terminalreporter.section("DonorGuard under LibreOffice: edits and verdicts")
        for line in lines:
            terminalreporter.write_line(line)
