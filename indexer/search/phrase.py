"""Phrase matching on whole arrays: which candidate documents hold the words one after another.

For each word of the phrase the positions of that word in the candidate documents are read as two
flat arrays (document, position), decoded block by block with numpy from the compact positions
layout (see `formats`); a phrase starts where word k's position minus k is the same for every
word, which is an intersection of sorted (document, start) keys. A two-word phrase over thousands of
candidates costs a few array operations per posting block instead of a Python call per posting.
Positions in another layout return None, and the caller checks those the general way.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
from whoosh.reading import TermNotFound

from indexer.search import blockdir
from indexer.search.blockdir import TermBlocks
from indexer.search.blocks import ArrayLeafMatcher
from indexer.search.formats import CompactPositions, decode_positions

_SHIFT = 32


def positions(
    reader: Any, field: str, text: str, wanted: np.ndarray, blocks: TermBlocks | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """(documents, positions) of every occurrence of `text` in the `wanted` (sorted, segment-local) documents.

    With the term's `blocks` (its directory entry, see `blockdir`) only the blocks that can hold a wanted
    document are visited; without it every block head is walked."""
    fmt = reader.schema[field].format
    if not isinstance(fmt, CompactPositions):
        return None
    try:
        leaf = reader._terms.matcher(field, reader.schema[field].to_bytes(text), fmt)
    except (KeyError, TermNotFound):
        return _NONE
    if not leaf.is_active() or not len(wanted):
        return _NONE
    buf = blockdir.postfile_bytes(reader) if blocks is not None else None
    if blocks is not None and buf is not None:
        return _positions_of_blocks(reader, buf, blocks, wanted)
    docs: list[np.ndarray] = []
    where: list[np.ndarray] = []
    if not isinstance(leaf, ArrayLeafMatcher):  # a short list kept inline in the term entry
        keep = set(wanted.tolist())
        while leaf.is_active():
            if leaf.id() in keep:
                found = decode_positions(leaf.value())
                docs.append(np.full(len(found), leaf.id(), dtype=np.int64))
                where.append(np.asarray(found, dtype=np.int64))
            leaf.next()
        return _joined(docs, where)
    # The chosen postings of every block are gathered first and decoded together: one pass of
    # array operations per term instead of one per block.
    ids_of: list[np.ndarray] = []
    starts_of: list[np.ndarray] = []
    ends_of: list[np.ndarray] = []
    raws: list[np.ndarray] = []
    base = 0

    def take(low: int, high: int) -> None:
        nonlocal base
        i = int(np.searchsorted(wanted, low))
        if i < len(wanted) and wanted[i] <= high:  # a wanted document can be in this block
            ids = leaf.block_arrays()[0]
            chosen = np.flatnonzero(_member(ids, wanted[i : int(np.searchsorted(wanted, high, side="right"))]))
            stream = leaf.block_value_stream() if len(chosen) else None
            if stream is not None:
                offsets, raw = stream
                ids_of.append(ids[chosen])
                starts_of.append(offsets[chosen] + base)
                ends_of.append(offsets[chosen + 1] + base)
                raws.append(raw)
                base += len(raw)

    if blocks is not None:
        firsts = blocks.first()
        for b in blockdir.blocks_for(blocks, wanted).tolist():
            leaf._goto(int(blocks.start[b]))
            take(int(firsts[b]), leaf._maxid)
    else:
        low = 0
        while True:
            take(low, leaf._maxid)
            if leaf._lastblock:
                break
            low = leaf._maxid + 1
            leaf._goto(leaf._nextoffset)
    if not ids_of:
        return _NONE
    return _decode(
        np.concatenate(ids_of).astype(np.int64),
        np.concatenate(starts_of),
        np.concatenate(ends_of),
        raws[0] if len(raws) == 1 else np.concatenate(raws),
    )


def _positions_of_blocks(
    reader: Any, buf: np.ndarray, blocks: TermBlocks, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`positions` through the term's directory: the ids of every block that can hold a wanted document
    decoded together, then only the blocks holding one have their positions decompressed."""
    which = blockdir.blocks_for(blocks, wanted)
    if not len(which):
        return _NONE
    ids, _ = blockdir.decode(buf, blocks, which)
    all_counts = blocks.count[which].astype(np.int64)
    chosen = _member(ids, wanted)
    hit = np.add.reduceat(chosen, np.cumsum(all_counts) - all_counts) > 0
    if not hit.any():
        return _NONE
    ids, chosen = ids[np.repeat(hit, all_counts)], chosen[np.repeat(hit, all_counts)]
    which, counts = which[hit], all_counts[hit]
    starts, ends = blockdir.values_at(buf, blocks, which)
    view = memoryview(reader._terms._postfile._buf)
    raws = [zlib.decompress(view[a:b]) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    sizes = np.fromiter((len(r) for r in raws), dtype=np.int64, count=len(raws))
    raw = np.frombuffer(b"".join(raws), dtype=np.uint8)
    base = np.cumsum(sizes) - sizes  # where each block's values begin in `raw`
    # Each block's values: (count + 1) uint32 offsets, then the bytes they point into.
    n_off = counts + 1
    off_first = np.cumsum(n_off) - n_off
    k = np.arange(int(n_off.sum()), dtype=np.int64) - np.repeat(off_first, n_off)
    at = np.repeat(base, n_off) + 4 * k
    offsets = raw[(at[:, None] + np.arange(4)).ravel()].view("<u4").astype(np.int64)
    body = base + 4 * n_off  # where each block's value bytes begin
    post_block = np.repeat(np.arange(len(which)), counts)
    j = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    o = off_first[post_block] + j
    p_start = body[post_block] + offsets[o]
    p_end = body[post_block] + offsets[o + 1]
    return _decode(ids[chosen].astype(np.int64), p_start[chosen], p_end[chosen], raw)


def _decode(ids: np.ndarray, starts: np.ndarray, ends: np.ndarray, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(documents, positions) of postings whose values are raw[starts[i]:ends[i]] (width byte + deltas).

    Postings are decoded in groups of the same delta width (1, 2 or 4 bytes): a group's delta bytes
    are gathered into one array and read as little-endian integers, then summed per posting.
    Width 2 is common: a word first seen past the 255th word of a long text.
    """
    widths = raw[starts]
    docs: list[np.ndarray] = []
    where: list[np.ndarray] = []
    for width in (1, 2, 4):
        group = (widths == width) & (ends - starts > width)
        if not group.any():
            continue
        st = starts[group] + 1
        nbytes = ends[group] - st
        total = int(nbytes.sum())
        first_byte = np.cumsum(nbytes) - nbytes
        index = np.repeat(st - first_byte, nbytes) + np.arange(total)
        gathered = raw[index]
        deltas = (gathered if width == 1 else gathered.view(_LITTLE[width])).astype(np.int64)
        counts = nbytes // width
        first = np.cumsum(counts) - counts  # where each posting's positions begin in the flat result
        running = np.cumsum(deltas)
        offset = np.repeat(running[first] - deltas[first], counts)
        docs.append(np.repeat(ids[group], counts))
        where.append(running - offset)
    return _joined(docs, where)


_LITTLE: dict[int, np.dtype[Any]] = {2: np.dtype("<u2"), 4: np.dtype("<u4")}


def _joined(docs: list[np.ndarray], where: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    if not docs:
        return _NONE
    return np.concatenate(docs), np.concatenate(where)


_NONE = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def phrase_docs(
    reader: Any,
    field: str,
    words: list[str],
    wanted: np.ndarray,
    blocks: Callable[[str], TermBlocks | None] | None = None,
) -> np.ndarray | None:
    """The `wanted` documents where `words` stand one after another; None when positions are not in our layout.
    `blocks` gives a word's directory entry in this segment, when it has one."""
    starts: np.ndarray | None = None
    for k, word in enumerate(words):
        found = positions(reader, field, word, wanted, blocks(word) if blocks is not None else None)
        if found is None:
            return None
        docs, where = found
        keep = where >= k
        keys = _sorted_set((docs[keep] << _SHIFT) | (where[keep] - k))
        starts = keys if starts is None else starts[_member(starts, keys)]
        if not len(starts):
            return np.zeros(0, dtype=np.int64)
        wanted = _sorted_set(starts >> _SHIFT)
    return np.zeros(0, dtype=np.int64) if starts is None else _sorted_set(starts >> _SHIFT)


# numpy's own set functions are avoided on this path: np.unique of numpy 2.3+ goes through a hash
# table (~60x slower than a sort for 300,000 keys), and np.isin / np.intersect1d sort both arrays
# again where one of them is sorted already.


def _sorted_set(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending."""
    # A stable sort is a merge sort that finds runs: the keys come as a few ascending runs (one per
    # delta width of `_decode`), which it merges in linear time (4x quicker than quicksort here).
    out = np.sort(values, kind="stable")
    if len(out) > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Mask of the `values` found in `sorted_set` (ascending, distinct)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_set, values)
    at[at == len(sorted_set)] = 0
    return sorted_set[at] == values
