"""install-addin: the conf file as the add-in's VBA reads it (ANSI code page), and RunPython's AppleScript."""
import csv
import io

import pytest

from donorguard.cli import install
from donorguard.core.errors import AddinPathUnreadable

JAPANESE = r"C:\Users\山田太郎\AppData\Local\Programs\Python\Python311\python.exe"
KOREAN = r"C:\Users\김민준\AppData\Local\Programs\Python\Python311\python.exe"      # not in CP932
SHORT = r"C:\Users\E5B1~1\AppData\Local\Programs\Python\PYTHON~1\python.exe"


def vba_reads(data: bytes, code_page: str) -> dict:
    """What xlwings' GetConfigFromFile gets: `Open … For Input` decodes the bytes in the ANSI code page (any
    byte sequence: nothing fails, it garbles), `Input #` splits quoted, comma-separated fields."""
    text = data.decode(code_page, errors="replace")
    return {row[0]: row[1] for row in csv.reader(io.StringIO(text)) if row}


def test_a_japanese_profile_path_comes_back_whole_on_japanese_windows():
    data = install.conf_bytes({"INTERPRETER_WIN": install.readable(JAPANESE, "cp932", lambda p: None)}, "cp932")
    assert vba_reads(data, "cp932")["INTERPRETER_WIN"] == JAPANESE
    utf8 = f'"INTERPRETER_WIN","{JAPANESE}"\r\n'.encode("utf-8")          # what was written before
    assert vba_reads(utf8, "cp932")["INTERPRETER_WIN"] != JAPANESE


def test_a_path_the_code_page_cannot_hold_is_written_short_or_refused():
    shortened = install.readable(KOREAN, "cp932", lambda p: SHORT)
    assert shortened == SHORT
    assert vba_reads(install.conf_bytes({"INTERPRETER_WIN": shortened}, "cp932"), "cp932")["INTERPRETER_WIN"] == SHORT
    with pytest.raises(AddinPathUnreadable) as e:                        # 8.3 names switched off on the volume
        install.readable(KOREAN, "cp932", lambda p: None)
    assert e.value.details == {"path": KOREAN, "code_page": "cp932"}
    assert install.readable(JAPANESE, "cp1252", lambda p: SHORT) == SHORT  # English Windows, Japanese name


def test_install_writes_language_and_live_guard(tmp_path, monkeypatch):
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    dest, conf, script = install.install(tmp_path / "XLSTART", lang="en", live_guard=False, code_page="cp932")
    read = vba_reads(conf.read_bytes(), "cp932")
    assert read["DONORGUARD_LANG"] == "en" and read["DONORGUARD_LIVE_GUARD"] == "off"
    assert dest.read_bytes() == install.ADDIN.read_bytes() and script is None


def test_the_runpython_applescript_goes_where_excel_for_mac_finds_it(tmp_path):
    """As `xlwings runpython install` does: xlwings-<version>.applescript into
    ~/Library/Application Scripts/com.microsoft.Excel (the name xlwings' ExecuteMac passes to AppleScriptTask)."""
    import importlib.metadata
    folder = tmp_path / "Library" / "Application Scripts" / "com.microsoft.Excel"
    got = install.install_applescript(folder)
    version = importlib.metadata.version("xlwings")
    assert got == folder / f"xlwings-{version}.applescript" and b"on VbaHandler" in got.read_bytes()
    assert install.applescript_folder().parts[-3:] == ("Library", "Application Scripts", "com.microsoft.Excel")
