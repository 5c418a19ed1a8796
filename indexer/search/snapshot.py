"""One open, read-only view of the index and the per-document tables searches use.

A `Snapshot` wraps a Whoosh searcher together with plain Python lists over all its documents
(external id, sort date, source, authors, tags, year), so sorting by date, date filters and facet
counts are list look-ups instead of posting-list walks. The lists are built per segment from
numeric columns and from the short exact-value posting lists of the `f_*` fields; segments never
change once written, so a segment's table is built once and shared by every later snapshot (only
new and merged segments cost anything after a commit). Sets of matching documents are
cached per snapshot, so typing "elec", "elect", "electi" re-reads nothing.
"""

from __future__ import annotations

import bisect
import marshal
import os
import sys
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar

from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from indexer.search.schema import MISSING
from indexer.search.scoring import blocks_readable, term_postings

T = TypeVar("T")
CACHE_ENTRIES = 2000
SET_ENTRIES = 64
SETS = frozenset({"term", "phrase", "date", "all", "every"})  # cache keys whose values are document sets
SCORED_TEXT = frozenset({"title", "body", "authors", "source"})
_YEAR_STARTS = [int(datetime(y, 1, 1, tzinfo=timezone.utc).timestamp()) for y in range(1900, 2101)]


def _year(seconds: int) -> int | None:
    if seconds == MISSING:
        return None
    i = bisect.bisect_right(_YEAR_STARTS, seconds)
    return 1899 + i if 0 < i < len(_YEAR_STARTS) else None


def term_docs(reader: Any, field: str, text: str | bytes) -> list[int]:
    """Segment-local document numbers of one term, deleted documents included, read block by block.

    Whoosh's own `all_ids()` steps posting by posting through several Python calls; reading each
    block's id array at once is an order of magnitude faster. Falls back to the slow path for any
    reader that does not look like Whoosh 2.7's.
    """
    if isinstance(text, str):
        text = reader.schema[field].to_bytes(text)
    try:
        leaf = reader._terms.matcher(field, text, reader.schema[field].format)
        if not all(hasattr(leaf, a) for a in ("_read_ids", "_next_block", "_ids")):
            return list(leaf.all_ids())
    except (KeyError, TermNotFound):
        return []
    except AttributeError:
        try:
            return list(reader.postings(field, text).all_ids())
        except Exception:  # noqa: BLE001 - a missing term is not an error here
            return []
    if not leaf.is_active():
        return []
    out: list[int] = []
    if blocks_readable(leaf):
        # Each block holds its ids as deltas: sum them up in C instead of Whoosh's generator.
        while True:
            if leaf._data is None:
                leaf._read_data()
            out.extend(accumulate(leaf._data[0]))
            if leaf._lastblock:
                return out
            leaf._goto(leaf._nextoffset)
    while leaf.is_active():
        leaf._read_ids()
        out.extend(leaf._ids)
        leaf._next_block()
    return out


def term_positions(reader: Any, field: str, text: str, wanted: set[int]) -> dict[int, list[int]]:
    """Word positions of one term in the `wanted` segment-local documents (None: not a layout we can read).

    Reads only the posting blocks that can hold a wanted document, and decodes positions only for those:
    checking a phrase this way costs a fraction of Whoosh's phrase matcher, which decodes every
    position of every document both words share.
    """
    fmt = reader.schema[field].format
    try:
        leaf = reader._terms.matcher(field, reader.schema[field].to_bytes(text), fmt)
    except (KeyError, TermNotFound):
        return {}
    if not leaf.is_active() or not wanted:
        return {}
    out: dict[int, list[int]] = {}
    if not blocks_readable(leaf):  # a short list kept inline in the term entry
        while leaf.is_active():
            if leaf.id() in wanted:
                out[leaf.id()] = list(leaf.value_as("positions"))
            leaf.next()
        return out
    order = sorted(wanted)
    low = 0
    while True:
        high = leaf._maxid
        i = bisect.bisect_left(order, low)
        if i < len(order) and order[i] <= high:  # a wanted document can be in this block
            if leaf._data is None:
                leaf._read_data()
            ids, values = leaf._data[0], leaf._data[2]
            for i, d in enumerate(accumulate(ids)):
                if d in wanted:
                    out[d] = fmt.decode_positions(values[i])
        if leaf._lastblock:
            return out
        low = high + 1
        leaf._goto(leaf._nextoffset)


