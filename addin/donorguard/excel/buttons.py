"""The buttons on the DonorGuard ribbon tab: 封印, 検査, 修復, 承認, 書き出し, ヘルプ/状態. Each is a small
function on an open Book (see shell.command); the core decides, workbook.py reads and writes the cells."""
import json
import os as _os
from types import SimpleNamespace

from .. import __version__
from ..core import approve as approve_core, repair as repair_core
from ..core.check import check
from ..core.codes import Kind
from ..core.errors import AlreadySealed, DonorGuardError, ExportRefused, UnfitToSeal
from ..core.seal import pad_zeros, seal
from ..store import rulesets as rules_mod, settings
from ..store.stamp import stamp
from ..text import ranges, t
from ..text.messages import error_text, row_ranges
from ..xlsx import outbound
from . import host as hostmod, report_sheet, workbook
from .shell import (
    _action,
    _active_sheet_name,
    _alert,
    _checked,
    _command,
    _disk_sha,
    _explain,
    _key,
    _publish,
    _refused,
    _take_temp_file,
)
from .workbook import REPORT_SHEET, find_sheet


def _pick_rules(host, lang):
    """The rule set staff choose for sealing: a numbered list of the available sets, the default first and
    preselected. The default when there is no choice or the engine has no prompt; "" when cancelled."""
    T = t(lang)["excel"]
    names, default = rules_mod.available(), rules_mod.default_name()
    order = [default] + [n for n in names if n != default]
    if len(order) < 2:
        return default
    choices = "\n".join(T["rules_choice"].format(n=i, name=n, mark=T["rules_default"] if n == default else "")
                        for i, n in enumerate(order, start=1))
    answer = host.ask_text(T["rules_prompt"].format(default=order[0], choices=choices), T["title"], default="1")
    if answer is None:
        return default
    if answer == "":
        return ""
    answer = answer.strip()
    if answer.isdigit() and 1 <= int(answer) <= len(order):
        return order[int(answer) - 1]
    if answer in names:
        return answer
    raise _Refused(T["rules_unknown"].format(answer=answer))


class _Refused(Exception):
    """A button stops with this sentence (already in the chosen language)."""


@_command
def seal_book(book, host, lang, rules=None):
    """封印: seal the list as it stands (refused when already sealed or unfit), with the rule set staff pick
    (or `rules`). Returns the manifest."""
    T = t(lang)["excel"]
    if rules is None and workbook.read_manifest(book) is None:
        try:
            rules = _pick_rules(host, lang)
        except _Refused as e:
            _alert(host, lang, str(e), mode="critical")
            return None
        if rules == "":
            _alert(host, lang, T["rules_cancelled"])
            return None
    host.status(T["reading"])
    view = workbook.read(book, host, rules_mod.load(rules) if rules else None, formulas=True)
    if view.manifest is not None:
        raise AlreadySealed(path=book.name)
    created = []
    key = _key(view.rules, create=True, notice=lambda path, k: created.append(path))
    host.status(T["sealing"])
    try:
        seals, m, notices = seal(view.table, view.rules, key, view.name, view.header_row, stamp=stamp(), lang=lang,
                                 book=book.name)
    except UnfitToSeal as e:
        view = _offer_zeros(view, host, lang, e)
        seals, m, notices = seal(view.table, view.rules, key, view.name, view.header_row, stamp=stamp(), lang=lang,
                                 book=book.name)
    with _action("seal", view, key=key, rows=len(view.table), key_id=key.id) as done:
        done.committed = True           # (a write to an open workbook: anything written is a change)
        workbook.write_seal_column(view, {int(r): s for r, s in zip(view.table.rows, seals)})
        workbook.write_manifest(book, m)
    view.sheet.activate()
    text = T["sealed"].format(rows=len(view.table), rules=m["rules"], key=key.id[:4])
    if created:
        text += "\n\n" + T["new_key"].format(path=created[0])
    if len(notices):
        text += "\n\n" + report_sheet.notices_text(notices, lang)
    _alert(host, lang, text)
    return m


