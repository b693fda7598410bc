"""What DonorGuard needs from Excel besides cell values, per xlwings engine: dialogs (with the button
pressed), a text prompt, the status bar, reading and painting fill colours, hidden rows.

Engines differ:
- Windows desktop ("excel" engine over COM): everything, synchronously.
- macOS desktop ("excel" over AppleScript): dialogs and colours; no text prompt, no hidden-row query.
- xlwings Server / remote ("remote" engine): every write and dialog is a queued JSON action; a dialog's
  button comes back only through a client-side callback, colours cannot be read synchronously, and
  there is no status bar. `answer()` returns None there and callers treat None as "not confirmed".
`for_book()` picks the adapter; tests pass their own subclass (`host=`) to script the answers.
"""
import contextlib
import sys

from ..xlsx.sheetxml import col_letter

UNKNOWN = "?"          # a fill colour that could not be read
MIXED = object()       # a range whose cells do not share one fill
XL_NONE = -4142        # xlColorIndexNone / xlNone
XL_VISIBLE = 12        # xlCellTypeVisible


def rgb_hex(rgb) -> str | None:
    if rgb is None:
        return None
    if isinstance(rgb, str):
        return rgb.lower() if rgb.startswith("#") else "#" + rgb.lower()
    r, g, b = rgb
    return f"#{r:02x}{g:02x}{b:02x}"


def rectangles(cells) -> list:
    """(r1, r2, c1, c2) rectangles covering exactly the given (row, col) cells: runs along each row,
    then runs of equal runs down the rows."""
    by_row = {}
    for r, c in sorted(set(cells)):
        runs = by_row.setdefault(r, [])
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    active, out = {}, []
    for r in sorted(by_row):
        nxt = {}
        for c1, c2 in by_row[r]:
            prev = active.pop((c1, c2), None)
            if prev is not None and prev[1] == r - 1:
                prev[1] = r
                nxt[(c1, c2)] = prev
            else:
                if prev is not None:
                    out.append((prev[0], prev[1], c1, c2))
                nxt[(c1, c2)] = [r, r]
        out += [(a, b, c1, c2) for (c1, c2), (a, b) in active.items()]
        active = nxt
    out += [(a, b, c1, c2) for (c1, c2), (a, b) in active.items()]
    return sorted(out)


def a1(r1, r2, c1, c2) -> str:
    first = f"{col_letter(c1)}{r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:{col_letter(c2)}{r2}"


class Host:
    """Generic xlwings: works on every engine that implements the calls it makes."""
    answers = True        # alert() returns the pressed button
    reads_fills = True

    def __init__(self, book):
        self.book = book

    # -- dialogs ----------------------------------------------------------------------------
    def alert(self, prompt: str, title: str = "DonorGuard", buttons: str = "ok", mode: str | None = "info"):
        """Show a dialog; the pressed button ("ok", "cancel", "yes", "no"), or None if the engine
        cannot say."""
        return self.book.app.alert(prompt, title=title, buttons=buttons, mode=mode)

    def ask_text(self, prompt: str, title: str = "DonorGuard", default: str = ""):
        """A line of text typed by staff (`default` preselected); "" when cancelled; None when this engine
        has no prompt."""
        return None

    # -- status bar -------------------------------------------------------------------------
    def status(self, text: str | None):
        try:
            self.book.app.status_bar = text if text else False
        except Exception:  # not every engine has one
            pass

    @contextlib.contextmanager
    def busy(self):
        """Faster writes where Excel allows it (no repaint while DonorGuard writes)."""
        yield

    # -- colours ----------------------------------------------------------------------------
    def _read_fill(self, sheet, r1, r2, c1, c2):
        try:
            return rgb_hex(sheet.range((r1, c1), (r2, c2)).color)
        except Exception:
            return MIXED if (r1, c1) != (r2, c2) else UNKNOWN

    def fills(self, sheet, cells) -> dict:
        """{(row, col): "#rrggbb" | None (no fill) | UNKNOWN}. One read per uniform rectangle; mixed
        rectangles are halved until uniform."""
        out = {}
        if not self.reads_fills:
            return {c: UNKNOWN for c in cells}
        stack = rectangles(cells)
        while stack:
            r1, r2, c1, c2 = stack.pop()
            got = self._read_fill(sheet, r1, r2, c1, c2)
            if got is MIXED:
                if r2 > r1:
                    m = (r1 + r2) // 2
                    stack += [(r1, m, c1, c2), (m + 1, r2, c1, c2)]
                else:
                    m = (c1 + c2) // 2
                    stack += [(r1, r2, c1, m), (r1, r2, m + 1, c2)]
                continue
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    out[(r, c)] = got
        return out

    def paint(self, sheet, colours: dict):
        """colours: {(row, col): "#rrggbb" | None (no fill)}. One write per same-coloured rectangle."""
        groups = {}
        for cell, colour in colours.items():
            groups.setdefault(None if colour in (None, UNKNOWN) else colour, []).append(cell)
        for colour, cells in groups.items():
            for r1, r2, c1, c2 in rectangles(cells):
                sheet.range((r1, c1), (r2, c2)).color = colour

    # -- rows -------------------------------------------------------------------------------
    def hidden_rows(self, sheet, first: int, last: int) -> set:
        return set()


