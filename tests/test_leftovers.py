"""What a killed rebuild or a killed snapshot leaves behind is removed when the library next opens.

Real processes are killed at a point of their work (the rebuilt index written but not yet swapped in;
the snapshot copied but not yet renamed); the next open must find the library healthy, with only its
own leftovers gone and nothing of the user's touched.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer import Library
from indexer.store import markers
from indexer.store.database import SNAPSHOT_LOCK
from tests.crashkit import PROJECT, child_env, generated_pages


def run_until_killed(script: str, library: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), str(library)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        env=child_env(),
    )
    assert done.returncode == 9, done.stdout + done.stderr  # it died where the script killed it


@pytest.fixture()
def filled(library_dir: Path, tmp_path: Path) -> Path:
    pages = generated_pages(tmp_path / "pages", 12)
    with Library(library_dir, defer_snapshot=True) as library:
        library.import_paths(pages, workers=1)
        assert library.count() == 12
    return library_dir


def index_folders(library: Path) -> set[str]:
    return {p.name for p in (library / "index").iterdir() if p.is_dir()}


KILLED_REBUILD = """
    import os, sys
    import indexer.search.index as index
    from indexer import Library

    library = Library(sys.argv[1], defer_snapshot=True)
    index.write_marker = lambda folder, generation: os._exit(9)  # the new folder is written, not yet swapped in
    library.reindex()
"""


def test_a_killed_rebuild_leaves_no_index_folder_after_the_next_open(filled: Path) -> None:
    before = index_folders(filled)
    live = (filled / "index" / "CURRENT").read_text().strip()
    mine = filled / "index" / "ix-notes"  # not a name the index writes: never ours to remove
    mine.mkdir()
    run_until_killed(KILLED_REBUILD, filled)
    half_built = index_folders(filled) - before - {mine.name}
    assert len(half_built) == 1, index_folders(filled)

    with Library(filled, defer_snapshot=True) as library:
        assert index_folders(filled) == before | {mine.name}
        assert (filled / "index" / "CURRENT").read_text().strip() == live  # opened as it was, not rebuilt
        assert any("interrupted rebuild" in r for r in library.repairs), library.repairs
        assert not [r for r in library.repairs if "rebuilt" in r], library.repairs
        assert library.search("question", limit=50).total == 12
        assert library.doctor() == []


KILLED_SNAPSHOT = """
    import os, sys
    import indexer.store.database as database
    from indexer import Library

    copy = database.copy_database

    def copy_then_die(*args, **kwargs):
        copy(*args, **kwargs)
        os._exit(9)  # the copy is written, not yet renamed

    database.copy_database = copy_then_die
    Library(sys.argv[1])  # the day's first open takes the day's snapshot
"""


def test_a_killed_snapshot_leaves_no_partial_copy_after_the_next_open(filled: Path) -> None:
    backups = filled / "backups"
    backups.mkdir(exist_ok=True)
    mine = backups / "notes.partial"  # a user's file with a look-alike name stays
    mine.write_text("mine", encoding="utf-8")
    run_until_killed(KILLED_SNAPSHOT, filled)
    assert len(list(backups.glob("library-*.partial"))) == 1

    with Library(filled) as library:
        assert not list(backups.glob("library-*.partial*"))
        assert any("unfinished database snapshot" in r for r in library.repairs), library.repairs
        assert len(list(backups.glob("library-*-daily.sqlite3"))) == 1  # the day's snapshot, taken again
        assert mine.read_text(encoding="utf-8") == "mine"
        assert library.doctor() == []


def test_a_snapshot_being_written_elsewhere_is_not_swept(filled: Path) -> None:
    backups = filled / "backups"
    backups.mkdir(exist_ok=True)
    partial = backups / "library-20260101T000000Z-daily.partial"
    partial.write_bytes(b"a copy another process is writing")
    with markers.locked(backups / SNAPSHOT_LOCK, shared=True, timeout_s=0) as held:
        assert held
        with Library(filled, defer_snapshot=True):
            assert partial.exists()
    with Library(filled, defer_snapshot=True):
        assert not partial.exists()


def test_a_merge_killed_half_way_leaves_no_side_folder_after_the_next_open(filled: Path) -> None:
    live = filled / "index" / (filled / "index" / "CURRENT").read_text().strip()
    side = live / "merge-0123456789ab"  # where a merge writes its segment before it is committed
    side.mkdir()
    (side / "MAIN_abc.seg").write_bytes(b"half a segment")
    with Library(filled, defer_snapshot=True) as library:
        assert not side.exists()
        assert library.search("question", limit=50).total == 12
        assert library.doctor() == []
