"""The command line's own mistakes (a missing argument, an unknown option or command, a bad choice) as one
sentence in the chosen language, instead of click's three English lines."""
import os
import re
import sys

import click

from ..text import LANGS, t


def lang_of(args: list) -> str:
    """The language a command line asks for (--lang X or --lang=X), else DONORGUARD_LANG, else Japanese:
    read before click has parsed anything, since the line itself may be what is wrong."""
    for i, a in enumerate(args):
        value = a.split("=", 1)[1] if a.startswith("--lang=") else args[i + 1] if a == "--lang" and i + 1 < len(args) \
            else None
        if value in LANGS:
            return value
    env = os.environ.get("DONORGUARD_LANG")
    return env if env in LANGS else "ja"


def _name(param, T) -> str:
    if param is None:
        return "?"
    if isinstance(param, click.Option):
        return param.opts[0]
    return T["args"].get(param.name, param.human_readable_name)


def sentence(e: click.UsageError, args: list) -> str:
    T = t(lang_of(args))["usage"]
    ctx = e.ctx
    command = " ".join(ctx.command_path.split()[1:]) if ctx is not None else ""
    message = e.format_message()
    if isinstance(e, click.MissingParameter):
        return T["missing"].format(param=_name(e.param, T), command=command)
    if isinstance(e, click.NoSuchOption):
        return T["no_option"].format(option=e.option_name, command=command)
    if isinstance(e, click.BadOptionUsage):
        return T["needs_value"].format(option=e.option_name, command=command)
    if isinstance(e, click.BadParameter):
        param = getattr(e, "param", None)
        if isinstance(getattr(param, "type", None), click.Choice):
            return T["choice"].format(param=_name(param, T), choices=" / ".join(map(str, param.type.choices)))
        return T["bad_value"].format(param=_name(param, T), command=command)
    m = re.match(r"No such command '([^']*)'", message)
    if m:
        return T["no_command"].format(name=m.group(1))
    m = re.match(r"Got unexpected extra arguments? \((.*)\)", message)
    if m:
        return T["extra"].format(args=m.group(1), command=command)
    return T["other"].format(command=command)


def run(group: click.Group, args: list | None = None) -> None:
    """Run the command line; its own mistakes end in one sentence on stderr and exit 2."""
    args = sys.argv[1:] if args is None else list(args)
    try:
        code = group.main(args, prog_name="donorguard", standalone_mode=False)
    except click.UsageError as e:
        click.echo("donorguard: " + sentence(e, args), err=True)
        sys.exit(2)
    except click.Abort:
        click.echo("donorguard: " + t(lang_of(args))["cli"]["interrupted"], err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
