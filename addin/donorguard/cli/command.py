"""The donorguard command: parses, calls the file operations, prints, exits 0 / 1 / 2.

Every error is one sentence on stderr; no traceback reaches the user.
"""
import json
import os
import sys
import threading
import time
from contextlib import contextmanager

import click

from .. import __version__
from ..core.errors import DonorGuardError, ExportBlocked, UnfitToSeal
from ..text import ranges, t
from ..text.messages import error_text, row_ranges
from ..text.scrub import scrub

# Commands import what they use (ops, rulesets, report, ...) when they run: those load pandas, and neither
# --help nor the launcher, which reads the options below before anything heavy is loaded, should wait for it.

def _language(value=None) -> str:
    """--lang, else DONORGUARD_LANG, else the settings' language, else ja (store/settings.py)."""
    from ..store.settings import language
    return language(value)


LANG = click.option("--lang", type=click.Choice(["ja", "en"]), default=_language,
                    show_default="ja", help="Language of messages.")
KEY = click.option("--key", "key_file", type=click.Path(dir_okay=False), help="Seal key file.")
RULES = click.option("--rules", "rules_name", default=None,
                     help="Rule set name or YAML path (default furusato-onestop).")


def echo(text: str, **kw):
    """click.echo of a line that may quote a path the user gave: a My Number in it is masked (text/scrub)."""
    click.echo(scrub(text), **kw)


@contextmanager
def step(text: str):
    """On a terminal, work that takes over a second says what it is doing, and how long it took."""
    shown = []
    tty = sys.stderr.isatty()

    def show():
        shown.append(time.monotonic())
        click.echo(f"{text}…", err=True, nl=False)
    timer = threading.Timer(1.0, show) if tty else None
    if timer:
        timer.daemon = True
        timer.start()
    t0 = time.monotonic()
    try:
        yield
    finally:
        if timer:
            timer.cancel()
        if shown:
            click.echo(f" {time.monotonic() - t0:.1f} s", err=True)


