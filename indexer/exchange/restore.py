"""Restoring a JSON export (see `export`) into a library: what `newsarchive import DEST` does with one.

- Each exported article is restored in its own transaction (its row, files, authors, tags, bookmark, highlights
  and history), so an interrupted restore keeps whole articles only and can be run again; one last
  transaction adds what no article carries (authors without articles, failed-import history).
- Ids: while a table of the target was empty when the restore began, its rows keep their exported
  ids, so an export restored into a new library reproduces it exactly. Otherwise rows get new ids
  and every link (authors, tags, previous version, history) is mapped.
- Duplicates follow the importer's rules: the same original file or the same text as an article
  already there is reported as a duplicate with the existing id. The export's tags and bookmarks
  are added to that article (never removed), so nothing the export held is dropped.
- Highlights and notes come with their articles (with their ids while the target has none); saved searches
  come last, and a name the target has already keeps the target's query.
- History: exported import-log rows are copied unless the target already has the same row (time,
  path, status, error), so restoring the same export twice does not double it. A restored article
  gets no row of its own; a duplicate gets one, as a re-imported file does.
- Reader HTML is sanitised again, and files are checked against their SHA-256: an export folder is
  input like any other and may have been edited.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.ingest.importer import INDEX_BATCH, CancelCheck, ImportProgress, IndexCallback, ProgressCallback
from indexer.ingest.sanitize import sanitize_reader_html
from indexer.model import ImportFailure, ImportOutcome, ImportReport
from indexer.store import searches
from indexer.store.catalog import name_key, text_fingerprint, url_key
from indexer.store.database import Database, now_iso
from indexer.store.files import FileStore, sha256_of
from indexer.store.tags import TagError, normalise_tag

from .export import ARCHIVE_NAME, FORMAT_MARKER, FORMAT_VERSION

_MARKER = re.compile(rb'"format"\s*:\s*"' + FORMAT_MARKER.encode() + rb'"')
_SHA = re.compile(r"[0-9a-f]{64}\Z")
_LIBRARY_FILE = re.compile(r"files/([0-9a-f]{2})/([0-9a-f]{64})\Z")
_WORD = re.compile(r"\w+")
_KEPT_TABLES = ("articles", "authors", "tags", "sources", "import_log", "highlights")


def export_folder(path: str | Path) -> Path | None:
    """The export folder `path` names (the folder itself or its archive.json), or None for anything else."""
    path = Path(path)
    try:
        if path.is_dir():
            folder = path
        elif path.name == ARCHIVE_NAME and path.is_file():
            folder = path.parent
        else:
            return None
        archive = folder / ARCHIVE_NAME
        if not archive.is_file():
            return None
        with archive.open("rb") as handle:
            # The export writes the marker first; a file re-saved by another tool may have moved it.
            tail = b""
            while chunk := handle.read(1 << 20):
                if _MARKER.search(tail + chunk):
                    return folder
                tail = chunk[-64:]
    except OSError:
        return None
    return None


@dataclass
class _Export:
    """An export's archive.json, indexed for the restore."""

    folder: Path
    articles: list[dict]
    authors: dict[int, dict]
    tags: dict[str, int]  # folded name -> exported id
    tag_names: list[str]
    sources: dict[str, int]
    source_names: list[str]
    files: dict[str, dict]
    log: dict[int | None, list[dict]]  # history rows by exported article id
    keep: dict[str, bool] = field(default_factory=dict)  # table -> exported ids are kept
    mapped: dict[int, int] = field(default_factory=dict)  # exported article id -> id in the target
    saved_searches: list[dict] = field(default_factory=list)


