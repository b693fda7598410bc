"""Small file jobs done in one place: atomic writes, the umask, SHA-256 of a file, and locks.

- atomic_write: a temporary file beside the target, fsynced, then renamed over it in one step; a failure or
  a kill leaves the target as it was. A symlink is followed: its target is replaced, the link stays.
- create_private: a new file only its owner can read (export files and receipts hold My Numbers).
- read_regular: a small file's bytes, refused before reading when it is not a regular file (a pipe would
  block the read forever, a device never ends) or is larger than the caller allows.
- lock: one writer per file at a time, keyed by the file's real path (two spellings of one file share a
  lock), held in a lock file beside it (or in the user's runtime folder when that folder is read-only),
  removed when released.
"""
from __future__ import annotations

import errno
import glob
import hashlib
import os
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..core.errors import Busy

SUFFIX = ".dgtmp"


def umask() -> int:
    """The process's umask (read without changing it for longer than the call)."""
    m = os.umask(0)
    os.umask(m)
    return m


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class NotRegular(OSError):
    """read_regular's refusal: `why` is "not_regular" or "too_large"."""

    def __init__(self, path: str | os.PathLike, why: str):
        super().__init__(errno.EINVAL, why, str(path))
        self.why = why


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Opened without blocking (a FIFO would wait for
    a writer), then checked on the open file itself, so what is read is what was checked."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(path, "not_regular")
        if st.st_size > limit:
            raise NotRegular(path, "too_large")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:                        # grew while being read
        raise NotRegular(path, "too_large")
    return data


def create_private(path: str | os.PathLike) -> BinaryIO:
    """A new file opened for writing that only its owner can read (0600 on POSIX, whatever the umask; on
    Windows the folder's access list decides). Never replaces an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    if os.name == "posix":
        os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def real(path: str | os.PathLike) -> Path:
    """The path with symlinks resolved (the file a write must replace)."""
    return Path(os.path.realpath(path))


@contextmanager
def atomic_write(path: str | os.PathLike, mode: int | None = None) -> Iterator[str]:
    """Yield a temporary path beside `path`; on success it replaces `path` in one step and the folder entry
    is flushed to disk. The new file gets `mode`, else the old file's mode, else 0666 less the umask.
    A temporary file of ours left there by a killed write is removed first (callers hold the file's lock)."""
    path = real(path)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*{SUFFIX}"):
        stale.unlink(missing_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=SUFFIX)
    except OSError as e:
        e.filename = str(path)
        raise
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if mode is None:
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        sync_folder(path.parent)
    except OSError as e:
        if e.filename is None or str(e.filename) == tmp:     # a full disk names the file, not our temporary one
            e.filename = str(path)
        raise
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomic(path: str | os.PathLike, data: bytes, mode: int | None = None) -> None:
    with atomic_write(path, mode) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)


def sync_folder(folder: str | os.PathLike) -> None:
    """fsync a folder so a rename in it survives a power cut (POSIX; Windows cannot open folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _lock_file(path: Path) -> Path:
    digest = hashlib.sha256(str(path).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    beside = path.parent / f".~{path.name}.donorguard.lock"
    if os.access(path.parent, os.W_OK):
        return beside
    from .places import runtime_dir
    return runtime_dir() / f"donorguard-{digest}.lock"


@contextmanager
def lock(path: str | os.PathLike, timeout: float = 10, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock of the file at `path` (by its real path). Waits up to `timeout` seconds, calling
    `on_wait` once if it has to wait; then raises Busy. The lock file is removed when released."""
    target = real(path)
    file = _lock_file(target)
    file.parent.mkdir(parents=True, exist_ok=True)
    release = _acquire(file, timeout, on_wait)
    if release is None:
        raise Busy(path=str(path))
    try:
        yield
    finally:
        release()


if os.name == "posix":
    import fcntl

    def _acquire(file: Path, timeout: float, on_wait):
        """flock the lock file; if the file was replaced or removed while we waited, try again on the new one.
        Released by removing the file, then unlocking: a waiter then finds its inode gone and retries."""
        deadline, told = time.monotonic() + timeout, False
        while True:
            fd = os.open(file, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            os.close(fd)
                            return None
                        if on_wait and not told:
                            told = True
                            on_wait()
                        time.sleep(0.05)
                try:
                    same = os.stat(file).st_ino == os.fstat(fd).st_ino
                except FileNotFoundError:
                    same = False
            except BaseException:
                os.close(fd)
                raise
            if same:
                def release(fd=fd):
                    try:
                        os.unlink(file)
                    except OSError:
                        pass
                    finally:
                        os.close(fd)
                return release
            os.close(fd)
else:  # Windows: filelock's lock file is deleted on release, and open files cannot be deleted
    from filelock import FileLock, Timeout

    def _acquire(file: Path, timeout: float, on_wait):
        lk = FileLock(str(file))
        try:
            lk.acquire(timeout=0)
        except Timeout:
            if on_wait:
                on_wait()
            try:
                lk.acquire(timeout=timeout)
            except Timeout:
                return None
        return lk.release
