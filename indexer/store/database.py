"""The library database: opening, migrating and the transactions every user action runs in.

SQLite is the source of truth. Durability settings, chosen on purpose:
- `journal_mode=WAL`: readers (the window) never block the writer (an import) and vice versa.
- `synchronous=FULL`: in WAL mode NORMAL can lose the last commits on power loss; a tag the user
  was told is saved must survive, and the cost is one fsync per user action.
- `foreign_keys=ON` and `busy_timeout`: a second process on the same library waits its turn
  instead of failing at once.
Each thread gets its own connection; each user action is one `transaction()`.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from indexer.model import LibraryError

from . import markers
from .files import fsync_directory
from .schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 30_000
# Held shared in `backups/` while a snapshot is written, exclusively while leftovers are swept: a
# sweep never removes the copy another process is writing at that moment.
SNAPSHOT_LOCK = "snapshot.lock"
# What `snapshot` writes before its rename (and the journal SQLite keeps beside it); nothing else is swept.
PARTIAL = re.compile(r"library-\d{8}T\d{6}Z-[A-Za-z0-9._-]+\.partial(-journal)?\Z")
# Pages a snapshot copies per step of SQLite's backup (16 MB at the default page size of 4 KB).
SNAPSHOT_STEP_PAGES = 4096
# meta row counting committed transactions: a snapshot whose count equals the library's holds all of it.
CHANGES_KEY = "changes"
_COUNT_CHANGE = (
    "INSERT INTO meta(key, value) VALUES ('changes', '1') "
    "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(
            f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError:
            # A WAL database on a read-only disk (a locked USB stick) cannot be opened read-only when
            # its -shm file is absent, as it is after a clean close. Nothing can change it there, so
            # it may be read as immutable; a clean close also left nothing in the WAL to miss.
            conn.close()
            conn = sqlite3.connect(
                f"{path.as_uri()}?mode=ro&immutable=1",
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
    else:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    # Each connection is used by the thread that made it; check_same_thread=False only lets close()
    # run from whichever thread shuts the library.
    # Transactions are begun explicitly (BEGIN IMMEDIATE) so that a writer takes the lock up front.
    conn.isolation_level = None
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    if not read_only:
        conn.execute("PRAGMA synchronous=FULL")
    return conn


def open_database(path: Path, backups: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open (creating or migrating as needed) the database at `path`.

    Before migrating an existing database a snapshot is written to `backups/`.
    """
    exists = path.exists()
    if read_only and not exists:
        raise LibraryError(f"no library database at {path}")
    try:
        conn = _connect(path, read_only)
        if not read_only:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise LibraryError(f"cannot switch {path.name} to WAL mode (got {mode})")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"{path} is not a readable library database: {exc}") from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise LibraryError(
            f"this library was written by a newer News Archive (schema {version}, this version knows {SCHEMA_VERSION})"
        )
    if version < SCHEMA_VERSION:
        if read_only:
            conn.close()
            raise LibraryError("this library needs an upgrade, which a read-only library cannot take")
        if exists and version > 0:
            snapshot(conn, backups, f"before-migration-v{version}-to-v{SCHEMA_VERSION}")
        _migrate(conn, version)
    return conn


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    for target, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        # Two processes may open a new library at once (the window and a CLI import): the one that
        # waited for the write lock finds the other's migration done and must not run it again.
        if conn.execute("PRAGMA user_version").fetchone()[0] >= target:
            conn.execute("ROLLBACK")
            continue
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if statement:
                yield statement
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def snapshot(
    conn: sqlite3.Connection, backups: Path, label: str, *, progress: Callable[[int, int, int], object] | None = None
) -> Path:
    """Write a consistent copy of the live database to `backups/`; nothing is there under its name until
    the copy is whole and on disk (see `copy_database`). `progress(status, pages left, pages)` after each step."""
    backups.mkdir(parents=True, exist_ok=True)
    target = backups / f"library-{_stamp()}-{label}.sqlite3"
    temp = target.with_suffix(".partial")
    with markers.locked(backups / SNAPSHOT_LOCK, shared=True, timeout_s=BUSY_TIMEOUT_MS / 1000):
        try:
            copy_database(conn, temp, progress=progress)
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        fsync_directory(backups)
    return target


def copy_database(
    conn: sqlite3.Connection, dest: Path, *, progress: Callable[[int, int, int], object] | None = None
) -> None:
    """Copy the database `conn` reads into a new file `dest` with SQLite's backup API, SNAPSHOT_STEP_PAGES
    pages a step, then flush it to disk.

    All of it is one moment's state: a read transaction held on `conn` for the whole copy pins what it
    sees. Other connections go on writing meanwhile (to the WAL) and do not make the backup start over,
    as they would between steps of an unpinned copy, endlessly on a library that is never idle.
    """
    pinned = not conn.in_transaction
    if pinned:
        conn.execute("BEGIN")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the read transaction starts here
    try:
        copy = sqlite3.connect(dest)
        try:
            conn.backup(copy, pages=SNAPSHOT_STEP_PAGES, progress=progress)
        finally:
            copy.close()
    finally:
        if pinned:
            conn.execute("COMMIT")
    with open(dest, "rb") as handle:
        os.fsync(handle.fileno())


def changes_of(conn: sqlite3.Connection) -> int | None:
    """How many transactions the database has committed since it began counting (None: not counted)."""
    try:
        value = conn.execute("SELECT value FROM meta WHERE key = ?", (CHANGES_KEY,)).fetchone()
    except sqlite3.DatabaseError:
        return None
    try:
        return None if value is None else int(value[0])
    except (TypeError, ValueError):
        return None


def sweep_partial_snapshots(backups: Path) -> int:
    """Remove the unfinished copies left in `backups/` by snapshots that were killed; returns how many.

    Only names `snapshot` writes are touched, and only while no snapshot is being written.
    """
    if not backups.is_dir():
        return 0
    removed = 0
    with markers.locked(backups / SNAPSHOT_LOCK, shared=False, timeout_s=0) as held:
        if not held:  # a snapshot is being written (here or in another process): sweep at a later open
            return 0
        for path in backups.iterdir():
            if PARTIAL.match(path.name) and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


class Database:
    """Thread-local connections to one library database, and its transactions."""

    def __init__(self, path: Path, backups: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        first = open_database(path, backups, read_only=read_only)
        self._local.conn = first
        self._all.append(first)

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path, self.read_only)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: all of it is stored, or none of it."""
        if self.read_only:
            raise LibraryError("this library is open read-only")
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute(_COUNT_CHANGE)  # lets the daily snapshot see that nothing changed since the last
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: tuple | dict = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:
                    pass  # a connection made in another thread that has already gone
            self._all.clear()
        self._local = threading.local()
