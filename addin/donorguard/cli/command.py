"""The donorguard command: parses, calls the file operations, prints, exits 0 / 1 / 2.

Every sentence comes from the catalogue in the chosen language (--lang, else DONORGUARD_LANG, else Japanese);
every error is one sentence on stderr (with --json also a JSON object on stdout); no traceback reaches the user.
"""
import errno
import json
import os
import sys
import threading
import time
from contextlib import contextmanager

import click

from .. import __version__
from ..core.errors import DonorGuardError, ExportBlocked, OpenInExcel, UnfitToSeal
from ..text import LANGS, ranges, t
from ..text.messages import error_text, row_ranges
from ..text.scrub import scrub

# Commands import what they use (ops, rulesets, report, ...) when they run: those load pandas, and neither
# --help nor the launcher, which reads the options below before anything heavy is loaded, should wait for it.

LANG = click.option("--lang", type=click.Choice(LANGS), default=None,
                    show_default="DONORGUARD_LANG, else the settings' language, else ja",
                    help="Language of every message: ja (Japanese) or en (English).")
KEY = click.option("--key", "key_file", type=click.Path(dir_okay=False), show_default="DONORGUARD_KEY_FILE, "
                   "the rules' key_file, else your own key", help="Seal key file.")


class RulesOption(click.Option):
    """--rules, whose help lists the rule sets found (looked up only when help is shown)."""

    def get_help_record(self, ctx):
        from ..store import rulesets
        self.help = "Rule set: a name (%s) or a YAML file." % ", ".join(rulesets.available())
        return super().get_help_record(ctx)


RULES = click.option("--rules", "rules_name", cls=RulesOption, default=None,
                     show_default="the settings' default_rules, else furusato-onestop")


def language(lang=None) -> str:
    """--lang, else DONORGUARD_LANG (an unknown value is an error naming the variable), else the settings'
    language, else Japanese (store/settings.py)."""
    env = os.environ.get("DONORGUARD_LANG")
    if not lang and env and env not in LANGS:
        raise DonorGuardError(t("ja")["cli"]["bad_lang_env"].format(value=env))
    from ..store.settings import language as chosen
    return chosen(lang)


def echo(text: str, **kw):
    """click.echo of a line that may quote a path the user gave: a My Number in it is masked (text/scrub)."""
    click.echo(scrub(text), **kw)


@contextmanager
def step(key: str, lang: str):
    """On a terminal, work that takes over a second says what it is doing, and how long it took."""
    text = t(lang)["cli"]["steps"][key]
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


def _os_sentence(e: OSError, lang: str, book=None) -> str:
    """An operating-system error in the catalogue's words: a file Excel holds open is said as such."""
    T = t(lang)
    where = str(e.filename or "")
    where = os.path.dirname(where) if where.endswith(".dgtmp") else where     # our temporary file's folder
    if getattr(e, "winerror", None) in (32, 33) and book:                   # sharing / lock violation
        return error_text(OpenInExcel(path=str(book)), lang)
    name = errno.errorcode.get(e.errno or 0, "")
    why = T["os_errors"].get(name) or T["os_errors"]["other"].format(errno=e.errno)
    return T["cli"]["os_error"].format(why=why, where=where)


def _fail(text: str, code: int, as_json: bool, kind: str):
    """The sentence on stderr; with --json also one JSON object on stdout, for the tool reading it."""
    if as_json:
        echo(json.dumps({"status": "error", "error": kind, "message": text}, ensure_ascii=False))
    echo(f"donorguard: {text}", err=True)
    sys.exit(code)


@contextmanager
def guarded(lang=None, as_json=False, book=None):
    """Named errors become one sentence in the chosen language and their exit code (scrubbed by echo)."""
    try:
        lang = language(lang)
    except DonorGuardError as e:
        _fail(str(e), e.code, as_json, "DONORGUARD_LANG")
    try:
        yield lang
    except DonorGuardError as e:
        _fail(error_text(e, lang), e.code, as_json, type(e).__name__)
    except KeyboardInterrupt:
        _fail(t(lang)["cli"]["interrupted"], 2, as_json, "interrupted")
    except click.ClickException as e:  # a bad --rows inside the command: one sentence, not "unexpected"
        _fail(e.format_message(), e.exit_code, as_json, "usage")
    except OSError as e:  # e.g. --out in a folder that does not exist, a full disk: say where
        if os.environ.get("DONORGUARD_DEBUG"):
            raise
        _fail(_os_sentence(e, lang, book), 2, as_json, "os")
    except Exception as e:  # the contract: one sentence, never a traceback
        if os.environ.get("DONORGUARD_DEBUG"):
            raise
        _fail(t(lang)["cli"]["unexpected"].format(kind=type(e).__name__), 2, as_json, "unexpected")


