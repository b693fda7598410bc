"""Rule sets: YAML data naming registered kinds and policies. Nothing in a rule is executed.
Finding and reading rule files is store/rulesets.py's; this module parses text.

An unknown key or kind fails at load time, naming the file, the key and its line. So does a rule that
could hurt: an ID column that would name files or destinations (the leak promise), a file_name template
that is not a plain file name on every system, a YAML document that expands beyond MAX_NODES.
"""
from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from types import ModuleType

import yaml

from . import kinds
from .errors import RulesError

DEFAULT = "furusato-onestop"
ON_SAVE = ("confirm", "block", "warn")
FORMATS = ("csv", "xlsx")
ENCODINGS = ("cp932", "utf-8-sig")

TOP_KEYS = {"name", "description", "sheet", "header_search_rows", "columns", "id", "destination",
            "key_file", "audit_log", "policies", "export"}
COLUMN_KEYS = {"name", "kind", "owner", "aliases", "signed", "required"}
POLICY_KEYS = {"on_save", "allow_blank_id", "formulas", "skip_labels"}
FORMULAS = ("refuse", "seal_values")
EXPORT_KEYS = {"by", "file_name", "columns", "date_format", "format", "encoding"}
FILE_FIELDS = ("destination", "rules", "date")
MAX_FILE_NAME = 120         # characters of an export file's name before its extension
MAX_TEMPLATE = 200          # characters of export.file_name itself
MAX_NAME = 64               # characters of a rule set's name (it goes into file names)
MAX_NODES = 20_000          # YAML nodes once aliases are expanded: a rules file has a few hundred
MAX_HEADER_SEARCH = 1000
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    owner: bool = False
    aliases: tuple = ()
    signed: bool = False        # a plain number may begin with - or + (a negative amount): not a formula
    required: bool = False      # a blank cell refuses the seal


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
    def id_kind(self) -> ModuleType:
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
            "columns": [{"name": c.name, "kind": c.kind, "owner": c.owner, "aliases": list(c.aliases)}
                        | ({"signed": True} if c.signed else {}) | ({"required": True} if c.required else {})
                        for c in self.columns],
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


FILE_NAME_PROBLEMS = {
    "empty": "it is empty",
    "unsafe": "it holds a path separator, a control character or one of \\ / : * ? \" < > |",
    "reserved": "Windows reserves that name for a device",
    "trailing": "it ends with a dot or a space",
    "too_long": f"it is longer than {MAX_FILE_NAME} characters",
}


def file_name_problem(name: str) -> str | None:
    """Why `name` (an export file's name without its extension) cannot be written as one file on every
    system, as a key of FILE_NAME_PROBLEMS, or None: a path separator, a character Windows forbids, a
    control character, a name Windows reserves for a device (CON, NUL, COM1, ...), a trailing dot or space
    (Windows drops them), too long."""
    if not name.strip(" ."):
        return "empty"
    if _UNSAFE_NAME.search(name):
        return "unsafe"
    if _RESERVED.match(name) or _RESERVED.match(name.split(".")[0].rstrip(" ")):
        return "reserved"
    if name != name.rstrip(" ."):
        return "trailing"
    if len(name) > MAX_FILE_NAME:
        return "too_long"
    return None


def _check_file_name(src, export: dict, name: str, node) -> None:
    """export.file_name: known fields only, each as it is (no format, index or conversion), {destination}
    when the list is split, and a plain file name once filled in."""
    pattern = export["file_name"]
    if not isinstance(pattern, str) or len(pattern) > MAX_TEMPLATE:
        _fail(src, "export.file_name", f"must be text of at most {MAX_TEMPLATE} characters", node, "file_name")
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        parts = None
    if parts is None:
        _fail(src, "export.file_name", "is not a valid template (a { or } without its pair)", node, "file_name")
    fields = set()
    for _, f, spec, conv in parts:
        if f is None:
            continue
        if f not in FILE_FIELDS:
            known = ", ".join(f"{{{k}}}" for k in FILE_FIELDS)
            _fail(src, "export.file_name", f"unknown field {{{f}}}; known: {known}", node, "file_name")
        if spec or conv:
            _fail(src, "export.file_name", f"{{{f}}} takes no format or conversion", node, "file_name")
        fields.add(f)
    if export["by"] is not None and "destination" not in fields:
        _fail(src, "export.file_name", "must contain {destination}: the list is split into one file per destination",
              node, "file_name")
    problem = file_name_problem(pattern.format(destination="131016", rules=name, date="20260101"))
    if problem:
        _fail(src, "export.file_name", f"is not a usable file name: {FILE_NAME_PROBLEMS[problem]}", node,
              "file_name")


