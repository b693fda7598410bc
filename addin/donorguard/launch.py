"""The donorguard command as installed: before Python loads pandas and the rest (about a second), the
workbook named on the command line starts being checked for safety on another thread."""
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
    from .xlsx.package import inspect_soon
    for path in books(sys.argv[1:]):
        inspect_soon(path)
    from .cli import main as command
    return command(prog_name="donorguard")