class RemoteHost(Host):
    """xlwings Server (remote engine): dialogs are fire-and-forget actions; no colour reads."""
    answers = False
    reads_fills = False

    def alert(self, prompt, title="DonorGuard", buttons="ok", mode="info"):
        # App.alert queues the action on the app's most recently opened book; queue it on this one.
        impl = getattr(self.book, "impl", None)
        if hasattr(impl, "append_json_action"):
            impl.append_json_action(func="alert", args=[prompt or "", title or "", buttons or "", mode or "", ""])
        else:
            self.book.app.alert(prompt, title=title, buttons=buttons, mode=mode)
        return None

    def status(self, text):
        pass


class WindowsHost(Host):
    """Excel on Windows over COM."""
    _busy = False

    def _screen(self, on: bool):
        try:
            self.book.app.screen_updating = on
        except Exception:
            pass

    @contextlib.contextmanager
    def _visible(self):
        """Dialogs over a repainted window (what was just coloured shows behind them)."""
        if self._busy:
            self._screen(True)
        try:
            yield
        finally:
            if self._busy:
                self._screen(False)

    def alert(self, prompt, title="DonorGuard", buttons="ok", mode="info"):
        with self._visible():
            return super().alert(prompt, title, buttons, mode)

    def ask_text(self, prompt, title="DonorGuard", default=""):
        """Excel's own InputBox (Application.InputBox, Type:=2 text); it returns False on Cancel."""
        with self._visible():
            try:
                got = self.book.app.api.InputBox(prompt, title, default, Type=2)
            except Exception:
                return None
        return got if isinstance(got, str) else ""

    @contextlib.contextmanager
    def busy(self):
        self._busy = True
        self._screen(False)
        try:
            yield
        finally:
            self._busy = False
            self._screen(True)

    def _read_fill(self, sheet, r1, r2, c1, c2):
        try:
            interior = sheet.api.Range(a1(r1, r2, c1, c2)).Interior
            index = interior.ColorIndex
            if index == XL_NONE:
                return None
            colour = interior.Color
            if index is None or colour is None:
                return MIXED if (r1, c1) != (r2, c2) else UNKNOWN
            colour = int(colour)  # BGR
            return f"#{colour & 255:02x}{(colour >> 8) & 255:02x}{(colour >> 16) & 255:02x}"
        except Exception:
            return MIXED if (r1, c1) != (r2, c2) else UNKNOWN

    def paint(self, sheet, colours):
        """Same-coloured rectangles joined into union addresses (under Excel's 255 characters)."""
        groups = {}
        for cell, colour in colours.items():
            groups.setdefault(None if colour in (None, UNKNOWN) else colour, []).append(cell)
        for colour, cells in groups.items():
            parts, size = [], 0
            for rect in rectangles(cells):
                part = a1(*rect)
                if parts and size + len(part) + 1 > 250:
                    self._paint_union(sheet, ",".join(parts), colour)
                    parts, size = [], 0
                parts.append(part)
                size += len(part) + 1
            if parts:
                self._paint_union(sheet, ",".join(parts), colour)

    @staticmethod
    def _paint_union(sheet, address, colour):
        interior = sheet.api.Range(address).Interior
        if colour is None:
            interior.ColorIndex = XL_NONE
        else:
            r, g, b = int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
            interior.Color = r + (g << 8) + (b << 16)

    def hidden_rows(self, sheet, first, last):
        rows = set(range(first, last + 1))
        try:
            visible = sheet.api.Range(f"{first}:{last}").SpecialCells(XL_VISIBLE)
        except Exception:  # no visible cell at all
            return rows
        seen = set()
        for area in visible.Areas:
            r0 = int(area.Row)
            seen.update(range(r0, r0 + int(area.Rows.Count)))
        return rows - seen


def for_book(book) -> Host:
    engine = book.app.engine.name
    if engine == "remote":
        return RemoteHost(book)
    if engine == "excel" and sys.platform.startswith("win"):
        return WindowsHost(book)
    return Host(book)
