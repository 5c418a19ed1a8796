"""Work off the UI thread: one writer thread for every library change, one thread for searches.

A single-worker executor runs each function, and a signal brings the
result (or the error) back to the UI thread, where the callback runs. Workers never touch widgets.
Whoosh allows one writer, so imports, tags, bookmarks and renames all queue on the same thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class TaskRunner(QObject):
    """Runs functions one at a time on its own thread; callbacks come back on the UI thread."""

    finished = Signal(object)  # (future, on_done, on_error): emitted on the worker thread, delivered queued
    busy_changed = Signal(bool)
    failed = Signal(str)  # a task without its own error handler failed: the message for the status bar

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._pending = 0  # tasks whose callback has not run yet; touched on the UI thread only
        self._unfinished = 0  # tasks still running or queued; touched under the lock
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self.finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def run(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None) -> Future:
        self._pending += 1
        with self._lock:
            self._unfinished += 1
            self._idle.clear()
        if self._pending == 1:
            self.busy_changed.emit(True)
        future = self._executor.submit(fn)
        future.add_done_callback(lambda f: self._finished_on_worker(f, on_done, on_error))
        return future

    def _finished_on_worker(self, future: Future, on_done: Done | None, on_error: Failed | None) -> None:
        with self._lock:
            self._unfinished -= 1
            if self._unfinished == 0:
                self._idle.set()
        self.finished.emit((future, on_done, on_error))

    def _deliver(self, payload: tuple[Future, Done | None, Failed | None]) -> None:
        future, on_done, on_error = payload
        self._pending -= 1
        try:
            if future.cancelled():
                return
            error = future.exception()
            if error is not None:
                if on_error is not None:
                    on_error(error)
                else:
                    self.failed.emit(str(error) or type(error).__name__)
            elif on_done is not None:
                on_done(future.result())
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the queued work has run (its callbacks may still be on their way)."""
        return self._idle.wait(timeout)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


class LatestRunner(QObject):
    """A TaskRunner for requests where only the newest matters (searches as the user types).

    While one request runs, newer ones replace each other; the one left runs next. Results of a
    request that has since been replaced are dropped, so a slow old search never overwrites a new one.
    """

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(name, self)
        self._waiting: tuple[int, Callable[[], Any], Done, Failed | None] | None = None
        self._generation = 0
        self._running = False

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed | None = None) -> None:
        self._generation += 1
        self._waiting = (self._generation, fn, on_done, on_error)
        if not self._running:
            self._next()

    def cancel(self) -> None:
        """Forget queued requests and drop the result of the running one."""
        self._generation += 1
        self._waiting = None

    def _next(self) -> None:
        if self._waiting is None:
            return
        generation, fn, on_done, on_error = self._waiting
        self._waiting = None
        self._running = True

        def done(result: Any) -> None:
            self._running = False
            if generation == self._generation:
                on_done(result)
            self._next()

        def error(exc: BaseException) -> None:
            self._running = False
            if generation == self._generation and on_error is not None:
                on_error(exc)
            self._next()

        self.runner.run(fn, done, error)

    @property
    def busy(self) -> bool:
        return self._running or self._waiting is not None

    def shutdown(self) -> None:
        self.cancel()
        self.runner.shutdown()
