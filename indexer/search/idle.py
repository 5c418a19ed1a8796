"""When the index's small segments are merged, and the merge's steps taken turn about with other writes.

`IdleMerge` belongs to one `SearchIndex` and runs every step on its writer thread. A merge starts once
the index has been idle IDLE_MERGE_S, or at once when a whole merge's worth of small segments waits (a
long import must not pile segments up: each holds memory and costs every search). Each step is one job
of the writer thread, and the next is queued behind whatever writes were asked for meanwhile, so a tag
waits for one step (see `merging.Merge`), never for a whole merge.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from indexer.search.merging import MAX_SEGMENTS, Merge, due

T = TypeVar("T")
IDLE_MERGE_S = 5.0


def gc_paused(job: Callable[[], T]) -> Callable[[], T]:
    """`job`, run with Python's cyclic garbage collector paused.

    A commit allocates hundreds of thousands of small objects, enough to set off a full collection,
    which walks every object of the process (an open 100,000-article index holds millions): 50 ms
    of a 0.6 s commit. Whatever cycles the commit leaves are collected after it.
    """

    def run() -> T:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return job()
        finally:
            if enabled:
                gc.enable()

    return run


class IdleMerge:
    """The merge of one index's small segments: the plan in progress (kept between steps) and its timer."""

    def __init__(self, index: Any) -> None:
        self._index = index  # the SearchIndex: its open index, writer thread and snapshot swap
        self.merge: Merge | None = None  # the merge in progress, kept between its steps
        self.queued = False  # a chain of steps is queued on the writer thread
        self._timer: threading.Timer | None = None

    def schedule(self) -> None:
        """After a write: merge once the index has been idle a moment, or now when a merge's worth waits."""
        self.cancel_timer()
        snap = self._index._snap
        if snap is not None and len(snap.leaves) > MAX_SEGMENTS and not self.queued:
            segments = [seg for seg in (getattr(leaf[0], "segment", lambda: None)() for leaf in snap.leaves) if seg]
            if len(due(segments)) >= MAX_SEGMENTS:
                self.start()
                return
        self._timer = threading.Timer(IDLE_MERGE_S, self.start)
        self._timer.daemon = True
        self._timer.start()

    def cancel_timer(self) -> None:
        if self._timer:
            self._timer.cancel()

    def start(self) -> None:
        """Queue the first step (from the timer's thread or a writer's); the steps then queue themselves."""
        if self._index._closed or self.queued:
            return
        self.queued = True
        try:
            self._index._writer.submit(self._chain)
        except RuntimeError:  # closed meanwhile
            self.queued = False

    def run_to_end(self) -> int:
        """Take every step now, each a job of the writer thread; returns the number taken."""
        steps = 0
        while self._index._run(gc_paused(self.step)):
            steps += 1
        return steps

    def _chain(self) -> None:
        more = False
        try:
            more = gc_paused(self.step)()
        finally:
            if more and not self._index._closed:
                try:
                    self._index._writer.submit(self._chain)
                except RuntimeError:  # closed meanwhile
                    more = False
            self.queued = more

    def step(self) -> bool:
        """Plan a merge if none is in progress, then take its next step (writer thread). True while there
        is more to do: the merge's remaining steps, or another merge's (each one leaves fewer segments)."""
        ix = self._index._ix
        merge = self.merge
        if merge is not None and merge.ix is not ix:  # the index was rebuilt or reopened meanwhile
            self.drop()
            merge = None
        if merge is None:
            if ix is None:
                return False
            segments = due(ix._read_toc().segments)
            if not segments:
                return False
            merge = self.merge = Merge(ix, segments)
        try:
            if merge.ready:
                self.merge = None
                committed = merge.commit()
                merge.drop()
                if committed:
                    self._index._committed(None)
                # Plan again after a merge (more may be due); not after one that could not commit, which
                # the next idle moment tries again.
                return committed
            if merge.step():
                return True
        except BaseException:
            self.drop()
            raise
        self.drop()
        return False

    def drop(self) -> None:
        """Give up the merge in progress, if any: its side folder goes, the index is as it was."""
        if self.merge is not None:
            self.merge.drop()
            self.merge = None
