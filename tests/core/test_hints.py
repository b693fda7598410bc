"""Every public function of the core and the stores says what it takes and gives (type hints)."""
import ast
from pathlib import Path

import pytest

import donorguard

ROOT = Path(donorguard.__file__).parent
MODULES = sorted(p for d in ("core", "store") for p in (ROOT / d).rglob("*.py"))


def unhinted(path: Path) -> list:
    out = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        fns = [node] if isinstance(node, ast.FunctionDef) else \
            [n for n in node.body if isinstance(n, ast.FunctionDef)] if isinstance(node, ast.ClassDef) else []
        for f in fns:
            if f.name.startswith("_") and f.name != "__init__":
                continue
            args = [a for a in f.args.args + f.args.kwonlyargs if a.arg not in ("self", "cls")]
            out += [f"{f.name}({a.arg})" for a in args if a.annotation is None]
            if f.returns is None and f.name != "__init__":
                out.append(f"{f.name} -> ?")
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_public_functions_are_typed(path):
    assert unhinted(path) == []