def _column(reader: Any, name: str) -> list[int]:
    """All values of a numeric column as a list, read as one array when the layout allows."""
    n = reader.doc_count_all()
    if n == 0:
        return []  # an empty index has no columns at all (Whoosh's EmptyReader refuses to make one)
    col = reader.column_reader(name, translate=False)
    try:
        count = min(col._count, n)
        values = array(col._typecode, col._dbfile.get(col._basepos, count * col._fixedlen))
        if sys.byteorder == "little":
            values.byteswap()  # Whoosh writes big-endian
        if len(values) == count:
            return values.tolist() + [col._default] * (n - count)
    except (AttributeError, ValueError, TypeError):
        pass
    return list(col)


@dataclass
class SegmentTable:
    """Per-document values of one segment, by segment-local document number."""

    ids: list[int]
    pub: list[int]
    saved: list[int]
    sort_key: list[int]  # published, else saved: what "newest" orders by
    year: list[int | None]
    source: list[str | None]
    authors: list[tuple[str, ...]]
    tags: list[tuple[str, ...]]
    pub_order: list[int]  # local docnums with a published date, by date
    pub_keys: list[int]
    saved_order: list[int]
    saved_keys: list[int]


def _multi(reader: Any, field: str, n: int) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()] * n
    for btext in reader.lexicon(field):
        name = btext.decode("utf-8")
        for d in term_docs(reader, field, btext):
            out[d] = (*out[d], name)
    return out


def build_table(reader: Any) -> SegmentTable:
    n = reader.doc_count_all()
    ids = _column(reader, "idc")
    pub = _column(reader, "pub")
    saved = _column(reader, "saved")
    sort_key = [p if p != MISSING else s for p, s in zip(pub, saved, strict=True)]
    sources: list[str | None] = [None] * n
    for btext in reader.lexicon("f_source"):
        name = btext.decode("utf-8")
        for d in term_docs(reader, "f_source", btext):
            sources[d] = name
    pub_order = sorted((d for d in range(n) if pub[d] != MISSING), key=pub.__getitem__)
    saved_order = sorted((d for d in range(n) if saved[d] != MISSING), key=saved.__getitem__)
    return SegmentTable(
        ids=ids,
        pub=pub,
        saved=saved,
        sort_key=sort_key,
        year=[_year(p) for p in pub],
        source=sources,
        authors=_multi(reader, "f_author", n),
        tags=_multi(reader, "f_tag", n),
        pub_order=pub_order,
        pub_keys=[pub[d] for d in pub_order],
        saved_order=saved_order,
        saved_keys=[saved[d] for d in saved_order],
    )


TABLE_FORMAT = 1


def _table_path(folder: Path, reader: Any) -> Path | None:
    # Named like the segment's own files, so Whoosh deletes it together with the segment.
    segment = getattr(reader, "segment", None)
    seg = segment() if callable(segment) else None
    name = seg.segment_id() if seg is not None and hasattr(seg, "segment_id") else ""
    return folder / f"{name}.natab" if name else None


def load_table(folder: Path | None, reader: Any) -> SegmentTable:
    """The segment's table from the file saved beside it, else built from the segment and saved.

    Building reads every facet posting list of the segment (a second or more at 100,000 articles);
    loading the saved lists is a few milliseconds, which keeps opening a library fast.
    """
    path = _table_path(folder, reader) if folder is not None else None
    n = reader.doc_count_all()
    if path is not None:
        try:
            version, values = marshal.loads(path.read_bytes())
            table = SegmentTable(*values)
            if version == TABLE_FORMAT and len(table.ids) == n:
                return table
        except (OSError, EOFError, ValueError, TypeError):
            pass
    table = build_table(reader)
    if path is not None:
        _save(path, marshal.dumps((TABLE_FORMAT, [getattr(table, f.name) for f in fields(table)])))
        if n >= EAGER_VOCABULARY:  # big segments now, on the writer thread, rather than in the first fuzzy search
            for field in VOCABULARY_FIELDS:
                _segment_groups(reader, field, "", folder)
    return table


