"""A positions posting format that groups and encodes without pickle.

Whoosh's `Positions` format groups a field's tokens with defaultdicts of Token attributes and
encodes each posting's positions as a 4-byte count plus a pickled list of deltas; indexing a news
archive spends a large share of its time there. `CompactPositions` stores the same information as

    byte     width of every delta: 1, 2 or 4 bytes (the smallest that holds the largest)
    rest     the position deltas (the first one is the first position), little-endian

so the frequency is `(len - 1) // width` and decoding is one `array` and a running sum. Weights are
Whoosh's (frequency times the field boost); matching, scoring and Whoosh's own Phrase query read
positions through `decode_positions` as before.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Any

from whoosh.formats import Format, tokens

_TYPECODE = {1: "B", 2: "H", 4: "I"}
_BIG_ENDIAN = sys.byteorder == "big"
ONE_BYTE = [bytes((1, p)) for p in range(256)]  # the value of a word seen once, early in a text


def encode_positions(positions: Sequence[int]) -> bytes:
    """The value of one posting: ascending token positions in the layout above."""
    if len(positions) == 1:
        p = positions[0]
        if p < 256:
            return ONE_BYTE[p]
        deltas: Sequence[int] = positions
    else:
        deltas = [positions[0], *(b - a for a, b in zip(positions, positions[1:], strict=False))]
    top = max(deltas)
    if top < 256:
        return b"\x01" + bytes(deltas)
    width = 2 if top < 65536 else 4
    packed = array(_TYPECODE[width], deltas)
    if _BIG_ENDIAN:
        packed.byteswap()
    return bytes((width,)) + packed.tobytes()


def decode_positions(value: bytes) -> list[int]:
    if not value:
        return []
    width = value[0]
    if width == 1:
        return list(accumulate(value[1:]))
    packed = array(_TYPECODE[width], value[1:])
    if _BIG_ENDIAN:
        packed.byteswap()
    return list(accumulate(packed))


def group_positions(terms: Iterable[str]) -> dict[str, list[int]]:
    """Each term's positions, where a term's position is its index in `terms`."""
    grouped: dict[str, list[int]] = {}
    get = grouped.get
    for pos, term in enumerate(terms):
        seen = get(term)
        if seen is None:
            grouped[term] = [pos]
        else:
            seen.append(pos)
    return grouped


class CompactPositions(Format):  # type: ignore[misc]
    """Positions per posting for phrase search, in the array layout above (see module docstring)."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        fb = self.field_boost
        term_list = getattr(analyzer, "term_list", None)
        if term_list is not None and isinstance(value, str):
            # Our analysers hand back the terms in order: the index of a term is its position.
            grouped = group_positions(term_list(value))
        else:
            kwargs["positions"] = True
            grouped = {}
            for t in tokens(value, analyzer, kwargs):
                grouped.setdefault(t.text, []).append(t.pos)
        encode = encode_positions
        for word, poslist in grouped.items():
            yield (word, len(poslist), len(poslist) * fb, encode(poslist))

    def encode(self, poslist: Sequence[int]) -> bytes:
        return encode_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // valuestring[0] if valuestring else 0

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1.0) for pos in decode_positions(valuestring)]

    def combine(self, vs: Iterable[bytes]) -> bytes:
        merged: set[int] = set()
        for v in vs:
            merged.update(decode_positions(v))
        return encode_positions(sorted(merged))
