"""Markers of work in progress that tell whether the process that made them is still running.

An import writes files into `files/` before the rows that name them, so a crash can leave files
without rows; the next open of the library removes those. But the library may be open in two
processes at once (the window and a CLI import), and a file stored by an import that is still
running must not be taken for debris. So each import holds a marker file with an OS lock on it
for as long as it runs: the lock goes with the process, whether it ends cleanly or is killed.
A marker whose lock can be taken belongs to a process that is gone.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


SUFFIX = ".running"


@contextmanager
def running(folder: Path, kind: str) -> Iterator[Path]:
    """Hold a marker `folder/<kind>-<id>.running` for the duration of the block.

    When the block raises, the marker is left behind unlocked, exactly as a crash would leave it:
    the work stopped half-way, and its leftovers are cleaned up like a crash's.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{uuid.uuid4().hex[:12]}{SUFFIX}"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        os.write(fd, str(os.getpid()).encode("ascii"))
        _try_lock(fd)
        yield path
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)  # releases the lock
    path.unlink(missing_ok=True)


def markers(folder: Path, kind: str) -> tuple[list[Path], int]:
    """(markers left by processes that are gone, number of markers whose process still runs)."""
    stale: list[Path] = []
    live = 0
    if not folder.is_dir():
        return stale, live
    for path in folder.glob(f"{kind}-*{SUFFIX}"):
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue  # finished meanwhile
        except OSError:
            live += 1  # cannot tell: assume it runs, which only delays a clean-up
            continue
        try:
            if _try_lock(fd):
                stale.append(path)
            else:
                live += 1
        finally:
            os.close(fd)
    return stale, live


if sys.platform == "win32":  # pragma: no cover - Windows has no shared locks: readers take turns too

    def _lock(fd: int, shared: bool) -> bool:
        return _try_lock(fd)

else:

    def _lock(fd: int, shared: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


@contextmanager
def locked(path: Path, *, shared: bool, timeout_s: float) -> Iterator[bool]:
    """Hold an OS lock on `path` (shared or exclusive) for the block; yields False if it stayed busy."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        delay = 0.02
        held = _lock(fd, shared)
        while not held and time.monotonic() < deadline:
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
            held = _lock(fd, shared)
        yield held
    finally:
        os.close(fd)  # releases the lock
