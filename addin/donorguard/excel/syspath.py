"""Run first when Excel imports DonorGuard: nothing saved next to a received workbook may be imported in place
of DonorGuard's own modules or the libraries it uses. Imports only os and sys (already loaded)."""
import os as _os
import sys as _sys


def _norm(p: str) -> str:
    return _os.path.normcase(_os.path.abspath(p or _os.curdir))


def _harden_sys_path(argv=None, path=None):
    """Called from Excel (RunPython passes --from_xl=1 --wb=NAME): take the current folder and any
    folder holding the calling workbook off sys.path, so nothing saved next to a received workbook
    can be imported in place of DonorGuard's own modules."""
    argv = _sys.argv if argv is None else argv
    path = _sys.path if path is None else path
    if "--from_xl=1" not in argv:
        return path
    wb = next((a.split("=", 1)[1].strip() for a in argv if a.startswith("--wb=")), "")
    drop = {_norm(_os.curdir)}
    for p in path:
        if wb and _os.path.isfile(_os.path.join(p or _os.curdir, wb)):
            drop.add(_norm(p))
    path[:] = [p for p in path if p not in ("", ".") and _norm(p) not in drop]
    return path
