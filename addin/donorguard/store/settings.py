"""The office's settings: one TOML file that IT places once, read by the CLI and the add-in alike (current()).

Where it is looked for (the first that exists is the one; files are not merged):
  1. the file named by DONORGUARD_SETTINGS (a team share; it must exist),
  2. settings.toml in the user's config folder (places.config_dir()),
  3. settings.toml in the machine's config folder (C:\\ProgramData\\donorguard, /Library/Application Support/
     donorguard, /etc/xdg/donorguard), unless DONORGUARD_HOME makes the install portable.

    rules_folder  = "//fileserver/donorguard/rules"       # rule sets looked up by name here first
    default_rules = "furusato-onestop"                    # a name, or a path to a .yaml file
    key_file      = "//fileserver/donorguard/team.key"    # the team key: no PC then makes a key of its own
    audit_log     = "//fileserver/donorguard/audit.jsonl"
    on_save       = "confirm"                             # confirm, block or warn (the add-in's save check)
    language      = "ja"                                  # ja or en

Every key is optional. Relative paths are relative to the settings file's folder; ~ and environment variables
are expanded. An unknown key, a wrong type or value fails when the file is read, naming the file and line.
Command-line options (--rules, --key, --lang) and DONORGUARD_KEY_FILE, DONORGUARD_AUDIT_LOG, DONORGUARD_LANG
still come first; a rule set's own key_file and audit_log come before the settings'.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from ..core.errors import SettingsError
from ..core.rules import ON_SAVE
from ..text import LANGS, lang as pick_lang
from .fsio import read_regular
from .places import APP, config_dir

if TYPE_CHECKING:
    from ..core.rules import Rules

ENV = "DONORGUARD_SETTINGS"
NAME = "settings.toml"
PATHS = ("rules_folder", "key_file", "audit_log")
KEYS = PATHS + ("default_rules", "on_save", "language")
CHOICES = {"on_save": ON_SAVE, "language": LANGS}


@dataclass(frozen=True)
class Settings:
    file: Path | None = None            # the file these came from; None: no settings file
    rules_folder: Path | None = None
    default_rules: str | None = None
    key_file: Path | None = None
    audit_log: Path | None = None
    on_save: str | None = None
    language: str | None = None


def candidates() -> list:
    """(path, named_by_env) in lookup order."""
    named = os.environ.get(ENV)
    if named:
        return [(Path(named), True)]
    out = [(config_dir() / NAME, False)]
    if not os.environ.get("DONORGUARD_HOME"):
        out.append((Path(platformdirs.site_config_dir(APP, appauthor=False)) / NAME, False))
    return out


def location() -> Path | None:
    """The settings file in force, or None when there is none (a missing DONORGUARD_SETTINGS file counts)."""
    for path, named in candidates():
        if named or path.is_file():
            return path
    return None


MAX_BYTES = 1 << 20     # a settings file is a few lines


def current() -> Settings:
    """The settings in force, read now (the file is small; a change applies to the next command)."""
    path = location()
    if path is None:
        return Settings()
    try:
        text = read_regular(path, MAX_BYTES).decode("utf-8-sig")     # a FIFO or a huge file is refused
    except FileNotFoundError:
        raise SettingsError(file=str(path), line=0, key="", problem="missing") from None
    except (OSError, UnicodeDecodeError):
        raise SettingsError(file=str(path), line=0, key="", problem="unreadable") from None
    return parse(text, path)


def parse(text: str, path: Path) -> Settings:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise SettingsError(file=str(path), line=int(m.group(1)) if m else 0, key="", problem="syntax") from None
    values = {}
    for key, value in data.items():
        fail = dict(file=str(path), line=_line_of(text, key), key=key)
        if key not in KEYS:
            raise SettingsError(**fail, problem="unknown", allowed=", ".join(KEYS))
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(**fail, problem="not_text")
        if key in CHOICES and value not in CHOICES[key]:
            raise SettingsError(**fail, problem="choice", choices=", ".join(CHOICES[key]))
        values[key] = _resolve(value, path) if key in PATHS else value
    rules = values.get("default_rules")
    if rules and (rules.endswith((".yaml", ".yml")) or "/" in rules or "\\" in rules):
        values["default_rules"] = str(_resolve(rules, path))
    return Settings(file=path, **values)


def _resolve(value: str, settings_file: Path) -> Path:
    p = Path(os.path.expandvars(os.path.expanduser(value)))
    return p if p.is_absolute() else settings_file.parent / p


def _line_of(text: str, key: str) -> int:
    """The line where a top-level key is written (as `key =`, `"key" =`, `key.sub =` or `[key]`), else 0."""
    k = re.escape(key)
    pattern = re.compile(rf"""^\s*(\[+\s*)?(?:{k}|"{k}"|'{k}')\s*[=.\]]""")
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), 0)


def language(value: str | None = None) -> str:
    """The language to speak: `value`, else DONORGUARD_LANG, else the settings' language, else Japanese.
    Never raises: a broken settings file is reported by the command that needs the settings."""
    if value or os.environ.get("DONORGUARD_LANG"):
        return pick_lang(value)
    try:
        return pick_lang(current().language)
    except SettingsError:
        return pick_lang(None)


def on_save(rules: Rules) -> str:
    """The add-in's save policy: the settings' on_save, else the rule set's (confirm by default)."""
    return current().on_save or rules.policies.get("on_save", "confirm")