def waiting(path, lang):
    """Said at once when another DonorGuard holds the workbook and this one waits for it."""
    return lambda: echo("donorguard: " + t(lang)["cli"]["waiting"].format(path=path), err=True)


def read_as_saved(path, lang):
    from . import ops
    if ops.opened_in_excel(path):
        echo("donorguard: " + t(lang)["cli"]["read_as_saved"].format(path=path), err=True)


def parse_rows(text: str, lang: str) -> list:
    try:
        return ranges.decode(text)
    except ValueError as e:
        raise click.UsageError(t(lang)["cli"]["bad_rows"].format(part=e.args[0])) from None


@click.group(context_settings={"max_content_width": 110})
@click.version_option(__version__, prog_name="donorguard")
def main():
    """DonorGuard keeps every ID number (個人番号) in a donor list bound to its owner.

    \b
    The order of work, with an example each:
      1. seal     a known-good list        donorguard seal donors.xlsx --key team.key
      2. check    it after any edit        donorguard check donors.xlsx --key team.key
      3. repair   what moved, into a copy  donorguard repair donors.xlsx --out fixed.xlsx --key team.key
         approve  rows that are right      donorguard approve donors.xlsx --rows 12-15 --reason "..." --key team.key
      4. export   only a clean list        donorguard export fixed.xlsx --to out --key team.key

    \b
    New here? `donorguard demo` runs the whole story on a sample. Messages are in Japanese;
    --lang en or DONORGUARD_LANG=en for English. `donorguard COMMAND --help` for each command.
    """


@main.group()
def key():
    """Seal keys (kept outside workbooks)."""


@key.command("new")
@click.argument("path", type=click.Path(dir_okay=False))
@LANG
def key_new(path, lang):
    """Create a key file (mode 0600) and print its id."""
    with guarded(lang) as lang:
        from ..store import keys
        if os.path.exists(path):
            raise DonorGuardError(t(lang)["cli"]["key_exists"].format(path=path))
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
    with guarded(lang, book=book) as lang:
        from ..store import rulesets
        from . import ops
        rules = rulesets.load(rules_name)
        T = t(lang)["cli"]

        def notice(path, k):
            click.echo(T["new_key"].format(key=k.id[:4], path=path), err=True)
        try:
            with step("sealing", lang):
                done = ops.seal_file(book, rules, key_file, notice, lang, waiting(book, lang), pad)
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
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (errors too).")
@RULES
@KEY
@LANG
def check(book, as_json, rules_name, key_file, lang):
    """Check BOOK against its seals: exit 0 clean, 1 blocked, 2 cannot check."""
    with guarded(lang, as_json, book) as lang:
        from ..store import rulesets
        from ..text import report
        from . import ops
        read_as_saved(book, lang)
        with step("checking", lang):
            _, rep, _ = ops.check_file(book, rulesets.load(rules_name), key_file, lang)
        click.echo(report.as_json(rep) if as_json else report.as_text(rep, lang))
        sys.exit(0 if rep.clean else 1)


