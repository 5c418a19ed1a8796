"""The day's database snapshot: one moment's consistent copy, written in steps, and none when nothing changed."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from indexer import Library
from indexer.store import backup, database
from tests.crashkit import generated_pages


def daily(backups: Path) -> list[Path]:
    return sorted(backups.glob("library-*-daily.sqlite3"))


def titles(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM articles ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture()
def library(library_dir: Path, tmp_path: Path) -> Library:
    lib = Library(library_dir, defer_snapshot=True)
    lib.import_paths(generated_pages(tmp_path / "pages", 30), workers=1)
    yield lib
    lib.close()


def test_a_snapshot_is_one_moments_copy_while_another_connection_writes(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "SNAPSHOT_STEP_PAGES", 1)  # as many steps as the database has pages
    other = sqlite3.connect(library.db.path, isolation_level=None)
    before = [r[0] for r in other.execute("SELECT title FROM articles ORDER BY id")]
    remaining: list[int] = []

    def progress(status: int, left: int, total: int) -> None:
        remaining.append(left)
        if len(remaining) % 5 == 1:  # other writers go on while the copy is made
            other.execute("UPDATE articles SET title = title || ' (edited)' WHERE id = ?", (len(remaining),))

    made = database.snapshot(library.db.conn, library.folder / "backups", "test", progress=progress)
    other.close()
    assert len(remaining) > 10  # in steps
    assert remaining == sorted(remaining, reverse=True)  # never started over
    assert titles(made) == before  # the moment it began: none of the edits made meanwhile
    assert "(edited)" in library.article(1).title  # which the library itself has
    check = sqlite3.connect(made)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    assert not list((library.folder / "backups").glob("*.partial*"))


def test_no_new_daily_snapshot_when_nothing_changed_and_one_when_something_did(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups = library.folder / "backups"
    stamps = iter(["20300101T000000Z", "20300102T000000Z", "20300103T000000Z"])
    monkeypatch.setattr(database, "_stamp", lambda: next(stamps))  # names as on three days
    first = library.daily_snapshot()
    assert first is not None and daily(backups) == [first]
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1, minutes=1)
    # A day later, nothing changed: the last snapshot still holds everything; no copy is made.
    assert backup.daily_snapshot(library.db, backups, now=tomorrow) is None
    assert daily(backups) == [first]
    library.tag(1, ["harbour"])
    later = tomorrow + timedelta(seconds=2)
    made = backup.daily_snapshot(library.db, backups, now=later)
    assert made is not None and daily(backups) == [first, made]
    conn = sqlite3.connect(made)
    tagged = conn.execute("SELECT COUNT(*) FROM article_tags WHERE article_id = 1").fetchone()[0]
    conn.close()
    assert tagged == 1


def test_seven_daily_snapshots_are_kept(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    backups = library.folder / "backups"
    start = datetime(2030, 1, 1, tzinfo=timezone.utc)
    for day in range(10):
        library.tag(1, [f"day{day}"])  # a change each day
        monkeypatch.setattr(
            database, "_stamp", lambda day=day: (start + timedelta(days=day)).strftime("%Y%m%dT%H%M%SZ")
        )
        assert backup.daily_snapshot(library.db, backups, now=start + timedelta(days=day, hours=1)) is not None
    kept = daily(backups)
    assert len(kept) == backup.DAILY_KEEP
    assert kept[0].name.startswith("library-20300104")  # the oldest three went


def test_a_daily_snapshot_restores_the_library(library: Library, tmp_path: Path) -> None:
    made = library.daily_snapshot()
    assert made is not None
    restored = tmp_path / "restored"
    restored.mkdir()
    (restored / "library.sqlite3").write_bytes(made.read_bytes())
    with Library(restored, defer_snapshot=True) as again:
        assert again.count() == 30
        assert again.search("question", limit=50).total == 30  # its index is rebuilt from the copy
        assert [a.title for a in again.articles()] == [a.title for a in library.articles()]
