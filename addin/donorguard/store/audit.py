"""The audit log: append-only JSON lines, chained, each keyed, and a head file beside it.

Lines hold what was done, when, by whom, to which file (its SHA-256) and counts: never an ID, a name or an
address. Line n carries `line` (n), `prev` (SHA-256 of line n-1's bytes; 64 zeros for line 1) and `mac_key`
(the id of the seal key that wrote it), and ends with `mac`: keyed BLAKE2b of the line's bytes before
`, "mac"` (closed with `}`), under an audit key derived from the seal key, never the seal key itself. So an
edited line fails its own MAC and is named exactly, and nobody without the key can re-chain the log.

LOG.head holds the line count and the SHA-256 of the last line, MACed the same way and rewritten
atomically under the log's lock: removing the last lines, or editing the last one, shows against it.
Lines written before the log was keyed (no `mac`) still verify by their chain: the first keyed line after
them pins them all through `prev`.

Write-ahead (action): an action that changes a file first writes its intent (`phase: intent`), then does
the action, then writes its outcome (`phase: done` or `failed`, with `intent`: the intent's line). If the
intent cannot be written, the action is refused before anything changes (AuditUnwritable); if the outcome
cannot be written, the action is done and the message says so (AuditOutcomeUnwritten). A line is written
whole or not at all: a failed append or head write is cut back off the log. An intent with no outcome after
it is an action that was interrupted (or whose outcome could not be written): the file's SHA-256 before it
is in the intent.
"""
from __future__ import annotations

import errno as errnos
import hashlib
import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from .. import __version__
from ..core.errors import ActionUnfinished, AuditOutcomeUnwritten, AuditUnwritable
from ..text import t
from ..text.scrub import scrub
from . import settings
from .fsio import lock, write_atomic
from .places import log_dir
from .stamp import now, user

if TYPE_CHECKING:
    from ..core.rules import Rules
    from .keys import Key

GENESIS = "0" * 64
_MACED = re.compile(rb'^(\{.*), "mac": "([0-9a-f]{64})"\}$')


def default_path(rules: Rules | None = None) -> Path:
    """DONORGUARD_AUDIT_LOG, else the rule set's audit_log, else the settings' audit_log, else the user's log folder."""
    p = os.environ.get("DONORGUARD_AUDIT_LOG") or (rules.audit_log if rules else None) or settings.current().audit_log
    return Path(p) if p else log_dir() / "audit.jsonl"


@contextmanager
def logging_to(path: str | os.PathLike) -> Iterator[Path]:
    """In this process, the log is `path` (as DONORGUARD_AUDIT_LOG), then whatever it was: for work whose lines
    must not reach the user's log, such as the demo's."""
    saved = os.environ.get("DONORGUARD_AUDIT_LOG")
    os.environ["DONORGUARD_AUDIT_LOG"] = str(path)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("DONORGUARD_AUDIT_LOG", None)
        else:
            os.environ["DONORGUARD_AUDIT_LOG"] = saved


def head_path(log: str | os.PathLike) -> Path:
    return Path(str(log) + ".head")


def audit_key(key: Key) -> bytes:
    """The MAC key of the audit log: derived from the seal key's secret for this one purpose."""
    return hashlib.blake2b(key.secret, digest_size=32, person=b"DG-audit").digest()


def _mac(akey: bytes, body: bytes, what: bytes) -> str:
    return hashlib.blake2b(body, key=akey, digest_size=32, person=b"DG-audit-" + what).hexdigest()


def _sealed(entry: dict, key, what: bytes) -> bytes:
    """The entry as one JSON line (sorted keys), with its MAC appended last when there is a key."""
    body = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8")
    if key is None:
        return body
    return body[:-1] + b', "mac": "' + _mac(audit_key(key), body, what).encode() + b'"}'


