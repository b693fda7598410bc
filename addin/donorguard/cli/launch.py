"""The donorguard command as installed: the workbook named on the command line is checked for safety
first, then its list is parsed on another thread while Python loads pandas and the rest (about a second):
see xlsx/early.py."""
import sys

BOOK_COMMANDS = {"check", "seal", "repair", "approve", "export", "status"}
TAKES_VALUE = {"--key", "--rules", "--out", "--to", "--lang", "--format", "--encoding", "--rows", "--reason",
               "--removed", "--dir", "--keep"}


def books(args: list) -> list:
    """The workbook arguments of a command line (options and their values skipped)."""
    if not args or args[0] not in BOOK_COMMANDS:
        return []
    out, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
        elif a in TAKES_VALUE:
            skip = True
        elif not a.startswith("-"):
            out.append(a)
    return out[:1]


def main():
    from ..xlsx import early
    for path in books(sys.argv[1:]):
        early.start(path)
    early.load_arrow()
    from .command import main as command
    return command(prog_name="donorguard")
