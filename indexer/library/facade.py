"""`Library`, the one facade over a library folder, used by the CLI and the window alike.

Anything a user can do in the window can be done headless through it. Every user action is one
SQLite transaction; the search index is brought in step right after, and the `index_pending`
table remembers what the index still owes so that a crash between the two is repaired on open.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..model import ArticleRecord, AuthorRecord, HighlightRecord, ImportReport, LibraryError, SavedSearch
from ..search import SearchIndex, SearchResults
from ..store import backup, catalog, highlights, markers, searches, tags
from ..store.database import Database, now_iso, sweep_partial_snapshots
from ..store.files import FileStore
from .upkeep import IndexKeeper, mark_pending, rows_for

if TYPE_CHECKING:
    # Imported where used: the import pipeline (lxml, trafilatura, chardet…) and the exporters cost a
    # window's start-up several hundred milliseconds that nothing needs until an import or export runs.
    from ..exchange.export import ExportReport
    from ..ingest.importer import CancelCheck, ProgressCallback
    from ..ingest.workers import ExtractionPool

IMPORT_MARKER = "import.running"  # the single marker of earlier versions; taken as left by a crash
IMPORT_KIND = "import"
# A deletion removes files after its commit; a marker left by one that stopped half-way asks the next open to
# sweep the files no row names any more.
DELETE_KIND = "delete"


class Library:
    """A library folder: `library.sqlite3`, `files/`, `index/` and `backups/`."""

    def __init__(
        self, folder: str | Path | None = None, *, read_only: bool = False, defer_snapshot: bool = False
    ) -> None:
        """Open (or create) the library at `folder`, repairing what an interrupted run left behind.

        The day's database snapshot is taken here unless `defer_snapshot`: then the caller (the window,
        which wants its first results on screen first) calls `daily_snapshot()` itself a moment later.
        """
        self.folder = Path(folder) if folder is not None else paths.default_library()
        # Why the library is read-only, in words for the user; None when it can be changed.
        self.read_only_reason: str | None = "opened read-only on request" if read_only else _why_read_only(self.folder)
        self.read_only = self.read_only_reason is not None
        if not self.read_only:
            self.folder.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.folder / paths.DATABASE_NAME, self.folder / paths.BACKUPS_DIR, read_only=self.read_only)
        self.files = FileStore(self.folder / paths.FILES_DIR)
        self.repairs: list[str] = []
        if not self.read_only:
            self._repair_files()
            if sweep_partial_snapshots(self.folder / paths.BACKUPS_DIR):
                self.repairs.append("removed an unfinished database snapshot left by an interrupted run")
            if not defer_snapshot:
                self.daily_snapshot()
        self.keeper = IndexKeeper(self.db, self.folder, read_only=self.read_only, repairs=self.repairs)
        self.keeper.open()

    @property
    def index(self) -> SearchIndex:
        """The search index (a temporary one when a read-only library's own needed rebuilding)."""
        return self.keeper.index

    # -- opening and repair ------------------------------------------------------------------

    def _repair_files(self) -> None:
        """After an import or a deletion that did not finish: temporaries and files without their row."""
        stale, live = markers.markers(self.folder, IMPORT_KIND)
        stale += markers.markers(self.folder, DELETE_KIND)[0]
        legacy = self.folder / IMPORT_MARKER
        if legacy.exists():
            stale.append(legacy)
        if live:
            # Another process is importing right now: its temporaries and the files it stored a
            # moment before their rows are not debris. The clean-up waits for a later open.
            return
        removed = self.files.sweep_temporaries()
        if stale:
            known = {r[0] for r in self.db.query("SELECT sha256 FROM files")}
            for blob in list(self.files.all_blobs()):
                if blob not in known:
                    self.files.remove(blob)
                    removed += 1
            for marker in stale:
                marker.unlink(missing_ok=True)
        if removed:
            self.repairs.append(f"removed {removed} file(s) left by an interrupted import or deletion")

    def daily_snapshot(self) -> Path | None:
        """Snapshot the database into `backups/` if none was taken in the last day (seven are kept).

        Returns the new snapshot, or None when none was due, nothing changed since the last one, or the
        library is empty or read-only. On a large library that changed, this copies hundreds of megabytes:
        run it off a window's UI thread.
        """
        if self.read_only or not self.count():
            return None
        return backup.daily_snapshot(self.db, self.folder / paths.BACKUPS_DIR)

    # -- import ------------------------------------------------------------------------------

    @contextmanager
    def _importing(self) -> Iterator[None]:
        """Mark an import as running for other processes; clean up after one that stops half-way."""
        try:
            with markers.running(self.folder, IMPORT_KIND):
                yield
        except BaseException:
            # Stopped half-way (a full disk, say): a file may be stored without its row. Clean up now
            # as the next open would (unless another import is running); on a full disk it frees space.
            try:
                self._repair_files()
            except Exception:  # noqa: BLE001 - the next open tries again; the first error is the one to show
                pass
            raise

    def import_paths(
        self,
        inputs: Iterable[str | Path],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
        workers: int | None = None,
        pool: ExtractionPool | None = None,
    ) -> ImportReport:
        """Import files, folders and zips, and restore JSON exports; see `ingest.importer` and `exchange.restore`.

        `pool` holds extraction workers started before the library was opened (`ExtractionPool.start`);
        the caller shuts it down."""
        self._require_writable()
        from ..exchange import restore
        from ..ingest.importer import Importer

        with self._importing():
            # Folders written by `export --format json` are restored, not walked as pages.
            inputs = list(inputs)
            exports = [f for f in map(restore.export_folder, inputs) if f is not None]
            rest = [p for p in inputs if restore.export_folder(p) is None]
            report = ImportReport()
            for folder in exports:
                restored = restore.Restorer(self.db, self.files, self.keeper.sync).run(
                    folder, progress=progress, cancel=cancel
                )
                report.outcomes += restored.outcomes
                report.cancelled |= restored.cancelled
            if rest and not report.cancelled:
                importer = Importer(self.db, self.files, self.keeper.sync)
                imported = importer.run(rest, progress=progress, cancel=cancel, workers=workers, pool=pool)
                report.outcomes += imported.outcomes
                report.cancelled |= imported.cancelled
            return report

    # -- reading -----------------------------------------------------------------------------

    def article(self, article: int) -> ArticleRecord | None:
        return catalog.get_article(self.db.conn, article, paths.FILES_DIR)

    def cite(self, ids: Sequence[int], fmt: str = "apa", *, html: bool = False) -> str:
        """Citations of these articles: apa, chicago, mla (plain text, or HTML when `html`), or bibtex, ris,
        csl-json; see `exchange.citations`. An unknown id or format raises LibraryError before anything is made."""
        from ..exchange.citations import FORMATS, cite

        if fmt not in FORMATS:
            raise LibraryError(f"unknown citation format {fmt!r}; choose one of {', '.join(FORMATS)}")
        records = []
        for article_id in ids:
            record = self.article(article_id)
            if record is None:
                raise LibraryError(f"no article with id {article_id}")
            records.append(record)
        return cite(records, fmt, html=html)

    def articles(self) -> list[ArticleRecord]:
        """Every article, newest import first (for `list`)."""
        ids = [r[0] for r in self.db.query("SELECT id FROM articles ORDER BY id")]
        return [a for a in (self.article(i) for i in ids) if a is not None]

    def count(self) -> int:
        return int(self.db.scalar("SELECT COUNT(*) FROM articles") or 0)

    def highlights(self, article_id: int | None = None) -> list[HighlightRecord]:
        """Highlights and notes of one article in reading order, or of every article; found again in the
        current text (`found` False: "not found in this version"). See `store.highlights`."""
        return highlights.list_highlights(self.db.conn, article_id)

    def annotations(self, query: str = "", limit: int = 500) -> list[tuple[HighlightRecord, str]]:
        """Every highlight and note, newest first, with its article's title; of the articles `query` finds."""
        if not query.strip():
            return highlights.newest(self.db.conn, None, limit)
        annotated = set(highlights.annotated_articles(self.db.conn))
        found = self.index.search(query, limit=len(annotated), only_ids=annotated) if annotated else None
        return highlights.newest(self.db.conn, {h.id for h in found.hits} if found else set(), limit)

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search by name, with how many articles it finds now."""
        listed = searches.listed(self.db.conn)
        return [SavedSearch(name, query, self.index.count(query)) for name, query in listed]

    def authors(self) -> list[AuthorRecord]:
        rows = self.db.query("SELECT * FROM authors ORDER BY name COLLATE NOCASE")
        return [catalog.author_record(self.db.conn, r) for r in rows]

    def author(self, name: str) -> AuthorRecord | None:
        row = catalog.find_author(self.db.conn, name)
        return None if row is None else catalog.author_record(self.db.conn, row)

    def author_articles(self, name: str) -> list[int]:
        row = self._author_row(name)
        return [
            r[0]
            for r in self.db.query(
                """SELECT aa.article_id FROM article_authors aa JOIN articles a ON a.id = aa.article_id
                   WHERE aa.author_id = ? ORDER BY COALESCE(a.published, a.imported_at) DESC""",
                (row["id"],),
            )
        ]

    def sources(self) -> list[tuple[str, int]]:
        rows = self.db.query(
            """SELECT s.name, COUNT(a.id) FROM sources s JOIN articles a ON a.source_id = s.id
               GROUP BY s.id ORDER BY s.name COLLATE NOCASE"""
        )
        return [(r[0], r[1]) for r in rows]

    def tags(self) -> list[tuple[str, int, int]]:
        return tags.tag_counts(self.db.conn)

    def original_path(self, article: int) -> Path | None:
        record = self.article(article)
        return None if record is None or record.original is None else self.folder / record.original

    def summaries(self, ids: Sequence[int]) -> dict[int, dict]:
        """What a result list shows of each article: title, source, published, imported_at, authors, bookmarked."""
        out: dict[int, dict] = {}
        for r in rows_for(
            self.db,
            ids,
            """SELECT a.id, a.title, a.published, a.imported_at, a.bookmarked_at, s.name AS source
               FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id IN ({})""",
        ):
            out[r["id"]] = {
                "title": r["title"],
                "source": r["source"],
                "published": r["published"],
                "imported_at": r["imported_at"],
                "authors": [],
                "bookmarked": r["bookmarked_at"] is not None,
            }
        for r in rows_for(
            self.db,
            list(out),
            """SELECT aa.article_id, au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id
               WHERE aa.article_id IN ({}) ORDER BY aa.article_id, aa.position""",
        ):
            out[r[0]]["authors"].append(r[1])
        return out

    def author_counts(self) -> dict[str, int]:
        """Every author with the number of their articles, in one query (for the sidebar)."""
        rows = self.db.query(
            """SELECT au.name, COUNT(*) FROM article_authors aa JOIN authors au ON au.id = aa.author_id
               GROUP BY au.id"""
        )
        return {r[0]: r[1] for r in rows}

    def recently_imported(self, limit: int = 200) -> list[int]:
        """The ids of the last articles imported, newest first."""
        rows = self.db.query("SELECT id FROM articles ORDER BY imported_at DESC, id DESC LIMIT ?", (limit,))
        return [r[0] for r in rows]

    def import_log(self, limit: int = 200) -> list[dict]:
        rows = self.db.query("SELECT * FROM import_log ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    # -- search ------------------------------------------------------------------------------

    def search(
        self, query: str, *, sort: str = "relevance", limit: int = 50, offset: int = 0, exact: bool = False
    ) -> SearchResults:
        """The search index's answer; in a large archive a very large result's facets and months are
        estimates (`facets_exact` False) unless `exact` asks for every match counted."""
        return self.index.search(query, sort=sort, limit=limit, offset=offset, exact=exact)

    def snippets(self, query: str, ids: Sequence[int]) -> dict[int, str]:
        return self.index.snippets(query, ids)

    def timeline(self, query: str, by: str = "month") -> dict[str, int]:
        """How many articles the search finds per month ("YYYY-MM") or year ("YYYY"), from the first
        period with one to the last, zeros included; undated articles are left out ("" = everything)."""
        from ..search.timeline import PERIODS, periods

        if by not in PERIODS:
            raise LibraryError(f"a timeline is by {' or '.join(PERIODS)}, not {by!r}")
        return periods(self.search(query, limit=0, exact=True).months, by)

    def warm_search(self) -> bool:
        """One step of loading what fuzzy words and suggestions need (`SearchIndex.warm`); True while more remain."""
        return self.index.warm()

    # -- tags and bookmarks ------------------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise LibraryError(f"this library is open read-only ({self.read_only_reason}); changes cannot be saved")

    def _require_article(self, article: int) -> None:
        if self.db.scalar("SELECT 1 FROM articles WHERE id = ?", (article,)) is None:
            raise LibraryError(f"no article with id {article}")

    def _author_row(self, name: str) -> sqlite3.Row:
        row = catalog.find_author(self.db.conn, name)
        if row is None:
            raise LibraryError(f"no author named {name!r}")
        return row

    def _author_article_ids(self, author_id: int) -> list[int]:
        return [r[0] for r in self.db.query("SELECT article_id FROM article_authors WHERE author_id = ?", (author_id,))]

    def tag(self, article: int, names: list[str], *, remove: bool = False) -> list[str]:
        """Add (or remove) tags on an article; returns its tags afterwards."""
        self._require_writable()
        self._require_article(article)
        with self.db.transaction() as conn:
            (tags.remove_tags if remove else tags.add_tags)(conn, "article", article, names)
            mark_pending(conn, [article])
        self.keeper.sync([article])
        return catalog.article_tags(self.db.conn, article)

    def tag_author(self, name: str, names: list[str], *, remove: bool = False) -> AuthorRecord:
        self._require_writable()
        row = self._author_row(name)
        with self.db.transaction() as conn:
            (tags.remove_tags if remove else tags.add_tags)(conn, "author", row["id"], names)
            affected = self._author_article_ids(row["id"])
            mark_pending(conn, affected)
        self.keeper.sync(affected)
        return catalog.author_record(self.db.conn, self._author_row(name))

    def rename_tag(self, old: str, new: str) -> int:
        """Rename (or, into an existing tag, merge) a tag and its children; returns tags changed."""
        self._require_writable()
        with self.db.transaction() as conn:
            affected = tags.articles_touched_by_tag(conn, old)
            changed = tags.rename_tag(conn, old, new)
            mark_pending(conn, affected)
        self.keeper.sync(affected)
        return changed

    def bookmark(self, article: int, on: bool = True) -> None:
        self._require_writable()
        self._require_article(article)
        with self.db.transaction() as conn:
            tags.set_bookmark(conn, "article", article, on, now_iso())
            mark_pending(conn, [article])
        self.keeper.sync([article])

    def bookmark_author(self, name: str, on: bool = True) -> None:
        self._require_writable()
        row = self._author_row(name)
        with self.db.transaction() as conn:
            tags.set_bookmark(conn, "author", row["id"], on, now_iso())

    def rename_author(self, old: str, new: str) -> AuthorRecord:
        """Rename an author; into the name of another author (matched as authors always are), merge the two.

        In a merge the existing author keeps their spelling and takes the articles, tags and bookmark;
        role, bio and URL are kept from whichever has them. Returns the author afterwards.
        """
        self._require_writable()
        with self.db.transaction() as conn:
            author, affected = catalog.rename_author(conn, old, new)
            mark_pending(conn, affected)
        self.keeper.sync(affected)
        row = self.db.conn.execute("SELECT * FROM authors WHERE id = ?", (author,)).fetchone()
        return catalog.author_record(self.db.conn, row)

    # -- highlights, notes and saved searches ----------------------------------------------------

    def _annotate(self, change: Callable[[sqlite3.Connection], HighlightRecord]) -> HighlightRecord:
        """One change to an article's highlights or notes, and the index told (as a tag change is)."""
        self._require_writable()
        with self.db.transaction() as conn:
            record = change(conn)
            mark_pending(conn, [record.article])
        self.keeper.sync([record.article])
        return record

    def add_highlight(
        self, article: int, quote: str, *, note: str | None = None, start: int | None = None
    ) -> HighlightRecord:
        """Highlight `quote` (the occurrence at or nearest `start`, an offset in the text); LibraryError when absent."""
        return self._annotate(
            lambda conn: highlights.add_highlight(conn, article, quote, note=note, start=start, now=now_iso())
        )

    def add_note(self, article: int, text: str) -> HighlightRecord:
        """A note on the whole article: a record with an empty quote."""
        return self._annotate(lambda conn: highlights.add_note(conn, article, text, now=now_iso()))

    def set_note(self, hid: int, text: str | None) -> HighlightRecord:
        """Set (or, empty or None, clear) a highlight's note; a note on the whole article cleared goes."""
        return self._annotate(lambda conn: highlights.set_note(conn, hid, text))

    def remove_highlight(self, hid: int) -> None:
        self._annotate(lambda conn: highlights.remove_highlight(conn, hid))

    def save_search(self, name: str, query: str) -> None:
        """Save `query` under `name` (the same name again replaces its query)."""
        self._require_writable()
        with self.db.transaction() as conn:
            searches.save(conn, name, query, now_iso())

    def rename_search(self, old: str, new: str) -> None:
        self._require_writable()
        with self.db.transaction() as conn:
            searches.rename(conn, old, new)

    def delete_search(self, name: str) -> None:
        self._require_writable()
        with self.db.transaction() as conn:
            searches.delete(conn, name)

    # -- deleting ------------------------------------------------------------------------------

    def delete_articles(self, ids: Sequence[int]) -> int:
        """Delete articles from the archive for good; returns how many there were (unknown ids are passed over).

        One transaction removes the rows (see `catalog.delete_articles`); the files no remaining article
        uses are removed after it commits, then the search index forgets the articles. A crash after
        the commit leaves files that the next open sweeps (the marker says so) and `index_pending`
        rows that the next open brings into the index.
        """
        self._require_writable()
        with markers.running(self.folder, DELETE_KIND):
            with self.db.transaction() as conn:
                removal = catalog.delete_articles(conn, ids)
                mark_pending(conn, removal.deleted)
            self._remove_files(removal.blobs)
        self.keeper.sync(removal.deleted)
        return len(removal.deleted)

    def _remove_files(self, blobs: Sequence[str]) -> None:
        """Remove files whose rows a deletion has just committed away."""
        if not blobs:
            return
        if markers.markers(self.folder, IMPORT_KIND)[1]:
            # An import running now (here or in another process) may be storing these very bytes again,
            # its row not yet written. A later open, with no import running, sweeps what is still unused.
            self._leave_for_next_open()
            return
        failed = False
        for blob in blobs:
            try:
                self.files.remove(blob)
            except OSError:  # a file held open elsewhere (Windows) or no permission: the next open retries
                failed = True
        if failed:
            self._leave_for_next_open()

    def _leave_for_next_open(self) -> None:
        """A marker no process holds: the next open takes it as work stopped half-way and sweeps files/."""
        marker = self.folder / f"{DELETE_KIND}-{uuid.uuid4().hex[:12]}{markers.SUFFIX}"
        marker.write_text(str(os.getpid()), encoding="ascii")

    def bookmarked_authors(self) -> list[AuthorRecord]:
        rows = self.db.query("SELECT * FROM authors WHERE bookmarked_at IS NOT NULL ORDER BY bookmarked_at DESC")
        return [catalog.author_record(self.db.conn, r) for r in rows]

    # -- maintenance -------------------------------------------------------------------------

    def reindex(self) -> int:
        """Rebuild the search index from the database into a new folder and switch to it."""
        self._require_writable()
        return self.keeper.rebuild()

    def doctor(self) -> list[str]:
        """Problems found: database integrity, missing or damaged files, index drift. Empty when healthy."""
        problems: list[str] = []
        result = [r[0] for r in self.db.query("PRAGMA integrity_check")]
        if result != ["ok"]:
            problems += [f"database: {line}" for line in result[:20]]
        fk = self.db.query("PRAGMA foreign_key_check")
        if fk:
            problems.append(f"database: {len(fk)} row(s) point at rows that do not exist")
        for row in self.db.query("SELECT sha256 FROM files"):
            if not self.files.verify(row[0]):
                problems.append(f"file missing or damaged: {self.files.relative_path(row[0])}")
        pending = int(self.db.scalar("SELECT COUNT(*) FROM index_pending") or 0)
        if pending:
            problems.append(f"search index: {pending} article(s) not yet indexed")
        problems += [f"search index: {p}" for p in self.index.check(self.count(), self.keeper.generation())]
        return problems

    def export(
        self, dest: str | Path, fmt: str = "json", *, query: str | None = None, only_annotations: bool = False
    ) -> ExportReport:
        """Export the articles `query` finds (all when None) as json, csv, markdown, html, or as citations in
        bibtex, ris or csl-json; see `exchange.export`.

        `only_annotations` (markdown only): one file per annotated article with only its highlights and
        notes, linking to the article written beside them; see `exchange.annotations`."""
        from ..exchange.export import check_target, export_articles

        if only_annotations and fmt != "markdown":
            raise LibraryError("only the markdown export can hold the annotations alone")
        dest = check_target(dest, fmt)
        ids = self._export_ids(query)
        if query is not None and not ids:
            raise LibraryError(f"the search {query!r} finds no article; nothing exported")
        return export_articles(self.db, self.files, dest, fmt, ids, query=query, only_annotations=only_annotations)

    def _export_ids(self, query: str | None) -> list[int]:
        """The ids to export, in id order: every article, or those the search finds."""
        if query is None:
            return [r[0] for r in self.db.query("SELECT id FROM articles ORDER BY id")]
        total = self.search(query, limit=1, exact=True).total
        if not total:
            return []
        return sorted(hit.id for hit in self.search(query, limit=total, exact=True).hits)

    def backup(self, dest: str | Path) -> int:
        """Write the whole library (database and files) to a zip; consistent while the window is open."""
        return backup.write_backup(self.db, self.files.folder, Path(dest))

    def close(self) -> None:
        self.keeper.close()
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _why_read_only(folder: Path) -> str | None:
    """Why changes to the library at `folder` could not be saved, or None when they can."""
    probe = folder if folder.exists() else folder.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        if os.statvfs(probe).f_flag & os.ST_RDONLY:
            return f"{probe} is on a read-only disk"
    except (AttributeError, OSError):  # no statvfs on Windows; os.access below still answers
        pass
    if not os.access(probe, os.W_OK):
        return f"no permission to write to {probe}"
    database = folder / paths.DATABASE_NAME
    if database.exists() and not os.access(database, os.W_OK):
        return f"no permission to write to {database}"
    return None