def _offer_zeros(view, host, lang, refusal):
    """A list refused only or also because numbers lost their leading zeros: ask, then write them back as text
    (the returned view holds them). Re-raises the refusal when staff say no or nothing can be padded."""
    T = t(lang)["excel"]
    texts = pad_zeros(view.table, view.rules) if refusal.details.get("pad") else []
    if not texts:
        raise refusal
    rows = [int(view.table.rows[q]) for q, _, _ in texts]
    cols = list(dict.fromkeys(c for _, c, _ in texts))
    answer = _alert(host, lang, T["pad_ask"].format(n=len(texts), cols=T["and"].join(cols),
                                                    rows=row_ranges(rows, lang=lang)), buttons="yes_no")
    if answer != "yes":
        raise refusal
    cells, by_col = {}, {}
    for q, c, text in texts:
        r, col = int(view.table.rows[q]), view.columns[c]
        cells[(r, col)] = text
        by_col.setdefault(col, {})[r] = text
    with _action("pad_zeros", view, cells_padded=len(texts)) as done:
        done.committed = True
        for col, values in sorted(by_col.items()):
            workbook.write_column(view.sheet, col, values)
    return view.updated(cells)


@_command
def check_book(book, host, lang):
    """検査: colour what moved or changed, write the 検査結果 sheet, say it in a dialog. Returns the Report."""
    T = t(lang)["excel"]
    host.status(T["reading"])
    view = workbook.read(book, host)
    host.status(T["checking"])
    _, report = _checked(view, lang)
    _publish(view, host, report, lang, create_report=not report.clean)
    _alert(host, lang, _explain(report, lang), mode="info" if report.clean else "critical")
    return report


@_command
def repair_book(book, host, lang, confirmed=False):
    """修復: after an OK, put moved values (and seals) back beside their people, re-check, list cells to re-enter.
    Returns (report before, report after, re-entry table), or None when nothing was written."""
    T = t(lang)["excel"]
    host.status(T["reading"])
    view = workbook.read(book, host)
    host.status(T["checking"])
    key, before = _checked(view, lang)
    rows = view.table.rows
    reentry = repair_core.reentry(before, rows)
    if before.clean and not before.plan.moves:          # (a clean list may still have seals to put back)
        _publish(view, host, before, lang, create_report=False)
        _alert(host, lang, T["repair_nothing"] + "\n" + report_sheet.summary(before, lang))
        return None
    edits = repair_core.edits(before, rows)
    if not edits:
        _publish(view, host, before, lang)
        text = T["repair_none_possible"] + "\n\n" + _explain(before, lang)
        more = report_sheet.reentry_text(reentry, lang)
        _alert(host, lang, text + ("\n\n" + more if more else ""), mode="critical")
        return None
    if not confirmed:
        answer = _alert(host, lang, T["repair_confirm"].format(n=len(edits)), buttons="ok_cancel")
        if answer != "ok":
            if answer is not None:
                _alert(host, lang, T["repair_cancelled"])
            return None
    host.status(T["repairing"])
    cols = view.columns
    cells = {}
    for e in edits:
        c = cols[e.column] if isinstance(e.column, str) else int(e.column)
        cells[(e.row, c)] = view.raw_at(e.src_row, c) if e.op == "move" else e.text if e.op == "set" else None
    by_col = {}
    for (r, c), v in cells.items():
        by_col.setdefault(c, {})[r] = v
    with _action("repair", view, key=key, cells_written=len(edits), findings_before=len(before.findings)) as done:
        done.committed = True
        for c, values in sorted(by_col.items()):
            workbook.write_column(view.sheet, c, values)
        after_view = view.updated(cells)
        after = check(after_view.table, after_view.manifest, key, book.name, lang)
        done.update(findings_after=len(after.findings))
    _publish(after_view, host, after, lang)
    seals = repair_core.seals_moved(before, view.table.layout.seal)
    text = T["repaired"].format(n=len(edits) - seals) if len(edits) > seals else ""
    text += ("\n" if text else "") + (T["repaired_seals"].format(k=seals) if seals else "")
    left = repair_core.left(before, rows)
    if left:
        text += "\n" + T["left_tied"].format(rows=row_ranges(left, lang=lang))
    text += "\n\n" + _explain(after, lang)
    more = report_sheet.reentry_text(reentry, lang)
    _alert(host, lang, text + ("\n\n" + more if more else ""), mode="info" if after.clean else "critical")
    return before, after, reentry


