"""Index files are read in place from Whoosh's memory map: same bytes, no copy."""

from __future__ import annotations

import io
import os

import pytest
from whoosh.filedb.structfile import BufferFile

import indexer.search  # noqa: F401 - installs the in-place reader
from indexer.search.mapped import ViewReader


def test_a_view_reader_reads_seeks_and_splits_lines_like_a_bytes_file() -> None:
    data = b"first line\nsecond\n" + b"x" * 10_000 + b"\nlast"
    ours, plain = ViewReader(memoryview(data)), io.BytesIO(data)
    for f in (ours, plain):
        f.seek(3)
    assert ours.read(5) == plain.read(5)
    assert ours.readline() == plain.readline()
    assert ours.tell() == plain.tell()
    ours.seek(-4, os.SEEK_END)
    plain.seek(-4, os.SEEK_END)
    assert ours.read() == plain.read() == b"last"
    ours.seek(0)
    assert list(ours) == data.splitlines(keepends=True)
    with pytest.raises(io.UnsupportedOperation):
        ours.write(b"no")


def test_whooshs_buffer_files_share_the_buffer_instead_of_copying_it() -> None:
    backing = bytearray(b"0123456789")
    f = BufferFile(memoryview(backing), name="x")
    assert isinstance(f.file, ViewReader)
    backing[0:1] = b"A"  # a copy would not see this
    f.seek(0)
    assert f.read(3) == b"A12" and f.get(5, 2) == b"56"


def test_pickles_load_from_a_view_reader_and_leave_it_right_after_each_one() -> None:
    import pickle

    objs = [(128, 99_999, 3.0, 3, 10, 20), list(range(50_000)), {"a": "x" * 50_000}, "short"]
    reader = ViewReader(memoryview(b"".join(pickle.dumps(o, 2) for o in objs) + b"TRAILER"))
    assert [pickle.load(reader) for _ in objs] == objs  # type: ignore[arg-type]
    assert reader.read() == b"TRAILER"