def from_dict(data: dict, src: str) -> Rules:
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
                           tuple(str(a) for a in c.get("aliases") or ()), bool(c.get("signed", False)),
                           bool(c.get("required", False))))
    names = [c.name for c in cols]
    if len(set(names)) != len(names):
        _fail(src, "columns", "a column is named twice")
    if data["id"] not in names:
        _fail(src, "id", f"{data['id']!r} is not one of the columns", data, "id")
    if next(c for c in cols if c.name == data["id"]).kind not in kinds.ID_KINDS:
        _fail(src, "id", f"the ID column must be of an ID kind ({', '.join(kinds.ID_KINDS)})", data, "id")
    if not any(c.owner for c in cols):
        _fail(src, "columns", "at least one column must identify the owner (owner: true)")
    name = str(data["name"])
    if len(name) > MAX_NAME or file_name_problem(name):
        _fail(src, "name", f"must be a plain file name of at most {MAX_NAME} characters (it names export files)",
              data, "name")
    kind_of = {c.name: c.kind for c in cols}
    dest = data.get("destination")
    if dest is not None and dest not in names:
        _fail(src, "destination", f"{dest!r} is not one of the columns", data, "destination")
    if dest is not None and kind_of[dest] in kinds.ID_KINDS:
        _fail(src, "destination", f"{dest!r} holds ID numbers, which must never name a destination", data,
              "destination")
    rows = data.get("header_search_rows")
    rows = 20 if rows is None else rows
    if not isinstance(rows, int) or isinstance(rows, bool) or not 1 <= rows <= MAX_HEADER_SEARCH:
        _fail(src, "header_search_rows", f"must be a whole number from 1 to {MAX_HEADER_SEARCH}", data,
              "header_search_rows")
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
    if export["by"] is not None and kind_of[export["by"]] in kinds.ID_KINDS:
        _fail(src, "export.by", f"{export['by']!r} holds ID numbers, which must never name files or appear in a "
              "receipt", data.get("export"), "by")
    _check_file_name(src, export, name, data.get("export"))
    if export["format"] not in FORMATS:
        _fail(src, "export.format", f"must be one of {', '.join(FORMATS)}", data.get("export"), "format")
    if export["encoding"] not in ENCODINGS:
        _fail(src, "export.encoding", f"must be one of {', '.join(ENCODINGS)}", data.get("export"), "encoding")
    return Rules(name=name, columns=cols, id=data["id"], destination=dest,
                 description=str(data.get("description") or ""), sheet=data.get("sheet"),
                 header_search_rows=rows,
                 key_file=data.get("key_file"), audit_log=data.get("audit_log"),
                 policies=policies, export=export, source=src)


def _expanded(node, seen: dict) -> int:
    """How many nodes the document holds once every alias is expanded (an alias counts its whole anchor
    again each time): a few lines of aliases can stand for billions of values."""
    if id(node) not in seen:
        seen[id(node)] = 1                                    # a node reached again while counting: a cycle
        children = node.value if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) else ()
        flat = [n for c in children for n in (c if isinstance(c, tuple) else (c,))]
        seen[id(node)] = min(1 + sum(_expanded(c, seen) for c in flat), MAX_NODES + 1)
    return seen[id(node)]


def parse(text: str, src: str) -> Rules:
    """A rule set from its YAML text; `src` names it in errors (a file path, or "manifest")."""
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _expanded(node, {}) > MAX_NODES:
            raise RulesError(file=src, key="(file)", problem=f"expands to more than {MAX_NODES} values "
                                                             "(aliases repeated inside aliases)")
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise RulesError(file=src, key=f"(line {mark.line + 1})" if mark else "(file)",
                         problem="not valid YAML") from None
    except RecursionError:
        raise RulesError(file=src, key="(file)", problem="nested too deeply") from None
    finally:
        loader.dispose()
    return from_dict(data, src)


def from_snapshot(snapshot: str | dict) -> Rules:
    data = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
    return from_dict(data, "manifest")
