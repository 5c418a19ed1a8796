"""Writing segments: our codec, a bulk writer with an in-memory term pool, deletions, atomic marker files."""

from __future__ import annotations

import json
import os
import pickle
import struct
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, W3TermInfo, _lenfield
from whoosh.index import TOC, LockError, clean_files
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import IndexingError, SegmentWriter

from indexer.search.blocks import ArrayLeafMatcher, ArrayPostingsWriter
from indexer.search.formats import ONE_BYTE, CompactPositions, encode_positions, group_positions
from indexer.search.lexicon import FIELD_NUMBER, TERM_INFO
from indexer.search.termfile import TermRows

FORMAT = "newsarchive-search/3"  # 2: posting blocks in the array layout; 3: notes, highlighted passages
# Earlier formats an open brings up to FORMAT in place (`SearchIndex._upgrade`) rather than by a rebuild:
# 2 lacks the fields of notes and highlighted passages, which only annotated articles fill.
UPGRADABLE = frozenset({"newsarchive-search/2"})
MARKER = "newsarchive-search.json"
LIMIT_MB = 160  # postings a rebuild's writer process holds (see `TermPool`) before it closes its segment
INLINE = 8  # posting lists this short live inside the term entry: most terms of a news archive are rare
# Postings per block. Whoosh's 128 suits its per-posting matchers; ours decode whole blocks as arrays,
# where each block costs a fixed ~40 µs (header, seek, zlib), so a frequent word at 100,000 articles
# read 128-posting blocks by the hundred. Blocks carry their own length: either size reads back.
BLOCK = 1024


if not hasattr(W3TermInfo, "set_inline"):
    # Whoosh 2.7.4 calls `set_inline` where it defined `set_inlined`, so its inline-postings
    # path (off by default) crashes; the reading side is complete. Name the method both ways.
    W3TermInfo.set_inline = W3TermInfo.set_inlined


#: Field length by its one-byte code; 0 means "no length", which Whoosh reads as None.
_LENGTHS: list[int | None] = [None] + [byte_to_length(b) for b in range(1, 256)]


class _LengthsReader(W3PerDocReader):  # type: ignore[misc]
    """Whoosh's per-document reader with each field-length column read once into a list.

    Whoosh looks a document's field length up for every posting it writes and for every document
    it scores, each time a seek and a read in the column file; a list lookup is ~30 times cheaper.
    """

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        cache: dict[str, list[int | None] | None] = self.__dict__.setdefault("_length_lists", {})
        if fieldname not in cache:
            cache[fieldname] = self._length_list(fieldname)
        lengths = cache[fieldname]
        if lengths is None:
            return default
        return lengths[docnum] if docnum < len(lengths) else None

    def length_list(self, fieldname: str) -> list[int | None] | None:
        """Every document's length of one field (None: the field has no lengths)."""
        self.doc_field_length(0, fieldname)
        lengths: list[int | None] | None = self.__dict__["_length_lists"][fieldname]
        return lengths

    def length_bytes(self, fieldname: str) -> bytes | None:
        """Every document's length code (see `_LENGTHS`) of one field; None: the field has no lengths."""
        reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if reader is None:
            return None
        try:
            raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
            if reader._fixedlen != 1:
                raise TypeError("not a byte column")
        except (AttributeError, TypeError):
            raw = bytes(reader[d][0] if isinstance(reader[d], bytes) else reader[d] for d in range(self._doccount))
        return bytes(raw)

    def _length_list(self, fieldname: str) -> list[int | None] | None:
        raw = self.length_bytes(fieldname)
        if raw is None:
            return None
        table = _LENGTHS
        return [table[b] for b in raw]


class _BulkPostingsWriter(ArrayPostingsWriter):
    """Our postings writer, also taking a whole term's postings at once (see `BulkWriter`)."""

    def add_all(self, ids: array, weights: array, values: list[bytes], lengths: list[int]) -> None:
        """What `add_posting` called once per posting would buffer and write, a block at a time."""
        limit = self._blocklimit
        for start in range(0, len(ids), limit):
            if len(self._ids):  # type: ignore[has-type]
                self._write_block()
            end = start + limit
            self._ids = ids[start:end]
            self._weights = weights[start:end]
            self._values = [v for v in values[start:end] if v]
            known = [n for n in lengths[start:end] if n]
            self._minlength = min(known) if known else None
            self._maxlength = max(known) if known else 0
            self._maxweight = max(0.0, max(self._weights))


