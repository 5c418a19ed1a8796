"""The import orchestrator: the one place that runs the stages in order and owns their errors.

1. walk     — `walk.walk` turns dropped paths into inputs (files, folder contents, zip entries)
2. read     ┐
3. decode   │ `pipeline.prepare`, in worker processes (`workers.py`) when there is enough work to
4. extract  │ share: extraction is CPU-bound and both cores are worth having. The command line starts
5. sanitise ┘ them before the library opens (forked where safe), the window when the import starts
6. store    — here, in this process only (one writer): files first, then one SQLite transaction
              per article with its import-log row
7. index    — the library's search index, one commit per batch

A failing input gets an import-log row with its one-line reason and the batch goes on. Inputs are
streamed: only a handful are in flight at once, so 10,000 files need no more memory than 10.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from indexer.model import ArticleDraft, ImportFailure, ImportOutcome, ImportReport, LibraryError
from indexer.store.catalog import add_marks, fill_in_link, insert_article, match_existing
from indexer.store.database import Database, now_iso
from indexer.store.files import FileStore

from .walk import Item, Refused, Skipped, Source, walk
from .workers import ExtractionPool, prepare_safely

log = logging.getLogger(__name__)

# Below this many inputs, starting worker processes costs more than it saves.
POOL_THRESHOLD = 6
INDEX_BATCH = 100
# A smaller batch goes to the index as soon as it is idle: what is left to index once the last page is
# stored (while the workers have nothing left to do) stays small.
INDEX_EARLY = 25
# Finished inputs stored in one transaction at most; a run holds only what was ready, so small imports
# and slow pages still store (and report) each article as it comes.
STORE_BATCH = 32
# Inputs handed to the workers ahead of the one being waited for, per worker.
WINDOW_PER_WORKER = 4


@dataclass(frozen=True)
class ImportProgress:
    done: int
    total: int
    current: str
    imported: int
    duplicates: int
    failed: int
    elapsed_s: float

    @property
    def rate(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0


ProgressCallback = Callable[[ImportProgress], None]
Finished = tuple[Item, "ArticleDraft | ImportFailure | None"]
CancelCheck = Callable[[], bool]
IndexCallback = Callable[[list[int]], None]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


class Importer:
    """Runs one import into a library's database, file store and (through a callback) its index."""

    def __init__(self, db: Database, files: FileStore, on_stored: IndexCallback) -> None:
        self.db = db
        self.files = files
        self.on_stored = on_stored
        self.remarked: set[int] = set()  # articles already there that gained tags, a bookmark or highlights

    def run(
        self,
        paths: Iterable[str | Path],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
        workers: int | None = None,
        pool: ExtractionPool | None = None,
    ) -> ImportReport:
        """Import `paths`; `pool`, when given, holds workers started ahead (the caller shuts it down)."""
        paths = list(paths)
        total = sum(1 for _ in walk(paths))
        report = ImportReport()
        started = time.monotonic()
        pending_index: list[int] = []
        counts = {"imported": 0, "duplicate": 0, "failed": 0, "skipped": 0}
        workers = default_workers() if workers is None else workers

        feeder = _IndexFeeder(self.on_stored)

        def record(outcome: ImportOutcome) -> None:
            report.outcomes.append(outcome)
            counts[outcome.status] += 1
            if outcome.id is not None and (outcome.status == "imported" or outcome.id in self.remarked):
                pending_index.append(outcome.id)
                if len(pending_index) >= INDEX_BATCH or (len(pending_index) >= INDEX_EARLY and feeder.idle()):
                    feeder.feed(list(pending_index))
                    pending_index.clear()
            if progress:
                progress(
                    ImportProgress(
                        len(report.outcomes),
                        total,
                        outcome.path,
                        counts["imported"],
                        counts["duplicate"],
                        counts["failed"],
                        time.monotonic() - started,
                    )
                )

        try:
            for batch in self._results(paths, total, workers, pool):
                try:
                    outcomes = self._store(batch)
                except (OSError, sqlite3.OperationalError) as exc:
                    # The library itself cannot take more (a full disk, a vanished USB stick): every
                    # remaining file would fail the same way, so stop now. What is stored stays.
                    raise LibraryError(_storage_problem(exc, counts["imported"], total)) from exc
                for outcome in outcomes:
                    record(outcome)
                if cancel and cancel():
                    report.cancelled = True
                    break
        except BaseException:
            if pending_index:
                feeder.feed(pending_index)
            feeder.finish(raise_errors=False)  # their index_pending rows stay; the next open indexes them
            raise
        if pending_index:
            feeder.feed(pending_index)
        # An index failure costs no article: their index_pending rows stay and the next open indexes them.
        feeder.finish(raise_errors=False)
        return report

    def _results(
        self, paths: list[str | Path], total: int, workers: int, given: ExtractionPool | None
    ) -> Iterator[list[Finished]]:
        """The inputs with their prepared drafts, in input order, in runs: whatever the workers have finished
        by the time the first of a run is, up to STORE_BATCH, so that one transaction stores them."""
        if given is None and (workers <= 1 or total < POOL_THRESHOLD):
            for item in walk(paths):
                yield [(item, prepare_safely(item) if isinstance(item, Source) else None)]
            return
        pool = given or ExtractionPool(workers)
        window: deque[tuple[Item, Future | None]] = deque()
        inputs = walk(paths)
        exhausted = False

        def fill() -> None:
            nonlocal exhausted
            while not exhausted and len(window) < pool.workers * WINDOW_PER_WORKER:
                upcoming = next(inputs, None)
                if upcoming is None:
                    exhausted = True
                else:
                    window.append((upcoming, pool.submit(upcoming) if isinstance(upcoming, Source) else None))

        try:
            fill()
            while window:
                run: list[Finished] = []
                while window and len(run) < STORE_BATCH:
                    item, future = window[0]
                    if run and future is not None and not future.done():
                        break
                    window.popleft()
                    result = None if future is None else pool.result(future)
                    if pool.broken:
                        # The pool died under this input; the others in flight are innocent: run them again.
                        pool.restart()
                        window = deque((i, None if f is None else pool.submit(i)) for i, f in window)  # type: ignore[arg-type]
                    run.append((item, result))
                    fill()  # the workers stay busy while the run is stored
                yield run
        finally:
            if given is None:
                pool.shutdown()

    def _store(self, run: list[Finished]) -> list[ImportOutcome]:
        """The outcomes of a run of inputs, stored in one transaction with their import-log rows.

        Rows first, then the files they name, written and flushed together before the transaction
        commits: a crash leaves either the whole run stored or none of it (and at most files that
        no row names, which the next open removes).
        """
        if all(isinstance(item, Skipped) for item, _ in run):
            return [_skipped(item) for item, _ in run]  # type: ignore[arg-type]
        outcomes: list[ImportOutcome] = []
        blobs: dict[str, bytes] = {}
        remarked: set[int] = set()
        with self.db.transaction() as conn:
            for item, result in run:
                if isinstance(item, Skipped):
                    outcomes.append(_skipped(item))
                    continue
                if isinstance(item, Refused):
                    outcome = ImportOutcome(item.display, "failed", error=item.reason, container=item.container)
                elif isinstance(result, ImportFailure):
                    reason = str(result) or "unreadable"
                    outcome = ImportOutcome(item.display, "failed", error=reason, container=item.container)
                elif result is not None:
                    outcome = self._store_one(conn, item.display, result, blobs, remarked)
                    outcome.container = item.container
                else:
                    continue
                conn.execute(
                    "INSERT INTO import_log(at, path, status, article_id, error) VALUES (?, ?, ?, ?, ?)",
                    (now_iso(), outcome.path, outcome.status, outcome.id, outcome.error),
                )
                outcomes.append(outcome)
            self.files.put_all((data, digest) for digest, data in blobs.items())
        self.remarked |= remarked
        return outcomes

    def _store_one(
        self, conn: sqlite3.Connection, display: str, draft: ArticleDraft, blobs: dict[str, bytes], remarked: set[int]
    ) -> ImportOutcome:
        """One draft's rows; the files it needs are added to `blobs` for the caller to store before commit."""
        title = draft.extracted.title
        match = match_existing(conn, draft)
        if match.kind in ("same-file", "same-text", "same-link"):
            if match.article_id is not None and add_marks(conn, match.article_id, draft):
                remarked.add(match.article_id)
            return ImportOutcome(display, "duplicate", id=match.article_id, title=title, link_only=draft.link_only)
        for blob in (draft.original, *draft.resources):
            blobs.setdefault(blob.sha256, blob.data)
        if match.kind == "fill-in" and match.article_id is not None:
            article = fill_in_link(conn, match.article_id, draft)
        else:
            previous = match.article_id if match.kind == "new-version" else None
            article = insert_article(conn, draft, imported_at=now_iso(), previous=previous)
        return ImportOutcome(display, "imported", id=article, title=title, link_only=draft.link_only)


