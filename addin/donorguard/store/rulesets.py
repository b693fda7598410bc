"""Rule sets on disk: find one by name or path and parse it (core/rules.py does the parsing).

Names are looked up in the team's rules folder (settings' rules_folder), then among the rule sets DonorGuard
ships. Without a name, the settings' default_rules, else furusato-onestop.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import RulesError
from ..core.rules import DEFAULT, Rules, parse
from . import settings
from .fsio import NotRegular, read_regular
from .places import bundled

MAX_SIZE = 256 << 10        # bytes of a rules file: the shipped ones are about 2 KB


def folders() -> list:
    """Where rule sets are looked up by name, in order."""
    team = settings.current().rules_folder
    return ([team] if team else []) + [bundled("rules")]


def default_name() -> str:
    """The rule set used when none is named (a name, or a path from the settings)."""
    return settings.current().default_rules or DEFAULT


def available() -> list:
    """The names of the rule sets that can be given by name, sorted."""
    names = set()
    for d in folders():
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.yaml"))
    return sorted(names)


def find(name_or_path: str | os.PathLike | None = None) -> Path:
    target = str(name_or_path or default_name())
    path = Path(target)
    if target.endswith((".yaml", ".yml")) or path.exists():
        return path
    for d in folders():
        if (d / f"{target}.yaml").is_file():
            return d / f"{target}.yaml"
    return bundled("rules", f"{target}.yaml")


def load(name_or_path: str | os.PathLike | None = None) -> Rules:
    """A rule set by name (NAME.yaml in a rules folder) or by path; without one, default_name()."""
    path = find(name_or_path)
    try:
        text = read_regular(path, MAX_SIZE).decode("utf-8")
    except NotRegular as e:
        problem = "not a regular file" if e.why == "not_regular" else f"larger than {MAX_SIZE >> 10} KB"
        raise RulesError(file=str(path), key="(file)", problem=problem) from None
    except UnicodeDecodeError:
        raise RulesError(file=str(path), key="(file)", problem="not UTF-8 text") from None
    except OSError:
        raise RulesError(file=str(path), key="(file)", problem="no such rule set") from None
    return parse(text, str(path))