def _unseal(raw: bytes, macs: dict, what: bytes):
    """(dict or None, MAC state): 'none' without a MAC, 'ok', 'bad', or the unknown key's id."""
    try:
        d = json.loads(raw)
    except ValueError:
        return None, "bad"
    if not isinstance(d, dict):
        return None, "bad"
    if "mac" not in d:
        return d, "none"
    m = _MACED.match(raw)
    kid = d.get("mac_key")
    if not m or not isinstance(kid, str):
        return d, "bad"
    if kid not in macs:
        return d, kid
    return d, "ok" if _mac(macs[kid], m.group(1) + b"}", what) == m.group(2).decode() else "bad"


def _tail(path: Path) -> list:
    """The last two lines (bytes), fewer if the log is shorter."""
    if not path.exists() or path.stat().st_size == 0:
        return []
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(size - min(size, 1 << 16))
        return f.read().rstrip(b"\n").split(b"\n")[-2:]


def _read_head(log: Path, macs: dict):
    """(head dict or None, MAC state as _unseal, or 'missing')."""
    try:
        raw = head_path(log).read_bytes().rstrip(b"\n")
    except FileNotFoundError:
        return None, "missing"
    d, state = _unseal(raw, macs, b"head")
    if d is None or not isinstance(d.get("lines"), int) or not isinstance(d.get("last"), str):
        return None, "bad"
    return d, state


def _head_note(log: Path, tail: list, last_n: int, key):
    """Why the head does not vouch for the log's end as found, or None: 'missing' or 'mismatch'."""
    if not tail or b'"mac": "' not in tail[-1]:
        return None                                                   # empty or still unkeyed: no head yet
    head, state = _read_head(log, {key.id: audit_key(key)})
    if head is None or state == "bad":
        return "missing" if state == "missing" else "mismatch"
    ends = {last_n: tail[-1]}
    if len(tail) == 2:
        ends[last_n - 1] = tail[0]                # a record killed between its line and its head
    line = ends.get(head["lines"])
    return None if line is not None and hashlib.sha256(line).hexdigest() == head["last"] else "mismatch"


def _write_head(log: Path, lines: int, last: bytes, key) -> None:
    data = _sealed({"lines": lines, "last": hashlib.sha256(last).hexdigest(), "mac_key": key.id}, key, b"head")
    write_atomic(head_path(log), data + b"\n")


