"""A segment's term file (Whoosh's ordered hash table layout) written in one piece at the end of a segment."""

from __future__ import annotations

from hashlib import md5
from typing import Any

import numpy as np

from indexer.search.lexicon import ROW_SIZES


class TermRows:
    """Rows of a segment's term file, gathered in memory and written in one piece at the end.

    The same bytes, hash buckets, hash tables and key index as Whoosh's `OrderedHashWriter`, without
    its dozen calls and file writes per term, and two more per hash slot when it closes (a commit of
    100 articles has ~17,000 terms). Keys must come in increasing order, as there.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        self.keys: list[bytes] = []
        self.entries: list[bytes] = []
        table._write_hashes = lambda: _write_hashes(table)  # Whoosh calls it when the file closes

    def add(self, key: bytes, entry: bytes) -> None:
        self.keys.append(key)
        self.entries.append(entry)

    def flush(self) -> None:
        table, keys = self.table, self.keys
        if not keys:
            return
        pos = table.dbfile.tell()
        sizes = ROW_SIZES.pack
        parts: list[bytes] = []
        positions: list[int] = []
        for key, entry in zip(keys, self.entries, strict=True):
            positions.append(pos)
            parts += (sizes(len(key), len(entry)), key, entry)
            pos += ROW_SIZES.size + len(key) + len(entry)
        if table.hashtype == 0:  # md5, Whoosh's default, without its round trip through a hex string
            hashes = [int.from_bytes(md5(key).digest()[12:], "big") for key in keys]
        else:
            hashes = [table.hashfn(key) for key in keys]
        buckets = table.buckets
        for h, at in zip(hashes, positions, strict=True):
            buckets[h & 255].append((h, at))
        table.dbfile.write(b"".join(parts))
        table.index.extend(positions)
        table.lastkey = keys[-1]
        self.keys, self.entries = [], []


_SLOT = np.dtype([("hash", ">u4"), ("pos", ">i8")])  # a hash table slot, as Whoosh's "!Iq"


def _write_hashes(table: Any) -> None:
    """`HashWriter._write_hashes`: the same 256 open-addressing tables, each written in one piece."""
    dbfile = table.dbfile
    for entries in table.buckets:
        start = dbfile.tell()
        numslots = 2 * len(entries)
        table.directory.append((start, numslots))
        if not numslots:
            continue
        hashes = [0] * numslots
        positions = [0] * numslots  # 0: empty (no row starts at 0, the file header is there)
        for h, at in entries:
            slot = (h >> 8) % numslots
            while positions[slot]:
                slot = (slot + 1) % numslots
            hashes[slot] = h
            positions[slot] = at
        slots = np.empty(numslots, dtype=_SLOT)
        slots["hash"] = hashes
        slots["pos"] = positions
        dbfile.write(slots.tobytes())
