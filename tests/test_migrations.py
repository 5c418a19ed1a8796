"""Libraries written by every earlier schema version (tests/fixtures/library-v*) still open, whole.

Each fixture is a small library as that version left it (database and files, no index). A copy is
opened with today's code, which migrates it (after a snapshot) and rebuilds its index.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from indexer.library import Library
from indexer.store import database, schema
from tests import integrity

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("library-v*"))


def test_there_is_a_fixture_for_every_released_version() -> None:
    versions = {int(f.name.removeprefix("library-v")) for f in FIXTURES}
    assert versions and versions <= set(range(1, schema.SCHEMA_VERSION + 1))
    assert 1 in versions


def opened_copy(fixture: Path, tmp_path: Path) -> Path:
    copy = tmp_path / fixture.name
    shutil.copytree(fixture, copy)
    return copy


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_an_old_library_opens_with_everything_in_it(fixture: Path, tmp_path: Path) -> None:
    copy = opened_copy(fixture, tmp_path)
    with Library(copy) as lib:
        assert lib.doctor() == []
        titles = {a.title: a for a in lib.articles()}
        assert set(titles) == {"Council extends winter ferry service", "New seawall holds against the king tide"}
        ferry = titles["Council extends winter ferry service"]
        seawall = titles["New seawall holds against the king tide"]
        assert ferry.tags == ["council/ferries", "transport"] and not ferry.bookmarked
        assert seawall.tags == ["climate"] and seawall.bookmarked
        assert [a.name for a in ferry.authors] == ["Maren Holt"]
        maren = lib.author("Maren Holt")
        assert maren is not None and maren.tags == ["local-reporters"] and maren.role == "Transport Reporter"
        assert [a.name for a in lib.bookmarked_authors()] == ["Priya Venkataraman"]
        assert [h.id for h in lib.search("seawall").hits] == [seawall.id]
        assert [h.id for h in lib.search("tag:transport").hits] == [ferry.id]
        assert lib.original_path(ferry.id) is not None and lib.original_path(ferry.id).is_file()
    assert integrity.problems(copy) == []


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_an_old_library_gains_the_highlights_table_and_takes_highlights(fixture: Path, tmp_path: Path) -> None:
    from tests import formats_kit as kit

    copy = opened_copy(fixture, tmp_path)
    export = tmp_path / "wallabag.json"
    export.write_bytes(kit.wallabag([kit.wallabag_entry(url="https://harbour-ledger.example/other")]))
    with Library(copy) as lib:
        assert lib.db.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
        assert lib.highlights() == []
        assert lib.import_paths([export], workers=1).ok
        assert [h.quote for h in lib.highlights()] == ["ending a two-year dispute"]
        assert lib.doctor() == []


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_a_migration_of_an_old_library_takes_a_snapshot_first(
    fixture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = opened_copy(fixture, tmp_path)
    version = int(fixture.name.removeprefix("library-v"))
    # A next schema version, as a release would add it.
    upgraded = [*schema.MIGRATIONS, "ALTER TABLE articles ADD COLUMN reading_minutes INTEGER;"]
    monkeypatch.setattr(database, "MIGRATIONS", upgraded)
    monkeypatch.setattr(database, "SCHEMA_VERSION", len(upgraded))
    with Library(copy) as lib:
        assert lib.count() == 2 and lib.doctor() == []
        columns = {r[1] for r in lib.db.query("PRAGMA table_info(articles)")}
        assert "reading_minutes" in columns
    snapshots = sorted((copy / "backups").glob(f"*before-migration-v{version}-to-v{len(upgraded)}*.sqlite3"))
    assert len(snapshots) == 1
    old = sqlite3.connect(snapshots[0])
    try:
        assert old.execute("PRAGMA user_version").fetchone()[0] == version
        assert old.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2
        assert old.execute("SELECT COUNT(*) FROM article_tags").fetchone()[0] == 3
    finally:
        old.close()


def test_a_version_2_library_keeps_its_highlights_and_gains_saved_searches(tmp_path: Path) -> None:
    """Version 2 (highlights from read-later exports) as it was written, taken to today's schema."""
    copy = opened_copy(FIXTURES[0], tmp_path)
    conn = sqlite3.connect(copy / "library.sqlite3")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        conn.executescript(schema.MIGRATIONS[1])
        conn.execute("PRAGMA user_version = 2")
        ferry = conn.execute("SELECT id FROM articles WHERE title LIKE 'Council%'").fetchone()[0]
        conn.execute(
            """INSERT INTO highlights(article_id, quote, prefix, suffix, start, note, created, origin)
               VALUES (?, 'two evening departures', NULL, NULL, NULL, 'from wallabag', '2024-11-06T10:00:00+00:00',
                       'wallabag')""",
            (ferry,),
        )
        conn.commit()
    finally:
        conn.close()
    with Library(copy) as lib:
        assert lib.db.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
        [mark] = lib.highlights()
        assert mark.note == "from wallabag" and mark.found and mark.article == ferry
        assert [h.id for h in lib.search("note:wallabag").hits] == [ferry]
        lib.save_search("Annotated", "is:annotated")
        assert [(s.name, s.count) for s in lib.saved_searches()] == [("Annotated", 1)]
        assert lib.doctor() == []
