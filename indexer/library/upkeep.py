"""Keeping the search index in step with the database, for the `Library` facade.

Every change is saved in SQLite first, with its articles listed in `index_pending`; `IndexKeeper.sync`
then writes them to the index and clears those rows. A crash between the two leaves the rows, and the
next open catches the index up from them instead of rebuilding it. Index writes take a shared file lock
(`index.lock`) that a rebuild or an opening takes alone, and wait while another process commits.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from whoosh.index import LockError

from .. import paths
from ..search import IndexDoc, SearchIndex
from ..store import catalog, highlights, markers
from ..store.database import Database

# Another process (the window, a CLI import) may hold the search index's write lock for a commit or,
# rarely, a whole rebuild; index writes wait this long for it before leaving the work to the next open.
INDEX_LOCK_WAIT_S = 120.0
# Held shared by every index write and exclusively while the index is opened or rebuilt: a rebuild
# replaces the index folder, and a process writing to the old one at that moment would lose its write.
INDEX_LOCK = "index.lock"


def rows_for(db: Database, ids: Sequence[int], sql: str) -> Iterator[sqlite3.Row]:
    """Rows of `sql` (with one `{}` for a list of placeholders) for `ids`, asked 500 at a time."""
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield from db.query(sql.format(",".join("?" * len(chunk))), tuple(chunk))


def mark_pending(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Inside a change's transaction: these articles are owed to the index."""
    for article in ids:
        conn.execute("INSERT OR IGNORE INTO index_pending(article_id) VALUES (?)", (article,))


