"""The core knows nothing of files, Excel or the clock: the layer contract (import-linter, in CI) keeps
shells out of its imports; this test keeps I/O out of its code."""
import ast
from pathlib import Path

import pytest

import donorguard.core

CORE = Path(donorguard.core.__file__).parent
MODULES = sorted(CORE.rglob("*.py"))
NO_IO_MODULES = {"pathlib", "tempfile", "shutil", "subprocess", "getpass", "socket", "platformdirs", "filelock",
                 "fastexcel", "openpyxl", "xlwings", "zipfile", "glob", "io", "urllib", "http"}
NO_IO_CALLS = {"open", "input", "print"}
NO_IO_ATTRIBUTES = {("os", "environ"), ("os", "getenv"), ("os", "listdir"), ("os", "remove"), ("os", "replace"),
                    ("os", "stat"), ("datetime", "now"), ("date", "today"), ("time", "time"), ("os", "path")}
SHELLS = ("donorguard.xlsx", "donorguard.store", "donorguard.cli", "donorguard.excel", "donorguard.tools")


def _problems(path: Path) -> list:
    tree, out = ast.parse(path.read_text(encoding="utf-8")), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
            if node.level >= 2 and (node.module or "").split(".")[0] in {"xlsx", "store", "cli", "excel", "tools"}:
                out.append(f"line {node.lineno}: imports a shell ({node.module})")
        else:
            names = []
        for n in names:
            if n.split(".")[0] in NO_IO_MODULES or n.startswith(SHELLS):
                out.append(f"line {node.lineno}: imports {n}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in NO_IO_CALLS:
            out.append(f"line {node.lineno}: calls {node.func.id}()")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                (node.value.id, node.attr) in NO_IO_ATTRIBUTES:
            out.append(f"line {node.lineno}: uses {node.value.id}.{node.attr}")
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_does_no_io(path):
    assert _problems(path) == []


def test_the_check_would_see_io():
    """The walker itself: a module that opens a file, reads the clock and imports a shell is caught."""
    bad = CORE.parent / "xlsx" / "read.py"
    assert _problems(bad)
