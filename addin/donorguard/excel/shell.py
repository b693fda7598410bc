"""The shell around every Excel entry point (command: resolve the book, the engine adapter, the add-in's
version, every error as one sentence in a dialog) and the steps the buttons share: check, publish the
verdict (colours, the report sheet), the audit trail, the temporary files the add-in hands Python."""
import functools
import inspect
import os as _os
import re
import sys as _sys

from .. import __version__
from ..core.check import check
from ..core.errors import DonorGuardError, NoSuchWorkbook, NotSealed, UnsafeImport
from ..store import audit, keys, settings
from ..store.fsio import sha256_file
from ..text import t
from ..text.messages import error_text
from ..text.scrub import scrub
from . import host as hostmod, marks, report_sheet
from .syspath import _norm
from .workbook import REPORT_SHEET, find_sheet

_GUARDED_MODULES = ("donorguard", "xlwings", "pandas", "numpy", "pyarrow", "yaml", "fastexcel", "openpyxl",
                    "filelock", "platformdirs", "stdnum", "defusedxml", "click")


def _guard_folder(book):
    """Once the workbook is known: its folder off sys.path, and no module already imported from it."""
    try:
        full = book.fullname
    except Exception:
        return
    if not full or not _os.path.isabs(full):
        return
    folder = _norm(_os.path.dirname(full))
    _sys.path[:] = [p for p in _sys.path if _norm(p) != folder]
    for name in _GUARDED_MODULES:
        mod = _sys.modules.get(name)
        f = getattr(mod, "__file__", None)
        if not f:
            continue
        here = _os.path.dirname(_os.path.abspath(f))
        root = _os.path.dirname(here) if _os.path.basename(f).startswith("__init__.") else here
        if _norm(root) == folder:
            raise UnsafeImport(module=name, folder=_os.path.dirname(full))


def _resolve(book):
    import xlwings as xw
    if book is None:
        return xw.Book.caller()
    if isinstance(book, str):
        def apps():   # the calling Excel first, then any other open one
            try:
                yield xw.Book.caller().app
            except Exception:
                pass
            for engine in xw.engines:
                try:
                    yield from engine.apps
                except Exception:
                    pass
        for app in apps():
            for b in app.books:
                if book.casefold() in (b.name.casefold(), str(b.fullname).casefold()):
                    return b
        raise NoSuchWorkbook(name=book)
    return book


def _version_ok(version, host, lang) -> bool:
    if version is None or str(version) == __version__:
        return True
    host.alert(t(lang)["excel"]["version_mismatch"].format(addin=version, python=__version__),
               title=t(lang)["excel"]["title"], mode="critical")
    return False


def _alert(host, lang, text, buttons="ok", mode="info"):
    return host.alert(scrub(text), title=t(lang)["excel"]["title"], buttons=buttons, mode=mode)


def _command(fn):
    """The shell around every button: resolve the book, pick the engine adapter, refuse a mismatched
    add-in, show every error as one sentence in a dialog (never a traceback), reset the status bar."""
    @functools.wraps(fn)
    def run(book=None, *, version=None, lang=None, host=None, **kw):
        h, lang = None, settings.language(lang)
        try:
            book = _resolve(book)
            h = host or hostmod.for_book(book)
            _guard_folder(book)
            if not _version_ok(version, h, lang):
                return None
            with h.busy():
                return fn(book, h, lang, **kw)
        except DonorGuardError as e:
            if h is None:
                raise
            _alert(h, lang, error_text(e, lang), mode="critical")
            return None
        except Exception as e:
            if h is None or _os.environ.get("DONORGUARD_DEBUG"):
                raise
            _alert(h, lang, t(lang)["excel"]["unexpected"].format(kind=type(e).__name__), mode="critical")
            return None
        finally:
            if h is not None:
                h.status(None)
    own = list(inspect.signature(fn).parameters.values())[3:]
    P = inspect.Parameter
    run.__signature__ = inspect.Signature(
        [P("book", P.POSITIONAL_OR_KEYWORD, default=None)]
        + [p.replace(kind=P.KEYWORD_ONLY) for p in own]
        + [P(n, P.KEYWORD_ONLY, default=None) for n in ("version", "lang", "host")])
    return run


# -- shared steps ---------------------------------------------------------------------------------

def _key(rules, create=False, notice=None):
    return keys.find(None, rules.key_file, create_default=create, notice=notice)


def _checked(view, lang):
    if view.manifest is None:
        raise NotSealed(path=view.book.name)
    key = _key(view.rules)
    return key, check(view.table, view.manifest, key, view.book.name, lang)


def _publish(view, host, report, lang, reason_text=None, create_report=True):
    """Colours and the report sheet say what the check found; staff see the report when blocked."""
    T = t(lang)["excel"]
    host.status(T["writing"])
    marks.update(view, host, marks.targets(report, view))
    sheet = None
    if create_report or find_sheet(view.book, REPORT_SHEET) is not None:
        sheet = report_sheet.write(view, report, lang, reason_text)
    (sheet if sheet is not None and not report.clean else view.sheet).activate()


def _explain(report, lang):
    T = t(lang)["excel"]
    text = report_sheet.summary(report, lang)
    if not report.clean:
        text += "\n\n" + T["see_report"].format(sheet=REPORT_SHEET) + "\n" + T["colour_note"]
    return text


def _disk_sha(book) -> str:
    """The saved file's SHA-256, only while the open workbook has no unsaved changes."""
    try:
        full = book.fullname
        if _os.path.isfile(full) and bool(book.api.Saved):
            return sha256_file(full)
    except Exception:
        pass
    return ""


def _refused(event, view, **fields):
    audit.refusal(event, rules=view.rules, workbook=_os.path.basename(str(view.book.name)), shell="excel",
                 workbook_sha256=_disk_sha(view.book), **fields)


def _action(event, view, **fields):
    """Write-ahead around a change to the open workbook (store/audit.action): no intent logged, no change."""
    return audit.action(event, rules=view.rules, workbook=_os.path.basename(str(view.book.name)), shell="excel",
                        workbook_sha256=_disk_sha(view.book), **fields)


def _active_sheet_name(book):
    try:
        return book.sheets.active.name
    except Exception:
        return None


_TEMP_NAME = re.compile(r"^donorguard-(\w+)-[\w.\-]+\.txt$", re.IGNORECASE)


def _take_temp_file(path, what: str) -> str:
    """The text of a temporary file the add-in wrote for Python (only its own names), removed once read."""
    path = _os.path.abspath(path)
    m = _TEMP_NAME.match(_os.path.basename(path))
    if not m or m.group(1).lower() != what:
        raise ValueError("not a DonorGuard temporary file name")
    with open(path, encoding="ascii") as f:
        text = f.read()
    _os.remove(path)
    return text.strip()
