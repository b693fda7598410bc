"""The workbook events the add-in passes to Python: a save of a sealed list (on_save, the save hook) and a
change of several rows of it (on_change, the live guard; its filter is live.py). Both only read: a write
would clear Excel's undo list."""
import os as _os
import re
import sys as _sys

from ..core.errors import Busy, DonorGuardError, ManifestTampered
from ..store import settings
from ..store.fsio import write_atomic
from ..text import t
from ..text.messages import error_text
from . import host as hostmod, live, report_sheet, workbook
from .shell import _alert, _checked, _command, _guard_folder, _resolve, _version_ok

_VERDICT_NAME = re.compile(r"^(donorguard|dg)-verdict-[\w.\-]+\.txt$", re.IGNORECASE)


def _write_verdict(path, verdict: str):
    """One line, written to a temporary file beside it and moved into place (never half a line)."""
    if not path:
        return
    path = _os.path.abspath(path)
    if not _VERDICT_NAME.match(_os.path.basename(path)):
        raise ValueError("not a DonorGuard verdict file name")
    write_atomic(path, (verdict + "\r\n").encode("ascii"))


def on_save(book=None, *, verdict=None, autosave=False, version=None, lang=None, host=None):
    """Before a sealed workbook is saved: a quick read-only check (nothing is written to the workbook:
    a write would clear Excel's undo list). The settings' on_save, else the policy of the manifest's rules decides:
    confirm (default) explain and ask, the answer decides; block refuse the save with the reasons;
    warn explain and save. Writes "ok", "cancel" or, when the engine cannot return the button
    pressed, "ask" (the VBA then asks) to `verdict`, and returns it. Work is never lost to a failure:
    anything that stops the check saves, with a dialog saying it was not checked.
    `autosave`: the first save AutoSave started in this session (the add-in calls Python for no later
    one): a blocked list is explained once, and the save always goes on."""
    lang = settings.language(lang)
    T = t(lang)["excel"]
    result, h = "ok", None
    try:
        book = _resolve(book)
        h = host or hostmod.for_book(book)
        _guard_folder(book)
        if not _version_ok(version, h, lang):
            return result
        view = workbook.read(book, h)
        if view.manifest is None:
            return result
        policy = "confirm"
        try:
            _, report = _checked(view, lang)
            policy = settings.on_save(view.rules)
            if report.clean:
                return result
            text = T["save_problems"] + "\n" + report_sheet.summary(report, lang)
        except ManifestTampered as e:
            text = error_text(e, lang)   # the snapshot cannot be trusted: its policy neither
        if autosave:
            _alert(h, lang, text + "\n\n" + T["save_autosave"], mode="critical")
        elif _sys.platform == "darwin":
            _alert(h, lang, text + "\n\n" + T["save_mac"], mode="critical")
        elif policy == "warn":
            _alert(h, lang, text + "\n\n" + T["save_warned"], mode="critical")
        elif policy == "block":
            _alert(h, lang, text + "\n\n" + T["save_blocked"], mode="critical")
            result = "cancel"
        else:
            answer = _alert(h, lang, text + "\n\n" + T["save_confirm"], buttons="yes_no", mode="critical")
            result = {"yes": "ok", "no": "cancel"}.get(answer, "ask")
        return result
    except DonorGuardError as e:
        if h is None:
            raise
        _alert(h, lang, T["save_unchecked"].format(why=error_text(e, lang)), mode="critical")
        return result
    except Exception as e:
        if h is None or _os.environ.get("DONORGUARD_DEBUG"):
            raise
        _alert(h, lang, T["save_unchecked"].format(why=type(e).__name__), mode="critical")
        return result
    finally:
        _write_verdict(verdict, result)


@_command
def on_change(book, host, lang, address=""):
    """Right after staff changed several rows of a sealed list (the add-in's filter let `address` through):
    a read-only check, and one dialog if values now sit in other people's rows, saying what happened and
    what to do (undo while it is still available, else 修復). Nothing is written to the workbook (a write
    would clear Excel's undo list); a check already running for this workbook is not started twice, and a
    separation already explained is not explained again. Returns the dialog's text, or None."""
    if not live.enabled():
        return None
    try:
        with live.Once(book) as once:
            view = workbook.read(book, host)
            if view.manifest is None:
                return None
            _, report = _checked(view, lang)
            text = live.dialog(report, lang)
            if not once.new(report) or text is None:
                return None
            _alert(host, lang, text, mode="critical")
            return text
    except Busy:
        return None
    except DonorGuardError as e:
        _alert(host, lang, t(lang)["vba"]["live_failed"].format(error=error_text(e, lang)), mode="critical")
        return None