@contextmanager
def guarded(lang=None):
    """Named errors become one sentence in the chosen language and their exit code."""
    lang = _language(lang)
    try:
        yield
    except DonorGuardError as e:
        click.echo(f"donorguard: {error_text(e, lang)}", err=True)
        sys.exit(e.code)
    except KeyboardInterrupt:
        click.echo(f"donorguard: {t(lang)['cli']['interrupted']}", err=True)
        sys.exit(2)
    except click.ClickException as e:  # a bad --rows inside the command: one sentence, not "unexpected"
        click.echo(f"donorguard: {e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except OSError as e:  # e.g. --out in a folder that does not exist, a full disk: say where
        if os.environ.get("DONORGUARD_DEBUG"):
            raise
        where = str(e.filename or "")
        where = os.path.dirname(where) if where.endswith(".dgtmp") else where     # our temporary file's folder
        echo("donorguard: " + t(lang)["cli"]["os_error"].format(why=e.strerror or type(e).__name__, where=where),
             err=True)
        sys.exit(2)
    except Exception as e:  # the contract: one sentence, never a traceback
        if os.environ.get("DONORGUARD_DEBUG"):
            raise
        click.echo("donorguard: " + t(lang)["cli"]["unexpected"].format(kind=type(e).__name__), err=True)
        sys.exit(2)


def parse_rows(text: str) -> list:
    try:
        return ranges.decode(text)
    except ValueError as e:
        raise click.BadParameter(t(None)["cli"]["bad_rows"].format(part=e.args[0]), param_hint="--rows") from None


@click.group()
@click.version_option(__version__, prog_name="donorguard")
def main():
    """DonorGuard: keeps every ID number in a donor list bound to its owner.

    seal a known-good list, check it after any edit, repair what moved, export only clean lists.
    """


@main.group()
def key():
    """Seal keys (kept outside workbooks)."""


@key.command("new")
@click.argument("path", type=click.Path(dir_okay=False))
def key_new(path):
    """Create a key file (mode 0600) and print its id."""
    with guarded():
        from ..store import keys
        if os.path.exists(path):
            raise DonorGuardError(t(None)["cli"]["key_exists"].format(path=path))
        k = keys.create(path)
        click.echo(k.id)


@main.command()
@click.argument("book", type=click.Path())
@click.option("--pad-zeros", "pad", is_flag=True,
              help="Write back the leading zeros of IDs and codes typed as numbers (as text), then seal.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (a refusal lists every row).")
@RULES
@KEY
@LANG
def seal(book, pad, as_json, rules_name, key_file, lang):
    """Seal BOOK in place: a fingerprint per row binding its ID to its owner."""
    with guarded(lang):
        from ..store import rulesets
        from . import ops
        rules = rulesets.load(rules_name)
        T = t(lang)["cli"]

        def notice(path, k):
            click.echo(T["new_key"].format(key=k.id[:4], path=path), err=True)
        try:
            with step("sealing"):
                done = ops.seal_file(book, rules, key_file, notice, lang, pad)
        except UnfitToSeal as e:
            if not as_json:
                raise
            echo(json.dumps({"status": "refused", "problems": [
                {"column": c, "reason": why, "rows": rows} for c, why, rows in e.details["items"]]},
                ensure_ascii=False, indent=1))
            sys.exit(e.code)
        b, m, k, notices = done
        if as_json:
            echo(json.dumps({"status": "sealed", "rows": len(b.table), "rules": m["rules"], "key": k.id[:4],
                             "padded": [{"row": r, "column": c} for r, c in done.padded],
                             "notices": [dict(zip(notices.columns, v)) for v in notices.itertuples(index=False)]},
                            ensure_ascii=False, indent=1, default=str))
            return
        if done.padded:
            echo(T["padded"].format(n=len(done.padded), rows=row_ranges([r for r, _ in done.padded], lang=lang)))
        echo(T["sealed"].format(book=book, rows=len(b.table), rules=m["rules"], key=k.id[:4]))
        if len(notices):
            echo("\n".join(["", t(lang)["report"]["notices"]] + [f"  ・{m}" for m in notices["message"]]))


@main.command()
@click.argument("book", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@RULES
@KEY
@LANG
def check(book, as_json, rules_name, key_file, lang):
    """Check BOOK against its seals: exit 0 clean, 1 blocked, 2 cannot check."""
    with guarded(lang):
        from ..store import rulesets
        from ..text import report
        from . import ops
        with step("checking"):
            _, rep, _ = ops.check_file(book, rulesets.load(rules_name), key_file, lang)
        click.echo(report.as_json(rep) if as_json else report.as_text(rep, lang))
        sys.exit(0 if rep.clean else 1)


@main.command()
@click.argument("book", type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Where to write the repaired copy.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@RULES
@KEY
@LANG
def repair(book, out, force, rules_name, key_file, lang):
    """Put moved values back in their sealed rows, into a copy (--out)."""
    with guarded(lang):
        from ..store import rulesets
        from ..text import report
        from . import ops
        with step("repairing"):
            done = ops.repair_file(book, out, rulesets.load(rules_name), key_file, lang, force)
        T = t(lang)["cli"]
        echo(T["repaired_seals" if done.seals else "repaired"].format(n=done.cells, k=done.seals, out=out))
        if done.left:
            click.echo(T["left_tied"].format(rows=row_ranges(done.left, lang=lang)))
        if not done.reentry.empty:
            click.echo(T["reentry_head"])
            for r in done.reentry.itertuples(index=False):
                click.echo(T["reentry_line"].format(row=r.row, cols=", ".join(r.column)))
        click.echo(report.as_text(done.after, lang))
        sys.exit(0 if done.after.clean else 1)


@main.command()
@click.argument("book", type=click.Path())
@click.option("--rows", "rows_text", default="", help="Rows to approve, e.g. 12-15,40.")
@click.option("--removed", "removed_text", default="", help="Sealed rows whose deletion is right, e.g. 40.")
@click.option("--reason", required=True, help="Why these rows are right (kept in the manifest and the log).")
@RULES
@KEY
@LANG
def approve(book, rows_text, removed_text, reason, rules_name, key_file, lang):
    """Re-seal chosen rows (added or corrected) with a reason; other seals stay."""
    with guarded(lang):
        from ..store import rulesets
        from . import ops
        rows, removed = parse_rows(rows_text), parse_rows(removed_text)
        if not rows and not removed:
            raise click.UsageError(t(lang)["cli"]["give_rows"])
        seals, m = ops.approve_file(book, rows, reason, rulesets.load(rules_name), key_file, removed, lang)
        T = t(lang)["cli"]
        approved = ranges.decode(json.loads(m["approvals"])[-1]["rows"])
        click.echo(T["approved"].format(rows=row_ranges(approved, lang=lang) or "-") +
                   (T["approved_removed"].format(rows=row_ranges(removed, lang=lang)) if removed else ""))


@main.command()
@click.argument("book", type=click.Path())
@click.option("--to", "to", required=True, type=click.Path(file_okay=False), help="Folder for the export.")
@click.option("--format", "fmt_", type=click.Choice(["csv", "xlsx"]), default=None)
@click.option("--encoding", type=click.Choice(["cp932", "utf-8-sig"]), default=None)
@RULES
@KEY
@LANG
def export(book, to, fmt_, encoding, rules_name, key_file, lang):
    """Write one file per destination, only from a clean list: 0 written, 1 blocked, 2 cannot check."""
    with guarded(lang):
        from ..store import rulesets
        from ..text import report
        from . import ops
        try:
            with step("exporting"):
                folder, receipt, _ = ops.export_file(book, to, rulesets.load(rules_name), key_file,
                                                       fmt_, encoding, lang)
        except ExportBlocked as e:
            click.echo(report.as_text(e.report, lang))
            click.echo(t(lang)["cli"]["nothing_written"])
            sys.exit(1)
        T = t(lang)["cli"]
        echo(T["exported"].format(rows=receipt["rows"], files=len(receipt["files"]), folder=folder))
        echo(T["receipt"].format(path=folder / "receipt.json"))


@main.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@click.argument("log", type=click.Path(dir_okay=False), required=False)
@click.option("--key", "key_files", type=click.Path(dir_okay=False), multiple=True,
              help="Seal key file whose lines to check; repeat for a log written with several keys.")
def audit_verify(log, key_files):
    """Prove the audit log intact (chain, each line's MAC, head), or name the first broken line."""
    with guarded():
        from ..store import audit, keys
        path = log or str(audit.default_path())
        if not os.path.isfile(path):
            raise DonorGuardError(t(None)["cli"]["no_log"].format(path=path))
        found, no_key = [keys.read(k) for k in key_files], None
        if not found:
            try:
                found = [keys.find()]
            except DonorGuardError as e:       # needed only if the log is keyed: said below
                no_key = e
        verdict = audit.verify(path, found)
        if verdict.reason == "key" and no_key is not None:
            raise no_key
        click.echo(verdict.text)
        if not verdict.ok:
            sys.exit(1)


@main.command("install-addin")
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=None,
              help="Folder to copy donorguard.xlam into (default: Excel's startup folder, XLSTART).")
def install_addin(folder):
    """Install the Excel add-in for this user and point it at this Python."""
    from . import install
    with guarded():
        dest, conf = install.install(folder)
        click.echo(t(None)["cli"]["installed"].format(dest=dest, conf=conf, python=sys.executable))


@main.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=None,
              help="Folder the add-in was installed in (default: Excel's startup folder, XLSTART).")
@LANG
def doctor(folder, lang):
    """Check this PC's install for IT: each line ok, warn or fail with its fix; exit 0 when all are ok."""
    from . import doctor as doctor_mod
    with guarded(lang):
        sys.exit(doctor_mod.run(lang, folder, click.echo))


@main.command()
@LANG
@click.option("--keep", type=click.Path(file_okay=False), default=None,
              help="Folder to work in (default: a new temporary one).")
def demo(lang, keep):
    """Seal the bundled sample, make the Kosai mistake, check, repair, check, export."""
    from . import demo as demo_mod
    with guarded(lang):
        sys.exit(demo_mod.run(lang, keep, click.echo))


if __name__ == "__main__":
    main()
