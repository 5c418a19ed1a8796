"""One open, read-only view of the index and the per-document tables searches use.

A `Snapshot` wraps a Whoosh searcher together with numpy arrays over all its documents (external
id, sort date, year; source, authors and tags as (document, value) pairs), so sorting by date, date
filters and facet counts are array operations instead of posting-list walks. The arrays are built
per segment from numeric columns and from the short exact-value posting lists of the `f_*` fields,
and saved beside the segment; segments never change once written, so a segment's table is built
once and shared by every later snapshot (only new and merged segments cost anything after a
commit). Sets of matching documents are boolean masks, one byte per document, cached per
snapshot, so typing "elec", "elect", "electi" re-reads nothing.
"""

from __future__ import annotations

import marshal
import os
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from indexer.search import blockdir
from indexer.search.blocks import ArrayLeafMatcher
from indexer.search.schema import MISSING
from indexer.search.scoring import term_postings

T = TypeVar("T")
CACHE_ENTRIES = 2000
SET_ENTRIES = 64
SETS = frozenset({"term", "phrase", "date", "leaf"})  # cache keys whose values are document sets
SCORED_TEXT = frozenset({"title", "body", "authors", "source", "notes", "quotes"})
_YEAR_STARTS = np.array([int(datetime(y, 1, 1, tzinfo=timezone.utc).timestamp()) for y in range(1900, 2101)])
FIRST_YEAR, LAST_YEAR = 1900, 2100  # dates outside count as undated in years and months
# "YYYY-MM" of each month code (see `_months`); code 0 is "no date".
MONTHS = [""] + [f"{y:04d}-{m:02d}" for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13)]
_MONTHS_BEFORE = (FIRST_YEAR - 1970) * 12  # months from 1970-01 to the first month code's, negative


def term_docs(reader: Any, field: str, text: str | bytes) -> list[int]:
    """Segment-local document numbers of one term, deleted documents included.

    Our posting blocks are read a whole block at a time (see `blocks`); short lists kept inline in
    the term entry go through Whoosh's matcher.
    """
    if isinstance(text, str):
        text = reader.schema[field].to_bytes(text)
    try:
        leaf = reader._terms.matcher(field, text, reader.schema[field].format)
    except (KeyError, TermNotFound):
        return []
    except AttributeError:
        try:
            return list(reader.postings(field, text).all_ids())
        except TermNotFound:
            return []
    if not isinstance(leaf, ArrayLeafMatcher) or not leaf.is_active():
        return list(leaf.all_ids())
    out: list[int] = []
    while True:
        out += leaf.block_arrays()[0].tolist()
        if leaf._lastblock:
            return out
        leaf._goto(leaf._nextoffset)


def _column(reader: Any, name: str) -> np.ndarray:
    """All values of a numeric column as one int64 array, read in one piece when the layout allows."""
    n = reader.doc_count_all()
    if n == 0:
        return np.zeros(0, dtype=np.int64)  # an empty index has no columns (Whoosh's EmptyReader refuses one)
    col = reader.column_reader(name, translate=False)
    try:
        count = min(col._count, n)
        raw = col._dbfile.get(col._basepos, count * col._fixedlen)
        values = np.frombuffer(raw, dtype=np.dtype(col._typecode).newbyteorder(">"))  # Whoosh writes big-endian
        if len(values) == count:
            out = np.full(n, col._default, dtype=np.int64)
            out[:count] = values
            return out
    except (AttributeError, ValueError, TypeError):
        pass
    return np.fromiter(col, dtype=np.int64, count=n)


@dataclass
class Values:
    """The values of one facet field in one segment: names, and (document, name index) pairs."""

    names: list[str]
    doc: np.ndarray  # int32, segment-local document numbers
    code: np.ndarray  # int32, index into names


