"""One running window per library: a QLockFile in the library folder, released when the window closes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

LOCK_NAME = "window.lock"


class LibraryInUse(Exception):
    """Another News Archive window has this library open; the message says so in plain words."""


class LibraryLock:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(folder / LOCK_NAME))
        # A lock left by a crashed window is taken over at once (Qt checks the pid and host).
        self._lock.setStaleLockTime(0)

    def acquire(self) -> None:
        if not self._lock.tryLock(200):
            info = self._lock.getLockInfo()  # (ok, pid, host, app) or, in some versions, (pid, host, app)
            pid = info[-3] if len(info) >= 3 else None
            who = f" (process {pid})" if isinstance(pid, int) and pid > 0 else ""
            raise LibraryInUse(
                f"The library at {self.folder} is already open in another News Archive window{who}.\n"
                "Switch to that window, or open a different library."
            )

    def release(self) -> None:
        self._lock.unlock()

    @staticmethod
    def free(folder: Path) -> bool:
        """Whether no running window holds the library's lock (one left by a crash counts as free)."""
        if not (folder / LOCK_NAME).exists():
            return True
        probe = QLockFile(str(folder / LOCK_NAME))
        probe.setStaleLockTime(0)
        if probe.tryLock(0):
            probe.unlock()
            return True
        return False
