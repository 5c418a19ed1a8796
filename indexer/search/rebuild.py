"""A whole index written at once (a rebuild): segments filled by worker processes, committed together.

The calling process reads the documents once, in order. A big archive's are sent in batches to worker
processes forked from it, each filling `BulkWriter` segments of its own and reporting each segment it
closes; a small one is written in the calling process. The new segments are committed in one TOC, so a
rebuild that fails leaves no half-written index behind.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Iterable
from typing import Any

from whoosh.index import TOC, LockError, clean_files

from indexer.lifeline import tie_to_parent
from indexer.search.schema import IndexDoc, fields_of
from indexer.search.storage import BulkWriter

# Documents per segment of a rebuild, shared among the worker processes; storage.LIMIT_MB closes a segment
# sooner. Fewer segments answer faster (each costs its own term lookups): at 100,000 articles 25,000
# gave 8 segments and 50,000 gives 5 (LIMIT_MB decides), query mix p95 40-52 -> 31-32 ms, peak 505 -> 599 MB.
CHUNK = 50_000
SMALL_BUILD = 2_000  # below this a rebuild is not worth starting worker processes


def write_all(ix: Any, docs: Iterable[IndexDoc], procs: int) -> int:
    """Add every document as new segments and commit them at once; worker processes for a big archive.

    Each writer closes a segment when it has held CHUNK documents or storage.LIMIT_MB of postings, which
    bounds the memory of a writer process whatever the size of the archive.
    """
    lock = ix.lock("WRITELOCK")
    if not lock.acquire():
        raise LockError
    try:
        it = iter(docs)
        first: list[IndexDoc] = []
        for doc in it:
            first.append(doc)
            if len(first) >= SMALL_BUILD:
                break
        if len(first) >= SMALL_BUILD and procs > 1:
            count, segments = _write_parallel(ix, _chain(first, it), procs)
        else:
            count, segments = _write_serial(ix, _chain(first, it))
        info = ix._read_toc()
        TOC(info.schema, info.segments + segments, info.generation + 1).write(ix.storage, ix.indexname)
        clean_files(ix.storage, ix.indexname, info.generation + 1, info.segments + segments)
    finally:
        ix.storage.temp_storage(f"{ix.indexname}.tmp").destroy()
        lock.release()
    return count


def _fill(ix: Any, docs: Iterable[IndexDoc], per_segment: int, closed: Callable[[Any], None]) -> int:
    """Write `docs` into segments of `per_segment` documents (fewer when the writer's memory is full),
    handing each finished segment to `closed`; returns the number written. A failure cancels the
    open segment and is raised."""
    count = 0
    writer: BulkWriter | None = None
    try:
        for doc in docs:
            if writer is None:
                writer = BulkWriter(ix)
            writer.add_document(**fields_of(doc))
            count += 1
            if count % per_segment == 0 or writer.full():
                closed(writer.finish())
                writer = None
        if writer is not None:
            closed(writer.finish())
    except BaseException:
        if writer is not None and not writer.is_closed:
            try:
                writer.cancel()
            except Exception:  # noqa: S110 - the build has failed already; its folder is thrown away
                pass
        raise
    return count


def _write_serial(ix: Any, docs: Iterable[IndexDoc]) -> tuple[int, list[Any]]:
    segments: list[Any] = []
    return _fill(ix, docs, CHUNK, segments.append), segments


BATCH = 50  # documents per message to a worker process


def _work(ix: Any, jobs: Any, results: Any, per_segment: int, me: int) -> None:
    """A worker process: index the batches it is sent, reporting each segment it closes."""
    tie_to_parent()  # a rebuild killed with its process must not leave its workers waiting for batches
    try:
        docs = (doc for batch in iter(jobs.get, None) for doc in batch)
        _fill(ix, docs, per_segment, lambda segment: results.put((me, "segment", segment)))
        results.put((me, "done", None))
    except BaseException as e:
        results.put((me, "error", f"{type(e).__name__}: {e}"))
    finally:
        # Leave without the interpreter's exit handlers: they belong to the parent (this process was
        # forked from a thread of it) and made some finished workers exit with status 1.
        results.close()
        results.join_thread()
        os._exit(0)


def _write_parallel(ix: Any, docs: Iterable[IndexDoc], procs: int) -> tuple[int, list[Any]]:
    ctx = multiprocessing.get_context("fork")  # workers inherit the open index and the schema
    jobs = ctx.Queue(procs * 4)
    results = ctx.Queue()
    per_segment = max(1, CHUNK // procs)
    workers = [ctx.Process(target=_work, args=(ix, jobs, results, per_segment, i), daemon=True) for i in range(procs)]
    for w in workers:
        w.start()
    segments: list[Any] = []
    finished: set[int] = set()

    def take(timeout: float) -> None:
        try:
            me, kind, payload = results.get(timeout=timeout)
        except queue.Empty:
            # A worker gone without saying it is done was killed (its messages all arrive before it ends).
            gone = [i for i, w in enumerate(workers) if i not in finished and w.exitcode is not None]
            if gone and results.empty():
                code = workers[gone[0]].exitcode
                raise RuntimeError(f"a search index worker process died (exit code {code})") from None
            return
        if kind == "error":
            raise RuntimeError(f"search index worker failed: {payload}")
        if kind == "segment":
            segments.append(payload)
        else:
            finished.add(me)

    def send(item: Any) -> None:
        while True:
            try:
                jobs.put(item, timeout=0.5)
                return
            except queue.Full:
                take(0)

    count = 0
    try:
        batch: list[IndexDoc] = []
        for doc in docs:
            batch.append(doc)
            count += 1
            if len(batch) >= BATCH:
                send(batch)
                batch = []
        if batch:
            send(batch)
        for _ in workers:
            send(None)
        while len(finished) < procs:
            take(0.5)
        for w in workers:
            w.join()
    except BaseException:
        # Batches still queued for workers that are gone would keep the queue's feeder thread, and
        # with it this process, waiting at exit: drop them.
        jobs.cancel_join_thread()
        for w in workers:
            if w.is_alive():
                w.terminate()
        for w in workers:
            w.join()
        raise
    return count, segments


def _chain(first: list[IndexDoc], rest: Iterable[IndexDoc]) -> Iterable[IndexDoc]:
    yield from first
    first.clear()  # let the buffered documents go as soon as they are written
    yield from rest
