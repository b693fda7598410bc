"""Rule sets: YAML data naming registered kinds and policies. Nothing in a rule is executed.
Finding and reading rule files is store/rulesets.py's; this module parses text.

An unknown key or kind fails at load time, naming the file, the key and its line.
"""
import json
from dataclasses import dataclass, field

import yaml

from . import kinds
from .errors import RulesError

DEFAULT = "furusato-onestop"
ON_SAVE = ("confirm", "block", "warn")
FORMATS = ("csv", "xlsx")
ENCODINGS = ("cp932", "utf-8-sig")

TOP_KEYS = {"name", "description", "sheet", "header_search_rows", "columns", "id", "destination",
            "key_file", "audit_log", "policies", "export"}
COLUMN_KEYS = {"name", "kind", "owner", "aliases", "required"}
POLICY_KEYS = {"on_save", "allow_blank_id", "formulas", "skip_labels"}
FORMULAS = ("refuse", "seal_values")
EXPORT_KEYS = {"by", "file_name", "columns", "date_format", "format", "encoding"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    owner: bool = False
    aliases: tuple = ()
    required: bool = False     # a blank cell refuses the seal


@dataclass
class Rules:
    name: str
    columns: list
    id: str
    destination: str | None
    description: str = ""
    sheet: str | None = None
    header_search_rows: int = 20
    key_file: str | None = None
    audit_log: str | None = None
    policies: dict = field(default_factory=dict)
    export: dict = field(default_factory=dict)
    source: str = "<rules>"

    @property
    def names(self) -> list:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def id_kind(self):
        return kinds.checked(self.column(self.id).kind)

    @property
    def required(self) -> list:
        """Columns a person's row must fill: those marked required, and the ID unless blank IDs are allowed."""
        out = [c.name for c in self.columns if c.required]
        if self.id not in out and not self.policies.get("allow_blank_id"):
            out.append(self.id)
        return [c for c in self.names if c in out]

    def snapshot(self) -> dict:
        """What is stored in a sealed workbook's manifest, so it checks without the rules file."""
        return {
            "name": self.name, "description": self.description, "sheet": self.sheet,
            "header_search_rows": self.header_search_rows,
            "columns": [{"name": c.name, "kind": c.kind, "owner": c.owner, "aliases": list(c.aliases),
                         "required": c.required} for c in self.columns],
            "id": self.id, "destination": self.destination,
            "policies": self.policies, "export": self.export,
        }


class _LineLoader(yaml.SafeLoader):
    """Records the line of every mapping key, so errors can name it."""


def _mapping(loader, node):
    loader.flatten_mapping(node)
    out = _Lines()
    for k, v in node.value:
        key = loader.construct_object(k, deep=True)
        out[key] = loader.construct_object(v, deep=True)
        out.lines[key] = k.start_mark.line + 1
    return out


class _Lines(dict):
    def __init__(self, *a):
        super().__init__(*a)
        self.lines = {}


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _fail(src, key, problem, node=None, leaf=None):
    line = getattr(node, "lines", {}).get(leaf) if node is not None else None
    raise RulesError(file=src, key=f"{key} (line {line})" if line else key, problem=problem)


def _check_keys(d, allowed, src, where):
    if not isinstance(d, dict):
        _fail(src, where, "must be a mapping")
    for k in d:
        if k not in allowed:
            _fail(src, f"{where}.{k}" if where else str(k),
                  f"unknown key; expected one of {', '.join(sorted(allowed))}", d, k)


def from_dict(data, src: str) -> Rules:
    _check_keys(data, TOP_KEYS, src, "")
    for k in ("name", "columns", "id"):
        if k not in data:
            _fail(src, k, "is required")
    cols = []
    for i, c in enumerate(data["columns"] or []):
        where = f"columns[{i}]"
        _check_keys(c, COLUMN_KEYS, src, where)
        if "name" not in c or "kind" not in c:
            _fail(src, where, "needs a name and a kind")
        if c["kind"] not in kinds.ALL:
            _fail(src, f"{where}.kind", f"unknown kind {c['kind']!r}; registered: {', '.join(kinds.ALL)}", c, "kind")
        cols.append(Column(str(c["name"]), c["kind"], bool(c.get("owner", False)),
                           tuple(str(a) for a in c.get("aliases") or ()), bool(c.get("required", False))))
    names = [c.name for c in cols]
    if len(set(names)) != len(names):
        _fail(src, "columns", "a column is named twice")
    if data["id"] not in names:
        _fail(src, "id", f"{data['id']!r} is not one of the columns", data, "id")
    if next(c for c in cols if c.name == data["id"]).kind not in kinds.ID_KINDS:
        _fail(src, "id", f"the ID column must be of an ID kind ({', '.join(kinds.ID_KINDS)})", data, "id")
    if not any(c.owner for c in cols):
        _fail(src, "columns", "at least one column must identify the owner (owner: true)")
    dest = data.get("destination")
    if dest is not None and dest not in names:
        _fail(src, "destination", f"{dest!r} is not one of the columns", data, "destination")
    policies = dict(data.get("policies") or {})
    _check_keys(policies, POLICY_KEYS, src, "policies")
    policies.setdefault("on_save", "confirm")
    policies.setdefault("allow_blank_id", False)
    policies.setdefault("formulas", "refuse")
    policies.setdefault("skip_labels", [])
    if policies["on_save"] not in ON_SAVE:
        _fail(src, "policies.on_save", f"must be one of {', '.join(ON_SAVE)}", data.get("policies"), "on_save")
    if policies["formulas"] not in FORMULAS:
        _fail(src, "policies.formulas", f"must be one of {', '.join(FORMULAS)}", data.get("policies"), "formulas")
    if not isinstance(policies["skip_labels"], list):
        _fail(src, "policies.skip_labels", "must be a list of texts", data.get("policies"), "skip_labels")
    policies["skip_labels"] = [str(x) for x in policies["skip_labels"]]
    export = dict(data.get("export") or {})
    _check_keys(export, EXPORT_KEYS, src, "export")
    export.setdefault("by", dest)
    export.setdefault("file_name", "{destination}_{rules}_{date}")
    export.setdefault("columns", names)
    export.setdefault("date_format", "%Y/%m/%d")
    export.setdefault("format", "csv")
    export.setdefault("encoding", "cp932")
    for c in export["columns"]:
        if c not in names:
            _fail(src, "export.columns", f"{c!r} is not one of the columns", data.get("export"), "columns")
    if export["by"] is not None and export["by"] not in names:
        _fail(src, "export.by", f"{export['by']!r} is not one of the columns", data.get("export"), "by")
    if export["format"] not in FORMATS:
        _fail(src, "export.format", f"must be one of {', '.join(FORMATS)}", data.get("export"), "format")
    if export["encoding"] not in ENCODINGS:
        _fail(src, "export.encoding", f"must be one of {', '.join(ENCODINGS)}", data.get("export"), "encoding")
    return Rules(name=str(data["name"]), columns=cols, id=data["id"], destination=dest,
                 description=str(data.get("description") or ""), sheet=data.get("sheet"),
                 header_search_rows=int(data.get("header_search_rows") or 20),
                 key_file=data.get("key_file"), audit_log=data.get("audit_log"),
                 policies=policies, export=export, source=src)


def parse(text: str, src: str) -> Rules:
    """A rule set from its YAML text; `src` names it in errors (a file path, or "manifest")."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise RulesError(file=src, key=f"(line {mark.line + 1})" if mark else "(file)",
                         problem="not valid YAML") from None
    return from_dict(data, src)


def from_snapshot(snapshot: str | dict) -> Rules:
    data = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
    return from_dict(data, "manifest")