@main.command()
@click.argument("book", type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Where to write the repaired copy (never BOOK itself).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@RULES
@KEY
@LANG
def repair(book, out, force, rules_name, key_file, lang):
    """Put moved values back in their sealed rows, into a copy (--out)."""
    with guarded(lang, book=book) as lang:
        from ..store import rulesets
        from ..text import report
        from . import ops
        with step("repairing", lang):
            done = ops.repair_file(book, out, rulesets.load(rules_name), key_file, lang, force, waiting(out, lang))
        before, after, reentry = done
        T = t(lang)["cli"]
        if after is None and before.clean:
            echo(T["repair_nothing"].format(book=book))
            sys.exit(0)
        if after is None:
            echo(T["repair_none_possible"])
        else:
            form = "repaired" if not done.seals else "repaired_seals" if done.cells else "repaired_only_seals"
            echo(T[form].format(n=done.cells, k=done.seals, out=out))
        if done.left:
            click.echo(T["left_tied"].format(rows=row_ranges(done.left, lang=lang)))
        if not reentry.empty:
            click.echo(T["reentry_head"])
            for r in reentry.itertuples(index=False):
                click.echo(T["reentry_line"].format(row=r.row, cols=t(lang)["words"]["and"].join(r.column)))
        click.echo(report.as_text(after if after is not None else before, lang))
        sys.exit(0 if after is not None and after.clean else 1)


@main.command()
@click.argument("book", type=click.Path())
@click.option("--rows", "rows_text", default="", show_default="none", help="Rows to approve, e.g. 12-15,40.")
@click.option("--removed", "removed_text", default="", show_default="none",
              help="Sealed rows whose deletion is right, e.g. 40.")
@click.option("--reason", required=True, help="Why these rows are right (kept in the manifest and the log).")
@RULES
@KEY
@LANG
def approve(book, rows_text, removed_text, reason, rules_name, key_file, lang):
    """Re-seal chosen rows (added or corrected) with a reason; other seals stay."""
    with guarded(lang, book=book) as lang:
        from ..store import rulesets
        from . import ops
        rows, removed = parse_rows(rows_text, lang), parse_rows(removed_text, lang)
        if not rows and not removed:
            raise click.UsageError(t(lang)["cli"]["give_rows"])
        seals, m = ops.approve_file(book, rows, reason, rulesets.load(rules_name), key_file, removed, lang,
                                    waiting(book, lang))
        T = t(lang)["cli"]
        approved = ranges.decode(json.loads(m["approvals"])[-1]["rows"])
        click.echo(T["approved"].format(rows=row_ranges(approved, lang=lang) or "-") +
                   (T["approved_removed"].format(rows=row_ranges(removed, lang=lang)) if removed else ""))


@main.command()
@click.argument("book", type=click.Path())
@click.option("--to", "to", required=True, type=click.Path(file_okay=False),
              help="Folder for the export (a new dated folder is made inside it).")
@click.option("--format", "fmt_", type=click.Choice(["csv", "xlsx"]), default=None, show_default="the rules' format",
              help="File format.")
@click.option("--encoding", type=click.Choice(["cp932", "utf-8-sig"]), default=None,
              show_default="the rules' encoding", help="Text encoding of CSV files.")
@RULES
@KEY
@LANG
def export(book, to, fmt_, encoding, rules_name, key_file, lang):
    """Write one file per destination, only from a clean list: 0 written, 1 blocked, 2 cannot check."""
    with guarded(lang, book=book) as lang:
        from ..store import rulesets
        from ..text import report
        from . import ops
        read_as_saved(book, lang)
        try:
            with step("exporting", lang):
                folder, receipt, _ = ops.export_file(book, to, rulesets.load(rules_name), key_file,
                                                     fmt_, encoding, lang, waiting(book, lang))
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
              show_default="DONORGUARD_KEY_FILE, else your own key",
              help="Seal key file whose lines to check; repeat for a log written with several keys.")
@LANG
def audit_verify(log, key_files, lang):
    """Prove the audit log intact (chain, each line's MAC, head), or name the first broken line."""
    with guarded(lang) as lang:
        from ..store import audit, keys
        path = log or str(audit.default_path())
        if not os.path.isfile(path):
            raise DonorGuardError(t(lang)["cli"]["no_log"].format(path=path))
        found, no_key = [keys.read(k) for k in key_files], None
        if not found:
            try:
                found = [keys.find()]
            except DonorGuardError as e:       # needed only if the log is keyed: said below
                no_key = e
        verdict = audit.verify(path, found)
        if verdict.reason == "key" and no_key is not None:
            raise no_key
        click.echo(verdict.text(lang))
        if not verdict.ok:
            sys.exit(1)


@main.command("install-addin")
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=None,
              show_default="Excel's startup folder (XLSTART)", help="Folder to copy donorguard.xlam into.")
@click.option("--live-guard/--no-live-guard", default=True, show_default=True,
              help="Check a sealed list right after a sort, paste or fill in Excel.")
@LANG
def install_addin(folder, live_guard, lang):
    """Install the Excel add-in for this user and point it at this Python (on a Mac, also RunPython's script)."""
    with guarded(lang) as lang:
        from . import install
        dest, conf, script = install.install(folder, lang, live_guard)
        T = t(lang)["cli"]
        echo(T["installed"].format(dest=dest, conf=conf, python=sys.executable))
        if script is not None:
            echo(T["applescript"].format(path=script))


@main.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=None,
              show_default="Excel's startup folder (XLSTART)", help="Folder the add-in was installed in.")
@LANG
def doctor(folder, lang):
    """Check this PC's install for IT: each line ok, warn or fail with its fix; exit 0 when all are ok."""
    with guarded(lang) as lang:
        from . import doctor as doctor_mod
        sys.exit(doctor_mod.run(lang, folder, click.echo))


@main.command()
@LANG
@click.option("--keep", type=click.Path(file_okay=False), default=None, show_default="a new temporary folder",
              help="Folder to work in.")
def demo(lang, keep):
    """Seal the bundled sample, make the Kosai mistake, check, repair, check, export."""
    with guarded(lang) as lang:
        from . import demo as demo_mod
        sys.exit(demo_mod.run(lang, keep, click.echo))


def run(args=None):
    """The console script's entry: the command line's own mistakes in one sentence (usage.py)."""
    from .usage import run as run_group
    run_group(main, args)


if __name__ == "__main__":
    run()