def _number(tail: list, log: Path) -> int:
    """The number of the log's last line: from the line itself, or counted in a log from before numbering."""
    if not tail:
        return 0
    try:
        n = json.loads(tail[-1]).get("line")
        if isinstance(n, int):
            return n
    except (ValueError, AttributeError):
        pass
    with open(log, "rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))


_VERBATIM = ("prev", "mac", "mac_key", "key_id", "time")     # hashes and ids: never a person's data


def record(event: str, path: str | os.PathLike | None = None, rules: Rules | None = None, key: Key | None = None,
           **fields) -> dict:
    """Append one event, MACed with `key` (the seal key) and the head rewritten; returns what was written.
    Text fields pass through scrub (a file name may hold a My Number). Raises OSError, the log as it was
    before, if the line or the head cannot be written.

    Without a key the line has no MAC (as before the log was keyed) and `audit verify` will say so."""
    log = default_path(rules)
    log.parent.mkdir(parents=True, exist_ok=True)
    with lock(log, timeout=30):
        tail = _tail(log)
        n = _number(tail, log) + 1
        entry = {"time": now(), "event": event, "user": scrub(user()), "tool_version": __version__, "line": n,
                 "prev": hashlib.sha256(tail[-1]).hexdigest() if tail else GENESIS}
        entry.update({k: v if k in _VERBATIM or k.endswith("sha256") else scrub(v) for k, v in fields.items()})
        if key is not None:
            entry["mac_key"] = key.id
            note = _head_note(log, tail, n - 1, key)
            if note:
                entry["head"] = note               # the head did not vouch for the lines before: say so, MACed
        entry.pop("mac", None)
        line = _sealed(entry, key, b"line")
        _append(log, line, lambda: key is not None and _write_head(log, n, line, key))
    return entry


def _append(log: Path, line: bytes, then) -> None:
    """Append `line` and fsync it, then call `then` (the head); if either fails, cut the log back to its
    length before and raise: a line is in the log whole, with its head, or not at all."""
    with open(log, "ab") as f:
        size = f.tell()
        try:
            f.write(line + b"\n")
            f.flush()
            os.fsync(f.fileno())
            then()
        except BaseException:
            try:
                f.truncate(size)
                os.fsync(f.fileno())
            except OSError:
                pass
            raise


def refusal(event: str, rules: Rules | None = None, key: Key | None = None, **fields) -> dict:
    """Record a refusal (nothing was changed, e.g. a blocked export); AuditUnwritable if it cannot be."""
    try:
        return record(event, rules=rules, key=key, **fields)
    except OSError as e:
        raise AuditUnwritable(**_why(e, rules)) from None


class Outcome(dict):
    """What an action's body puts into its done line; `committed` once the change is written (say so right
    after the write that commits it: a failure after that point must not be told as nothing changed)."""
    committed = False


@contextmanager
def action(event: str, rules: Rules | None = None, key: Key | None = None, **fields) -> Iterator[Outcome]:
    """Write-ahead for an action that changes a file: the intent line (with `fields`), then the body, then
    the outcome line with what the body put into the Outcome it is given. Refused with AuditUnwritable, before
    the body runs, if the intent cannot be written; AuditOutcomeUnwritten if the body succeeded but its
    outcome cannot be written. A body that raises gets a `failed` line (if it can be written) naming the
    error's kind, and its error goes on; raised after the body said it committed, the error becomes
    ActionUnfinished (the change was made) and the failed line says `written`."""
    try:
        intent = record(event, rules=rules, key=key, phase="intent", **fields)
    except OSError as e:
        raise AuditUnwritable(**_why(e, rules)) from None
    outcome = Outcome()
    try:
        yield outcome
    except BaseException as e:
        after = {"written": True} if outcome.committed else {}
        try:
            record(event, rules=rules, key=key, phase="failed", intent=intent["line"], error=type(e).__name__,
                   **after)
        except OSError:
            pass
        if outcome.committed and not isinstance(e, (ActionUnfinished, SystemExit)):
            raise ActionUnfinished(action=event, **_cause(e)) from e
        raise
    try:
        record(event, rules=rules, key=key, phase="done", intent=intent["line"], **outcome)
    except OSError as e:
        raise AuditOutcomeUnwritten(action=event, **_why(e, rules)) from None


def _why(e: OSError, rules) -> dict:
    """The log and why it cannot be written."""
    return {"log": str(default_path(rules)), **_cause(e)}


def _cause(e: BaseException) -> dict:
    """errno's name (the catalogue says it in words; INTERRUPTED for Ctrl+C) and the system's own words."""
    name = "INTERRUPTED" if isinstance(e, KeyboardInterrupt) else \
        errnos.errorcode.get(getattr(e, "errno", None) or 0, "")
    return {"why": getattr(e, "strerror", None) or type(e).__name__, "errno": name}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    says: str                  # its sentence: a key of the catalogue's "audit" section
    args: dict                 # the sentence's fields; "why" / "what" name another key of that section
    line: int | None = None    # the first broken line, 1-based
    reason: str = "intact"     # intact, unkeyed, edited, removed, order, unmaced, key, head

    def text(self, lang: str | None = None) -> str:
        """One sentence for the user in the chosen language."""
        T = t(lang)["audit"]
        args = dict(self.args)
        for part in ("why", "what"):
            if part in args:
                key, fields = args[part]
                args[part] = T[key].format(**fields)
        return T[self.says].format(**args)


def _broken(n, reason, why, after=False, **fields) -> Verdict:
    return Verdict(False, "broken_after" if after else "broken_at", {"line": n, "why": (why, fields)}, n, reason)


def _other_key(n, kid, what="its_mac", **fields) -> Verdict:
    return Verdict(False, "cannot_check", {"line": n, "key": kid[:4], "what": (what, fields)}, n, "key")


def _check_line(n, d, state, prev, keyed, before, written):
    """The verdict on line n if it breaks the log, else None. `before`: line n-1's bytes; `written`: the
    number each line of the log was written as (None if it has none)."""
    if d is None or not isinstance(d.get("prev"), str):
        return _broken(n, "edited", "not_a_line")
    if state == "bad":
        return _broken(n, "edited", "mac_mismatch")
    if state not in ("ok", "none"):
        return _other_key(n, state)
    if state == "none" and keyed:
        return _broken(n, "unmaced", "unmaced")
    at = d.get("line")
    if isinstance(at, int) and at > n and not set(written[n:]) & set(range(n, at)):   # none of them later
        return _broken(n, "removed", "removed_before_one" if at - n == 1 else "removed_before", k=at - n, at=at)
    if isinstance(at, int) and at != n:
        return _broken(n, "order", "order_was", at=at)
    if d["prev"] != prev:
        if n == 1:
            return _broken(1, "edited", "prev_not_start")
        if state == "none":
            return _broken(n - 1, "edited", "edited_or_prev", next=n)
        if before is not None and b'"mac": "' not in before:
            return _broken(n - 1, "edited", "keyed_prev", next=n)
        return _broken(n, "order", "not_follow", prev=n - 1)
    if state == "ok" and d.get("head"):
        why = "head_when_missing" if d["head"] == "missing" else "head_when_mismatch"
        return _broken(n - 1, "head", why, next=n, line=n - 1)
    return None


def _check_head(log, n, hashes, macs) -> Verdict | None:
    head, state = _read_head(log, macs)
    name = head_path(log).name
    if state == "missing":
        return _broken(n, "head", "head_gone", after=True, name=name)
    if head is None or state == "bad" or state == "none":
        return _broken(n, "head", "head_edited", after=True, name=name)
    if state != "ok":
        return _other_key(n, state, "head_mac", name=name)
    lines = head["lines"]
    if lines > n:
        gone = "head_all_removed" if n == 0 else "head_removed_one" if lines - n == 1 else "head_removed"
        return _broken(n, "head", gone, after=True, k=lines - n, name=name, lines=lines)
    if lines < n - 1:
        return _broken(lines, "head", "head_fewer", after=True, name=name, lines=lines, n=n)
    if hashes.get(lines) != head["last"]:
        return _broken(lines, "head", "head_other", name=name, line=lines)
    return None


def verify(path: str | os.PathLike, keys: Iterable[Key] = ()) -> Verdict:
    """Whether the log is intact, by its chain, each line's MAC (given the seal keys) and its head file."""
    log = Path(path)
    macs = {k.id: audit_key(k) for k in keys}
    with open(log, "rb") as f:
        raw = f.read().split(b"\n")
    if raw[-1] == b"":
        raw.pop()
    found = [_unseal(line, macs, b"line") for line in raw]
    written = [d.get("line") if d is not None and isinstance(d.get("line"), int) else None for d, _ in found]
    prev, before, keyed, n = GENESIS, None, False, 0
    hashes = {}                                    # the last two lines' SHA-256, by number, for the head
    for n, (line, (d, state)) in enumerate(zip(raw, found), start=1):
        bad = _check_line(n, d, state, prev, keyed, before, written)
        if bad:
            return bad
        keyed = keyed or state == "ok"
        prev, before = hashlib.sha256(line).hexdigest(), line
        hashes = {n - 1: hashes.get(n - 1), n: prev}
    intact = Verdict(True, "intact_one" if n == 1 else "intact", {"n": n})
    if keyed or head_path(log).exists():
        return _check_head(log, n, hashes, macs) or intact
    if n == 0:
        return intact
    return Verdict(False, "unkeyed", {"n": n}, None, "unkeyed")
