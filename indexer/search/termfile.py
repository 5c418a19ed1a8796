"""A segment's term file (Whoosh's ordered hash table layout): rows appended in sorted runs, hash tables at the end."""

from __future__ import annotations

from collections.abc import Iterator
from hashlib import md5
from typing import Any

import numpy as np

from indexer.search.lexicon import ROW_SIZES


class TermRows:
    """Rows of a segment's term file, gathered in memory and appended in sorted runs (`flush`).

    The same bytes, hash buckets, hash tables and key index as Whoosh's `OrderedHashWriter`, without
    its dozen calls and file writes per term, and two more per hash slot when it closes (a commit of
    100 articles has ~17,000 terms). Keys must come in increasing order, as there.
    """

    def __init__(self, table: Any) -> None:
        self.table = table
        self.keys: list[bytes] = []
        self.entries: list[bytes] = []
        self.tables: list[bytes] = []  # each bucket's hash table, built ahead by `hash_steps`
        table._write_hashes = lambda: _write_hashes(table, self.tables)  # Whoosh calls it when the file closes

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

    def hash_steps(self, per_step: int) -> Iterator[str]:
        """Build the 256 hash tables ahead of the file's closing, pausing (a yield) after about `per_step`
        of their entries, so that a merge's writer thread is never held for the whole table at once.
        Call it once every row is flushed; the file's closing then only writes the tables built."""
        done = 0
        for entries in self.table.buckets:
            self.tables.append(_hash_table(entries))
            done += len(entries)
            if done >= per_step:
                done = 0
                yield "hashes"


_SLOT = np.dtype([("hash", ">u4"), ("pos", ">i8")])  # a hash table slot, as Whoosh's "!Iq"


def _hash_table(entries: list[tuple[int, int]]) -> bytes:
    """One bucket's open-addressing table, as `HashWriter._write_hashes` lays it out."""
    numslots = 2 * len(entries)
    if not numslots:
        return b""
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
    return slots.tobytes()


def _write_hashes(table: Any, built: list[bytes]) -> None:
    """`HashWriter._write_hashes`: the same 256 open-addressing tables, each written in one piece
    (the ones `TermRows.hash_steps` built ahead, the rest built here)."""
    dbfile = table.dbfile
    for n, entries in enumerate(table.buckets):
        start = dbfile.tell()
        table.directory.append((start, 2 * len(entries)))
        data = built[n] if n < len(built) else _hash_table(entries)
        if data:
            dbfile.write(data)
