"""Caps shared by the readers of containers and compressed records, and bounded reading."""

from __future__ import annotations

import zipfile
import zlib
from typing import Protocol

from indexer.model import ImportFailure

MAX_PAGE_BYTES = 32 * 1024 * 1024  # one page, mail or entry once unpacked
MAX_RECORDS = 200_000  # records listed from one container
MAX_RATIO = 200  # unpacked/packed; text compresses ~10x, bombs reach 1000x
RATIO_FLOOR_BYTES = 1024 * 1024  # small records may compress well without being a bomb
MAX_DEPTH = 16  # nested frames, parts and archives
MAX_IMAGES = 200  # images copied in per article
MAX_IMAGE_BYTES = 20 * 1024 * 1024


# What reading a damaged container raises, from the file system, zipfile, zlib and the parsers.
DAMAGE: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    EOFError,
    KeyError,
    IndexError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,  # zipfile: a compression method or zip version it does not know
)
# The same, with the refusals of the readers themselves.
UNREADABLE: tuple[type[BaseException], ...] = (ImportFailure, *DAMAGE)


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def read_bounded(stream: Readable, packed: int, limit: int = MAX_PAGE_BYTES, what: str = "the page") -> bytes:
    """Read a decompressing stream to its end, refusing a likely bomb before it is unpacked whole.

    `packed` is the size of the compressed input (0 when unknown).
    """
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise ImportFailure(f"{what} unpacks to more than {limit // 2**20} MB; refused as a likely gzip bomb")
        if packed and total > RATIO_FLOOR_BYTES and total > MAX_RATIO * packed:
            raise ImportFailure(f"{what} unpacks more than {MAX_RATIO}:1; refused as a likely gzip bomb")
        chunks.append(chunk)
    return b"".join(chunks)
