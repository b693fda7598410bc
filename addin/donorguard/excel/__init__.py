"""DonorGuard's Excel buttons: small functions on an open xlwings Book.

The add-in's VBA (addin/vba/DonorGuardRibbon.bas, DonorGuardEvents.cls) runs, through xlwings'
RunPython, exactly:

    import donorguard.excel as dg; dg.seal_book(version='0.1.0')
    ...; dg.check_book(version=...)      dg.repair_book(version=...)
    ...; dg.approve_book(rows='3:5,8:8', version=...)
    ...; dg.export_book(version=...)     dg.status_book(version=...)
    ...; dg.on_save(book=<workbook name>, verdict=<verdict file>, autosave=False, version=...)
    ...; dg.on_change(book=<workbook name>, address='$H$4:$H$43', version=...)     (the live guard, live.py)

Each takes `book` (default: xw.Book.caller(); a Book, or an open workbook's name) and runs just as well
from plain Python: `dg.check_book(xw.Book("list.xlsx"))`. `host=` replaces the engine adapter
(dialogs, status bar, fill colours; see host.py), which is how tests script the buttons staff press.

No fingerprint is computed here: the core does it (seal, check, repair, approve, outbound).
"""
from .syspath import _harden_sys_path

_harden_sys_path()

from .buttons import approve_book, check_book, export_book, repair_book, seal_book, status_book  # noqa: E402
from .events import on_change, on_save  # noqa: E402
from .shell import _guard_folder  # noqa: E402,F401

__all__ = ["seal_book", "check_book", "repair_book", "approve_book", "export_book", "status_book", "on_save",
           "on_change"]