@_command
def approve_book(book, host, lang, rows="", reason=None, removed=None, sheet=None, rows_file=None):
    """承認: re-seal the selected rows that were added or corrected, with a reason. The reason comes
    from `reason`, else a prompt (Windows), else the reason cell of the 検査結果 sheet. Deleted sealed
    rows are approved too when staff say so (or `removed`: sealed row numbers, or "all").
    `rows` are rows of `sheet` (default: the active sheet), which must be the list's; a long selection
    comes in `rows_file` instead (a temporary file the add-in wrote; read, then removed).
    Returns the new manifest, or None."""
    T = t(lang)["excel"]
    if rows_file:
        rows = _take_temp_file(rows_file, "rows")
    selected = ranges.selection(rows)
    host.status(T["reading"])
    view = workbook.read(book, host)
    if selected:
        where = sheet if sheet is not None else _active_sheet_name(book)
        if where is not None and where.casefold() != view.name.casefold():
            _alert(host, lang, T["approve_wrong_sheet"].format(sheet=view.name), mode="critical")
            return None
    host.status(T["checking"])
    key, report = _checked(view, lang)
    f = report.findings
    in_list = {int(r) for r in view.table.rows}
    flagged = {int(r) for r in f["row"].dropna()}
    chosen = sorted(r for r in selected if r in in_list and r in flagged)
    missing = sorted({int(r) for r in f.loc[f["kind"] == Kind.MISSING, "sealed_row"].dropna()})
    approve_core.refuse_rows(report, view.table, chosen)      # raised: the dialog says which rows and why
    picked_gone = [r for r in selected if r in missing and r not in flagged]
    if removed == "all":
        gone = missing
    elif removed is not None:
        gone = [r for r in ranges.selection(removed) if r in missing]
    elif picked_gone:           # rows selected whose sealed person was deleted: their deletion is what to approve
        answer = _alert(host, lang, T["approve_removed_rows"].format(rows=row_ranges(picked_gone, lang=lang)),
                        buttons="yes_no")
        gone = picked_gone if answer == "yes" else []
    elif missing and (chosen or not selected):
        answer = _alert(host, lang, T["approve_removed_ask"].format(rows=row_ranges(missing, lang=lang)),
                        buttons="yes_no")
        gone = missing if answer == "yes" else []
    else:
        gone = []
    if not chosen and not gone:
        text = T["approve_nothing"].format(rows=row_ranges(selected, lang=lang)) if selected \
            else T["approve_no_rows"]
        _alert(host, lang, text)
        return None
    what = row_ranges(chosen, lang=lang) if chosen else row_ranges(gone, lang=lang)
    from_cell = False
    text = reason
    if text is None:
        text = host.ask_text(T["reason_prompt"].format(rows=what), T["title"])
        if text == "":
            _alert(host, lang, T["reason_cancelled"])
            return None
    if text is None:
        text, from_cell = report_sheet.reason(book), True
    if not str(text).strip():
        _publish(view, host, report, lang)
        r, c = report_sheet.REASON_CELL
        try:
            find_sheet(book, REPORT_SHEET).range((r, c)).select()
        except Exception:  # selecting needs the sheet active; the dialog says where anyway
            pass
        _alert(host, lang, T["reason_missing"].format(sheet=REPORT_SHEET, cell=hostmod.a1(r, r, c, c)))
        return None
    host.status(T["approving"])
    seals, m = approve_core.approve(view.table, view.manifest, key, report, chosen, str(text), gone, stamp=stamp())
    new = {int(view.table.rows[p]): s for p, s in seals.items()}
    with _action("approve", view, key=key, rows_approved=len(seals), rows_removed=len(gone)) as done:
        done.committed = True
        workbook.write_column(view.sheet, view.seal_col, new)
        workbook.write_manifest(book, m)
    after_view = view.updated({(r, view.seal_col): s for r, s in new.items()}, manifest=m)
    after = check(after_view.table, m, key, book.name, lang)
    _publish(after_view, host, after, lang, reason_text="" if from_cell else None)
    shown = json.loads(m["approvals"])[-1]["reason"]   # masked by the core
    lines = []
    if chosen:
        lines.append(T["approved"].format(rows=row_ranges(chosen, lang=lang), reason=shown))
    if gone:
        lines.append(T["approved_removed"].format(rows=row_ranges(gone, lang=lang)))
    _alert(host, lang, "\n".join(lines) + "\n\n" + _explain(after, lang),
           mode="info" if after.clean else "critical")
    return m


