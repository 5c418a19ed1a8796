"""Index files read in place from the memory map, never copied.

Whoosh maps a segment's compound file and hands each file inside it to its readers as a
`BufferFile` over a slice of the map, but `BufferFile` also wraps that slice in an `io.BytesIO`,
which copies it. For the postings and the stored article texts of a 100,000-article archive that
is hundreds of megabytes copied into the process (a fifth of a second per segment, the first time
a snippet or a posting is read), where the map would have let the operating system page in only
what a search touches. `ViewReader` is the file object `BufferFile` needs, reading straight from
the slice; `install()` makes `BufferFile` use it. Nothing else about Whoosh changes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

from whoosh.filedb.structfile import BufferFile

PEEK = 512


class ViewReader:
    """A read-only, seekable file over a buffer (a memoryview of the map), without a copy."""

    def __init__(self, buf: Any) -> None:
        self._view = memoryview(buf)
        self._pos = 0
        self.closed = False

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        data = bytes(self._view[self._pos : end])
        self._pos = max(self._pos, end)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._pos + size)
        newline = _find_newline(self._view[self._pos : end])
        stop = self._pos + newline + 1 if newline >= 0 else end
        return self.read(stop - self._pos)

    def peek(self, size: int = 0) -> bytes:
        """Up to a small read-ahead without moving: `pickle.load` then parses a block's short info
        from one slice instead of calling `read` for every few bytes."""
        return bytes(self._view[self._pos : self._pos + min(max(size, 1), PEEK)])

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._pos
        elif whence == os.SEEK_END:
            offset += len(self._view)
        if offset < 0:
            raise ValueError("negative seek position")
        self._pos = offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def write(self, data: bytes) -> int:
        raise io.UnsupportedOperation("index files are read-only here")

    def truncate(self, size: int | None = None) -> int:
        raise io.UnsupportedOperation("index files are read-only here")

    def close(self) -> None:
        self.closed = True

    def __iter__(self) -> Iterator[bytes]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line


def _find_newline(view: memoryview) -> int:
    step = 4096
    for start in range(0, len(view), step):
        found = bytes(view[start : start + step]).find(b"\n")
        if found >= 0:
            return start + found
    return -1


def _buffer_file_init(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    self._buf = buf
    self._name = name
    self.file = ViewReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's `BufferFile` read from its buffer in place (idempotent)."""
    BufferFile.__init__ = _buffer_file_init
