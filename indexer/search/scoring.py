"""Relevance: BM25F over Whoosh's posting blocks, computed a block at a time.

Whoosh's own collector walks postings one document at a time through several Python calls per
posting (matcher, union matcher, scorer, field-length column), about 20 µs each; a query over the
four text fields of a 100,000-article archive touches hundreds of thousands of postings. Here each
posting block's ids and term frequencies are read at once (one zlib + unpickle per 128 postings)
and scored in one comprehension against an in-memory list of field lengths, so a posting costs a
fraction of a microsecond. The formula is Whoosh's BM25F (B=0.75, K1=1.2; field boosts are already
in the stored weights), so scores are what Whoosh would give.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Any

from whoosh.reading import TermNotFound

B = 0.75
K1 = 1.2
FEW = 16  # found documents under 1/FEW of a term's postings: read only the blocks that hold them
CACHE_POSTINGS = 3_000_000  # decoded postings kept across searches (~8 bytes each); "elec", "elect" reuse them

_postings_cache: OrderedDict[tuple[str, str, str], tuple[Sequence[int], Sequence[float]]] = OrderedDict()
_cached_size = 0
_lengths_cache: dict[tuple[str, str], list[Any]] = {}


def term_postings(reader: Any, field: str, text: str, key: str = "") -> tuple[Sequence[int], Sequence[float]]:
    """Segment-local document numbers and weights of one term, read block by block.

    `key` names the segment for all its life (see snapshot); when given, the lists are cached.
    """
    if key:
        hit = _postings_cache.get((key, field, text))
        if hit is not None:
            _postings_cache.move_to_end((key, field, text))
            return hit
    ids: list[int] = []
    weights: list[float] = []
    try:
        leaf = reader._terms.matcher(field, reader.schema[field].to_bytes(text), reader.schema[field].format)
    except (KeyError, TermNotFound):
        return ids, weights
    except AttributeError:
        try:
            leaf = reader.postings(field, text)
        except TermNotFound:
            return ids, weights
    if not leaf.is_active():
        pass
    elif blocks_readable(leaf):
        while True:
            if leaf._data is None:
                leaf._read_data()
            data = leaf._data
            ids.extend(accumulate(data[0]))
            w = data[1]
            if w is None or isinstance(w, float):
                weights.extend([1.0 if w is None else w] * leaf._blocklength)
            else:
                weights.extend(w)
            if leaf._lastblock:
                break
            leaf._goto(leaf._nextoffset)
    else:  # short lists kept inline in the term entry, or another layout: the slow, general path
        while leaf.is_active():
            ids.append(leaf.id())
            weights.append(leaf.weight())
            leaf.next()
    if key:
        global _cached_size
        packed = (array("i", ids), array("f", weights))
        _postings_cache[(key, field, text)] = packed
        _cached_size += len(ids)
        while _cached_size > CACHE_POSTINGS and len(_postings_cache) > 1:
            _cached_size -= len(_postings_cache.popitem(last=False)[1][0])
        return packed
    return ids, weights


def term_postings_in(reader: Any, field: str, text: str, wanted: list[int]) -> tuple[Sequence[int], Sequence[float]]:
    """Like `term_postings`, but decoding only the blocks that can hold one of `wanted` (sorted local docnums).

    A search that found few documents (two words, one of them rare) then reads a handful of the
    frequent word's blocks instead of all of them.
    """
    try:
        leaf = reader._terms.matcher(field, reader.schema[field].to_bytes(text), reader.schema[field].format)
    except (KeyError, TermNotFound):
        return [], []
    except AttributeError:
        return term_postings(reader, field, text)
    if not leaf.is_active() or not blocks_readable(leaf):
        return term_postings(reader, field, text)
    ids: list[int] = []
    weights: list[float] = []
    low = 0
    while True:
        high = leaf._maxid
        i = bisect_left(wanted, low)
        if i < len(wanted) and wanted[i] <= high:
            if leaf._data is None:
                leaf._read_data()
            data = leaf._data
            ids.extend(accumulate(data[0]))
            w = data[1]
            if w is None or isinstance(w, float):
                weights.extend([1.0 if w is None else w] * leaf._blocklength)
            else:
                weights.extend(w)
        if leaf._lastblock:
            return ids, weights
        low = high + 1
        leaf._goto(leaf._nextoffset)


def blocks_readable(leaf: Any) -> bool:
    """Whether a posting reader is Whoosh 2.7's block reader for document postings (whose blocks we read whole)."""
    return not getattr(leaf, "_byteids", True) and all(
        hasattr(leaf, a) for a in ("_goto", "_read_data", "_data", "_lastblock", "_nextoffset", "_blocklength")
    )


def field_lengths(reader: Any, field: str, key: str = "") -> list[Any]:
    """Length (in words) of `field` in every document of one segment."""
    if key and (key, field) in _lengths_cache:
        return _lengths_cache[(key, field)]
    perdoc = getattr(reader, "_perdoc", None)
    lister = getattr(perdoc, "length_list", None)
    n = reader.doc_count_all()
    lengths = lister(field) if lister is not None else None
    if lengths is None:
        lengths = [reader.doc_field_length(d, field) or 0 for d in range(n)]
    lengths = [v or 0 for v in lengths] + [0] * (n - len(lengths))
    if key:
        if len(_lengths_cache) > 400:
            _lengths_cache.clear()
        _lengths_cache[(key, field)] = lengths
    return lengths


def score(
    leaves: list[tuple[Any, int, str]], whole: Any, terms: Iterable[tuple[str, str]], found: frozenset[int]
) -> dict[int, float]:
    """BM25F score of every found document that holds at least one of `terms` ((field, text) pairs).

    `leaves` are (segment reader, first global docnum, segment key); `whole` is the index-wide reader
    the term statistics come from.
    """
    n_docs = max(1, whole.doc_count_all())
    acc: dict[int, float] = {}
    wanted: list[list[int] | None] = []
    few = len(found) < n_docs // FEW
    for reader, offset, _ in leaves:
        n = reader.doc_count_all()
        wanted.append(sorted(g - offset for g in found if offset <= g < offset + n) if few else None)
    for field, text in dict.fromkeys(terms):
        df = whole.doc_frequency(field, text)
        if not df:
            continue
        idf = math.log(n_docs / (df + 1)) + 1.0
        avg = whole.field_length(field) / n_docs or 1.0
        k1b = K1 * B / avg
        k1a = K1 * (1 - B)
        k1p = K1 + 1
        for (reader, offset, key), local in zip(leaves, wanted, strict=True):
            if (
                local is not None
                and (key, field, text) not in _postings_cache
                and len(local) * FEW < reader.doc_frequency(field, text)
            ):
                ids, weights = term_postings_in(reader, field, text, local)
            else:
                ids, weights = term_postings(reader, field, text, key)
            if not ids:
                continue
            lengths = field_lengths(reader, field, key)
            part = {
                d + offset: idf * w * k1p / (w + k1a + k1b * lengths[d])
                for d, w in zip(ids, weights, strict=True)
                if d + offset in found
            }
            if not acc:
                acc = part
            else:
                get = acc.get
                for g, s in part.items():
                    acc[g] = get(g, 0.0) + s
    return acc
