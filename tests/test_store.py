"""The library database and file store on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from indexer.model import LibraryError
from indexer.store import database, schema
from indexer.store.files import FileStore, sha256_of


def test_new_database_is_wal_at_the_current_schema_version(tmp_path: Path) -> None:
    conn = database.open_database(tmp_path / "library.sqlite3", tmp_path / "backups")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "authors", "sources", "tags", "article_tags", "author_tags", "import_log"} <= tables
    conn.close()
    assert not (tmp_path / "backups").exists()  # nothing to snapshot for a brand-new library


def test_migration_takes_a_snapshot_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.sqlite3"
    conn = database.open_database(path, tmp_path / "backups")
    conn.execute("INSERT INTO meta(key, value) VALUES ('before', 'yes')")
    conn.close()
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, "ALTER TABLE articles ADD COLUMN extra TEXT;"])
    monkeypatch.setattr(database, "MIGRATIONS", schema.MIGRATIONS)
    monkeypatch.setattr(database, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    conn = database.open_database(path, tmp_path / "backups")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS)
    conn.close()
    (snap,) = (tmp_path / "backups").glob("*.sqlite3")
    old = sqlite3.connect(snap)
    assert old.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS) - 1
    assert old.execute("SELECT value FROM meta WHERE key='before'").fetchone()[0] == "yes"
    old.close()


def test_failed_migration_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.sqlite3"
    database.open_database(path, tmp_path / "backups").close()
    broken = [*schema.MIGRATIONS, "ALTER TABLE articles ADD COLUMN fine TEXT;\nTHIS IS NOT SQL;"]
    monkeypatch.setattr(database, "MIGRATIONS", broken)
    monkeypatch.setattr(database, "SCHEMA_VERSION", len(broken))
    with pytest.raises(sqlite3.Error):
        database.open_database(path, tmp_path / "backups")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    columns = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    assert "fine" not in columns
    conn.close()


def test_library_from_a_newer_version_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    conn = database.open_database(path, tmp_path / "backups")
    conn.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(LibraryError, match="newer News Archive"):
        database.open_database(path, tmp_path / "backups")


def test_not_a_database_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    path.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(LibraryError, match="not a readable library database"):
        database.open_database(path, tmp_path / "backups")


def test_transaction_is_all_or_nothing(tmp_path: Path) -> None:
    db = database.Database(tmp_path / "library.sqlite3", tmp_path / "backups")
    with pytest.raises(RuntimeError):
        with db.transaction() as conn:
            conn.execute("INSERT INTO sources(name) VALUES ('Kept?')")
            raise RuntimeError("crash in the middle of an action")
    assert db.scalar("SELECT COUNT(*) FROM sources") == 0
    db.close()


def test_file_store_is_content_addressed_and_verifiable(tmp_path: Path) -> None:
    files = FileStore(tmp_path / "files")
    data = b"<html>saved page</html>"
    digest = files.put(data)
    assert digest == sha256_of(data)
    assert files.path(digest) == tmp_path / "files" / digest[:2] / digest
    assert files.read(digest) == data and files.verify(digest)
    assert files.put(data) == digest  # storing again changes nothing
    files.path(digest).write_bytes(b"tampered")
    assert not files.verify(digest)
    assert list(files.all_blobs()) == [digest]


def test_file_store_sweeps_temporaries_of_an_interrupted_write(tmp_path: Path) -> None:
    files = FileStore(tmp_path / "files")
    digest = files.put(b"x")
    (files.path(digest).parent / ".incoming-abc123").write_bytes(b"half")
    assert files.sweep_temporaries() == 1
    assert list(files.all_blobs()) == [digest]
