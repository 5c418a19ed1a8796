"""The library's content-addressed file store: `files/ab/<sha256>`.

Originals and their resources are kept here so the archive stays whole when the user deletes or
moves what they imported. A file enters by write-to-temp, fsync, rename, so a crash leaves either
the whole file or only a temporary that `sweep_temporaries` removes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

TEMP_PREFIX = ".incoming-"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore:
    """Blobs named by their SHA-256 under one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def relative_path(self, sha256: str) -> str:
        """The path of a blob relative to the library folder, as reader HTML refers to it."""
        return f"{self.folder.name}/{sha256[:2]}/{sha256}"

    def path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes, sha256: str | None = None) -> str:
        """Store `data` durably and return its SHA-256; storing the same bytes twice is a no-op."""
        digest = sha256 or sha256_of(data)
        self.put_all([(data, digest)])
        return digest

    def put_all(self, blobs: Iterable[tuple[bytes, str]]) -> None:
        """Store several blobs (data, SHA-256) durably, as `put` does one: all are written, then all flushed
        to disk, then all renamed into place. Flushed together, they cost the disk little more than one."""
        staged: dict[Path, Path] = {}  # target -> its temporary
        try:
            for data, digest in blobs:
                target = self.path(digest)
                if target in staged or (target.is_file() and target.stat().st_size == len(data)):
                    continue
                staged[target] = self._stage(data, target)
            for temp in staged.values():
                fd = os.open(temp, os.O_RDWR | getattr(os, "O_BINARY", 0))
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            for target, temp in staged.items():
                os.replace(temp, target)
        except BaseException:
            for temp in staged.values():
                _remove_quietly(temp)
            raise
        for folder in {target.parent for target in staged}:
            fsync_directory(folder)

    def _stage(self, data: bytes, target: Path) -> Path:
        """`data` written to a new temporary file beside `target` (not yet flushed to disk)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except BaseException:
            _remove_quietly(Path(temp_name))
            raise
        return Path(temp_name)

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def verify(self, sha256: str) -> bool:
        """Whether the stored blob is present and still has the content its name promises."""
        path = self.path(sha256)
        if not path.is_file():
            return False
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest() == sha256

    def all_blobs(self) -> Iterator[str]:
        if not self.folder.is_dir():
            return
        for shard in self.folder.iterdir():
            if shard.is_dir() and len(shard.name) == 2:
                for blob in shard.iterdir():
                    if len(blob.name) == 64 and not blob.name.startswith(TEMP_PREFIX):
                        yield blob.name

    def sweep_temporaries(self) -> int:
        """Remove temporaries left by an interrupted write; returns how many there were."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for temp in self.folder.glob(f"*/{TEMP_PREFIX}*"):
            _remove_quietly(temp)
            removed += 1
        return removed

    def remove(self, sha256: str) -> None:
        _remove_quietly(self.path(sha256))


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def fsync_directory(folder: Path) -> None:
    """Make a rename durable; directories cannot be opened for this on Windows, where it is not needed."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