def _skipped(item: Skipped) -> ImportOutcome:
    """Records of a container that are not articles: counted in the report, not written to the import log."""
    return ImportOutcome(item.display, "skipped", error=item.reason, container=item.display, count=item.count)


def is_disk_full(exc: BaseException) -> bool:
    """Whether an error means the disk (or the user's quota) is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return True
    return isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc).lower()


def _storage_problem(exc: BaseException, imported: int, total: int) -> str:
    kept = f"the import stopped after {imported} new article(s) of {total} file(s), and those are kept"
    if is_disk_full(exc):
        return f"the disk is full: {kept}. Free some space and import again to add the rest."
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return f"cannot write to the library ({reason}): {kept}."


class _IndexFeeder:
    """Hands stored articles to the search index on a thread of its own.

    Index commits cost as much as storing the articles did; overlapping them with the storing
    loop keeps the single writer busy with SQLite while Whoosh works. Batches stay in order.
    """

    def __init__(self, write: IndexCallback) -> None:
        self._write = write
        self._executor: ThreadPoolExecutor | None = None
        self._futures: list[Future] = []

    def idle(self) -> bool:
        """Whether no batch is waiting or being written."""
        return all(f.done() for f in self._futures)

    def feed(self, ids: list[int]) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="index-feeder")
        self._futures = [f for f in self._futures if not f.done() or f.exception() is not None]
        self._futures.append(self._executor.submit(self._write, ids))

    def finish(self, raise_errors: bool = True) -> None:
        if self._executor is None:
            return
        self._executor.shutdown(wait=True)
        self._executor = None
        errors = [f.exception() for f in self._futures if f.exception() is not None]
        self._futures = []
        for error in errors:
            log.warning("search index update failed; it will be redone on next open: %s", error)
        if errors and raise_errors:
            raise errors[0]  # type: ignore[misc]
