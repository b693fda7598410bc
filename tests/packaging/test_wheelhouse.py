"""tools/wheelhouse.py: what pip, judging markers by the machine it runs on, would leave out of another
system's wheelhouse, and the pins. (The downloads themselves run in .ci/run and are reported in the README.)"""
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
_spec = importlib.util.spec_from_file_location("wheelhouse", ROOT / "tools" / "wheelhouse.py")
wh = sys.modules["wheelhouse"] = importlib.util.module_from_spec(_spec)     # dataclasses look it up
_spec.loader.exec_module(wh)

XLWINGS = {"requires_dist": ["pywin32>=224 ; platform_system == 'Windows'",
                             "psutil>=2.0.0 ; platform_system == 'Darwin'",
                             "appscript>=1.0.1 ; platform_system == 'Darwin'", "jinja2 ; extra == 'all'"]}


def test_markers_are_those_of_the_target_not_of_this_machine():
    got = {"xlwings": XLWINGS}
    assert wh._missing(wh.TARGETS["win-cp311"], got, "") == {"pywin32>=224"}
    assert wh._missing(wh.TARGETS["mac-arm64-cp312"], got, "") == {"psutil>=2.0.0", "appscript>=1.0.1"}
    assert wh._missing(wh.TARGETS["linux-cp311"], got, "") == set()
    assert wh._missing(wh.TARGETS["win-cp311"], dict(got, pywin32={}), "") == set()


def test_the_donorguard_extra_counts_only_when_asked():
    got = {"donorguard": {"requires_dist": ["numpy>=2.0", "pytest>=8 ; extra == 'test'"]}, "numpy": {}}
    assert wh._missing(wh.TARGETS["linux-cp311"], got, "") == set()
    assert wh._missing(wh.TARGETS["linux-cp311"], got, "[test]") == {"pytest>=8"}


def test_python_version_markers_use_the_targets_version():
    got = {"x": {"requires_dist": ["old ; python_version < '3.12'"]}}
    assert wh._missing(wh.TARGETS["win-cp311"], got, "") == {"old"}
    assert wh._missing(wh.TARGETS["win-cp312"], got, "") == set()


def test_markers_in_the_lock_only_for_what_linux_does_not_need():
    win = [wh.TARGETS["win-cp311"], wh.TARGETS["win-cp312"]]
    mac = [wh.TARGETS["mac-arm64-cp311"], wh.TARGETS["mac-x86_64-cp311"]]
    assert wh._marker(win) == ' ; sys_platform == "win32"'
    assert wh._marker(win + mac) == ' ; sys_platform == "darwin" or sys_platform == "win32"'
    assert wh._marker(win + [wh.TARGETS["linux-cp311"]]) == ""


def test_pins_and_what_they_leave_unpinned(tmp_path):
    pins = wh.pins()
    assert pins["xlwings"][0] == "0.37.8" and pins["pywin32"][1] is not None
    f = tmp_path / "c.txt"
    f.write_text('# c\nnumpy==2.4.6\npsutil==7.2.2 ; sys_platform == "darwin"\n', encoding="utf-8")
    pins = wh.pins(f)
    resolved = {"donorguard": "0.1.0", "numpy": "2.4.5", "psutil": "7.2.2", "pywin32": "312"}
    assert wh.unpinned(wh.TARGETS["win-cp311"], resolved, pins) == [
        "numpy 2.4.5 (pinned 2.4.6)", "psutil 7.2.2 (not pinned)", "pywin32 312 (not pinned)"]
    assert wh.unpinned(wh.TARGETS["mac-arm64-cp311"], {"psutil": "7.2.2"}, pins) == []