class Snapshot:
    """A searcher plus whole-index lists by global document number; read-only once built."""

    def __init__(self, searcher: Searcher, tables: dict[str, SegmentTable], folder: Path | None = None) -> None:
        self.searcher = searcher
        self.folder = folder
        self.reader = searcher.reader()
        self.leaves: list[tuple[Any, int, SegmentTable, str]] = []
        leaves = searcher.leaf_searchers()
        self.ids: list[int] = []
        self.sort_key: list[int] = []
        self.year: list[int | None] = []
        self.source: list[str | None] = []
        self.authors: list[tuple[str, ...]] = []
        self.tags: list[tuple[str, ...]] = []
        self.deleted: set[int] = set()
        for sub, offset in leaves:
            reader = sub.reader()
            key = _segment_key(reader)
            table = tables.get(key) if key else None
            if table is None:
                table = load_table(folder, reader)
                if key:
                    tables[key] = table
            self.leaves.append((reader, offset, table, key))
            self.ids += table.ids
            self.sort_key += table.sort_key
            self.year += table.year
            self.source += table.source
            self.authors += table.authors
            self.tags += table.tags
            if reader.has_deletions():
                self.deleted.update(offset + d for d in _deleted(reader))
        self.size = len(self.ids)
        self.count = self.size - len(self.deleted)
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

        Document sets (up to megabytes each at 100,000 articles) and small answers (expansions, marks)
        are kept apart, so a run of searches never pushes out the costly small ones.
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

    def all_docs(self) -> frozenset[int]:
        return self.cached(("all",), lambda: frozenset(range(self.size)) - self.deleted)

    def every(self, step: int) -> frozenset[int]:
        """Every `step`-th document number: a sample that is even over the whole index."""
        return self.cached(("every", step), lambda: frozenset(range(0, self.size, step)))

    def term(self, field: str, text: str) -> frozenset[int]:
        def make() -> frozenset[int]:
            out: set[int] = set()
            for reader, offset, _, key in self.leaves:
                # The same decoded postings the scorer reads next: one block walk serves both.
                if field in SCORED_TEXT:
                    ids = term_postings(reader, field, text, key)[0]
                else:
                    ids = term_docs(reader, field, text)
                out.update(map(offset.__add__, ids) if offset else ids)
            if self.deleted:
                out -= self.deleted
            return frozenset(out)

        return self.cached(("term", field, text), make)

    def terms(self, field: str, texts: Iterable[str]) -> frozenset[int]:
        out: set[int] = set()
        for text in texts:
            out |= self.term(field, text)
        return frozenset(out)

    def date_range(self, which: str, lo: int | None, hi: int | None) -> frozenset[int]:
        """Documents whose published (or saved) moment is in [lo, hi)."""

        def make() -> frozenset[int]:
            out: set[int] = set()
            for _, offset, table, _ in self.leaves:
                order, keys = (
                    (table.pub_order, table.pub_keys) if which == "published" else (table.saved_order, table.saved_keys)
                )
                i = 0 if lo is None else bisect.bisect_left(keys, lo)
                j = len(keys) if hi is None else bisect.bisect_left(keys, hi)
                out.update(map(offset.__add__, order[i:j]))
            return frozenset(out - self.deleted)

        return self.cached(("date", which, lo, hi), make)

    def vocabulary(self, field: str) -> list[Groups]:
        """Every term of `field`, per segment, grouped by (first letter, length), each with its `letter_mask`:
        what fuzzy matching compares against. Kept per segment, so a commit costs only its new segment."""
        return [_segment_groups(reader, field, key, self.folder) for reader, _, _, key in self.leaves]

    def docnum_of(self, article_id: int) -> int | None:
        if self._docnum_of is None:
            self._docnum_of = {
                i: d for d, i in enumerate(self.ids) if d not in self.deleted
            }  # later docnums win: an update re-adds
        return self._docnum_of.get(article_id)


def letter_mask(word: str) -> int:
    """A 61-bit set of the letters in a word: one edit changes at most two of its bits."""
    mask = 0
    for ch in word:
        mask |= 1 << (ord(ch) % 61)
    return mask


Groups = dict[tuple[str, int], tuple[list[str], list[int]]]
_GROUPS: OrderedDict[tuple[str, str], Groups] = OrderedDict()
VOCABULARY_FIELDS = ("body", "spell")  # the fields fuzzy words and suggestions compare against
EAGER_VOCABULARY = 2_000  # segments this big get their vocabulary saved when written (small commits stay quick)


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
        if len(_GROUPS) > 64:
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
