"""The idle merge: small segments joined into one, a bounded step at a time, between other writes.

Every commit of an update writes a segment of its own, and searches pay per segment, so small
segments are merged once the index has been idle a moment. A merge done as one job would hold the
writer thread (and the tag or bookmark made meanwhile) for as long as it copies: seconds in a large
archive. So a `Merge` is a plan kept between jobs, worked through in steps of bounded work each:

1. `due` picks the segments to join: the smallest, up to MAX_SEGMENTS and MAX_DOCS documents;
2. the steps copy them, one after another, into a segment of its own, written in a side folder
   (`merge-*` inside the live index folder), so that no commit made meanwhile can clean its files away:
   a segment's documents COPY_STEP_DOCS a step, then its postings WRITE_STEP_POSTINGS a step (a small
   segment goes whole in one step);
3. the next steps write the merged segment's files: its stored fields and columns in one step, then its
   postings and term rows WRITE_STEP_POSTINGS postings a step (the rows appended to the term file in
   sorted runs), then the term file's hash tables, WRITE_STEP_POSTINGS entries a step, and then they are
   assembled into the segment's one compound file, ASSEMBLE_STEP_BYTES a step;
4. `commit` then moves that file in and lists the new segment in place of the merged ones, under the
   write lock: a rename and a small table-of-contents file, whatever the merge's size.

Documents deleted (or replaced) in a merged segment after it was copied are deleted in the merged
segment as it is committed, so a write made between steps is never undone. A merge that cannot
finish (its segments merged or rebuilt away, the index locked by another process) is dropped: its
side folder goes, the live index is untouched, and the next idle moment plans again.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Generator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.compound import CompoundStorage
from whoosh.index import TOC, clean_files
from whoosh.reading import SegmentReader

from indexer.search.copying import copy_steps
from indexer.search.storage import BulkWriter

MIN_SEGMENTS = 5  # fewer small segments than this are not worth a merge (Whoosh's policy waits for five too)
MAX_SEGMENTS = 10  # segments joined by one merge
# Documents one merge produces at most, and so the largest segment an idle merge copies: bigger ones are
# left as they are (a rebuild writes segments of up to rebuild.CHUNK). A step copies one segment.
MAX_DOCS = 20_000
# A segment bigger than all the smaller ones chosen before it together (and than FLOOR) waits: joining it
# would copy many documents to gain one segment. So each document is copied a few times, not at every merge.
FLOOR = 1_000
# Postings a step copies from a segment, or writes into the merged segment, before it gives the writer
# thread back (and hash table entries a step of the term file's closing builds): ~50 ms' worth, so that
# a tag asked for meanwhile waits well under 0.2 s (merge_pause.py; 50,000 made steps of ~100 ms).
WRITE_STEP_POSTINGS = 25_000
COPY_STEP_DOCS = 500  # documents (stored fields, lengths, columns) a step copies from a segment
# Bytes of the merged segment's files copied into its compound file by one step: a few ms from the page cache.
ASSEMBLE_STEP_BYTES = 8 * 2**20
_READ_BYTES = 2**20
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
        self._copying: Generator[str, None, None] | None = None  # the copy of todo[0] under way, a step at a time
        self._writing: Generator[str, None, None] | None = None  # the merged segment's writing, a step at a time
        self.steps = 0
        self.did = ""  # the work the last step did (see `step`)

    @property
    def ready(self) -> bool:
        """True once every segment is copied and the merged segment written: `commit` is next."""
        return self.segment is not None

    def step(self) -> bool:
        """Take the next step of copying the segments, or of writing the merged segment once all are copied.
        False: the merge cannot go on (a segment it was to copy is gone) and must be dropped. `did` then
        names the work the step did: "copy", "stored", "postings", "hashes", "assemble" or "finish"."""
        self.steps += 1
        if not self.todo and self._copying is None:
            if self._writing is None:
                self._writing = self._write()
            self.did = next(self._writing, "finish")
            return True
        if self._copying is None:
            wanted = self.todo[0]
            current = {s.segment_id(): s for s in self.ix._read_toc().segments}
            segment = current.get(wanted)
            if segment is None:
                return False
            self._copying = self._copy(segment)
        self.did = next(self._copying, "copy")
        return True

    def _copy(self, segment: Any) -> Generator[str, None, None]:
        """One segment's copy, a bounded step at a time (see `copying`); the segment's reader stays open
        between its steps. Once it is over, the segment counts as merged."""
        reader = SegmentReader(self.ix.storage, self.ix.schema, segment)
        try:
            new_of = yield from copy_steps(self.writer, reader, COPY_STEP_DOCS, WRITE_STEP_POSTINGS)
        finally:
            reader.close()
        name = self.todo.pop(0)
        self.copied[name] = (_deleted(segment), new_of)
        self.merged.append(name)
        self._copying = None

    def _write(self) -> Generator[str, None, None]:
        """The merged segment's writing, a bounded step at a time (each yield names the step's work);
        once it is over, `segment` is set and `commit` is next."""
        writer = self.writer
        yield from writer.flush_steps(WRITE_STEP_POSTINGS)
        writer._close_segment()
        segment = writer.get_segment()
        if writer.compound:
            yield from assemble_steps(segment, writer.storage, ASSEMBLE_STEP_BYTES)
        self.segment = segment
        writer._finish()

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
        for steps in (self._copying, self._writing):
            if steps is not None:
                steps.close()  # closes the reader of a segment half copied, or a file the assembly had open
        if not self.writer.is_closed:
            self.writer.cancel()
        shutil.rmtree(self.side, ignore_errors=True)


def assemble_steps(segment: Any, storage: Any, per_step: int) -> Generator[str, None, None]:
    """What Whoosh's `create_compound_file` does, pausing (a yield) after about `per_step` bytes copied:
    the segment's files one after another in its compound file, their directory at its end, then the
    files themselves deleted. Closed early, it leaves a half-written compound file no TOC lists."""
    names = segment.list_files(storage)
    cfile = segment.create_file(storage, segment.COMPOUND_EXT)
    try:
        basepos = cfile.tell()
        cfile.write_long(0)  # where the directory is and its length, filled in by `write_dir`
        cfile.write_int(0)
        directory: dict[str, dict[str, Any]] = {}
        done = 0
        for name in names:
            directory[name] = {
                "offset": cfile.tell(),
                "length": storage.file_length(name),
                "modified": storage.file_modified(name),
            }
            source = storage.open_file(name)
            try:
                while chunk := source.read(_READ_BYTES):
                    cfile.write(chunk)
                    done += len(chunk)
                    if done >= per_step:
                        done = 0
                        yield "assemble"
            finally:
                source.close()
        CompoundStorage.write_dir(cfile, basepos, directory)  # closes the file
    except BaseException:
        if not cfile.is_closed:
            cfile.close()
        raise
    for name in names:
        storage.delete_file(name)
    segment.compound = True


def sweep_side_folders(live: Path) -> int:
    """Remove the side folders of merges that never finished (the process was killed mid-merge)."""
    removed = 0
    for path in live.iterdir() if live.is_dir() else ():
        if path.is_dir() and path.name.startswith(SIDE_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed
