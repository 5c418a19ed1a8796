"""Writing a whole index: chunked commits, worker processes for big archives, atomic marker files."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, W3TermInfo, _lenfield
from whoosh.util.numeric import byte_to_length

from indexer.search.blocks import ArrayLeafMatcher, ArrayPostingsWriter
from indexer.search.schema import IndexDoc, fields_of

FORMAT = "newsarchive-search/2"  # 2: posting blocks in the array layout
MARKER = "newsarchive-search.json"
CHUNK = 25_000  # documents per commit in a rebuild: bounds what a failure loses and what memory holds
LIMIT_MB = 128  # Whoosh's in-memory posting pool per writer process before it spills to disk
SMALL_BUILD = 2_000  # below this a rebuild is not worth starting worker processes
INLINE = 8  # posting lists this short live inside the term entry: most terms of a news archive are rare


if not hasattr(W3TermInfo, "set_inline"):
    # Whoosh 2.7.4 calls `set_inline` where it defined `set_inlined`, so its inline-postings
    # path (off by default) crashes; the reading side is complete. Name the method both ways.
    W3TermInfo.set_inline = W3TermInfo.set_inlined


#: Field length by its one-byte code; 0 means "no length", which Whoosh reads as None.
_LENGTHS: list[int | None] = [None] + [byte_to_length(b) for b in range(1, 256)]


class _LengthsReader(W3PerDocReader):  # type: ignore[misc]
    """Whoosh's per-document reader with each field-length column read once into a list.

    Whoosh looks a document's field length up for every posting it writes and for every document
    it scores, each time a seek and a read in the column file; a list lookup is ~30 times cheaper.
    """

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        cache: dict[str, list[int | None] | None] = self.__dict__.setdefault("_length_lists", {})
        if fieldname not in cache:
            cache[fieldname] = self._length_list(fieldname)
        lengths = cache[fieldname]
        if lengths is None:
            return default
        return lengths[docnum] if docnum < len(lengths) else None

    def length_list(self, fieldname: str) -> list[int | None] | None:
        """Every document's length of one field (None: the field has no lengths)."""
        self.doc_field_length(0, fieldname)
        lengths: list[int | None] | None = self.__dict__["_length_lists"][fieldname]
        return lengths

    def _length_list(self, fieldname: str) -> list[int | None] | None:
        reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if reader is None:
            return None
        try:
            raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
            if reader._fixedlen != 1:
                raise TypeError("not a byte column")
        except (AttributeError, TypeError):
            raw = bytes(reader[d][0] if isinstance(reader[d], bytes) else reader[d] for d in range(self._doccount))
        table = _LENGTHS
        return [table[b] for b in raw]


class NewsCodec(W3Codec):  # type: ignore[misc]
    """W3 with posting blocks that decode as arrays (see `blocks`), inline short posting lists and
    in-memory field lengths. The segment pickles this class: a change to what it writes needs a new
    FORMAT, so older indexes are rebuilt rather than misread."""

    def per_document_reader(self, storage: Any, segment: Any) -> W3PerDocReader:
        return _LengthsReader(storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids:  # term vectors (not used by our schema) keep Whoosh's layout
            return super().postings_writer(dbfile, byteids=True)
        return ArrayPostingsWriter(
            dbfile, blocklimit=self._blocklimit, compression=self._compression, inlinelimit=self._inlinelimit
        )

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


def codec() -> W3Codec:
    """Our codec, keeping short posting lists inline: it saves a block (pickle + zlib + seek) per rare term."""
    return NewsCodec(inlinelimit=INLINE)


def write_all(ix: Any, docs: Iterable[IndexDoc], procs: int) -> int:
    """Add every document, committing every CHUNK; worker processes only for a big archive."""
    it = iter(docs)
    first: list[IndexDoc] = []
    for doc in it:
        first.append(doc)
        if len(first) >= SMALL_BUILD:
            break
    big = len(first) >= SMALL_BUILD and procs > 1
    count = 0
    writer = None
    for doc in _chain(first, it):
        if writer is None:
            if big:
                writer = ix.writer(procs=procs, multisegment=True, limitmb=LIMIT_MB, subargs={"codec": codec()})
            else:
                writer = ix.writer(limitmb=LIMIT_MB, codec=codec())
        try:
            writer.add_document(**fields_of(doc))
        except BaseException:
            writer.cancel()
            raise
        count += 1
        if count % CHUNK == 0:
            _commit_plain(writer)
            writer = None
    if writer is not None:
        _commit_plain(writer)
    elif count == 0:
        _commit_plain(ix.writer(codec=codec()))  # an empty archive still gets a committed, openable index
    return count


def _chain(first: list[IndexDoc], rest: Iterable[IndexDoc]) -> Iterable[IndexDoc]:
    yield from first
    first.clear()  # let the buffered documents go as soon as they are written
    yield from rest


def _commit_plain(writer: Any) -> None:
    try:
        writer.commit(merge=False)
    except BaseException:
        writer.cancel()
        raise


def write_marker(folder: Path, generation: str) -> None:
    atomic_write(folder / MARKER, json.dumps({"format": FORMAT, "generation": generation}))


def atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