@_command
def export_book(book, host, lang, to=None):
    """書き出し: check, then write one file per destination into a new folder next to the workbook
    (or in `to`). A blocked list is refused with the reasons. Returns (folder, receipt), or None."""
    T = t(lang)["excel"]
    host.status(T["reading"])
    view = workbook.read(book, host)
    host.status(T["checking"])
    key, report = _checked(view, lang)
    if not report.clean:
        _refused("export_blocked", view, key=key, findings=len(report.findings))
        _publish(view, host, report, lang)
        _alert(host, lang, T["export_blocked"] + "\n\n" + _explain(report, lang), mode="critical")
        return None
    folder = to
    if folder is None:
        full = str(book.fullname or "")
        if _os.path.isabs(full) and _os.path.isdir(_os.path.dirname(full)):
            folder = _os.path.dirname(full)
    if not folder:
        _alert(host, lang, T["export_unsaved"], mode="critical")
        return None
    _publish(view, host, report, lang, create_report=False)
    host.status(T["exporting"])
    src = SimpleNamespace(manifest=view.manifest, rules=view.rules, table=view.table, path=str(book.fullname))
    try:
        plan = outbound.prepare(src, report)
    except ExportRefused as e:
        _refused("export_blocked", view, key=key, reason=e.details["reason"])
        raise
    with _action("export", view, key=key, to=str(folder), files=len(plan.batches)) as done:
        final, receipt = outbound.write(plan, key, folder, _disk_sha(book))
        done.committed = True
        done.update(folder=str(final), rows=receipt["rows"])
    _alert(host, lang, T["exported"].format(rows=receipt["rows"], files=len(receipt["files"]), folder=final))
    return final, receipt


@_command
def status_book(book, host, lang):
    """ヘルプ/状態: the seal, the current state, the version, how to use the buttons. Changes nothing."""
    T = t(lang)["excel"]
    host.status(T["reading"])
    view = workbook.read(book, host)
    lines = [T["status_version"].format(version=__version__)]
    m = view.manifest
    if m is None:
        lines.append(T["status_unsealed"])
    else:
        policy = settings.on_save(view.rules)
        lines.append(T["status_sealed"].format(
            rows=m.get("rows", "?"), at=m.get("sealed_at", "?"), by=m.get("sealed_by", "?"),
            rules=m.get("rules", "?"), key=str(m.get("key_id", ""))[:4], approvals=_count(m.get("approvals")),
            on_save=T["on_save"].get(policy, policy)))
        try:
            _, report = _checked(view, lang)
            lines.append(T["status_now"].format(status=report_sheet.status_line(report, lang)))
        except DonorGuardError as e:
            lines.append(T["status_now"].format(status=error_text(e, lang)))
    lines += ["", T["help"]]
    text = "\n".join(lines)
    _alert(host, lang, text)
    return text


def _count(approvals) -> int:
    try:
        return len(json.loads(approvals or "[]"))
    except ValueError:
        return 0
