"""The one home of atomic writes and locks: a failure leaves the original, a link keeps pointing at the
file it named, two spellings of one file share one lock, and no lock file is left behind."""
import os
import subprocess
import sys

import pytest

from donorguard.core.errors import Busy
from donorguard.store import fsio


def test_a_failed_write_leaves_the_original_and_no_temporary_file(tmp_path):
    target = tmp_path / "list.xlsx"
    target.write_bytes(b"original")
    with pytest.raises(RuntimeError):
        with fsio.atomic_write(target) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"half")
            raise RuntimeError("disk gone")
    assert target.read_bytes() == b"original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.xlsx"]


def test_a_write_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "list.xlsx"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    fsio.write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640
    fsio.write_atomic(tmp_path / "private", b"x", mode=0o600)
    assert (tmp_path / "private").stat().st_mode & 0o777 == 0o600


def test_a_symlink_keeps_pointing_at_its_file_which_is_replaced(tmp_path):
    real = tmp_path / "data" / "list.xlsx"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    fsio.write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_temporary_file_left_by_a_killed_write_is_cleared(tmp_path):
    target = tmp_path / "list.xlsx"
    stale = tmp_path / f".list.xlsx.abc123{fsio.SUFFIX}"
    stale.write_bytes(b"killed mid-write")
    fsio.write_atomic(target, b"new")
    assert not stale.exists() and target.read_bytes() == b"new"


HOLD = """
import sys, time
from donorguard.store import fsio
with fsio.lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(path, seconds):
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_two_spellings_of_one_file_share_one_lock(tmp_path):
    (tmp_path / "sub").mkdir()
    book = tmp_path / "list.xlsx"
    book.write_bytes(b"x")
    (tmp_path / "alias.xlsx").symlink_to(book)
    holder = _holder(tmp_path / "sub" / ".." / "alias.xlsx", 5)
    try:
        waited = []
        with pytest.raises(Busy):
            with fsio.lock(book, timeout=0.3, on_wait=lambda: waited.append(1)):
                pass
        assert waited == [1]
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_is_taken_once_released_and_leaves_no_file(tmp_path):
    book = tmp_path / "list.xlsx"
    book.write_bytes(b"x")
    holder = _holder(book, 0.3)
    with fsio.lock(book, timeout=30):        # waits for the holder, then takes the lock (no Busy)
        pass
    holder.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.xlsx"]


def test_sha256_of_a_file(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"abc")
    assert fsio.sha256_file(p) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_read_regular_refuses_pipes_folders_and_large_files_before_reading(tmp_path):
    small = tmp_path / "k.key"
    small.write_bytes(b"x" * 10)
    assert fsio.read_regular(small, 10) == b"x" * 10
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)                                   # opened without blocking, refused without a read
    folder = tmp_path / "folder"
    folder.mkdir()
    for path, why in ((small, "too_large"), (pipe, "not_regular"), (folder, "not_regular"),
                      ("/dev/zero", "not_regular")):
        with pytest.raises(fsio.NotRegular) as e:
            fsio.read_regular(path, 9)
        assert e.value.why == why and e.value.filename == str(path)


def test_create_private_is_owner_only_whatever_the_umask_and_never_replaces(tmp_path):
    old = os.umask(0)
    try:
        with fsio.create_private(tmp_path / "a.csv") as f:
            f.write(b"1")
    finally:
        os.umask(old)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        fsio.create_private(tmp_path / "a.csv")


def test_a_full_disk_names_the_file_not_the_temporary_one(tmp_path):
    from support import fill, small_fs
    with small_fs(tmp_path / "fs", "64k") as fs:
        target = fs / "list.xlsx"
        target.write_bytes(b"original")
        fill(fs)
        with pytest.raises(OSError) as e:
            fsio.write_atomic(target, b"y" * 100_000)
        assert e.value.filename == str(target) and target.read_bytes() == b"original"
        assert sorted(p.name for p in fs.iterdir()) == ["filler.bin", "list.xlsx"]
