"""The donorguard command as installed: the workbook named on the command line is checked for safety
first, then its list is parsed on another thread while Python loads pandas and the rest (about a second):
see xlsx/early.py. The command line is read with click's own parameters (command.py loads nothing heavy)."""
import sys

import click


def books(args: list, group=None) -> list:
    """The workbook argument (BOOK) of a command line, as click will parse it; [] if the command has none."""
    if group is None:
        from .command import main as group
    cmd = group.commands.get(args[0]) if args else None
    if not isinstance(cmd, click.Command) or isinstance(cmd, click.Group) or \
            not any(isinstance(p, click.Argument) and p.name == "book" for p in cmd.params):
        return []
    takes_value = {o for p in cmd.params if isinstance(p, click.Option) and not p.is_flag and not p.count
                   for o in p.opts}
    out, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
        elif a == "--":
            continue
        elif a in takes_value:
            skip = True
        elif not a.startswith("-"):
            out.append(a)
    return out[:1]


def main():
    from ..xlsx import early
    from .command import main as command, run
    for path in books(sys.argv[1:], command):
        early.start(path)
    try:
        early.load_arrow()
        return run()
    finally:
        early.settle()