class NewsCodec(W3Codec):  # type: ignore[misc]
    """W3 with posting blocks that decode as arrays (see `blocks`), inline short posting lists and
    in-memory field lengths. The segment pickles this class: a change to what it writes needs a new
    FORMAT, so older indexes are rebuilt rather than misread."""

    def per_document_reader(self, storage: Any, segment: Any) -> W3PerDocReader:
        return _LengthsReader(storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids:  # term vectors (not used by our schema) keep Whoosh's layout
            return super().postings_writer(dbfile, byteids=True)
        return _BulkPostingsWriter(
            dbfile, blocklimit=self._blocklimit, compression=self._compression, inlinelimit=self._inlinelimit
        )

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


def codec() -> W3Codec:
    """Our codec, keeping short posting lists inline: it saves a block (pickle + zlib + seek) per rare term."""
    return NewsCodec(blocklimit=BLOCK, inlinelimit=INLINE)


_POSTING = struct.Struct("<IfBH")  # document number, weight, field length byte, size of the value


class TermPool:
    """A segment's postings in memory, grouped by field and term as they arrive.

    Whoosh's own pool keeps one tuple per posting, sorts them all and, past its limit, pickles them
    one by one to run files and merges those back: most of a rebuild's time. Here each term owns a
    bytearray of packed postings (11 bytes plus the value), documents arrive in order, and writing
    the segment only sorts the terms. The pool never spills: the writer closes its segment instead
    once `size` passes the limit, so memory stays bounded by the limit.
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[str, bytearray]] = {}
        self.size = 0  # estimated bytes held
        self.fieldnames: set[str] = set()

    def add(self, fieldname: str, docnum: int, lenbyte: int, items: Iterable[tuple[str, int, float, bytes]]) -> None:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        pack = _POSTING.pack
        size = 0
        for text, _freq, weight, value in items:
            record = pack(docnum, weight, lenbyte, len(value)) + value
            buf = terms.get(text)
            if buf is None:
                terms[text] = bytearray(record)
                size += 160  # the term's string, bytearray and dict slot
            else:
                buf += record
            size += len(record)
        self.size += size

    def add_positions(self, fieldname: str, docnum: int, lenbyte: int, terms: list[str], boost: float) -> None:
        """`add` for a positions field given its terms in order: what `CompactPositions.word_values` yields."""
        fieldterms = self.fields.get(fieldname)
        if fieldterms is None:
            fieldterms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        pack = _POSTING.pack
        one = ONE_BYTE
        size = 0
        for text, positions in group_positions(terms).items():
            freq = len(positions)
            if freq == 1 and positions[0] < 256:
                value = one[positions[0]]
            else:
                value = encode_positions(positions)
            record = pack(docnum, freq * boost, lenbyte, len(value)) + value
            buf = fieldterms.get(text)
            if buf is None:
                fieldterms[text] = bytearray(record)
                size += 160
            else:
                buf += record
            size += len(record)
        self.size += size

    def terms(self, fieldname: str) -> Iterator[tuple[bytes, bytearray]]:
        """(term, its packed postings) of each term of a field, in term order; read them with `unpack_postings`."""
        terms = self.fields.get(fieldname, {})
        for text in sorted(terms):
            yield text.encode("utf-8"), terms.pop(text)  # give memory back as the segment is written

    def postings(self, fieldname: str) -> Iterator[tuple[bytes, array, array, list[bytes], list[int]]]:
        """(term, document numbers, weights, values, field lengths) of each term of a field, in term order."""
        for btext, buf in self.terms(fieldname):
            yield (btext, *unpack_postings(buf))

    def cleanup(self) -> None:
        self.fields.clear()
        self.size = 0


#: Pickle protocol of an inline posting list in its term entry. Whoosh uses 2, where bytes (the
#: positions) go through `codecs.encode`: 7 times slower to write, 4 times slower to read and twice
#: the size of 4. Whoosh reads the entry with `pickle.loads`, which takes any protocol.
ENTRY_PICKLE = 4


def _length_codes(reader: Any, fieldname: str, count: int) -> bytes:
    """Each document's field length code of one field of a segment (0: none; the field is not scored)."""
    perdoc = getattr(reader, "_perdoc", None)
    if isinstance(perdoc, _LengthsReader):
        codes = perdoc.length_bytes(fieldname) or b""
    else:
        codes = bytes(length_to_byte(reader.doc_field_length(d, fieldname) or None) for d in range(count))
    return codes.ljust(count, b"\0")  # a length column may stop short of the last documents


_EXTENT = struct.Struct("!qi")  # where a term's posting blocks are: offset and length in the postings file


def _term_postings(postfile: Any, entry: bytes, fmt: Any) -> tuple[Sequence[int], Sequence[float], Sequence[bytes]]:
    """(document numbers, weights, values) of one term of a segment, from its term entry (what
    `W3TermInfo.to_bytes` writes) or its blocks."""
    if entry[0]:  # the postings are in the entry
        ids, weights, values = pickle.loads(entry[TERM_INFO.size :])
        if len(values) != len(ids):  # the field keeps no values: Whoosh inlines none
            values = (b"",) * len(ids)
        return ids, weights, values
    offset, length = _EXTENT.unpack_from(entry, TERM_INFO.size)
    leaf = ArrayLeafMatcher(postfile, offset, length, fmt)
    out_ids: list[int] = []
    out_weights: list[float] = []
    out_values: list[bytes] = []
    while True:
        block_ids, block_weights = leaf.block_arrays()
        out_ids += block_ids.tolist()
        out_weights += block_weights.tolist()
        block_values = leaf.block_values()
        out_values += block_values if block_values is not None else [b""] * len(block_ids)
        if leaf._lastblock:
            return out_ids, out_weights, out_values
        leaf._goto(leaf._nextoffset)


def _inline_entry(ids: array, weights: array, values: list[bytes], lengths: list[int]) -> bytes:
    """The term entry `W3TermInfo.to_bytes` writes for a posting list kept inline, made in one step."""
    known = [n for n in lengths if n]
    head = TERM_INFO.pack(
        True,
        sum(weights),
        len(ids),
        length_to_byte(min(known)) if known else 0,
        length_to_byte(max(known) if known else 0),
        max(0.0, max(weights)),
        ids[0],
        ids[-1],
    )
    return head + pickle.dumps((tuple(ids), tuple(weights), tuple(v for v in values if v)), ENTRY_PICKLE)


def unpack_postings(packed: bytearray) -> tuple[array, array, list[bytes], list[int]]:
    """Document numbers, weights, values and field lengths of one term's postings in `TermPool`."""
    buf = bytes(packed)
    unpack = _POSTING.unpack_from
    head = _POSTING.size
    lengths = _LENGTHS
    ids = array("I")
    weights = array("f")
    values: list[bytes] = []
    lens: list[int] = []
    pos, end = 0, len(buf)
    while pos < end:
        docnum, weight, lenbyte, size = unpack(buf, pos)
        pos += head
        ids.append(docnum)
        weights.append(weight)
        values.append(buf[pos : pos + size])
        lens.append(lengths[lenbyte] or 0)
        pos += size
    return ids, weights, values, lens


class BulkWriter(SegmentWriter):  # type: ignore[misc]
    """A segment writer with our codec and Whoosh's posting pool replaced by `TermPool`.

    It writes what Whoosh's SegmentWriter writes for our schema (test_search_formats compares every
    posting), but only what our documents need: no field or document boosts, spelling or term vectors.
    A rebuild's writers (`lock=False`) write segments that `write_all` lists in the TOC; an update's
    writer (`lock=True`) takes the index's lock and commits like Whoosh's writer, merging nothing
    itself unless asked (see `add_reader`).
    """

    def __init__(self, ix: Any, *, lock: bool = False) -> None:
        super().__init__(ix, _lk=lock, codec=codec())  # without `lock`, `write_all` holds the index's lock
        self.pool = TermPool()
        self._plans: dict[tuple[str, ...], list[tuple[str, Any, Any]]] = {}
        self._merged = False

    def full(self) -> bool:
        return bool(self.pool.size > LIMIT_MB * 2**20)

    def add_document(self, **fields: Any) -> None:
        if self._merged:  # a term's postings must arrive in document order
            raise IndexingError("documents are added before segments are merged in")
        docnum = self.docnum
        pdw = self.perdocwriter
        pool = self.pool
        shape = tuple(fields)
        plan = self._plans.get(shape)
        if plan is None:
            plan = self._plans[shape] = self._plan(fields)
        pdw.start_doc(docnum)
        for name, field, term_list in plan:
            value = fields.get(name)
            if value is None:
                continue
            length = 0
            if term_list is not None and isinstance(value, str):
                # Our analyser and positions format: group and encode in one pass (see `TermPool.add_positions`).
                terms = term_list(value)
                length = len(terms)
                pool.add_positions(
                    name, docnum, length_to_byte(length) if length else 0, terms, field.format.field_boost
                )
            elif field.indexed:
                items = list(field.format.word_values(value, field.analyzer, mode="index"))
                if field.scorable:
                    length = sum(item[1] for item in items)
                pool.add(name, docnum, length_to_byte(length) if length else 0, items)
            custom = fields.get("_stored_" + name, value)
            pdw.add_field(name, field, custom if field.stored else None, length)
            if field.column_type and custom is not None:
                pdw.add_column_value(name, field.column_type, field.to_column_value(custom))
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def _plan(self, fields: dict[str, Any]) -> list[tuple[str, Any, Any]]:
        """(name, field, the analyser's `term_list` when the fast positions path applies) in Whoosh's order."""
        plan = []
        for name in sorted(n for n in fields if not n.startswith("_")):
            field = self.schema[name]  # an unknown name raises KeyError, as Whoosh's writer refuses it
            fast = isinstance(field.format, CompactPositions) and field.scorable
            plan.append((name, field, getattr(field.analyzer, "term_list", None) if fast else None))
        return plan

    def _flush_segment(self) -> None:
        for _ in self.flush_steps():
            pass

    def flush_steps(self, per_step: int = 0) -> Iterator[str]:
        """Write the pooled postings into the segment's files, pausing (a yield) after about `per_step`
        postings each time (0: no pause), so that a merge can write its segment a bounded step at a time:
        the stored fields and columns are closed in a step of their own, each step's term rows are
        appended to the term file as it ends, and the term file's hash tables are built in steps too."""
        self.perdocwriter.close()
        if per_step:
            yield "stored"
        done = 0
        fw = self.fieldwriter
        rows = TermRows(fw._tindex)
        inline = self.codec._inlinelimit
        unpack, head = _POSTING.unpack_from, _POSTING.size
        pack_info, dumps = TERM_INFO.pack, pickle.dumps
        single = inline > 1  # a list of one posting is kept in its term entry
        for name in sorted(self.pool.fields):
            field = self.schema[name]
            fw.start_field(name, field)
            prefix = FIELD_NUMBER.pack(fw._fieldid)
            postings = fw._postwriter
            fmt = field.format
            for btext, buf in self.pool.terms(name):
                docnum, weight, code, size = unpack(buf, 0)
                if single and len(buf) == head + size:  # one posting: most terms of a small commit
                    value = bytes(buf[head:])
                    entry = pack_info(True, weight, 1, code, code, max(0.0, weight), docnum, docnum) + dumps(
                        ((docnum,), (weight,), (value,) if value else ()), ENTRY_PICKLE
                    )
                    rows.add(prefix + btext, entry)
                    done += 1
                else:
                    ids, weights, values, lengths = unpack_postings(buf)
                    if len(ids) < inline:  # what Whoosh's postings writer would keep in the term entry
                        rows.add(prefix + btext, _inline_entry(ids, weights, values, lengths))
                    else:
                        postings.start_postings(fmt, W3TermInfo())
                        postings.add_all(ids, weights, values, lengths)
                        rows.add(prefix + btext, postings.finish_postings().to_bytes())
                    done += len(ids)
                if per_step and done >= per_step:
                    done = 0
                    rows.flush()
                    yield "postings"
            fw.finish_field()
        rows.flush()
        if per_step:
            yield "postings"
            yield from rows.hash_steps(per_step)
        fw.close()

    def finish(self) -> Any:
        """Write the segment's files and return the segment (the caller lists it in the index's TOC)."""
        segment = self._finalize_segment()
        self._finish()
        return segment

    def add_reader(self, reader: Any) -> list[int]:
        """Append a segment's live documents (what a merge does), all at once: see `copying.copy_steps`.
        Returns each of the segment's document numbers in the new segment (-1: deleted, not copied)."""
        from indexer.search.copying import copy_steps  # copying builds on this module

        steps = copy_steps(self, reader, 0, 0)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                new_of: list[int] = done.value
                return new_of

    def commit(self, mergetype: Any = None, optimize: Any = None, merge: Any = None) -> None:
        """Whoosh's commit, except that by default it merges nothing: a commit should cost its own
        documents only; small segments are merged later (`merge=True`, the idle merge)."""
        super().commit(mergetype=mergetype, optimize=optimize, merge=bool(merge))

    def cancel(self) -> None:
        """Drop what was written and give the lock back, even when closing the half-written files fails."""
        if self.is_closed:
            return
        try:
            self._close_segment()
        except Exception:  # noqa: S110 - the files are unlisted and go at the next commit's clean-up
            pass
        finally:
            self._finish()

    def _finish(self) -> None:
        if self.writelock is not None:  # a writer of its own (an update): Whoosh's clean-up
            super()._finish()
            return
        # Whoosh would delete the temporary folder here, but writers of other processes share it
        # (column files are built there); `rebuild.write_all` removes it when every writer is done.
        self.is_closed = True


def commit_deletions(ix: Any, mark: Callable[[list[Any]], int]) -> bool:
    """Delete documents and nothing else, as the index's next generation: `mark` gets the segments of
    the current TOC, marks documents deleted in them and says how many. False when it marked none
    (nothing is written then). Whoosh's writer would open a new segment and a searcher for this."""
    lock = ix.lock("WRITELOCK")
    if not lock.acquire():
        raise LockError
    try:
        info = ix._read_toc()
        if not mark(info.segments):
            return False
        generation = info.generation + 1
        TOC(info.schema, info.segments, generation).write(ix.storage, ix.indexname)
        clean_files(ix.storage, ix.indexname, generation, info.segments)
        return True
    finally:
        lock.release()


def write_marker(folder: Path, generation: str) -> None:
    atomic_write(folder / MARKER, json.dumps({"format": FORMAT, "generation": generation}))


def atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
