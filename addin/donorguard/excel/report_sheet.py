"""The 検査結果 sheet: one line per cause and per finding, each starting with the row number as a link
that jumps to the row; cells to re-enter; the cell where staff type a reason for approval.

Written in one call (the links are HYPERLINK formulas in the same block), after one clear.
"""
import datetime as dt

from ..core.codes import Cause
from ..text import t
from ..text.messages import Messages, row_ranges
from .host import a1
from .workbook import REPORT_SHEET, add_sheet, cell_value, find_sheet, text_of

REASON_CELL = (4, 2)   # B4
WIDTH = 6
MAX_LINES = 20000
WIDTHS = (8, 18, 18, 10, 10, 90)


def _quote_sheet(name: str) -> str:
    """The sheet part of a link inside a formula string: 'name' with ' doubled, then " doubled."""
    return ("'" + name.replace("'", "''") + "'").replace('"', '""')


def link(sheet_name: str, row: int, c1: int, c2: int, label) -> str:
    target = f"#{_quote_sheet(sheet_name)}!{a1(row, row, c1, c2)}"
    shown = label if isinstance(label, int) else '"' + str(label).replace('"', '""') + '"'
    return f'=HYPERLINK("{target}",{shown})'


def reason(book) -> str:
    sheet = find_sheet(book, REPORT_SHEET)
    if sheet is None:
        return ""
    return (text_of(sheet.range(REASON_CELL).value) or "").strip()


def write(view, report, lang: str, reason_text: str | None = None) -> object:
    """Write (or refresh) the report sheet; returns it. The reason cell keeps what staff typed unless
    reason_text is given ("" clears it)."""
    T = t(lang)["excel"]
    book, name = view.book, view.name
    sheet = find_sheet(book, REPORT_SHEET)
    if reason_text is None:
        reason_text = reason(book) if sheet is not None else ""
    c1, c2 = view.span
    cols = view.columns

    def row_link(r, columns=()):
        cs = [cols[c] for c in columns if c in cols]
        return link(name, r, min(cs), max(cs), r) if cs else link(name, r, c1, c2, r)

    and_ = T["and"]
    lines = [
        [T["report_title"]],
        [status_line(report, lang)],
        [T["report_checked"].format(at=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), sheet=name)],
        [T["reason_label"], reason_text or None],
        [],
    ]
    if len(report.notices):          # worth knowing, not a separation: whatever notices the core gives
        lines += [[t(lang)["report"]["notices"]]]
        lines += [["-", None, and_.join(n.columns or []) or "-", None, None, n.message]
                  for n in report.notices.itertuples(index=False)] + [[]]
    if not report.clean:
        lines += [[T["causes"]], list(T["cause_cols"])]
        for c in report.diagnosis.itertuples(index=False):
            rows = list(c.rows or [])
            first = rows[0] if rows and c.cause != Cause.ROWS_REMOVED else None
            lines.append([row_link(first, c.columns) if first else "-",
                          T["cause_names"].get(c.cause, c.cause), and_.join(c.columns) or "-",
                          c.message])
        lines += [[], [T["findings"]], list(T["finding_cols"])]
        f = report.findings
        for r in f.head(MAX_LINES).itertuples(index=False):
            has_row = r.row is not None and r.row == r.row
            lines.append([row_link(int(r.row), r.columns or ()) if has_row else "-",
                          T["kinds"].get(r.kind, r.kind), and_.join(r.columns or []) or "-",
                          _num(r.belongs_at_row), _num(r.sealed_row), r.message])
        if len(f) > MAX_LINES:
            lines.append([T["truncated"].format(n=len(f) - MAX_LINES)])
        reentry = sorted({(int(view.table.rows[q]), c) for q, c in report.plan.reentry})
        if reentry:
            lines += [[], [T["reentry"]], list(T["reentry_cols"])]
            by_row = {}
            for r, c in reentry:
                by_row.setdefault(r, []).append(c)
            for r, cs in by_row.items():
                lines.append([row_link(r, cs), and_.join(cs)])
    block = [[_cell(v) for v in (line + [None] * WIDTH)[:WIDTH]] for line in lines]
    created = sheet is None
    if created:
        sheet = add_sheet(book, REPORT_SHEET, after=view.sheet)
    else:
        sheet.clear()
    sheet.range((1, 1), (len(block), WIDTH)).value = block
    if created:
        for j, w in enumerate(WIDTHS, start=1):
            try:
                sheet.range((1, j)).column_width = w
            except Exception:
                pass
    return sheet


def status_line(report, lang: str) -> str:
    return Messages(lang).status(report.clean, report.rows, report.problem_rows, report.gone_rows)


def _num(v):
    return "-" if v is None or v != v else int(v)


def _cell(v):
    if isinstance(v, str) and v.startswith("=HYPERLINK("):
        return v
    return cell_value(v)


def notices_text(notices, lang: str, limit: int = 3) -> str:
    """Notices (characters the export's encoding cannot carry) for a dialog: the first few, how many more."""
    T = t(lang)
    out = [T["report"]["notices"]] + ["・" + m for m in notices["message"].head(limit)]
    if len(notices) > limit:
        out.append("・" + T["excel"]["more_notices"].format(n=len(notices) - limit))
    return "\n".join(out)


def summary(report, lang: str, limit: int = 3) -> str:
    """A few lines for a dialog: the status, the first causes, where the details are, the notices."""
    T = t(lang)["excel"]
    out = [status_line(report, lang)]
    if len(report.notices):
        out.append(notices_text(report.notices, lang, limit))
    if report.clean:
        return "\n".join(out)
    d = report.diagnosis
    for c in d.head(limit).itertuples(index=False):
        out.append("・" + c.message)
    if len(d) > limit:
        out.append("・" + T["more_causes"].format(n=len(d) - limit))
    return "\n".join(out)


def reentry_text(reentry, lang: str, limit: int = 10) -> str:
    T = t(lang)["excel"]
    if reentry is None or reentry.empty:
        return ""
    lines = [T["reentry_head"]]
    for r in reentry.head(limit).itertuples(index=False):
        lines.append(T["reentry_line"].format(row=r.row, cols=T["and"].join(r.column)))
    if len(reentry) > limit:
        lines.append("  … " + row_ranges(reentry["row"].iloc[limit:], lang=lang))
    return "\n".join(lines)
