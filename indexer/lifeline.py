"""Worker processes that end when the process that started them ends, however it ends.

A crash, a force-quit or SIGKILL gives the parent no chance to stop its workers, and a worker
blocked on its job queue never notices on its own: it holds a write end of that queue's pipe
itself, so it never reads end-of-file. `tie_to_parent()`, called first thing in a worker, gives it
three ways to notice, so that none is left running (and holding memory) with no one to work for:

1. Linux: the kernel's parent-death signal (`prctl(PR_SET_PDEATHSIG, SIGKILL)`), immediate even
   while the worker is busy inside C code.
2. Every system: a daemon thread waits on the parent's sentinel that multiprocessing hands each
   child (a pipe on POSIX, the parent's process handle on Windows) and ends the worker when it fires.
3. POSIX: the same thread checks that the parent's id is still the worker's parent id; an orphan
   is adopted by another process (a forked worker's sentinel pipe may be held open by a sibling).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading

# How often the watching thread looks at the parent's id besides waiting on its sentinel.
POLL_S = 0.5
EXIT_CODE = 3  # what a worker that outlived its parent exits with (no one reads it; it names the cause)
_PR_SET_PDEATHSIG = 1


def tie_to_parent(*, kernel_signal: bool = True) -> None:
    """End this process as soon as its parent process ends. Call it once, first, in a worker process.

    `kernel_signal=False` leaves out the Linux signal (tests use it to exercise what other systems get)."""
    parent = multiprocessing.parent_process()
    parent_pid = parent.pid if parent is not None else os.getppid()
    if kernel_signal:
        _parent_death_signal()
    if os.name != "nt" and os.getppid() != parent_pid:
        os._exit(EXIT_CODE)  # the parent ended before the signal was asked for
    sentinel = parent.sentinel if parent is not None else None
    threading.Thread(target=_watch, args=(sentinel, parent_pid), name="parent-watch", daemon=True).start()


def _parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # an unusual libc: the watching thread still ends the worker
        pass


def _watch(sentinel: int | None, parent_pid: int | None) -> None:
    while True:
        if sentinel is not None:
            try:
                if multiprocessing.connection.wait([sentinel], timeout=POLL_S):
                    os._exit(EXIT_CODE)
            except OSError:
                os._exit(EXIT_CODE)  # the sentinel is gone with the parent
        else:
            threading.Event().wait(POLL_S)
        if os.name != "nt" and parent_pid is not None and os.getppid() != parent_pid:
            os._exit(EXIT_CODE)
