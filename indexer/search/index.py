"""`SearchIndex`: the search index of one library, kept in step with SQLite and repaired on its own.

Layout of the index folder (the library's `index/`):

    CURRENT                   name of the live index folder, replaced atomically on a swap
    ix-<12 hex>/              a Whoosh index plus `newsarchive-search.json` (format, generation)

Only folders named like that and carrying our marker are ever opened: opening a Whoosh index
unpickles its schema, so a folder from anywhere else could run code. A rebuild writes a new
`ix-` folder, points CURRENT at it and deletes the old one (after closing its searcher: Windows
keeps mapped files locked).

Threads: every write (update, delete, rebuild, repair, idle merge) runs on one writer thread,
because Whoosh allows one writer. Searches run on the caller's thread against the current
`Snapshot`; a write builds the next snapshot beside it and swaps it in, so searches never wait
for a commit, only for the instant of the swap.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.reading import SegmentReader

from indexer.search import counting, engine, windows
from indexer.search.idle import IdleMerge, gc_paused
from indexer.search.merging import sweep_side_folders
from indexer.search.query import parse, positives
from indexer.search.rebuild import write_all
from indexer.search.schema import IndexDoc, build_schema, fields_of
from indexer.search.snapshot import SegmentTable, Snapshot, load_table
from indexer.search.snippets import Marker, mark_all, snippet
from indexer.search.storage import (
    FORMAT,
    MARKER,
    UPGRADABLE,
    BulkWriter,
    atomic_write,
    commit_deletions,
    write_marker,
)

T = TypeVar("T")
CURRENT = "CURRENT"
_OURS = re.compile(r"ix-[0-9a-f]{12}\Z")
SORTS = ("relevance", "newest", "oldest")
ESTIMATE_ABOVE = 10_000  # matches past which a large archive's facets and months are counted over a sample


@dataclass
class Hit:
    id: int
    score: float


@dataclass
class SearchResults:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    query: str
    facets_exact: bool = True  # False: facets and months estimated from a sample of a very large result
    parsed: bool = True  # False: the query was not in the query language and was read as plain words
    sort: str = "relevance"
    extra: dict[str, Any] = field(default_factory=dict)
    # Matches per month of publication, "YYYY-MM" (UTC) -> count, in time order; only months with
    # matches; undated articles (and dates outside 1900-2100) are in `total` but in no month.
    months: dict[str, int] = field(default_factory=dict)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _default_procs() -> int:
    # Worker processes need fork (not in frozen Windows builds) and a second core.
    if sys.platform == "win32" or getattr(sys, "frozen", False):
        return 1
    return 2 if (os.cpu_count() or 1) > 1 else 1


class SearchIndex:
    """The library's full-text index. SQLite is the truth; `documents` re-reads all of it for a rebuild."""

    def __init__(
        self,
        folder: Path,
        documents: Callable[[], Iterable[IndexDoc]],
        *,
        upgraded: Callable[[], Iterable[IndexDoc]] = tuple,
        now: Callable[[], datetime] = _utcnow,
        procs: int | None = None,
    ) -> None:
        self.folder = Path(folder)
        self._documents = documents
        # The documents whose entries an index of an earlier format lacks (see `_upgrade`): rewritten in place.
        self._upgraded = upgraded
        self._now = now
        self._procs = _default_procs() if procs is None else procs
        self._lock = threading.RLock()  # held by searches and by the swap of a new snapshot
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-writer")
        self._ix: Any = None
        self._snap: Snapshot | None = None
        self._live: Path | None = None
        self._generation = ""
        self._tables: dict[str, SegmentTable] = {}
        self._closed = False
        self._old_format = False
        self.idle = IdleMerge(self)  # the merge of small segments, a step at a time (see `idle`)

    # -- the writer thread ------------------------------------------------------------------------

    def _run(self, job: Callable[[], T]) -> T:
        if self._closed:
            raise RuntimeError("the search index is closed")
        return self._writer.submit(job).result()

    def open(
        self, expected_count: int, generation: str, *, pending: Collection[int] = (), sweep: bool = False
    ) -> str | None:
        """Open the index; rebuild it when missing, damaged or out of step. Returns what was repaired, or None.

        `pending`: ids whose index entry the library is about to write (or delete). Whether the index
        holds them yet does not matter: they are left out of the comparison, and `expected_count`
        counts the library's articles that are not pending.
        `sweep`: the caller knows no other process is rebuilding this index now, so index folders
        other than the live one (a rebuild killed half-way leaves its folder) are removed.
        """

        def job() -> str | None:
            swept = self._sweep_leftovers() if sweep else ""
            problem = self._open_live()
            if problem is None and self._old_format:
                try:
                    self._upgrade()
                except Exception as exc:  # noqa: BLE001 - whatever went wrong, a rebuild starts afresh
                    problem = f"could not be brought up to this version ({type(exc).__name__})"
            if problem is None:
                count, gen = self._stamp()
                if pending and self._snap is not None:
                    snap = self._snap
                    count -= sum(1 for i in set(pending) if snap.docnum_of(i) is not None)
                if count != expected_count or gen != generation:
                    problem = (
                        f"was out of step ({count} articles, generation {gen or '-'}; "
                        f"the library has {expected_count}, generation {generation})"
                    )
            if problem is None:
                return swept or None
            count = self._rebuild(generation)
            rebuilt = f"The search index {problem}; rebuilt it from the library ({count} articles)."
            return f"{swept} {rebuilt}" if swept else rebuilt

        return self._run(job)

    def update(self, docs: Iterable[IndexDoc], generation: str | None = None) -> None:
        """Add or replace documents by id in one commit (and record a new generation, if given)."""

        def job() -> None:
            latest = {doc.id: doc for doc in docs}  # an id given twice: its last version only
            batch = [fields_of(doc) for doc in latest.values()]
            w = BulkWriter(self._require(), lock=True)
            try:
                # The old versions are found in the segments' id tables, not through a searcher.
                self._mark_deleted(w.segments, [fields["idc"] for fields in batch])
                for fields in batch:
                    w.add_document(**fields)
            except BaseException:
                w.cancel()
                raise
            self._commit(w, generation)

        self._run(gc_paused(job))
        self.idle.schedule()

    def delete(self, ids: Iterable[int], generation: str | None = None) -> None:
        def job() -> None:
            wanted = [int(i) for i in ids]
            if commit_deletions(self._require(), lambda segments: self._mark_deleted(segments, wanted)):
                self._committed(generation)
            elif generation is not None and generation != self._generation:
                self._committed(generation)  # nothing to delete: only the generation changes

        self._run(job)
        self.idle.schedule()

    def rebuild(self, generation: str) -> int:
        """Write a fresh index from `documents` into a new folder and switch to it; returns its size."""
        return self._run(lambda: self._rebuild(generation))

    def merge_now(self) -> int:
        """Run the idle merge to its end now (each step a job of the writer thread); returns the steps taken."""
        return self.idle.run_to_end()

    def close(self) -> None:
        if self._closed:
            return
        self.idle.cancel_timer()
        self._writer.shutdown(wait=True)
        self._closed = True
        self.idle.drop()  # a merge cut short by the close: its side folder goes
        with self._lock:
            if self._snap is not None:
                self._snap.close()
            self._snap = None
            self._ix = None

    # -- reading ----------------------------------------------------------------------------------

    def stamp(self) -> tuple[int, str]:
        """(document count, generation) of the live index; (0, "") when none is open."""
        with self._lock:
            return self._stamp()

    def check(self, expected_count: int, generation: str) -> list[str]:
        """What is wrong with the index compared with the library; empty when nothing is."""
        with self._lock:
            if self._snap is None:
                live = self._read_current()
                return ["no search index is open" + ("" if live else " (and none is on disk)")]
            count, gen = self._stamp()
            problems = []
            if count != expected_count:
                problems.append(f"the index holds {count} articles, the library {expected_count}")
            if gen != generation:
                problems.append(f"the index is of generation {gen or '-'}, the library of {generation}")
            return problems

    def search(
        self,
        query: str,
        *,
        sort: str = "relevance",
        limit: int = 50,
        offset: int = 0,
        only_ids: set[int] | None = None,
        exact: bool = False,
    ) -> SearchResults:
        """Find articles; see `indexer.search.query` for the query language. Never raises on bad queries.

        In a large archive a query matching very many articles gets its facets and months estimated from
        a sample of its matches (`facets_exact` False; the total stays exact) and its first page by relevance
        found, when the bounds allow, without scoring every match (see `windows`); the page is the same.
        `exact` counts every match.
        """
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        node, parsed = parse(query)
        node = engine.prune(node)
        now = self._now()
        with self._lock:
            snap = self._snap
            if snap is None:
                return SearchResults(0, [], {}, None, query, parsed=parsed, sort=sort)
            found = engine.matches(snap, node, now)
            if only_ids is not None:
                wanted = (snap.docnum_of(i) for i in only_ids)
                found = found & snap.mask_of(d for d in wanted if d is not None)
            total = int(np.count_nonzero(found))
            large = not exact and node is not None and total > ESTIMATE_ABOVE and windows.worth_it(snap)
            ranked: list[tuple[int, float]] | None = None
            if large and sort == "relevance":
                ranked = windows.top(windows.Pass(snap, node, now, found), offset + limit)
            if ranked is None:
                ranked = engine.rank(snap, node, found, sort, offset + limit)
            hits = [Hit(int(snap.ids[d]), score) for d, score in ranked[offset:]]
            if large:  # very many matches in a large archive: facets and months counted over a sample of them
                by_month, facets, exact_facets = windows.sampled_counts(snap, found, total)
            elif node is None and only_ids is None:  # the whole archive: counted once per snapshot
                by_month, facets, exact_facets = snap.cached(("everything",), lambda: self._counts(snap, found))
            else:
                by_month, facets, exact_facets = self._counts(snap, found)
            months = counting.months(snap, found, by_month)
            suggestion = None
            if total < engine.SUGGEST_BELOW and positives(node):
                suggestion = engine.suggest(snap, node, query)
        return SearchResults(total, hits, facets, suggestion, query, exact_facets, parsed, sort, months=months)

    @staticmethod
    def _counts(snap: Snapshot, found: np.ndarray) -> tuple[np.ndarray, dict[str, dict[str, int]], bool]:
        by_month = counting.month_counts(snap, found)
        facets, exact = counting.facets(snap, found, by_month)
        return by_month, facets, exact

    def count(self, query: str) -> int:
        """How many articles `query` finds: the matching set alone, without ranking, facets or suggestions."""
        node = engine.prune(parse(query)[0])
        now = self._now()
        with self._lock:
            snap = self._snap
            return 0 if snap is None else int(np.count_nonzero(engine.matches(snap, node, now)))

    def warm(self) -> bool:
        """Load one more piece of what fuzzy words and suggestions compare against; True while more
        remain. Each call holds the index for one piece only, so a window calls it between searches."""
        with self._lock:
            return self._snap is not None and self._snap.warm_vocabulary()

    def snippets(self, query: str, ids: Sequence[int]) -> dict[int, str]:
        """For each id, the passage of its text that best shows the query, HTML-escaped, marks as <b>."""
        with self._lock:
            snap = self._snap
            if snap is None:
                return {}
            marker = self._marker(snap, query)
            out: dict[int, str] = {}
            for article_id in ids:
                docnum = snap.docnum_of(article_id)
                if docnum is not None:
                    body = snap.searcher.stored_fields(docnum).get("body", "")
                    out[article_id] = snippet(body, marker)
            return out

    def terms_to_mark(self, query: str) -> list[str]:
        """Folded words to mark in the reader; an entry ending in `*` marks every word starting with it."""
        with self._lock:
            snap = self._snap
            if snap is None:
                return []
            node = engine.prune(parse(query)[0])
            marks = engine.leaf_marks(snap, node)
        return sorted(marks["words"] | {p + "*" for p in marks["prefixes"]})

    def highlight(self, query: str, text: str) -> str:
        """`text`, HTML-escaped, with every word the query matches in <b>..</b> (for the reader view)."""
        with self._lock:
            snap = self._snap
            if snap is None:
                return mark_all(text, Marker.build(set(), set(), set()))
            return mark_all(text, self._marker(snap, query))

    def _marker(self, snap: Snapshot, query: str) -> Marker:
        node = engine.prune(parse(query)[0])
        return snap.cached(("marker", query), lambda: Marker.build(**engine.leaf_marks(snap, node)))

    # -- internals (writer thread only, except _stamp) --------------------------------------------

    def _stamp(self) -> tuple[int, str]:
        return (self._snap.count, self._generation) if self._snap is not None else (0, "")

    def _require(self) -> Any:
        if self._ix is None:
            raise RuntimeError("the search index is not open")
        return self._ix

    def _read_current(self) -> Path | None:
        try:
            name = (self.folder / CURRENT).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        path = self.folder / name
        return path if _OURS.match(name) and path.is_dir() else None

    def _sweep_leftovers(self) -> str:
        """Remove index folders of ours that CURRENT does not name (a rebuild killed before its swap
        leaves one, a swap killed before its clean-up leaves the old one) and a half-written CURRENT."""
        if not self.folder.is_dir():
            return ""
        live = self._read_current()
        (self.folder / (CURRENT + ".tmp")).unlink(missing_ok=True)
        if live is not None:
            sweep_side_folders(live)
        removed = 0
        for path in self.folder.iterdir():
            if path.is_dir() and _OURS.match(path.name) and path != live:
                shutil.rmtree(path, ignore_errors=True)
                removed += not path.exists()
        if not removed:
            return ""
        return f"Removed {removed} search index folder(s) left by an interrupted rebuild."

    def _open_live(self) -> str | None:
        """Open the folder CURRENT names and probe it; a reason when it cannot be used."""
        self._drop_live()
        live = self._read_current()
        if live is None:
            return "was missing"
        try:
            marker = json.loads((live / MARKER).read_text(encoding="utf-8"))
            self._old_format = marker.get("format") in UPGRADABLE
            if marker.get("format") != FORMAT and not self._old_format:
                return "was written by another version"
        except (OSError, ValueError, AttributeError):
            return "had no marker of ours"
        try:
            ix = whoosh_index.open_dir(str(live))
            snap = self._new_snapshot(ix)
            # Damage can hide until the first read of postings or stored text: read some now.
            snap.searcher.search(wq.Term("body", "news"), limit=1)
            for docnum in range(min(snap.size, 2)):
                snap.searcher.stored_fields(docnum)
        except Exception as exc:  # noqa: BLE001 - whatever a damaged index raises, we rebuild
            return f"was damaged ({type(exc).__name__})"
        self._install(ix, snap, live, str(marker.get("generation", "")))
        return None

    def _upgrade(self) -> None:
        """Bring an index of an earlier format (`UPGRADABLE`) up to this one where it lies, instead of rebuilding
        it: add the fields it lacks, rewrite the documents whose entries change (`upgraded`), then mark it as
        of this format. Interrupted, it starts again at the next open (the marker still names the old format)."""
        ix = self._require()
        w = BulkWriter(ix, lock=True)
        try:
            for name, field in build_schema().items():
                if name not in w.schema:
                    w.add_field(name, field)
            batch = {doc.id: fields_of(doc) for doc in self._upgraded()}
            self._mark_deleted(w.segments, list(batch))
            for fields in batch.values():
                w.add_document(**fields)
        except BaseException:
            w.cancel()
            raise
        self._commit(w, None)
        assert self._live is not None
        write_marker(self._live, self._generation)
        self._old_format = False

    def _new_snapshot(self, ix: Any) -> Snapshot:
        snap = Snapshot(ix.searcher(), self._tables, Path(ix.storage.folder))
        for key in set(self._tables) - snap.segment_keys():
            # Tables of segments merged away; the live snapshot may still use them until the swap.
            if self._snap is None or key not in self._snap.segment_keys():
                del self._tables[key]
        return snap

    def _install(self, ix: Any, snap: Snapshot, live: Path, generation: str) -> None:
        with self._lock:
            old = self._snap
            self._ix, self._snap, self._live, self._generation = ix, snap, live, generation
        if old is not None and old is not snap:
            old.close()

    def _drop_live(self) -> None:
        with self._lock:
            if self._snap is not None:
                self._snap.close()
            self._ix = self._snap = self._live = None
            self._generation = ""

    def _commit(self, writer: Any, generation: str | None, mergetype: Any = None) -> None:
        try:
            writer.commit(mergetype=mergetype)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        self._committed(generation)

    def _committed(self, generation: str | None) -> None:
        """Record the generation, if given, and search what was just committed."""
        ix = self._require()
        assert self._live is not None
        if generation is not None:
            write_marker(self._live, generation)
        self._install(ix, self._new_snapshot(ix), self._live, self._generation if generation is None else generation)

    def _mark_deleted(self, segments: list[Any], ids: Collection[int]) -> int:
        """Mark every document with one of these article ids deleted in `segments` (a writer's copies
        of the current TOC's); returns how many were not deleted before.

        Each segment's id column is already in memory as its snapshot table; a segment the live
        snapshot does not know (none, normally: every commit goes through this thread) is read.
        """
        if not ids:
            return 0
        wanted = np.fromiter(ids, dtype=np.int64, count=len(ids))
        known: dict[str, np.ndarray] = {}
        for reader, _, table, _ in self._snap.leaves if self._snap is not None else ():
            seg = reader.segment() if hasattr(reader, "segment") else None
            if seg is not None:  # an empty index reads as a reader without segments
                known[seg.segment_id()] = table.ids
        ix = self._require()
        marked = 0
        for segment in segments:
            table_ids = known.get(segment.segment_id())
            if table_ids is None or len(table_ids) != segment.doc_count_all():
                with SegmentReader(ix.storage, ix.schema, segment) as reader:
                    table_ids = load_table(Path(ix.storage.folder), reader).ids
            for docnum in np.flatnonzero(np.isin(table_ids, wanted)).tolist():
                if not segment.is_deleted(docnum):
                    segment.delete_document(docnum)
                    marked += 1
        return marked

    def _rebuild(self, generation: str) -> int:
        self.idle.drop()
        self.folder.mkdir(parents=True, exist_ok=True)
        fresh = self.folder / f"ix-{uuid.uuid4().hex[:12]}"
        fresh.mkdir()
        ix = whoosh_index.create_in(str(fresh), build_schema())
        count = write_all(ix, self._documents(), self._procs)
        write_marker(fresh, generation)
        self._drop_live()  # close searchers of the old folder before it goes (Windows)
        self._tables.clear()
        atomic_write(self.folder / CURRENT, fresh.name)
        self._install(ix, self._new_snapshot(ix), fresh, generation)
        for old in self.folder.iterdir():
            if old.is_dir() and _OURS.match(old.name) and old != fresh:
                shutil.rmtree(old, ignore_errors=True)
        return count