@dataclass
class SegmentTable:
    """Per-document values of one segment, as arrays by segment-local document number."""

    ids: np.ndarray  # int64 article ids
    pub: np.ndarray  # int64 seconds, MISSING when absent
    saved: np.ndarray
    source: Values
    authors: Values
    tags: Values

    def __post_init__(self) -> None:
        # Facet pairs in document order: the snapshot's joined pairs are then in global document order,
        # and the values of a few documents are found by look-up (see `counting.facets_of`).
        self.source, self.authors, self.tags = (_by_doc(v) for v in (self.source, self.authors, self.tags))
        self.sort_key = np.where(self.pub != MISSING, self.pub, self.saved)  # what "newest" orders by
        self.year = _years(self.pub)
        self.month = _months(self.pub)
        self.pub_order, self.pub_keys = _by_date(self.pub)
        self.saved_order, self.saved_keys = _by_date(self.saved)


def _by_doc(values: Values) -> Values:
    doc = values.doc
    if len(doc) < 2 or bool(np.all(doc[1:] >= doc[:-1])):
        return values
    order = np.argsort(doc, kind="stable")
    return Values(values.names, doc[order], values.code[order])


def _years(seconds: np.ndarray) -> np.ndarray:
    """Calendar year (UTC) of each moment; 0 when absent or outside 1900-2100."""
    i = np.searchsorted(_YEAR_STARTS, seconds, side="right")
    years = (1899 + i).astype(np.int16)
    years[(i <= 0) | (i >= len(_YEAR_STARTS)) | (seconds == MISSING)] = 0
    return years


def _months(seconds: np.ndarray) -> np.ndarray:
    """Month code (UTC) of each moment: 1 for January 1900 onwards, 0 when absent or outside 1900-2100."""
    out = np.zeros(len(seconds), dtype=np.int16)
    present = np.flatnonzero(seconds != MISSING)
    if len(present):
        # Months since 1970 by numpy's calendar arithmetic; far-off moments stay far off, then are dropped.
        since = seconds[present].astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
        code = since - _MONTHS_BEFORE + 1
        ok = (code >= 1) & (code < len(MONTHS))
        out[present[ok]] = code[ok]
    return out