class Restorer:
    """Restores export folders into a library's database and file store; the index through a callback."""

    def __init__(self, db: Database, files: FileStore, on_stored: IndexCallback) -> None:
        self.db = db
        self.files = files
        self.on_stored = on_stored

    def run(
        self, folder: Path, *, progress: ProgressCallback | None = None, cancel: CancelCheck | None = None
    ) -> ImportReport:
        report = ImportReport()
        display = str(folder / ARCHIVE_NAME)
        try:
            export = _load(folder)
        except ImportFailure as exc:
            report.outcomes.append(self._log_failure(display, str(exc)))
            return report
        export.keep = {t: self.db.scalar(f"SELECT 1 FROM {t} LIMIT 1") is None for t in _KEPT_TABLES}
        started = time.monotonic()
        owed: set[int] = set()
        counts = {"imported": 0, "duplicate": 0, "failed": 0}
        try:
            for number, article in enumerate(export.articles, start=1):
                old = article.get("id")
                where = f"{display}#{old}"
                try:
                    with self.db.transaction() as conn:
                        outcome, touched = self._restore(conn, export, article, where)
                except ImportFailure as exc:
                    outcome, touched = self._log_failure(where, str(exc)), set()
                except (sqlite3.IntegrityError, OverflowError) as exc:  # rows an edited export contradicts
                    outcome, touched = self._log_failure(where, f"the entry does not fit the library: {exc}"), set()
                if outcome.id is not None and isinstance(old, int):
                    export.mapped[old] = outcome.id
                report.outcomes.append(outcome)
                counts[outcome.status] += 1
                owed |= touched
                if len(owed) >= INDEX_BATCH:
                    self.on_stored(sorted(owed))
                    owed.clear()
                if progress:
                    elapsed = time.monotonic() - started
                    total = len(export.articles)
                    imported, duplicates, failed = counts["imported"], counts["duplicate"], counts["failed"]
                    progress(ImportProgress(number, total, where, imported, duplicates, failed, elapsed))
                if cancel and cancel():
                    report.cancelled = True
                    break
            if not report.cancelled:
                with self.db.transaction() as conn:
                    owed |= self._restore_rest(conn, export)
        finally:
            if owed:
                self.on_stored(sorted(owed))
        return report

    def _log_failure(self, where: str, reason: str) -> ImportOutcome:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO import_log(at, path, status, article_id, error) VALUES (?, ?, 'failed', NULL, ?)",
                (now_iso(), where, reason),
            )
        return ImportOutcome(where, "failed", error=reason)

    # -- one article -------------------------------------------------------------------------------

    def _restore(
        self, conn: sqlite3.Connection, export: _Export, article: dict, where: str
    ) -> tuple[ImportOutcome, set[int]]:
        """Restore one article inside the caller's transaction; returns its outcome and the ids to reindex."""
        old = _int(article, "id")
        title = _text(article, "title")
        text = _text(article, "text")
        original = _sha(article.get("original_sha256"))
        fingerprint = _text(article, "fingerprint", text_fingerprint(text))
        existing = conn.execute(
            """SELECT id FROM articles WHERE original_sha256 = ? OR fingerprint = ?
               ORDER BY original_sha256 = ? DESC, id""",
            (original, fingerprint, original),
        ).fetchone()
        if existing is not None:
            target = int(existing[0])
            touched = self._merge_marks(conn, export, target, article)
            self._copy_history(conn, export, export.log.get(old, []), target)
            conn.execute(
                "INSERT INTO import_log(at, path, status, article_id, error) VALUES (?, ?, 'duplicate', ?, NULL)",
                (now_iso(), where, target),
            )
            _owe(conn, touched)
            return ImportOutcome(where, "duplicate", id=target, title=title), touched
        refs = _list(article, "files")
        shas = [original, *(_sha(ref.get("sha256")) for ref in refs)]
        for sha in dict.fromkeys(shas):
            self._bring_file(conn, export, sha)
        url = _text(article, "url", None)
        values = {
            "id": old if export.keep["articles"] and _free(conn, "articles", old) else None,
            "title": title,
            "source_id": self._source(conn, export, _text(article, "source", None)),
            "url": url,
            "url_key": _text(article, "url_key", url_key(url)),
            "published": _text(article, "published", None),
            "modified": _text(article, "modified", None),
            "saved_at": _text(article, "saved_at", None),
            "imported_at": _text(article, "imported_at", now_iso()),
            "language": _text(article, "language", None),
            "format": _text(article, "format"),
            "text": text,
            "reader_html": _resanitise(_text(article, "reader_html", ""), set(shas)),
            "lead_image": _text(article, "lead_image", None),
            "lead_image_caption": _text(article, "lead_image_caption", None),
            "word_count": _int(article, "word_count", len(_WORD.findall(text))),
            "fingerprint": fingerprint,
            "original_sha256": original,
            "original_name": _text(article, "original_name", original),
            "previous_version": export.mapped.get(_int(article, "previous_version", 0)),
            "bookmarked_at": _text(article, "bookmarked_at", None),
        }
        columns = ", ".join(values)
        cur = conn.execute(
            f"INSERT INTO articles({columns}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
        )
        target = int(cur.lastrowid or 0)
        for ref in refs:
            conn.execute(
                "INSERT OR IGNORE INTO article_files(article_id, sha256, ref) VALUES (?, ?, ?)",
                (target, _sha(ref.get("sha256")), _text(ref, "ref")),
            )
        touched = {target}
        seen: set[int] = set()
        for entry in _list(article, "authors"):
            author, changed = self._author(conn, export, _int(entry, "id"))
            touched |= changed
            if author not in seen:
                seen.add(author)
                conn.execute(
                    "INSERT INTO article_authors(article_id, author_id, position) VALUES (?, ?, ?)",
                    (target, author, _int(entry, "position", len(seen) - 1)),
                )
        for name in _names(article.get("tags")):
            conn.execute(
                "INSERT OR IGNORE INTO article_tags(article_id, tag_id) VALUES (?, ?)",
                (target, self._tag(conn, export, name)),
            )
        _restore_highlights(conn, target, article, keep_ids=export.keep["highlights"])
        self._copy_history(conn, export, export.log.get(old, []), target)
        _owe(conn, touched)
        return ImportOutcome(where, "imported", id=target, title=title), touched

    def _merge_marks(self, conn: sqlite3.Connection, export: _Export, target: int, article: dict) -> set[int]:
        """Add the export's tags and bookmark to an article the target already holds."""
        changed = 0
        for name in _names(article.get("tags")):
            tag = self._tag(conn, export, name)
            changed += conn.execute(
                "INSERT OR IGNORE INTO article_tags(article_id, tag_id) VALUES (?, ?)", (target, tag)
            ).rowcount
        bookmarked = _text(article, "bookmarked_at", None)
        if bookmarked:
            changed += conn.execute(
                "UPDATE articles SET bookmarked_at = ? WHERE id = ? AND bookmarked_at IS NULL", (bookmarked, target)
            ).rowcount
        changed += _restore_highlights(conn, target, article, keep_ids=False)
        return {target} if changed else set()

    def _bring_file(self, conn: sqlite3.Connection, export: _Export, sha: str) -> None:
        """Put one of the export's files into the library (checked against its name) and give it its row."""
        entry = export.files.get(sha, {})
        if not self.files.has(sha):
            source = export.folder / "files" / sha[:2] / sha
            try:
                data = source.read_bytes()
            except OSError:
                raise ImportFailure(f"the export lacks the file files/{sha[:2]}/{sha}") from None
            if sha256_of(data) != sha:
                raise ImportFailure(f"the file files/{sha[:2]}/{sha} in the export is damaged")
            self.files.put(data, sha)
        size = entry.get("size")
        if not isinstance(size, int):
            size = self.files.path(sha).stat().st_size
        mime = entry.get("mime") if isinstance(entry.get("mime"), str) else None
        conn.execute("INSERT OR IGNORE INTO files(sha256, size, mime) VALUES (?, ?, ?)", (sha, size, mime))

    # -- rows shared between articles ------------------------------------------------------------------

    def _source(self, conn: sqlite3.Connection, export: _Export, name: str | None) -> int | None:
        if not name or not name.strip():
            return None
        row = conn.execute("SELECT id FROM sources WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        wanted = export.sources.get(name.casefold()) if export.keep["sources"] else None
        wanted = wanted if wanted is not None and _free(conn, "sources", wanted) else None
        return int(conn.execute("INSERT INTO sources(id, name) VALUES (?, ?)", (wanted, name)).lastrowid or 0)

    def _tag(self, conn: sqlite3.Connection, export: _Export, name: str) -> int:
        try:
            name = normalise_tag(name)
        except TagError as exc:
            raise ImportFailure(str(exc)) from None
        row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        wanted = export.tags.get(name.casefold()) if export.keep["tags"] else None
        wanted = wanted if wanted is not None and _free(conn, "tags", wanted) else None
        return int(conn.execute("INSERT INTO tags(id, name) VALUES (?, ?)", (wanted, name)).lastrowid or 0)

    def _author(self, conn: sqlite3.Connection, export: _Export, old: int) -> tuple[int, set[int]]:
        """The target's id for an exported author (added, or merged into the same name); and articles to reindex."""
        data = export.authors.get(old)
        if data is None:
            raise ImportFailure(f"names author {old}, who is not in the export")
        name = _text(data, "name")
        role, bio, url = (_text(data, key, None) for key in ("role", "bio", "url"))
        bookmarked = _text(data, "bookmarked_at", None)
        row = conn.execute("SELECT id FROM authors WHERE name_key = ?", (name_key(name),)).fetchone()
        if row is None:
            wanted = old if export.keep["authors"] and _free(conn, "authors", old) else None
            cur = conn.execute(
                "INSERT INTO authors(id, name, name_key, role, bio, url, bookmarked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (wanted, name, name_key(name), role, bio, url, bookmarked),
            )
            author, existed = int(cur.lastrowid or 0), False
        else:
            author, existed = int(row[0]), True
            conn.execute(
                """UPDATE authors SET role = COALESCE(role, ?), bio = COALESCE(bio, ?), url = COALESCE(url, ?),
                       bookmarked_at = COALESCE(bookmarked_at, ?) WHERE id = ?""",
                (role, bio, url, bookmarked, author),
            )
        added = 0
        for tag in _names(data.get("tags")):
            added += conn.execute(
                "INSERT OR IGNORE INTO author_tags(author_id, tag_id) VALUES (?, ?)",
                (author, self._tag(conn, export, tag)),
            ).rowcount
        if not (existed and added):
            return author, set()
        # The author's tags are indexed with each of their articles already in the target.
        return author, {
            r[0] for r in conn.execute("SELECT article_id FROM article_authors WHERE author_id = ?", (author,))
        }

    def _copy_history(self, conn: sqlite3.Connection, export: _Export, entries: list[dict], target: int | None) -> None:
        """Copy history rows, now naming `target`, unless the target already has the same row."""
        for entry in entries:
            at, path, status = _text(entry, "at"), _text(entry, "path"), _text(entry, "status")
            error = _text(entry, "error", None)
            if status not in ("imported", "duplicate", "failed"):
                raise ImportFailure(f"history row with an unknown status {status!r}")
            if conn.execute(
                "SELECT 1 FROM import_log WHERE at = ? AND path = ? AND status = ? AND error IS ?",
                (at, path, status, error),
            ).fetchone():
                continue
            wanted = entry.get("id") if export.keep["import_log"] else None
            wanted = wanted if isinstance(wanted, int) and _free(conn, "import_log", wanted) else None
            conn.execute(
                "INSERT INTO import_log(id, at, path, status, article_id, error) VALUES (?, ?, ?, ?, ?, ?)",
                (wanted, at, path, status, target, error),
            )

    def _restore_rest(self, conn: sqlite3.Connection, export: _Export) -> set[int]:
        """What no restored article carried: every author's tags and bookmark, unused tags, other history."""
        touched: set[int] = set()
        for old in sorted(export.authors):
            try:
                touched |= self._author(conn, export, old)[1]
            except ImportFailure:
                continue  # an unusable name or tag: the articles that need this author failed already
        for name in export.tag_names:
            try:
                self._tag(conn, export, name)
            except ImportFailure:
                continue
        for name in export.source_names:
            self._source(conn, export, name)
        searches.restore(conn, export.saved_searches)  # a name the library has keeps its own query
        # History of failed imports, and of articles that are not in the target after all.
        unlinked = [e for key, rows in export.log.items() if key not in export.mapped for e in rows]
        for entry in sorted(unlinked, key=lambda e: e["id"] if isinstance(e.get("id"), int) else 0):
            try:
                self._copy_history(conn, export, [entry], None)
            except ImportFailure:
                continue
        _owe(conn, touched)
        return touched


# -- reading and checking the export ---------------------------------------------------------------------


def _load(folder: Path) -> _Export:
    try:
        doc = json.loads((folder / ARCHIVE_NAME).read_bytes())
    except OSError as exc:
        raise ImportFailure(f"cannot read {ARCHIVE_NAME}: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise ImportFailure(f"{ARCHIVE_NAME} is not valid JSON: {str(exc).splitlines()[0][:200]}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_MARKER:
        raise ImportFailure(f"{ARCHIVE_NAME} is not a News Archive export")
    version = doc.get("version")
    if not isinstance(version, int) or version < 1:
        raise ImportFailure(f"{ARCHIVE_NAME} has no usable format version")
    if version > FORMAT_VERSION:
        raise ImportFailure(f"this export was written by a newer News Archive (export version {version})")
    try:
        articles = sorted(_list(doc, "articles"), key=lambda a: a["id"] if isinstance(a.get("id"), int) else 0)
        authors = {a["id"]: a for a in _list(doc, "authors") if isinstance(a.get("id"), int)}
        tags = _list(doc, "tags")
        sources = _list(doc, "sources")
        files = {f["sha256"]: f for f in _list(doc, "files") if isinstance(f.get("sha256"), str)}
        history = _list(doc, "import_log")
        saved = _list(doc, "saved_searches")
    except ImportFailure as exc:
        raise ImportFailure(f"{ARCHIVE_NAME} is damaged: {exc}") from None
    log: dict[int | None, list[dict]] = {}
    for entry in history:
        key = entry.get("article_id")
        log.setdefault(key if isinstance(key, int) else None, []).append(entry)
    return _Export(
        folder=folder,
        articles=articles,
        authors=authors,
        tags={
            t["name"].casefold(): t["id"]
            for t in tags
            if isinstance(t.get("id"), int) and isinstance(t.get("name"), str)
        },
        tag_names=[t["name"] for t in tags if isinstance(t.get("name"), str)],
        sources={
            s["name"].casefold(): s["id"]
            for s in sources
            if isinstance(s.get("id"), int) and isinstance(s.get("name"), str)
        },
        source_names=[s["name"] for s in sources if isinstance(s.get("name"), str)],
        files=files,
        log=log,
        saved_searches=saved,
    )


def _list(data: dict, key: str) -> list[dict]:
    """A list of objects under `key` (absent means empty)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ImportFailure(f"{key!r} is not a list of objects")
    return value


_REQUIRED = object()


def _text(data: dict, key: str, default: object = _REQUIRED) -> Any:
    """A string field; absent or null gives `default` (or refuses the entry when it is required)."""
    value = data.get(key)
    if value is None:
        if default is _REQUIRED:
            raise ImportFailure(f"entry lacks {key!r}")
        return default
    if not isinstance(value, str):
        raise ImportFailure(f"{key!r} is not text")
    return value


def _int(data: dict, key: str, default: object = _REQUIRED) -> Any:
    value = data.get(key)
    if value is None:
        if default is _REQUIRED:
            raise ImportFailure(f"entry lacks {key!r}")
        return default
    if not isinstance(value, int) or isinstance(value, bool):
        raise ImportFailure(f"{key!r} is not a whole number")
    return value


def _sha(value: object) -> str:
    """A file name from the export; checked, since it becomes a path."""
    if not isinstance(value, str) or not _SHA.match(value):
        raise ImportFailure(f"{str(value)[:80]!r} is not a file's SHA-256")
    return value


def _names(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImportFailure("tags are not a list of names")
    return value


def _free(conn: sqlite3.Connection, table: str, row_id: int) -> bool:
    return conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)).fetchone() is None


def _restore_highlights(conn: sqlite3.Connection, target: int, article: dict, *, keep_ids: bool) -> int:
    """The article's highlights and notes as exported, each once (the same quote, note and time is the same
    highlight), with their exported ids while the target had none; returns how many were added."""
    added = 0
    for entry in _list(article, "highlights"):
        quote, created, origin = _text(entry, "quote"), _text(entry, "created"), _text(entry, "origin", "reader")
        note, prefix, suffix = (_text(entry, key, None) for key in ("note", "prefix", "suffix"))
        start, wanted = _int(entry, "start", None), _int(entry, "id", None)
        if conn.execute(
            "SELECT 1 FROM highlights WHERE article_id = ? AND quote = ? AND note IS ? AND created = ?",
            (target, quote, note, created),
        ).fetchone():
            continue
        wanted = wanted if keep_ids and wanted is not None and _free(conn, "highlights", wanted) else None
        conn.execute(
            """INSERT INTO highlights(id, article_id, quote, prefix, suffix, start, note, created, origin)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (wanted, target, quote, prefix, suffix, start, note, created, origin),
        )
        added += 1
    return added


def _owe(conn: sqlite3.Connection, ids: set[int]) -> None:
    """The index owes these articles an update; written in the transaction that changed them."""
    for article in ids:
        conn.execute("INSERT OR IGNORE INTO index_pending(article_id) VALUES (?)", (article,))


def _resanitise(html: str, shas: set[str]) -> str:
    """The reader HTML through the sanitiser again, keeping images of this article's own files only."""

    def image_src(ref: str) -> str | None:
        match = _LIBRARY_FILE.match(ref)
        return ref if match and match.group(2) in shas and match.group(2)[:2] == match.group(1) else None

    return sanitize_reader_html(html, image_src)
