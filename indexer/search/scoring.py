"""Relevance: BM25F over Whoosh's postings, computed as whole arrays.

Whoosh's own collector walks postings one document at a time through several Python calls per
posting (matcher, union matcher, scorer, field-length column), about 20 µs each; a query over the
four text fields of a 100,000-article archive touches hundreds of thousands of postings. Here a
term's postings are read a block at a time into arrays (see `blocks`) and scored with numpy
against an array of field lengths, so a posting costs a few nanoseconds. The formula is Whoosh's
BM25F (B=0.75, K1=1.2; field boosts are already in the stored weights), so scores are what Whoosh
would give.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np
from whoosh.reading import TermNotFound

from indexer.search import blockdir
from indexer.search.blocks import ArrayLeafMatcher

B = 0.75
K1 = 1.2
FEW = 16  # found documents under 1/FEW of a term's postings: read only the blocks that hold them
CACHE_POSTINGS = 3_000_000  # decoded postings kept across searches (~8 bytes each); "elec", "elect" reuse them

_postings_cache: OrderedDict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
_cached_size = 0
_lengths_cache: dict[tuple[str, str], np.ndarray] = {}
_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def term_postings(reader: Any, field: str, text: str, key: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Segment-local document numbers (int32) and weights (float32) of one term, read block by block.

    `key` names the segment for all its life (see snapshot); when given, the arrays are cached.
    """
    if key:
        hit = _postings_cache.get((key, field, text))
        if hit is not None:
            _postings_cache.move_to_end((key, field, text))
            return hit
        blocks = blockdir.loaded(key, field, text)
        buf = blockdir.postfile_bytes(reader) if blocks is not None else None
        if blocks is not None and buf is not None:
            return _remember(key, field, text, blockdir.decode(buf, blocks))
    try:
        leaf = reader._terms.matcher(field, reader.schema[field].to_bytes(text), reader.schema[field].format)
    except (KeyError, TermNotFound):
        return _EMPTY
    except AttributeError:
        try:
            leaf = reader.postings(field, text)
        except TermNotFound:
            return _EMPTY
    if not leaf.is_active():
        return _EMPTY
    if isinstance(leaf, ArrayLeafMatcher):
        parts = []
        while True:
            parts.append(leaf.block_arrays())
            if leaf._lastblock:
                break
            leaf._goto(leaf._nextoffset)
        return _remember(key, field, text, _joined(parts))
    # A short list kept inline in the term entry (or a reader of another kind): posting by posting.
    ids: list[int] = []
    weights: list[float] = []
    while leaf.is_active():
        ids.append(leaf.id())
        weights.append(leaf.weight())
        leaf.next()
    return _remember(key, field, text, (np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)))


def _joined(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        return _EMPTY
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _remember(key: str, field: str, text: str, packed: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    if key:
        global _cached_size
        _postings_cache[(key, field, text)] = packed
        _cached_size += len(packed[0])
        while _cached_size > CACHE_POSTINGS and len(_postings_cache) > 1:
            _cached_size -= len(_postings_cache.popitem(last=False)[1][0])
    return packed


def term_postings_in(
    reader: Any, field: str, text: str, wanted: np.ndarray, key: str = ""
) -> tuple[np.ndarray, np.ndarray]:
    """Like `term_postings`, but decoding only the blocks that can hold one of `wanted` (sorted local docnums).

    A search that found few documents (two words, one of them rare) then reads a handful of the
    frequent word's blocks instead of all of them.
    """
    blocks = blockdir.loaded(key, field, text)
    buf = blockdir.postfile_bytes(reader) if blocks is not None else None
    if blocks is not None and buf is not None:
        return blockdir.decode(buf, blocks, blockdir.blocks_for(blocks, wanted))
    try:
        leaf = reader._terms.matcher(field, reader.schema[field].to_bytes(text), reader.schema[field].format)
    except (KeyError, TermNotFound):
        return _EMPTY
    except AttributeError:
        return term_postings(reader, field, text)
    if not leaf.is_active() or not isinstance(leaf, ArrayLeafMatcher):
        return term_postings(reader, field, text)
    parts = []
    low = 0
    while True:
        high = leaf._maxid
        i = int(np.searchsorted(wanted, low))
        if i < len(wanted) and wanted[i] <= high:
            parts.append(leaf.block_arrays())
        if leaf._lastblock:
            return _joined(parts)
        low = high + 1
        leaf._goto(leaf._nextoffset)


def field_lengths(reader: Any, field: str, key: str = "") -> np.ndarray:
    """Length (in words) of `field` in every document of one segment, as float32."""
    if key and (key, field) in _lengths_cache:
        return _lengths_cache[(key, field)]
    perdoc = getattr(reader, "_perdoc", None)
    lister = getattr(perdoc, "length_list", None)
    n = reader.doc_count_all()
    lengths = lister(field) if lister is not None else None
    if lengths is None:
        lengths = [reader.doc_field_length(d, field) or 0 for d in range(n)]
    out = np.zeros(n, dtype=np.float32)
    out[: len(lengths)] = [v or 0 for v in lengths[:n]]
    if key:
        if len(_lengths_cache) > 400:
            _lengths_cache.clear()
        _lengths_cache[(key, field)] = out
    return out


def score(
    leaves: list[tuple[Any, int, str]], whole: Any, terms: Iterable[tuple[str, str]], found: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """BM25F scores (float64, by global docnum) of the found documents, and the mask of those a term reached.

    `leaves` are (segment reader, first global docnum, segment key); `whole` is the index-wide reader
    the term statistics come from; `found` is the boolean mask of the matching documents.
    """
    n_docs = max(1, whole.doc_count_all())
    acc = np.zeros(len(found), dtype=np.float64)
    reached = np.zeros(len(found), dtype=bool)
    few = int(found.sum()) < n_docs // FEW
    wanted: list[np.ndarray | None] = []
    for reader, offset, _ in leaves:
        n = reader.doc_count_all()
        wanted.append(np.flatnonzero(found[offset : offset + n]) if few else None)
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
            if local is not None and not len(local):
                continue
            if (
                local is not None
                and (key, field, text) not in _postings_cache
                and len(local) * FEW < reader.doc_frequency(field, text)
            ):
                ids, weights = term_postings_in(reader, field, text, local, key)
            else:
                ids, weights = term_postings(reader, field, text, key)
            if not len(ids):
                continue
            lengths = field_lengths(reader, field, key)
            g = ids.astype(np.int64) + offset
            keep = found[g]
            g, w = g[keep], weights[keep]
            if not len(g):
                continue
            # A term's postings name each document once, so a plain fancy-index add is exact.
            acc[g] += idf * w * k1p / (w + k1a + k1b * lengths[ids[keep]])
            reached[g] = True
    return acc, reached
