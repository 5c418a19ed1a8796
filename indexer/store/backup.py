"""Backups of a whole library, and restoring one into a new folder.

A backup zip holds `library.sqlite3` (a consistent copy made with SQLite's backup API, so it can be
taken while the window is open) and every file under `files/`. Files are content-addressed and
written before the rows that name them, so every file the copied database refers to is there.
The search index is not backed up: it is rebuilt from the database on first open.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath

from indexer import paths
from indexer.model import LibraryError

from .database import Database, changes_of, snapshot

DAILY_LABEL = "daily"
DAILY_KEEP = 7
MANIFEST = "newsarchive-backup.txt"


def daily_snapshot(db: Database, backups: Path, now: datetime | None = None) -> Path | None:
    """At most one snapshot a day when a library is opened, keeping the last seven.

    None is taken when the newest one already holds every change (its count of committed transactions
    is the library's): a library left alone costs no copy at all, however large it is. A day with
    changes still copies the whole database (SQLite's backup API, a step of pages at a time).
    """
    now = now or datetime.now(timezone.utc)
    existing = sorted(backups.glob(f"library-*-{DAILY_LABEL}.sqlite3")) if backups.is_dir() else []
    if existing:
        newest = datetime.fromtimestamp(existing[-1].stat().st_mtime, timezone.utc)
        if now - newest < timedelta(days=1):
            return None
        live = changes_of(db.conn)
        if live is not None and live == _changes_in(existing[-1]):
            return None
    made = snapshot(db.conn, backups, DAILY_LABEL)
    for old in sorted(backups.glob(f"library-*-{DAILY_LABEL}.sqlite3"))[:-DAILY_KEEP]:
        old.unlink(missing_ok=True)
    return made


def _changes_in(path: Path) -> int | None:
    """The change count a snapshot file was taken at; None when it cannot be read."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        return changes_of(conn)
    finally:
        conn.close()


def write_backup(db: Database, files_dir: Path, dest: Path) -> int:
    """Write the library to `dest` (a .zip), atomically; returns the number of files included."""
    dest = dest.expanduser()
    dest.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        copy_path = Path(tmp) / paths.DATABASE_NAME
        copy = sqlite3.connect(copy_path)
        try:
            db.conn.backup(copy)
        finally:
            copy.close()
        partial = dest.with_name(dest.name + ".partial")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(MANIFEST, "News Archive library backup\n")
                archive.write(copy_path, paths.DATABASE_NAME)
                names = [r[0] for r in db.query("SELECT sha256 FROM files ORDER BY sha256")]
                for sha in names:
                    source = files_dir / sha[:2] / sha
                    if source.is_file():
                        archive.write(source, f"{paths.FILES_DIR}/{sha[:2]}/{sha}", compress_type=zipfile.ZIP_STORED)
                        count += 1
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, dest)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return count


def restore_backup(src: Path, target: Path) -> None:
    """Unpack a backup into a new library folder; refuses to overwrite anything."""
    if target.exists() and any(target.iterdir()):
        raise LibraryError(f"{target} already exists and is not empty; restore into a new folder")
    try:
        archive = zipfile.ZipFile(src)
    except (OSError, zipfile.BadZipFile) as exc:
        raise LibraryError(f"{src} is not a readable backup: {exc}") from None
    with archive:
        names = archive.namelist()
        if paths.DATABASE_NAME not in names:
            raise LibraryError(f"{src} is not a News Archive backup (no {paths.DATABASE_NAME} inside)")
        staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=target.parent if target.parent.exists() else None))
        try:
            for name in names:
                parts = PurePosixPath(name).parts
                if name == MANIFEST:
                    continue
                if name != paths.DATABASE_NAME and (len(parts) != 3 or parts[0] != paths.FILES_DIR or ".." in parts):
                    raise LibraryError(f"{src} holds an unexpected entry {name!r}; refused")
                out = staging.joinpath(*parts)
                out.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as reader, open(out, "wb") as writer:
                    while chunk := reader.read(1 << 20):
                        writer.write(chunk)
            check = sqlite3.connect(staging / paths.DATABASE_NAME)
            try:
                result = check.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                check.close()
            if result != "ok":
                raise LibraryError(f"the database in {src} is damaged: {result}")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.rmdir()
            os.replace(staging, target)
        except BaseException:
            _remove_tree(staging)
            raise


def _remove_tree(folder: Path) -> None:
    if not folder.exists():
        return
    for child in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if child.is_dir():
            child.rmdir()
        else:
            child.unlink()
    folder.rmdir()
