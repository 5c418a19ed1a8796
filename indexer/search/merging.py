"""The idle merge: small segments joined into one, a bounded step at a time, between other writes.

Every commit of an update writes a segment of its own, and searches pay per segment, so small
segments are merged once the index has been idle a moment. A merge done as one job would hold the
writer thread (and the tag or bookmark made meanwhile) for as long as it copies: seconds in a large
archive. So a `Merge` is a plan kept between jobs, worked through in steps of one segment each:

1. `due` picks the segments to join: the smallest, up to MAX_SEGMENTS and MAX_DOCS documents;
2. each `step` copies one of them into a segment of its own, written in a side folder (`merge-*`
   inside the live index folder), so that no commit made meanwhile can clean its files away;
3. the next steps write the merged segment's files, WRITE_STEP_POSTINGS postings a step; `commit`
   then moves them in and lists the new segment in place of the merged ones, under the write lock.

Documents deleted (or replaced) in a merged segment after it was copied are deleted in the merged
segment as it is committed, so a write made between steps is never undone. A merge that cannot
finish (its segments merged or rebuilt away, the index locked by another process) is dropped: its
side folder goes, the live index is untouched, and the next idle moment plans again.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import TOC, clean_files
from whoosh.reading import SegmentReader

from indexer.search.storage import BulkWriter

MIN_SEGMENTS = 5  # fewer small segments than this are not worth a merge (Whoosh's policy waits for five too)
MAX_SEGMENTS = 10  # segments joined by one merge
# Documents one merge produces at most, and so the largest segment an idle merge copies: bigger ones are
# left as they are (a rebuild writes segments of up to rebuild.CHUNK). A step copies one segment.
MAX_DOCS = 20_000
# A segment bigger than all the smaller ones chosen before it together (and than FLOOR) waits: joining it
# would copy many documents to gain one segment. So each document is copied a few times, not at every merge.
FLOOR = 1_000
# Postings the merged segment's writing step writes before it gives the writer thread back: ~0.1 s' worth.
WRITE_STEP_POSTINGS = 50_000
SIDE_PREFIX = "merge-"


def due(segments: list[Any]) -> list[Any]:
    """The segments the next merge should join, smallest first; [] when none is due."""
    chosen: list[Any] = []
    total = 0
    for segment in sorted(segments, key=lambda s: s.doc_count_all()):
        count = segment.doc_count_all()
        if len(chosen) >= MAX_SEGMENTS or total + count > MAX_DOCS or count > max(FLOOR, total):
            break
        chosen.append(segment)
        total += count
    return chosen if len(chosen) >= MIN_SEGMENTS else []


def _deleted(segment: Any) -> set[int]:
    return set(segment.deleted_docs()) if segment.has_deletions() else set()


class Merge:
    """One merge in progress: the segments still to copy, what was copied, and the writer it goes into."""

    def __init__(self, ix: Any, segments: list[Any]) -> None:
        self.ix = ix
        self.todo = [s.segment_id() for s in segments]
        self.merged: list[str] = []
        self.copied: dict[str, tuple[set[int], list[int]]] = {}  # segment: (deleted when copied, new numbers)
        self.side = Path(ix.storage.folder) / f"{SIDE_PREFIX}{uuid.uuid4().hex[:12]}"
        self.side.mkdir()
        self._side_ix = whoosh_index.create_in(str(self.side), ix.schema)
        self.writer = BulkWriter(self._side_ix)
        self.segment: Any = None  # the merged segment, once written
        self._writing: Iterator[None] | None = None  # the merged segment's writing, a step at a time
        self.steps = 0

    @property
    def ready(self) -> bool:
        """True once every segment is copied and the merged segment written: `commit` is next."""
        return self.segment is not None

    def step(self) -> bool:
        """Copy the next segment, or write the merged segment once all are copied. False: the merge cannot
        go on (a segment it was to copy is gone) and must be dropped."""
        self.steps += 1
        if not self.todo:
            if self._writing is None:
                self._writing = self.writer.flush_steps(WRITE_STEP_POSTINGS)
            if next(self._writing, True) is None:  # more to write
                return True
            writer = self.writer  # written: close its files and assemble them as `finish` does
            writer._close_segment()
            writer._assemble_segment()
            self.segment = writer.get_segment()
            writer._finish()
            return True
        wanted = self.todo.pop(0)
        current = {s.segment_id(): s for s in self.ix._read_toc().segments}
        segment = current.get(wanted)
        if segment is None:
            return False
        reader = SegmentReader(self.ix.storage, self.ix.schema, segment)
        try:
            new_of = self.writer.add_reader(reader)
        finally:
            reader.close()
        self.copied[wanted] = (_deleted(segment), new_of)
        self.merged.append(wanted)
        return True

    def commit(self) -> bool:
        """List the merged segment in place of the segments it joins, as the index's next generation. False
        (nothing changed) when the index no longer holds them all, or another process holds its lock."""
        ix = self.ix
        lock = ix.lock("WRITELOCK")
        if not lock.acquire():
            return False
        try:
            info = ix._read_toc()
            current = {s.segment_id(): s for s in info.segments}
            if any(name not in current for name in self.merged):
                return False
            segment = self.segment
            for name in self.merged:
                deleted_then, new_of = self.copied[name]
                for docnum in _deleted(current[name]) - deleted_then:  # deleted or replaced since it was copied
                    if new_of[docnum] >= 0:
                        segment.delete_document(new_of[docnum])
            for filename in segment.list_files(self._side_ix.storage):
                os.replace(self.side / filename, Path(ix.storage.folder) / filename)
            kept = [s for s in info.segments if s.segment_id() not in self.merged]
            generation = info.generation + 1
            TOC(info.schema, [*kept, segment], generation).write(ix.storage, ix.indexname)
            clean_files(ix.storage, ix.indexname, generation, [*kept, segment])
            return True
        finally:
            lock.release()

    def drop(self) -> None:
        """Give up the merge: its side folder goes, the live index is as it was."""
        if not self.writer.is_closed:
            self.writer.cancel()
        shutil.rmtree(self.side, ignore_errors=True)


def sweep_side_folders(live: Path) -> int:
    """Remove the side folders of merges that never finished (the process was killed mid-merge)."""
    removed = 0
    for path in live.iterdir() if live.is_dir() else ():
        if path.is_dir() and path.name.startswith(SIDE_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed
