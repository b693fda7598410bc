"""A check report as text for a terminal, and as the JSON object other tools read."""
import json
import math
import unicodedata
from json.encoder import encode_basestring

from . import t
from .messages import Messages


def _plain(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _records(df) -> list:
    """The rows of a DataFrame as plain dicts, converted column by column."""
    names = list(df.columns)
    columns = [[_plain(v) for v in df[c].tolist()] for c in names]
    return [dict(zip(names, values)) for values in zip(*columns)]


def as_dict(report) -> dict:
    return {
        "status": report.status,
        "rows": int(report.rows),
        "findings": _records(report.findings),
        "diagnosis": _records(report.diagnosis),
        "notices": _records(report.notices),
    }


_SCALAR = json.JSONEncoder(ensure_ascii=False).encode


def _encode(v, pad: str = "") -> str:
    """json.dumps(v, ensure_ascii=False, indent=1) nested at `pad`, scalars by the C encoder (the Python
    encoder json falls back to for indent= costs several seconds for 100k findings)."""
    if isinstance(v, (list, tuple)):
        inner = pad + " "
        return "[\n" + ",\n".join(inner + _encode(x, inner) for x in v) + "\n" + pad + "]" if v else "[]"
    if isinstance(v, dict):
        inner = pad + " "
        items = (f"{inner}{_SCALAR(k)}: {_encode(x, inner)}" for k, x in v.items())
        return "{\n" + ",\n".join(items) + "\n" + pad + "}" if v else "{}"
    return _SCALAR(v)


def _table(df, pad: str) -> str:
    """_encode(_records(df), pad), built column by column: one C call per value, one format per row."""
    if not len(df):
        return "[]"
    inner, field = pad + " ", pad + "  "
    names = list(df.columns)
    texts = [[encode_basestring(v) if type(v) is str else str(v) if type(v) is int else _encode(v, field)
              for v in map(_plain, df[c].tolist())] for c in names]
    keys = (encode_basestring(n).replace("{", "{{").replace("}", "}}") for n in names)
    row = inner + "{{\n" + ",\n".join(f"{field}{k}: {{}}" for k in keys) + "\n" + inner + "}}"
    return "[\n" + ",\n".join(row.format(*values) for values in zip(*texts)) + "\n" + pad + "]"


def as_json(report) -> str:
    """as_dict(report) as json.dumps(..., ensure_ascii=False, indent=1) writes it."""
    return (f'{{\n "status": {_encode(report.status)},\n "rows": {int(report.rows)},\n'
            f' "findings": {_table(report.findings, " ")},\n "diagnosis": {_table(report.diagnosis, " ")},\n'
            f' "notices": {_table(report.notices, " ")}\n}}')


def as_text(report, lang: str = "ja", limit: int = 20) -> str:
    h, msg, kinds = t(lang)["report"], Messages(lang), t(lang)["excel"]["kinds"]
    out = [msg.status(report.clean, report.rows, report.problem_rows, report.gone_rows)]
    if len(report.notices):
        out += ["", h["notices"]] + [f"  ・{n.message}" for n in report.notices.itertuples(index=False)]
    if report.clean:
        return "\n".join(out)
    out += ["", h["causes"]]
    for i, c in enumerate(report.diagnosis.itertuples(index=False), start=1):
        out.append(f"  {i}. [{c.cause}] {c.message}")
    f = report.findings
    out += ["", h["findings"] + (h["shown"].format(k=limit, n=len(f)) if len(f) > limit else "")]
    out.append("  " + _line(h["cols"]))
    for r in f.head(limit).itertuples(index=False):
        out.append("  " + _line([_dash(r.row), kinds.get(r.kind, r.kind), msg.join(r.columns) or "-",
                                 _dash(r.belongs_at_row), _dash(r.sealed_row), r.message]))
    return "\n".join(out)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(cells) -> str:
    """Columns padded to fixed display widths (Japanese characters count double)."""
    widths = (6, 14, 12, 9, 11)
    padded = [c + " " * max(1, w - _width(c)) for c, w in zip(cells, widths)]
    return "".join(padded) + cells[-1]


def _dash(v):
    v = _plain(v)
    return "-" if v is None else str(int(v))
