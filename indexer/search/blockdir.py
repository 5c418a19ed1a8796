"""A directory of the posting blocks of a segment's frequent terms, and decoding many blocks at once.

Whoosh chains a term's posting blocks one after another, each opened by its length and a pickled
block info, so finding the blocks that cover some documents means walking every block before them,
and reading a frequent word of a million-article archive block by block costs thousands of Python
calls. For every term of the scored text fields with at least `MIN_POSTINGS` postings, the directory
keeps, block by block: where the block starts and where its data starts in the postings file, its
posting count, its last document number, the width of its id deltas and the kind of its weights (see
`blocks`), its largest weight and the shortest field length among its documents. With it:

- any run of blocks decodes as whole arrays in a few numpy calls (`decode`), however many blocks;
- the blocks that can hold given documents are found by a binary search (`blocks_for`);
- a block's best possible BM25F score is known without reading it (the engine's top-k pruning).

The directory of a segment is built once (a walk over the block heads plus one decode of each
frequent term) and saved beside the segment as `<segment id>.nablk`; segments never change, so it
stays valid for the segment's life, and Whoosh deletes it with the segment's other files.
"""

from __future__ import annotations

import marshal
import pickle
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.search import lexicon
from indexer.search.blocks import _HEAD

FORMAT = 2
MIN_POSTINGS = 1024  # terms with fewer postings are read whole, the usual way (8 blocks at most)
FIELDS = ("title", "body", "authors", "source", "notes", "quotes")  # the scored text fields
KEPT = 64  # segments' directories kept in memory
_MAGIC = b"W3Bl"
_LONG = np.dtype(">i8")
_I4 = np.dtype("<u4")
_U2 = np.dtype("<u2")
_F4 = np.dtype("<f4")


@dataclass
class TermBlocks:
    """The blocks of one term in one segment, in order; arrays of one entry per block."""

    start: np.ndarray  # int64: file offset of the block (what Whoosh's matcher `_goto`s)
    end: np.ndarray  # int64: file offset just past the block
    data: np.ndarray  # int64: file offset of the block's data (after its info)
    count: np.ndarray  # int32: postings in the block
    last: np.ndarray  # int32: the block's last (largest) document number
    width: np.ndarray  # uint8: bytes per id delta
    kind: np.ndarray  # uint8: how the weights are kept (see `blocks`)
    maxweight: np.ndarray  # float32: the largest weight in the block
    minlength: np.ndarray  # float32: the shortest field length among the block's documents

    def __len__(self) -> int:
        return len(self.count)

    def first(self) -> np.ndarray:
        """The smallest document number each block can hold (one past the previous block's last)."""
        out = np.empty(len(self.last), dtype=np.int64)
        out[0] = 0
        out[1:] = self.last[:-1].astype(np.int64) + 1
        return out


@dataclass
class Directory:
    """One segment's directory: (field, term) -> the slice of the block arrays holding its blocks."""

    terms: dict[tuple[str, str], tuple[int, int]]
    blocks: TermBlocks

    def term(self, field: str, text: str) -> TermBlocks | None:
        where = self.terms.get((field, text))
        if where is None:
            return None
        i, j = where
        b = self.blocks
        return TermBlocks(**{name: getattr(b, name)[i:j] for name, _ in _ARRAYS})


_LOADED: OrderedDict[str, Directory | None] = OrderedDict()
_ARRAYS: tuple[tuple[str, Any], ...] = (
    ("start", np.int64),
    ("end", np.int64),
    ("data", np.int64),
    ("count", np.int32),
    ("last", np.int32),
    ("width", np.uint8),
    ("kind", np.uint8),
    ("maxweight", np.float32),
    ("minlength", np.float32),
)


def postfile_bytes(reader: Any) -> np.ndarray | None:
    """The segment's whole postings file as a read-only uint8 array over the memory map (no copy)."""
    postfile = getattr(getattr(reader, "_terms", None), "_postfile", None)
    buf = getattr(postfile, "_buf", None)
    if buf is None:
        return None
    return np.frombuffer(buf, dtype=np.uint8)


def loaded(key: str, field: str, text: str) -> TermBlocks | None:
    """The term's blocks in the segment named `key`, when that segment's directory is in memory."""
    found = _LOADED.get(key) if key else None
    return found.term(field, text) if found is not None else None


def lookup(key: str, field: str) -> Callable[[str], TermBlocks | None]:
    """`loaded` for one segment and field: a term's blocks, for `phrase.phrase_docs`."""
    return lambda text: loaded(key, field, text)


