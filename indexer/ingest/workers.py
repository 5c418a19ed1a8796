"""The worker processes that extract articles (stages 2-5 of an import), started before they are needed.

Starting a worker costs more than extracting a page: a fresh interpreter imports the whole extraction
stack (lxml, trafilatura, its date and language helpers). Where it is safe, the workers are therefore
forked from a process that has imported that stack once, so they start with it loaded and shared:

- fork on Linux, and only while the process runs a single thread (forking a process with other
  threads can leave a lock held forever in the child) and has not loaded Qt (whose threads Python
  cannot see);
- spawn everywhere else (macOS and Windows, the window's import thread, a pool restarted while the
  import's own threads run), which starts each worker as a fresh interpreter.

The command line starts the pool before it opens the library (`ExtractionPool.start`), so the
workers are forked while nothing of the library is open yet (no database or lock file handle is
shared with them) and they are ready when the first page is. A worker ends with the process that
started it, however that ends (`indexer.lifeline`), and leaves Ctrl+C to it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from indexer.lifeline import tie_to_parent
from indexer.model import ArticleDraft, ImportFailure

from .pipeline import prepare
from .walk import Source

# A page that keeps an extractor busy this long is a pathological page, not a slow one.
PAGE_TIMEOUT_S = 120


def _start_worker() -> None:
    """A worker ends with the process that started it (a crash or force-quit included), and leaves Ctrl+C
    to that process, which stops cleanly after the current article."""
    tie_to_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def prepare_safely(source: Source) -> ArticleDraft | ImportFailure:
    """`prepare`, with any failure turned into a reason: one bad page must not end the batch."""
    try:
        return prepare(source)
    except ImportFailure as exc:
        return exc
    except RecursionError:
        return ImportFailure("page is nested too deeply to read")
    except MemoryError:
        return ImportFailure("page is too large to read in the memory available")
    except Exception as exc:  # an extractor bug must cost one file, not the import
        return ImportFailure(f"could not extract the article ({type(exc).__name__}: {exc})".splitlines()[0][:300])


def _ready() -> int:
    return os.getpid()


def _threads() -> int:
    """Threads this process runs, native ones included where the system tells (Linux)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def fork_is_safe() -> bool:
    """Whether workers may be forked from this process now (see the module's docstring)."""
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and not any(name.split(".")[0] == "PySide6" for name in sys.modules)
        and _threads() == 1
    )


# A small article, extracted once before forking: whatever extraction imports or builds on first use
# (trafilatura, htmldate, jusText's stop lists, compiled patterns) is then in every forked worker.
_WARM_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Ferry fares rise</title>"
    "<meta property='og:title' content='Ferry fares rise'>"
    "<meta property='article:published_time' content='2024-03-01T09:00:00Z'></head><body><article>"
    "<h1>Ferry fares rise</h1><p class='byline'>By Maren Holt</p><time datetime='2024-03-01'>1 March 2024</time>"
    + "".join(
        f"<p>The harbour board raised the winter fares for the {n} crossing on Friday, and commuters said the "
        "timetable would not get better for it, whatever the council's review finds next year.</p>"
        for n in ("first", "second", "third", "fourth", "last")
    )
    + "</article></body></html>"
).encode("utf-8")


def _preload() -> None:
    """Run one extraction here, so that forked workers start with everything it loads already loaded."""
    from .pipeline import draft_from_saved
    from .read import read_saved

    try:
        draft_from_saved(read_saved(_WARM_PAGE, "warm.html"), "warm.html", _WARM_PAGE)
    except Exception:  # noqa: BLE001 - warming is an optimisation; a worker loads what it needs itself
        pass


class ExtractionPool:
    """Worker processes for extraction, replaced when one dies or an input hangs."""

    def __init__(self, workers: int, *, may_fork: bool = False) -> None:
        self.workers = workers
        self.broken = False
        self.method = ""
        self._may_fork = may_fork
        self._pool = self._start()
        # Only the first start may fork: a pool restarted later runs beside the library's open files.
        self._may_fork = False

    @classmethod
    def start(cls, workers: int) -> ExtractionPool:
        """A pool whose workers start now, forked when that is safe: call it before anything else is opened."""
        pool = cls(workers, may_fork=True)
        # A forking pool forks all its workers on its first job: do it while this process has one thread.
        # A spawning one starts a worker per job: this starts the first one early.
        pool._pool.submit(_ready)
        return pool

    def _start(self) -> ProcessPoolExecutor:
        self.method = "fork" if self._may_fork and fork_is_safe() else "spawn"
        if self.method == "fork":
            _preload()
        context = multiprocessing.get_context(self.method)
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker)

    def submit(self, source: Source) -> Future:
        return self._pool.submit(prepare_safely, source)

    def result(self, future: Future) -> ArticleDraft | ImportFailure:
        try:
            return future.result(timeout=PAGE_TIMEOUT_S)
        except BrokenProcessPool:
            self.broken = True
            return ImportFailure("the extractor stopped on this file (it ran out of memory or crashed)")
        except FutureTimeout:
            self.broken = True
            return ImportFailure(f"extraction took longer than {PAGE_TIMEOUT_S} s; skipped")

    def restart(self) -> None:
        self.shutdown(kill=True)
        self._pool = self._start()
        self.broken = False

    def shutdown(self, kill: bool = False) -> None:
        if kill:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)
