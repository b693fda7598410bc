"""Reading begun before pandas is loaded. The command line names its workbook: open_zip's safety checks
run first, then, while Python imports pandas and the rest (about a second), another thread has fastexcel
parse the list's sheet whole (fastexcel parses without the GIL). open_book takes that parse if it is of the
sheet it wants and the file is unchanged; otherwise, or if anything failed here, it reads as it always does.
This module imports nothing heavy: it runs before those imports."""
import importlib
import threading

from . import package

MANIFEST_SHEET = "_DonorGuard"      # manifest.SHEET (not imported here: it would load pandas on this thread)
NARROW = 64                         # a sheet reaching further right is read column by column, by open_book

_started = {}                       # path -> (thread, what it parsed)
_arrow = threading.Event()          # pyarrow is loaded: the reading thread may convert to Arrow


def load_arrow() -> None:
    """Import pyarrow on this (the main) thread, then let the reading thread convert its parse to Arrow.
    Importing it there instead could deadlock with this thread's import of pandas, which loads pyarrow."""
    importlib.import_module("pyarrow")
    _arrow.set()


class Parsed:
    """fastexcel's parse of one sheet (every cell as text, no header) and its Arrow batch."""

    def __init__(self, ident, name, sheet, batch):
        self.ident, self.name, self.sheet, self.batch = ident, name, sheet, batch


def start(path) -> None:
    """Run open_zip's checks of `path` here (on both cores: nothing else is running yet), then, if it is
    safe, parse on another thread the first sheet that is not the manifest, if its cells lie within NARROW
    columns. What the checks find is not raised here: open_book's open_zip finds it again and says so."""
    try:
        with package.open_zip(path) as zf:
            names = list(package.sheet_parts(zf).items())
            extents = zf.extents
            ident = package.identity(path)
    except Exception:
        return
    names = [(n, part) for n, (part, _) in names if n != MANIFEST_SHEET]
    if not names or extents.get(names[0][1], (0, 0))[1] > NARROW:
        return
    box = {}

    def parse():
        try:
            import fastexcel
            sheet = fastexcel.read_excel(str(path)).load_sheet(names[0][0], header_row=None, dtypes="string")
            _arrow.wait()
            box["parsed"] = Parsed(ident, names[0][0], sheet, sheet.to_arrow())
        except BaseException:
            pass                    # open_book reads again and says what is wrong

    thread = threading.Thread(target=parse, name="donorguard-read", daemon=True)
    _started[str(path)] = (thread, box)
    thread.start()


def take(path) -> Parsed | None:
    """What start(path) parsed, once; None if it was not started, failed, or the file changed since."""
    thread, box = _started.pop(str(path), (None, {}))
    if thread is None:
        return None
    _arrow.set()                    # the caller has pandas, hence pyarrow
    thread.join()
    parsed = box.get("parsed")
    try:
        return parsed if parsed is not None and parsed.ident == package.identity(path) else None
    except OSError:
        return None
