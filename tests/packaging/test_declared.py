"""Honest dependencies: whatever the code imports is declared in pyproject.toml (the package's imports as
runtime dependencies; the tests', the add-in builder's and tools/' as runtime or test), and every declared
package is pinned in constraints.txt, which CI and the wheelhouses install from."""
import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# first-party and test-local modules; uno/unohelper/com: Debian's python3-uno, run by /usr/bin/python3 only
OURS = {"donorguard", "support", "hostile", "crash", "lo", "tests", "test_properties", "sheets", "vba_project",
        "live_cases", "test_buttons", "uno", "unohelper", "com"}


def names(requirements) -> set:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def imports(files) -> dict:
    """{top-level module: a file importing it} of absolute imports."""
    out = {}
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found = [node.module]
            else:
                continue
            for name in found:
                out.setdefault(name.split(".")[0], f.relative_to(ROOT))
    return out


def undeclared(files, declared: set) -> list:
    providers = metadata.packages_distributions()
    bad = []
    for module, where in sorted(imports(files).items()):
        if module in sys.stdlib_module_names or module in OURS:
            continue
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists & declared:
            bad.append(f"{module} ({where}): provided by {sorted(dists) or 'nothing installed'}")
    return bad


def test_the_package_imports_only_runtime_dependencies():
    files = (ROOT / "addin" / "donorguard").rglob("*.py")
    assert undeclared(files, names(PROJECT["dependencies"])) == []


def test_tests_and_tools_import_only_declared_packages():
    files = [f for folder in ("tests", "addin/vba", "tools", "workbooks") for f in (ROOT / folder).rglob("*.py")
             if "corpus" not in f.parts]
    declared = names(PROJECT["dependencies"]) | names(PROJECT["optional-dependencies"]["test"])
    assert undeclared(files, declared) == []


def test_every_declared_package_is_pinned():
    pinned = names(line.split("#")[0] for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
                   if line.split("#")[0].strip())
    declared = names(PROJECT["dependencies"]) | names(PROJECT["optional-dependencies"]["test"])
    assert declared - pinned == set()