class IndexKeeper:
    """The library's search index, opened (rebuilt or caught up as need be) and kept in step with `db`.

    `repairs` is the library's list of what opening or writing had to repair, appended to in words
    for the user.
    """

    def __init__(self, db: Database, folder: Path, *, read_only: bool, repairs: list[str]) -> None:
        self.db = db
        self.folder = folder
        self.read_only = read_only
        self.repairs = repairs
        self._scratch: tempfile.TemporaryDirectory | None = None
        self.index = SearchIndex(folder / paths.INDEX_DIR, self.all_docs, upgraded=self.annotated_docs)

    # -- opening -------------------------------------------------------------------------------

    def generation(self) -> str:
        """The library's own id, which the index records so that it never serves another library."""
        value = self.db.scalar("SELECT value FROM meta WHERE key = 'library_id'")
        if value is None and not self.read_only:
            value = uuid.uuid4().hex
            with self.db.transaction() as conn:
                conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('library_id', ?)", (value,))
            value = self.db.scalar("SELECT value FROM meta WHERE key = 'library_id'")
        return str(value or "")

    def guard(self, *, shared: bool, timeout_s: float = INDEX_LOCK_WAIT_S) -> AbstractContextManager[bool]:
        """The index lock: shared for a write, alone for an opening or a rebuild (True when held)."""
        if self.read_only:
            return nullcontext(True)
        return markers.locked(self.folder / INDEX_LOCK, shared=shared, timeout_s=timeout_s)

    def open(self) -> None:
        """Open the index and write what it is owed."""
        pending = self.pending()
        self._open(pending)
        if pending and not self.read_only:
            self.sync(pending)
            self.repairs.append(f"brought {len(pending)} article(s) up to date in the search index")

    def pending(self) -> list[int]:
        return [r[0] for r in self.db.query("SELECT article_id FROM index_pending")]

    def _open(self, pending: list[int]) -> None:
        """Open the index, rebuilding it if need be, while no other process writes to it."""
        # Past the wait, open anyway: a rebuild elsewhere that takes minutes must not keep the window shut.
        with self.guard(shared=False) as alone:
            self._open_now(pending, sweep=alone and not self.read_only)

    def _open_now(self, pending: list[int], *, sweep: bool = False) -> None:
        count = int(self.db.scalar("SELECT COUNT(*) FROM articles") or 0)
        # Articles the index owes an update may or may not be in it yet: the index leaves them out of
        # its count, so an import or a tag change cut short costs a catch-up, not a full rebuild.
        existing = {r[0] for r in rows_for(self.db, pending, "SELECT id FROM articles WHERE id IN ({})")}
        settled = count - len(existing)
        try:
            message = self.index.open(settled, self.generation(), pending=pending, sweep=sweep)
        except OSError:
            if not self.read_only:
                raise
            # A read-only library whose index needs a rebuild (or has none): build one in a
            # temporary folder, so that searching works without writing to the library.
            self.index.close()
            self._scratch = tempfile.TemporaryDirectory(prefix="newsarchive-index-")
            self.index = SearchIndex(Path(self._scratch.name), self.all_docs)
            message = self.index.open(count, self.generation())
            message = "the library is read-only, so its search index was rebuilt in a temporary folder" + (
                f" ({message})" if message else ""
            )
        if message:
            self.repairs.append(message)

    # -- what the index holds of an article ----------------------------------------------------

    def docs(self, ids: Sequence[int]) -> list[IndexDoc]:
        return [doc for doc in (self.doc(i) for i in ids) if doc is not None]

    def doc(self, article: int) -> IndexDoc | None:
        conn = self.db.conn
        row = conn.execute(
            """SELECT a.id, a.title, a.text, a.language, a.published, a.saved_at, a.imported_at,
                      a.bookmarked_at, s.name AS source
               FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = ?""",
            (article,),
        ).fetchone()
        if row is None:
            return None
        authors = catalog.authors_of(conn, article)
        tag_rows = conn.execute(
            """SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ?
               UNION
               SELECT t.name FROM article_authors aa JOIN author_tags x ON x.author_id = aa.author_id
                 JOIN tags t ON t.id = x.tag_id WHERE aa.article_id = ?""",
            (article, article),
        ).fetchall()
        notes, quotes = highlights.index_text(conn, article)
        return IndexDoc(
            id=row["id"],
            title=row["title"],
            body=row["text"],
            authors=tuple(a.name for a in authors),
            source=row["source"],
            tags=tuple(sorted(r[0] for r in tag_rows)),
            language=row["language"],
            published=row["published"],
            saved=row["saved_at"] or row["imported_at"],
            bookmarked=row["bookmarked_at"] is not None,
            notes=notes,
            quotes=quotes,
            annotated=bool(notes or quotes),
        )

    def annotated_docs(self) -> list[IndexDoc]:
        """What an index of an earlier format lacks: the articles with highlights or notes."""
        return self.docs(highlights.annotated_articles(self.db.conn))

    def all_docs(self) -> Iterator[IndexDoc]:
        last = 0
        while True:
            ids = [r[0] for r in self.db.query("SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT 500", (last,))]
            if not ids:
                return
            yield from self.docs(ids)
            last = ids[-1]

    # -- writing -------------------------------------------------------------------------------

    def sync(self, ids: Iterable[int]) -> None:
        """Write these articles' current state to the index, then forget that it owed them."""
        ids = sorted(set(ids))
        if not ids:
            return
        docs = self.docs(ids)
        present = {d.id for d in docs}
        gone = [i for i in ids if i not in present]
        if docs and not self.write(lambda: self.index.update(docs)):
            return
        if gone and not self.write(lambda: self.index.delete(gone)):
            return
        with self.db.transaction() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                conn.execute(f"DELETE FROM index_pending WHERE article_id IN ({','.join('?' * len(chunk))})", chunk)

    def write(self, write: Callable[[], None]) -> bool:
        """Run one index write, waiting while another process holds the index (Whoosh's write lock, or a rebuild).

        False when it stayed busy for INDEX_LOCK_WAIT_S: the change is saved in the database and its
        `index_pending` rows stay, so the index catches up when the library is next opened.
        """
        deadline = time.monotonic() + INDEX_LOCK_WAIT_S
        delay = 0.05
        reopened = False
        while True:
            stale = False
            with self.guard(shared=True, timeout_s=max(0.0, deadline - time.monotonic())) as held:
                if held:
                    try:
                        write()
                        return True
                    except LockError:
                        pass  # another process is committing: wait for it
                    except FileNotFoundError:
                        # Another process rebuilt the index into a new folder and removed the one this
                        # library had open: open the current one and write again.
                        if reopened:
                            raise
                        stale = reopened = True
            if stale:
                self._open(self.pending())
                continue
            if time.monotonic() >= deadline:
                self.repairs.append(
                    "the search index was busy in another window or import for too long; "
                    "changes are saved and the index catches up when the library is next opened"
                )
                return False
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def rebuild(self) -> int:
        """Rebuild the index from the database into a new folder and switch to it; the articles it counts."""
        with self.guard(shared=False):
            # Only what the rebuild is sure to have read: an article another process adds meanwhile
            # stays owed to the index until that process (or the next open) writes it.
            owed = self.pending()
            count = self.index.rebuild(self.generation())
        with self.db.transaction() as conn:
            for start in range(0, len(owed), 500):
                chunk = owed[start : start + 500]
                conn.execute(f"DELETE FROM index_pending WHERE article_id IN ({','.join('?' * len(chunk))})", chunk)
        return count

    def close(self) -> None:
        self.index.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None