def directory(reader: Any, key: str, folder: Path | None, *, build: bool = True) -> Directory | None:
    """The segment's directory: kept in memory, else read from beside the segment, else (with `build`) built
    and saved. None when the segment's postings are not in a layout it can describe."""
    if key and key in _LOADED:
        _LOADED.move_to_end(key)
        return _LOADED[key]
    path = _path(folder, reader)
    found: Directory | None = None
    if path is not None and path.exists():
        try:
            found = _load(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            found = None
    if found is None:
        if not build:
            return None
        try:
            found = build_directory(reader)
        except Exception:  # noqa: BLE001 - postings it cannot describe: searches read them the usual way
            found = None
        if found is not None and path is not None:
            _save(path, _dump(found))
    if key:
        _LOADED[key] = found
        if len(_LOADED) > KEPT:
            _LOADED.popitem(last=False)
    return found


def build_directory(reader: Any) -> Directory | None:
    """Walk the blocks of every frequent term of the scored fields of one segment."""
    terms_reader = getattr(reader, "_terms", None)
    buf = postfile_bytes(reader)
    if terms_reader is None or buf is None:
        return None
    view = memoryview(terms_reader._postfile._buf)
    per: dict[str, list[Any]] = {name: [] for name, _ in _ARRAYS}
    terms: dict[tuple[str, str], tuple[int, int]] = {}
    total = 0
    df_at = lexicon.TERM_INFO.size
    for field, btext, entry in lexicon.term_entries(terms_reader):
        if field not in FIELDS or entry[0]:  # postings kept inline in the entry: a short list
            continue
        df = int.from_bytes(entry[5:9], "big")
        if df < MIN_POSTINGS:
            continue
        offset = int.from_bytes(entry[df_at : df_at + 8], "big", signed=True)
        length = int.from_bytes(entry[df_at + 8 : df_at + 12], "big", signed=True)
        walked = _walk(view, offset, length)
        if walked is None:
            return None
        lengths = _lengths(reader, field)
        blocks = _finish(buf, walked, lengths)
        for name, _ in _ARRAYS:
            per[name].append(getattr(blocks, name))
        terms[(field, btext.decode("utf-8"))] = (total, total + len(blocks))
        total += len(blocks)
    arrays = {name: (np.concatenate(per[name]) if per[name] else np.zeros(0, dt)).astype(dt) for name, dt in _ARRAYS}
    return Directory(terms, TermBlocks(**arrays))


def _walk(view: memoryview, offset: int, length: int) -> Walked | None:
    """(block starts, block ends, data starts, counts, last ids) of a posting list of our layout."""
    if bytes(view[offset : offset + 4]) != _MAGIC:
        return None
    pos, end = offset + 4, offset + length
    starts, ends, datas, counts, lasts = [], [], [], [], []
    loads, dumps = pickle.loads, pickle.dumps
    while pos < end:
        size = int.from_bytes(view[pos : pos + 4], "big", signed=True)
        info = loads(view[pos + 4 : pos + 4 + min(abs(size), 64)])
        starts.append(pos)
        datas.append(pos + 4 + len(dumps(info, 2)))  # the writer pickled it the same way
        counts.append(info[0])
        lasts.append(info[1])
        pos += 4 + abs(size)
        ends.append(pos)
        if size < 0:
            break
    return starts, ends, datas, counts, lasts


def _lengths(reader: Any, field: str) -> np.ndarray:
    from indexer.search.scoring import field_lengths

    return field_lengths(reader, field)


Walked = tuple[list[int], list[int], list[int], list[int], list[int]]


def _finish(buf: np.ndarray, walked: Walked, lengths: np.ndarray) -> TermBlocks:
    starts, ends, datas, counts, lasts = walked
    data = np.array(datas, dtype=np.int64)
    head = buf[(data[:, None] + np.arange(2)).ravel()].reshape(-1, 2)
    empty = np.zeros(0, np.float32)
    partial = TermBlocks(
        start=np.array(starts, dtype=np.int64),
        end=np.array(ends, dtype=np.int64),
        data=data,
        count=np.array(counts, dtype=np.int32),
        last=np.array(lasts, dtype=np.int32),
        width=head[:, 0].copy(),
        kind=head[:, 1].copy(),
        maxweight=empty,
        minlength=empty,
    )
    ids, weights = decode(buf, partial)
    bounds = np.concatenate(([0], np.cumsum(partial.count)[:-1]))
    partial.maxweight = np.maximum.reduceat(weights, bounds).astype(np.float32)
    shortest = lengths[np.minimum(ids, len(lengths) - 1)] if len(lengths) else np.zeros(len(ids), np.float32)
    partial.minlength = np.minimum.reduceat(shortest, bounds).astype(np.float32)
    return partial


def blocks_for(tb: TermBlocks, docs: np.ndarray) -> np.ndarray:
    """Indexes of the blocks that can hold any of `docs` (sorted segment-local document numbers)."""
    if not len(docs):
        return np.zeros(0, dtype=np.int64)
    at = np.searchsorted(tb.last, docs, side="left")
    at = at[at < len(tb.last)]
    if not len(at):
        return at
    keep = np.concatenate(([True], at[1:] != at[:-1]))
    return at[keep]


def block_range(tb: TermBlocks, lo: int, hi: int) -> tuple[int, int]:
    """The blocks [i, j) that can hold a document in [lo, hi) (segment-local)."""
    i = int(np.searchsorted(tb.last, lo, side="left"))
    j = int(np.searchsorted(tb.last, hi - 1, side="left")) + 1
    return i, min(j, len(tb.last))


def decode(buf: np.ndarray, tb: TermBlocks, which: np.ndarray | slice | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (int32, ascending) and weights (float32) of the chosen blocks (all by default)."""
    if which is None:
        which = slice(None)
    data = tb.data[which]
    count = tb.count[which].astype(np.int64)
    width = tb.width[which].astype(np.int64)
    kind = tb.kind[which]
    n = int(count.sum())
    if n == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    first = np.cumsum(count) - count  # where each block's postings begin in the output
    within = np.arange(n, dtype=np.int64) - np.repeat(first, count)
    ids_at = data + _HEAD.size
    deltas = np.empty(n, dtype=np.int64)
    for w in (1, 2, 4):
        sel = width == w
        if not sel.any():
            continue
        rows = np.repeat(sel, count)
        pos = np.repeat(ids_at, count)[rows] + within[rows] * w
        deltas[rows] = _gather(buf, pos, w)
    # Each block's first delta is its absolute first id: a running sum restarted at every block.
    running = np.cumsum(deltas)
    before = running[first] - deltas[first]
    ids = (running - np.repeat(before, count)).astype(np.int32)
    weights = np.ones(n, dtype=np.float32)
    w_at = ids_at + width * count
    for k, size in ((1, 4), (2, 4), (3, 1)):
        sel = kind == k
        if not sel.any():
            continue
        rows = np.repeat(sel, count)
        if k == 1:  # one float for the whole block
            one = _gather(buf, w_at[sel], 4, _F4)
            weights[rows] = np.repeat(one, count[sel])
        else:
            pos = np.repeat(w_at, count)[rows] + within[rows] * size
            weights[rows] = _gather(buf, pos, size, _F4 if k == 2 else None)
    return ids, weights


def values_at(buf: np.ndarray, tb: TermBlocks, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the compressed values (positions) of the chosen blocks lie in the file: starts and ends."""
    data = tb.data[which]
    size = _gather(buf, data + 2, 4)  # the size field of the block's head (see `blocks`)
    return data + _HEAD.size + size, tb.end[which]


def _gather(buf: np.ndarray, pos: np.ndarray, width: int, as_float: np.dtype[Any] | None = None) -> np.ndarray:
    """Little-endian values of `width` bytes starting at each of `pos`."""
    if width == 1:
        return buf[pos].astype(np.float32 if as_float is not None else np.int64)
    raw = buf[(pos[:, None] + np.arange(width)).ravel()]
    if as_float is not None:
        return raw.view(as_float).astype(np.float32)
    return raw.view(_U2 if width == 2 else _I4).astype(np.int64)


def _path(folder: Path | None, reader: Any) -> Path | None:
    if folder is None:
        return None
    segment = getattr(reader, "segment", None)
    seg = segment() if callable(segment) else None
    name = seg.segment_id() if seg is not None and hasattr(seg, "segment_id") else ""
    return folder / f"{name}.nablk" if name else None


def _dump(d: Directory) -> bytes:
    names = [(f, t, i, j) for (f, t), (i, j) in d.terms.items()]
    arrays = {name: getattr(d.blocks, name).astype(dt).tobytes() for name, dt in _ARRAYS}
    return marshal.dumps((FORMAT, names, arrays))


def _load(data: bytes) -> Directory:
    version, names, arrays = marshal.loads(data)
    if version != FORMAT:
        raise ValueError("another directory format")
    blocks = TermBlocks(**{name: np.frombuffer(arrays[name], dtype=dt) for name, dt in _ARRAYS})
    return Directory({(f, t): (i, j) for f, t, i, j in names}, blocks)


def _save(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass  # a read-only or full disk: it is built again next time