def _by_date(moments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local docnums that have a moment, in time order, and those moments (for date-range look-ups)."""
    present = np.flatnonzero(moments != MISSING).astype(np.int32)
    order = present[np.argsort(moments[present], kind="stable")]
    return order, moments[order]


def _values(reader: Any, field: str) -> Values:
    names: list[str] = []
    docs: list[array[int]] = []
    for btext in reader.lexicon(field):
        names.append(btext.decode("utf-8"))
        docs.append(array("i", term_docs(reader, field, btext)))
    lengths = [len(d) for d in docs]
    doc = np.frombuffer(b"".join(d.tobytes() for d in docs), dtype=np.int32) if docs else np.zeros(0, np.int32)
    code = np.repeat(np.arange(len(names), dtype=np.int32), lengths)
    return Values(names, doc.copy(), code)


def build_table(reader: Any) -> SegmentTable:
    return SegmentTable(
        ids=_column(reader, "idc"),
        pub=_column(reader, "pub"),
        saved=_column(reader, "saved"),
        source=_values(reader, "f_source"),
        authors=_values(reader, "f_author"),
        tags=_values(reader, "f_tag"),
    )


TABLE_FORMAT = 2


def _table_path(folder: Path, reader: Any) -> Path | None:
    # Named like the segment's own files, so Whoosh deletes it together with the segment.
    segment = getattr(reader, "segment", None)
    seg = segment() if callable(segment) else None
    name = seg.segment_id() if seg is not None and hasattr(seg, "segment_id") else ""
    return folder / f"{name}.natab" if name else None


def _dump(table: SegmentTable) -> bytes:
    arrays = {k: getattr(table, k).astype(np.int64).tobytes() for k in ("ids", "pub", "saved")}
    values = {
        k: (v.names, v.doc.astype(np.int32).tobytes(), v.code.astype(np.int32).tobytes())
        for k, v in (("source", table.source), ("authors", table.authors), ("tags", table.tags))
    }
    return marshal.dumps((TABLE_FORMAT, arrays, values))


def _load(data: bytes) -> SegmentTable:
    version, arrays, values = marshal.loads(data)
    if version != TABLE_FORMAT:
        raise ValueError("another table format")
    parts: dict[str, Any] = {k: np.frombuffer(arrays[k], dtype=np.int64) for k in ("ids", "pub", "saved")}
    for k, (names, doc, code) in values.items():
        parts[k] = Values(list(names), np.frombuffer(doc, dtype=np.int32), np.frombuffer(code, dtype=np.int32))
    return SegmentTable(**parts)


def load_table(folder: Path | None, reader: Any) -> SegmentTable:
    """The segment's table from the file saved beside it, else built from the segment and saved.

    Building reads every facet posting list of the segment (a second or more at 100,000 articles);
    loading the saved arrays is a few milliseconds, which keeps opening a library fast.
    """
    path = _table_path(folder, reader) if folder is not None else None
    n = reader.doc_count_all()
    if path is not None:
        try:
            table = _load(path.read_bytes())
            if len(table.ids) == n:
                return table
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            pass
    table = build_table(reader)
    if path is not None:
        _save(path, _dump(table))
        if n >= EAGER_VOCABULARY:  # big segments now, on the writer thread, rather than in the first fuzzy search
            for field in VOCABULARY_FIELDS:
                _segment_groups(reader, field, "", folder)
    return table


@dataclass
class Facet:
    """One facet over the whole snapshot: value names and (global docnum, name index) pairs."""

    names: list[str]
    doc: np.ndarray
    code: np.ndarray


def _join(parts: list[tuple[Values, int]], single: int = 0) -> Facet:
    """Segments' values under one numbering of names; `single`: also a per-document code array of that size."""
    index: dict[str, int] = {}
    docs, codes = [], []
    for values, offset in parts:
        remap = np.array([index.setdefault(n, len(index)) for n in values.names], dtype=np.int32)
        docs.append(values.doc.astype(np.int64) + offset)
        codes.append(remap[values.code] if len(remap) else values.code)
    doc = np.concatenate(docs) if docs else np.zeros(0, np.int64)
    code = np.concatenate(codes) if codes else np.zeros(0, np.int32)
    return Facet(list(index), doc, code)


def frozen(mask: np.ndarray) -> np.ndarray:
    mask.flags.writeable = False
    return mask


class Snapshot:
    """A searcher plus whole-index arrays by global document number; read-only once built.

    Sets of documents are boolean masks over the global document numbers (`size` of them): AND, OR
    and NOT are whole-array operations, and a cached set costs one byte per document.
    """

    def __init__(self, searcher: Searcher, tables: dict[str, SegmentTable], folder: Path | None = None) -> None:
        self.searcher = searcher
        self.folder = folder
        self.reader = searcher.reader()
        self.leaves: list[tuple[Any, int, SegmentTable, str]] = []
        deleted: list[int] = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            key = _segment_key(reader)
            table = tables.get(key) if key else None
            if table is None:
                table = load_table(folder, reader)
                if key:
                    tables[key] = table
            self.leaves.append((reader, offset, table, key))
            if reader.doc_count_all() >= EAGER_DIRECTORY:
                blockdir.directory(reader, key, folder)  # built once for the segment's life, then read
            if reader.has_deletions():
                deleted += [offset + d for d in _deleted(reader)]
        tabs = [t for _, _, t, _ in self.leaves]
        self.ids: np.ndarray = _cat([t.ids for t in tabs], np.int64)
        self.sort_key: np.ndarray = _cat([t.sort_key for t in tabs], np.int64)
        self.year: np.ndarray = _cat([t.year for t in tabs], np.int16)
        self.month: np.ndarray = _cat([t.month for t in tabs], np.int16)
        self.size = len(self.ids)
        offsets = [offset for _, offset, _, _ in self.leaves]
        self.source = _join([(t.source, o) for t, o in zip(tabs, offsets, strict=True)])
        self.authors = _join([(t.authors, o) for t, o in zip(tabs, offsets, strict=True)])
        self.tags = _join([(t.tags, o) for t, o in zip(tabs, offsets, strict=True)])
        alive = np.ones(self.size, dtype=bool)
        alive[deleted] = False
        self.alive = frozen(alive)
        self.count = int(alive.sum())
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._sets: OrderedDict[Any, Any] = OrderedDict()
        self._docnum_of: dict[int, int] | None = None

    def segment_keys(self) -> set[str]:
        return {key for _, _, _, key in self.leaves if key}

    def close(self) -> None:
        self.searcher.close()

    # -- sets of documents ------------------------------------------------------------------------

    def cached(self, key: Any, make: Callable[[], T]) -> T:
        """The value of `make()` for `key`, computed once per snapshot (the least recently used go first).

        Document sets and small answers (expansions, marks) are kept apart, so a run of searches
        never pushes out the costly small ones.
        """
        store, limit = (self._sets, SET_ENTRIES) if key[0] in SETS else (self._cache, CACHE_ENTRIES)
        hit = store.get(key)
        if hit is not None:
            store.move_to_end(key)
            return hit
        value = make()
        store[key] = value
        if len(store) > limit:
            store.popitem(last=False)
        return value

    def empty(self) -> np.ndarray:
        return np.zeros(self.size, dtype=bool)

    def all_docs(self) -> np.ndarray:
        return self.alive

    def mask_of(self, docnums: Iterable[int]) -> np.ndarray:
        mask = self.empty()
        mask[np.fromiter(docnums, dtype=np.int64)] = True
        return frozen(mask & self.alive)

    def term(self, field: str, text: str) -> np.ndarray:
        def make() -> np.ndarray:
            mask = self.empty()
            for reader, offset, _, key in self.leaves:
                # The same decoded postings the scorer reads next: one block walk serves both.
                if field in SCORED_TEXT:
                    ids = np.asarray(term_postings(reader, field, text, key)[0], dtype=np.int64)
                else:
                    ids = np.asarray(term_docs(reader, field, text), dtype=np.int64)
                if len(ids):
                    mask[ids + offset] = True
            return frozen(mask & self.alive)

        return self.cached(("term", field, text), make)

    def terms(self, field: str, texts: Iterable[str]) -> np.ndarray:
        out = self.empty()
        for text in texts:
            out |= self.term(field, text)
        return frozen(out)

    def date_range(self, which: str, lo: int | None, hi: int | None) -> np.ndarray:
        """Documents whose published (or saved) moment is in [lo, hi)."""

        def make() -> np.ndarray:
            mask = self.empty()
            for _, offset, table, _ in self.leaves:
                order, keys = (
                    (table.pub_order, table.pub_keys) if which == "published" else (table.saved_order, table.saved_keys)
                )
                i = 0 if lo is None else int(np.searchsorted(keys, lo, side="left"))
                j = len(keys) if hi is None else int(np.searchsorted(keys, hi, side="left"))
                mask[order[i:j].astype(np.int64) + offset] = True
            return frozen(mask & self.alive)

        return self.cached(("date", which, lo, hi), make)

    def lexicon_leaves(self) -> list[tuple[Any, str]]:
        """(reader, key) of every segment, the largest first: the order prefix and fuzzy words look through
        the segments' terms, each within a budget of terms looked at (see `engine`), so that the work stays
        bounded as segments grow in number and the most frequent terms are still seen first."""

        def make() -> list[tuple[Any, str]]:
            by_size = sorted(self.leaves, key=lambda leaf: -leaf[0].doc_count_all())
            return [(reader, key) for reader, _, _, key in by_size]

        return self.cached(("lexicon leaves",), make)

    def vocabulary(self, field: str) -> Iterator[Groups]:
        """The terms of `field`, per segment, grouped by (first letter, length), each with its `letter_mask`: what
        fuzzy matching compares against. The largest segments first, until they hold `VOCABULARY_DOCS` documents:
        a word frequent enough to be offered is in them, and a large archive's dozens of segments are neither
        all read for every fuzzy word nor all kept in memory. Kept per segment, so a commit costs only its new
        segment; read one at a time, so a search that stops early loads no more."""
        held = 0
        for reader, key in self.lexicon_leaves():
            if held >= VOCABULARY_DOCS:
                return
            held += reader.doc_count_all()
            yield _segment_groups(reader, field, key, self.folder)

    def _vocabulary_leaves(self) -> list[tuple[Any, str]]:
        out, held = [], 0
        for reader, key in self.lexicon_leaves():
            if held >= VOCABULARY_DOCS:
                break
            out.append((reader, key))
            held += reader.doc_count_all()
        return out

    def warm_vocabulary(self) -> bool:
        """Load one segment's vocabulary of one of `FUZZY_FIELDS` if one is not loaded yet (~30 ms
        at 100,000 articles); True while more remain. Without this, the first fuzzy word or "did you
        mean" of a session loads them all at once (half a second at 100,000 articles)."""
        pairs = [(reader, key, field) for reader, key in self._vocabulary_leaves() if key for field in FUZZY_FIELDS]
        if len(pairs) > GROUPS_KEPT:  # they would push each other out: leave it to the searches
            return False
        pending = [(reader, key, field) for reader, key, field in pairs if (key, field) not in _GROUPS]
        if not pending:
            return False
        reader, key, field = pending[0]
        _segment_groups(reader, field, key, self.folder)
        return len(pending) > 1

    def docnum_of(self, article_id: int) -> int | None:
        if self._docnum_of is None:
            live = np.flatnonzero(self.alive)
            # Later docnums win: an update re-adds the document at the end.
            self._docnum_of = dict(zip(self.ids[live].tolist(), live.tolist(), strict=True))
        return self._docnum_of.get(article_id)


def _cat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


def letter_mask(word: str) -> int:
    """A 61-bit set of the letters in a word: one edit changes at most two of its bits."""
    mask = 0
    for ch in word:
        mask |= 1 << (ord(ch) % 61)
    return mask


Groups = dict[tuple[str, int], tuple[list[str], list[int]]]
_GROUPS: OrderedDict[tuple[str, str], Groups] = OrderedDict()
GROUPS_KEPT = 96  # (segment, field) vocabularies kept in memory
FUZZY_FIELDS = ("body", "spell", "authors", "source")  # every field a fuzzy word or a suggestion looks through
VOCABULARY_FIELDS = ("body", "spell")  # the big vocabularies, saved beside big segments (see `_segment_groups`)
EAGER_VOCABULARY = 2_000  # segments this big get their vocabulary saved when written (small commits stay quick)
VOCABULARY_DOCS = 200_000  # documents whose segments' vocabularies fuzzy words look through (see `vocabulary`)
EAGER_DIRECTORY = 5_000  # segments this big get a directory of their frequent terms' blocks (see `blockdir`)


def _segment_groups(reader: Any, field: str, key: str, folder: Path | None) -> Groups:
    """The terms of one field of one segment by (first letter, length), with their letter masks.

    Kept for the segment's life (segments never change). Reading a term dictionary through Whoosh
    takes seconds at 100,000 articles, so the groups of `VOCABULARY_FIELDS` are also saved beside
    the segment the first time they are made.
    """
    if key and (key, field) in _GROUPS:
        return _GROUPS[(key, field)]
    path = _table_path(folder, reader) if folder is not None and field in VOCABULARY_FIELDS else None
    saved: Any = {}
    if path is not None:
        try:
            saved = marshal.loads(path.with_suffix(".navoc").read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            saved = {}
    if not isinstance(saved, dict):
        saved = {}
    groups = saved.get(field)
    if not isinstance(groups, dict):
        groups = {}
        for w in sorted(b.decode("utf-8") for b in reader.lexicon(field)):
            group = groups.setdefault((w[:1], len(w)), ([], []))
            group[0].append(w)
            group[1].append(letter_mask(w))
        if path is not None:
            saved[field] = groups
            _save(path.with_suffix(".navoc"), marshal.dumps(saved))
    if key:
        _GROUPS[(key, field)] = groups
        if len(_GROUPS) > GROUPS_KEPT:
            _GROUPS.popitem(last=False)
    return groups


def _save(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full disk: it is simply read again next time


def _segment_key(reader: Any) -> str:
    """A name that stays with a segment's contents for its whole life (deletions aside)."""
    segment = getattr(reader, "segment", None)
    seg = segment() if callable(segment) else getattr(reader, "_segment", None)
    if seg is None:
        return ""
    try:
        return f"{seg.segment_id()}:{seg.doc_count_all()}"
    except AttributeError:
        return ""


def _deleted(reader: Any) -> Iterable[int]:
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "deleted_docs"):
        return list(perdoc.deleted_docs())
    return [d for d in range(reader.doc_count_all()) if reader.is_deleted(d)]
