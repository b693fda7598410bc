"""The clock and the login name, read for the records a shell writes (manifest, audit log, receipts)."""
import getpass
from datetime import datetime, timezone

from ..core.manifest import Stamp


def now() -> str:
    """The local time with its offset, to the second (ISO 8601)."""
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts
        return "unknown"


def stamp() -> Stamp:
    return Stamp(now(), user())
