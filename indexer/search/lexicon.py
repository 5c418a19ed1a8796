"""A segment's term file, read quickly: every term entry in one piece, or the terms under a prefix.

Whoosh keeps a segment's terms sorted in a hash file whose rows are key size, entry size, key (field
number + term) and entry (`W3TermInfo`'s bytes); the row layout is named here once, for the readers
below and for the writer in `storage`.

A prefix typed into the search field names a run of neighbouring rows. Whoosh's own `iter_prefix`
makes two file reads and a `W3TermInfo` per term, which at 100,000 articles cost most of a prefix
search; here the run is found by Whoosh's binary search and then read in pieces of a few kilobytes
and parsed in place, the document frequency taken straight from the entry.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

FIELD_NUMBER = struct.Struct("!H")  # a term key's prefix in W3's term file
TERM_INFO = struct.Struct("!BfIBBfII")  # W3TermInfo's fixed part: flags, weight, document count, ...
ROW_SIZES = struct.Struct("!ii")  # a hash file row's key and value sizes
_DOC_FREQUENCY = struct.calcsize("!Bf")  # where the document count sits in a term entry
_PIECE = 16_384  # bytes of the term file read at a time


def prefix_terms(reader: Any, field: str, prefix: str, limit: int) -> Iterator[tuple[str, int]]:
    """(term, document frequency) of the terms of `field` starting with `prefix`, in term order,
    at most `limit` of them, from one segment's reader."""
    terms = getattr(reader, "_terms", None)
    table = getattr(terms, "_tindex", None)
    fieldmap = getattr(terms, "_fieldmap", None)
    if table is None or fieldmap is None or not hasattr(table, "closest_key_pos") or not hasattr(table, "endofdata"):
        yield from _whoosh_prefix_terms(reader, field, prefix, limit)
        return
    number = fieldmap.get(field)
    if number is None:
        return
    start = FIELD_NUMBER.pack(number) + prefix.encode("utf-8")
    pos = table.closest_key_pos(start)
    if pos is None:
        return
    end = table.endofdata
    unpack = ROW_SIZES.unpack_from
    head = ROW_SIZES.size
    df_at = _DOC_FREQUENCY
    count = 0
    data = b""
    at = 0  # position of data[0] in the file
    while pos < end:
        i = pos - at
        if i + head > len(data):
            data, at, i = _read(table, pos, end), pos, 0
        keylen, entrylen = unpack(data, i)
        row_end = i + head + keylen + entrylen
        if row_end > len(data):
            data, at, i = _read(table, pos, end, head + keylen + entrylen), pos, 0
            row_end = head + keylen + entrylen
        key = data[i + head : i + head + keylen]
        if not key.startswith(start):
            return
        entry_at = i + head + keylen
        df = int.from_bytes(data[entry_at + df_at : entry_at + df_at + 4], "big")
        yield key[FIELD_NUMBER.size :].decode("utf-8"), df
        count += 1
        if count >= limit:
            return
        pos = at + row_end


def _read(table: Any, pos: int, end: int, at_least: int = 0) -> bytes:
    return bytes(table.dbfile.get(pos, min(max(_PIECE, at_least), end - pos)))


def _whoosh_prefix_terms(reader: Any, field: str, prefix: str, limit: int) -> Iterator[tuple[str, int]]:
    for n, (btext, info) in enumerate(reader.iter_prefix(field, prefix)):
        if n >= limit:
            return
        yield btext.decode("utf-8"), info.doc_frequency()


def term_entries(terms_reader: Any) -> Iterator[tuple[str, bytes, bytes]]:
    """(field, term, term entry) of every term of a segment in term file order, the rows read in one piece.

    Whoosh's `items()` makes two file reads, a key decoding and a `W3TermInfo` per term; a merge of
    a dozen small segments reads ~200,000 of them."""
    table = getattr(terms_reader, "_tindex", None)
    if table is None or not hasattr(table, "startofdata"):
        for (fieldname, btext), info in terms_reader.items():
            yield fieldname, btext, info.to_bytes()
        return
    data = table.dbfile.get(table.startofdata, table.endofdata - table.startofdata)
    names = terms_reader._fieldunmap
    unpack = ROW_SIZES.unpack_from
    head = ROW_SIZES.size
    pos, end = 0, len(data)
    while pos < end:
        keylen, entrylen = unpack(data, pos)
        pos += head
        key = data[pos : pos + keylen]
        pos += keylen
        yield names[FIELD_NUMBER.unpack_from(key)[0]], key[FIELD_NUMBER.size :], data[pos : pos + entrylen]
        pos += entrylen
