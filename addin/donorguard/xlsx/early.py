"""Reading begun before pandas is loaded. The command line names its workbook: open_zip's safety checks
run first, then, while Python imports pandas and the rest (about a second), fastexcel parses the list's
sheet on other threads (it parses without the GIL): in two halves, one per core, from the XML the checks
inflated (halves.py: built into two packages as it is inflated), or whole. open_book takes that parse if it is of the
sheet it wants and the file is unchanged; otherwise, or if anything failed here, it reads as it always does.
This module imports nothing heavy: it runs before those imports."""
import importlib
import threading

from . import halves, package

MANIFEST_SHEET = "_DonorGuard"      # manifest.SHEET (not imported here: it would load pandas on this thread)
NARROW = 64                         # a sheet reaching further right is read column by column, by open_book
KEEP = 5 << 28                      # a longer sheet is not parsed in halves: their packages hold its XML
                                    # (1.25 GiB; a sealed list of a million rows, 13 columns, is 1.07 GiB)
SPLIT_FROM = 1 << 20                # a shorter sheet is parsed whole: too little to gain

_started = {}                       # path -> (threads, what they parsed, once they are done)
_arrow = threading.Event()          # pyarrow is loaded: the reading thread may convert to Arrow
_handing = threading.Lock()         # one package handed to fastexcel (which copies it) at a time


def load_arrow() -> None:
    """Import pyarrow on this (the main) thread, then let the reading thread convert its parse to Arrow.
    Importing it there instead could deadlock with this thread's import of pandas, which loads pyarrow."""
    importlib.import_module("pyarrow")
    _arrow.set()


class Parsed:
    """fastexcel's parse of one sheet, every cell as text, no header: {Excel column (0-based): Arrow column}."""

    def __init__(self, ident, name, columns: dict):
        self.ident, self.name, self.columns = ident, name, columns


def start(path) -> None:
    """Run open_zip's checks of `path` here (on both cores: nothing else is running yet), then, if it is
    safe, parse on other threads the first sheet that is not the manifest, if its cells lie within NARROW
    columns: in two halves if the checks cut it (see halves.py), else whole. What the checks find is
    not raised here: open_book's open_zip finds it again and says so."""
    first = []

    def split(zf, name, part, info):
        if name == MANIFEST_SHEET or first:
            return None
        first.append((name, part))
        return halves.Splitter(zf, part, info.file_size) if SPLIT_FROM <= info.file_size <= KEEP else None

    try:
        with package.open_zip(path, split=split) as zf:
            if not first or zf.extents.get(first[0][1], (0, 0))[1] > NARROW:
                return
            (name, part), = first
            cut, ident = zf.kept.get(part), zf.ident
    except Exception:
        return
    sources = [lambda: cut.package(0), lambda: cut.package(1)] if cut else [lambda: str(path)]
    parses = [[] for _ in sources]

    def parse(source, into):
        try:
            import fastexcel
            with _handing:          # a package exists twice until fastexcel has its copy and ours is gone
                reader = fastexcel.read_excel(source())
            sheet = reader.load_sheet(name, header_row=None, dtypes="string")
            del reader              # fastexcel's copy of a package: the sheet's cells are all it needs now
            _arrow.wait()
            batch = sheet.to_arrow()
            into.append((halves.columns(sheet, batch), batch.num_rows))
            del sheet, batch        # the cells let go here, beside the other thread, not on the main one
        except BaseException:
            pass                    # open_book reads again and says what is wrong

    def columns():
        if not all(parses):
            return None
        if cut:
            return halves.join(cut, *(p[0] for p in parses))
        return parses[0][0][0]

    threads = [threading.Thread(target=parse, args=a, name="donorguard-read", daemon=True)
               for a in zip(sources, parses)]
    _started[str(path)] = (threads, lambda: Parsed(ident, name, columns()))
    for t in threads:
        t.start()


def settle() -> None:
    """Wait for the parses nobody took (a command that stopped early: a usage error, a refusal): a thread
    still inside fastexcel when Python shuts down aborts the process ("FATAL: exception not rethrown")."""
    _arrow.set()
    while _started:
        threads, _ = _started.popitem()[1]
        for t in threads:
            t.join()


def take(path) -> Parsed | None:
    """What start(path) parsed, once; None if it was not started, failed, or the file changed since."""
    threads, parsed = _started.pop(str(path), ((), None))
    if parsed is None:
        return None
    _arrow.set()                    # the caller has pandas, hence pyarrow
    for t in threads:
        t.join()
    parsed = parsed()
    try:
        return parsed if parsed.columns is not None and parsed.ident == package.identity(path) else None
    except OSError:
        return None
