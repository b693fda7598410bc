"""A check report as text for a terminal, and as the JSON object other tools read."""
import json
import math
import unicodedata

from .messages import TEXT, Messages

HEAD = {
    "ja": {"causes": "原因", "findings": "所見", "shown": "（先頭 {k} 件／全 {n} 件。すべては --json で）",
           "cols": ("行", "種類", "列", "本来の行", "封印時の行", "内容")},
    "en": {"causes": "Causes", "findings": "Findings", "shown": " (first {k} of {n}; all with --json)",
           "cols": ("row", "kind", "columns", "belongs", "sealed", "message")},
}


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


def as_dict(report) -> dict:
    return {
        "status": report.status,
        "rows": int(report.rows),
        "findings": [{k: _plain(v) for k, v in r.items()} for r in report.findings.to_dict("records")],
        "diagnosis": [{k: _plain(v) for k, v in r.items()} for r in report.diagnosis.to_dict("records")],
    }


def as_json(report) -> str:
    return json.dumps(as_dict(report), ensure_ascii=False, indent=1)


def as_text(report, lang: str = "ja", limit: int = 20) -> str:
    h, msg = HEAD[lang], Messages(lang)
    bad = report.findings["row"].dropna().nunique() + int((report.findings["kind"] == "missing").sum())
    out = [msg.status(report.clean, report.rows, bad)]
    if report.clean:
        return "\n".join(out)
    out += ["", h["causes"]]
    for i, c in enumerate(report.diagnosis.itertuples(index=False), start=1):
        out.append(f"  {i}. [{c.cause}] {c.message}")
    f = report.findings
    out += ["", h["findings"] + (h["shown"].format(k=limit, n=len(f)) if len(f) > limit else "")]
    out.append("  " + _line(h["cols"]))
    for r in f.head(limit).itertuples(index=False):
        out.append("  " + _line([_dash(r.row), r.kind, TEXT[lang]["and"].join(r.columns) or "-",
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
