"""Posting blocks in a layout that decodes as whole arrays.

Whoosh's W3 codec stores each block of up to 128 postings as a pickled tuple of Python tuples
(id deltas, weights, one small byte string of positions per posting) compressed together. Reading
one back builds hundreds of Python objects, ~1.5 µs per posting, and a common word of a
100,000-article archive has tens of thousands of postings: that unpickling was most of the time of
a search. Here a block's data is (little-endian throughout):

    byte     width of an id delta: 1, 2 or 4 bytes (the smallest that holds the largest delta)
    byte     weights: 0 = all 1.0, 1 = one float32 for all, 2 = a float32 each, 3 = a byte each
    uint32   size of the next part
    part     the id deltas, then the weights; not compressed (a few hundred bytes)
    rest     zlib: the values (encoded positions) as uint32 offsets (count + 1) and the bytes;
             empty when the field keeps no values

so ids and weights come back with two `numpy.frombuffer` calls and no decompression, and the
values are decompressed only when a phrase needs positions. The frame around the data (block length,
pickled block info with count, last id, max weight and lengths) is Whoosh's own, so skipping by
block info, block quality and everything else in Whoosh's matcher work unchanged; Whoosh's own
readers of the data (`_read_ids`, `_read_weights`, `_read_values`) get the tuple they expect.
"""

from __future__ import annotations

import pickle
import struct
import sys
import zlib
from array import array
from collections.abc import Sequence
from itertools import accumulate
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3PostingsWriter
from whoosh.util.numeric import length_to_byte

_HEAD = struct.Struct("<BBI")  # id width, weights kind, size of the ids + weights part
_WIDTH = {1: "B", 2: "H", 4: "I"}
_NUMPY: dict[int, np.dtype[Any]] = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
_U32 = np.dtype("<u4")
_F32 = np.dtype("<f4")
ALL_ONE, SAME, EACH_FLOAT, EACH_BYTE = 0, 1, 2, 3
_BIG_ENDIAN = sys.byteorder == "big"


class ArrayPostingsWriter(W3PostingsWriter):  # type: ignore[misc]
    """Whoosh's postings writer, writing each block's data in the array layout above."""

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        data = encode_block(ids, self._weights, self._values, self._format.fixed_value_size(), self._compression or 1)
        info = (
            len(ids),
            ids[-1],
            self._maxweight,
            self._compression,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
        )
        infobytes = pickle.dumps(info, 2)  # the block info stays Whoosh's (its `_goto` reads it)
        size = len(infobytes) + len(data)
        self._postfile.write_int(-size if last else size)
        self._postfile.write(infobytes)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


def _packed(typecode: str, values: Sequence[float]) -> bytes:
    packed = array(typecode, values)
    if _BIG_ENDIAN:
        packed.byteswap()
    return packed.tobytes()


def encode_block(
    ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes], fixed: int | None, level: int
) -> bytes:
    """The data of one block: id deltas and weights uncompressed, values (positions) zlib-compressed.

    Plain Python and `array` on purpose: a build writes a block per term and most blocks are short,
    where numpy's per-call cost would outweigh the work.
    """
    deltas = [ids[0], *(b - a for a, b in zip(ids, ids[1:], strict=False))]
    top = max(deltas)
    width = 1 if top < 256 else 2 if top < 65536 else 4
    first = weights[0]
    if all(w == first for w in weights):
        kind, wbytes = (ALL_ONE, b"") if first == 1.0 else (SAME, _packed("f", [first]))
    elif all(w.is_integer() and 0 < w < 256 for w in weights):
        kind, wbytes = EACH_BYTE, bytes(int(w) for w in weights)
    else:
        kind, wbytes = EACH_FLOAT, _packed("f", weights)
    part = _packed(_WIDTH[width], deltas) + wbytes
    if fixed == 0 or not values:
        rest = b""
    elif fixed is None or fixed < 0:
        offsets = _packed("I", [0, *accumulate(len(v) for v in values)])
        rest = zlib.compress(offsets + b"".join(values), level)
    else:
        rest = zlib.compress(b"".join(values), level)
    return _HEAD.pack(width, kind, len(part)) + part + rest


def decode_arrays(data: bytes, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Absolute ids (int32) and weights (float32) of one block's data."""
    width, kind, _ = _HEAD.unpack_from(data)
    start = _HEAD.size
    deltas = np.frombuffer(data, dtype=_NUMPY[width], count=count, offset=start)
    ids = np.cumsum(deltas, dtype=np.int64).astype(np.int32)
    start += width * count
    if kind == ALL_ONE:
        weights = np.ones(count, dtype=np.float32)
    elif kind == SAME:
        weights = np.full(count, np.frombuffer(data, dtype=_F32, count=1, offset=start)[0], dtype=np.float32)
    elif kind == EACH_BYTE:
        weights = np.frombuffer(data, dtype=np.uint8, count=count, offset=start).astype(np.float32)
    else:
        weights = np.frombuffer(data, dtype=_F32, count=count, offset=start).astype(np.float32)
    return ids, weights


def decode_values(data: bytes, count: int, fixed: int | None) -> list[bytes] | None:
    """The values (encoded positions, say) of one block's data; None when the field keeps none."""
    _, _, size = _HEAD.unpack_from(data)
    rest = data[_HEAD.size + size :]
    if not rest:
        return None
    raw = zlib.decompress(rest)
    if fixed is None or fixed < 0:
        offsets = np.frombuffer(raw, dtype=_U32, count=count + 1).tolist()
        base = 4 * (count + 1)
        return [raw[base + a : base + b] for a, b in zip(offsets, offsets[1:], strict=False)]
    return [raw[i * fixed : (i + 1) * fixed] for i in range(count)]


class ArrayLeafMatcher(W3LeafMatcher):  # type: ignore[misc]
    """Whoosh's block matcher over blocks in the array layout, with whole-block readers for our fast paths."""

    def _block_bytes(self) -> bytes:
        data: bytes = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        return data

    def _read_data(self) -> None:
        # What Whoosh's own readers expect: (id deltas, weights or one weight or None, values).
        raw = self._block_bytes()
        ids, weights = decode_arrays(raw, self._blocklength)
        deltas = np.diff(ids.astype(np.int64), prepend=0).tolist()
        values = decode_values(raw, self._blocklength, self._fixedsize)
        fixed = self._fixedsize
        packed: tuple[bytes, ...] | bytes | None = None
        if values is not None:
            packed = tuple(values) if fixed is None or fixed < 0 else b"".join(values)
        self._data = (deltas, tuple(weights.tolist()), packed)

    def block_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """This block's absolute document numbers and weights, without building Python objects per posting."""
        return decode_arrays(self._block_bytes(), self._blocklength)

    def block_values(self) -> list[bytes] | None:
        return decode_values(self._block_bytes(), self._blocklength, self._fixedsize)

    def block_value_stream(self) -> tuple[np.ndarray, np.ndarray] | None:
        """This block's values as one byte array and the offsets where each posting's value starts
        (count + 1 of them); None when the field keeps no values or they have a fixed size."""
        if self._fixedsize is not None and self._fixedsize >= 0:
            return None
        data = self._block_bytes()
        _, _, size = _HEAD.unpack_from(data)
        rest = data[_HEAD.size + size :]
        if not rest:
            return None
        raw = zlib.decompress(rest)
        count = self._blocklength
        offsets = np.frombuffer(raw, dtype=_U32, count=count + 1).astype(np.int64)
        return offsets, np.frombuffer(raw, dtype=np.uint8, offset=4 * (count + 1))
