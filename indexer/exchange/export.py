"""Getting everything out of a library: the lossless JSON export, and the dispatch to the reading formats.

A JSON export is a folder:
```
DEST/archive.json      {"format": "newsarchive-export", "version": 1, ...}: every row the library
                       holds about the exported articles (every column), their authors, tags,
                       highlights and notes, sources, files and import history; and the saved searches
DEST/files/ab/<sha>    the original files and their resources, byte for byte
```
`restore.Restorer` reads such a folder back (it is what `newsarchive import DEST` runs).
The markdown, HTML and CSV exports are for reading elsewhere; they live in `reading`. BibTeX, RIS and
CSL-JSON are for reference managers (one file of citations); they live in `citations`.

Every export is written into a temporary sibling and renamed into place at the end, so a crash or a
full disk never leaves a half export under the name the user asked for; a DEST that exists and is
not empty is refused. The rows are read inside one read transaction, so an import running at the
same time is either wholly in the export or not at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from indexer import paths
from indexer.model import LibraryError
from indexer.store import searches
from indexer.store.database import now_iso

if TYPE_CHECKING:
    from indexer.store.database import Database
    from indexer.store.files import FileStore

FORMAT_MARKER = "newsarchive-export"
FORMAT_VERSION = 1
ARCHIVE_NAME = "archive.json"
FORMATS = ("json", "csv", "markdown", "html", "bibtex", "ris", "csl-json")


@dataclass
class ExportReport:
    """What an export wrote."""

    format: str
    dest: Path
    articles: int = 0
    files: int = 0  # files copied: originals and resources (json), images (markdown, html)
    missing: list[str] = field(default_factory=list)  # library files absent or damaged, left out


def check_target(dest: str | Path, fmt: str) -> Path:
    """The export's destination, once `fmt` is known and `dest` is free: refused before any work starts."""
    if fmt not in FORMATS:
        raise LibraryError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    dest = Path(dest).expanduser()
    refuse_existing(dest)
    return dest


def export_articles(
    db: Database,
    files: FileStore,
    dest: str | Path,
    fmt: str,
    ids: list[int],
    *,
    query: str | None = None,
    only_annotations: bool = False,
) -> ExportReport:
    """Export the articles `ids` (the ones `query` found, or every article when None) to `dest` in `fmt`;
    with `only_annotations`, their highlights and notes alone (Markdown, see `annotations`)."""
    dest = check_target(dest, fmt)
    with read_snapshot(db.conn):
        if only_annotations:
            from .annotations import export_annotations

            return export_annotations(db, files, dest, ids)
        if fmt == "json":
            return _export_json(db, files, dest, ids, query)
        if fmt in ("bibtex", "ris", "csl-json"):
            from . import citations

            return citations.export_file(db, dest, fmt, ids)
        from . import reading

        return reading.export_for_reading(db, files, dest, fmt, ids)


def refuse_existing(dest: Path) -> None:
    """An export never writes over anything: DEST must not exist or be an empty folder."""
    if dest.is_dir():
        if any(dest.iterdir()):
            raise LibraryError(f"{dest} exists and is not empty; export into a new or empty folder")
    elif dest.exists():
        raise LibraryError(f"{dest} already exists; choose a new name")


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: in WAL mode every query inside sees the same state of the library."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")


@contextmanager
def staging_folder(dest: Path) -> Iterator[Path]:
    """A temporary sibling of `dest` that becomes `dest` when the block ends without an error."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Made with mkdir rather than mkdtemp: the export gets the user's usual permissions, not 0700.
    temp = dest.parent / f".{dest.name}.partial-{uuid.uuid4().hex[:12]}"
    temp.mkdir()
    try:
        yield temp
        if dest.is_dir() and not any(dest.iterdir()):
            dest.rmdir()
        elif dest.exists():
            raise LibraryError(f"{dest} appeared while exporting; the export was not written")
        os.replace(temp, dest)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def copy_verified(source: Path, target: Path, sha256: str) -> bool:
    """Copy a library file, checking that it still has the content its name promises."""
    if not source.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(1 << 20):
            digest.update(chunk)
            writer.write(chunk)
    if digest.hexdigest() != sha256:
        target.unlink()
        return False
    return True


# -- the JSON export ------------------------------------------------------------------------------


def _rows(conn: sqlite3.Connection, sql: str, keys: Sequence[object]) -> Iterator[sqlite3.Row]:
    """Rows for `keys`, in chunks SQLite accepts; `sql` holds one `{}` for the placeholders.

    Keys must be sorted when `sql` orders by them: the chunks then come out in order too.
    """
    keys = list(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        yield from conn.execute(sql.format(",".join("?" * len(chunk))), chunk)


def _collect(conn: sqlite3.Connection, ids: list[int], everything: bool) -> dict:
    """Everything but the articles' own rows: authors, tags, sources, files and history they need."""
    if everything:
        authors = conn.execute("SELECT * FROM authors ORDER BY id").fetchall()
        sources = conn.execute("SELECT * FROM sources ORDER BY id").fetchall()
        files = conn.execute("SELECT * FROM files ORDER BY sha256").fetchall()
        log = conn.execute("SELECT * FROM import_log ORDER BY id").fetchall()
    else:
        author_ids = sorted(
            {r[0] for r in _rows(conn, "SELECT author_id FROM article_authors WHERE article_id IN ({})", ids)}
        )
        authors = list(_rows(conn, "SELECT * FROM authors WHERE id IN ({}) ORDER BY id", author_ids))
        source_ids = {r[0] for r in _rows(conn, "SELECT source_id FROM articles WHERE id IN ({})", ids)} - {None}
        sources = list(_rows(conn, "SELECT * FROM sources WHERE id IN ({}) ORDER BY id", sorted(source_ids)))
        shas = {r[0] for r in _rows(conn, "SELECT original_sha256 FROM articles WHERE id IN ({})", ids)}
        shas |= {r[0] for r in _rows(conn, "SELECT sha256 FROM article_files WHERE article_id IN ({})", ids)}
        files = list(_rows(conn, "SELECT * FROM files WHERE sha256 IN ({}) ORDER BY sha256", sorted(shas)))
        log = list(_rows(conn, "SELECT * FROM import_log WHERE article_id IN ({}) ORDER BY id", ids))
    author_tags: dict[int, list[str]] = {}
    for r in _rows(
        conn,
        "SELECT x.author_id, t.name FROM author_tags x JOIN tags t ON t.id = x.tag_id WHERE x.author_id IN ({})"
        " ORDER BY t.name",
        [a["id"] for a in authors],
    ):
        author_tags.setdefault(r[0], []).append(r[1])
    if everything:
        tags = conn.execute("SELECT id, name FROM tags ORDER BY id").fetchall()
    else:
        names = {n for names in author_tags.values() for n in names}
        names |= {
            r[0]
            for r in _rows(
                conn, "SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id IN ({})", ids
            )
        }
        tags = [r for r in conn.execute("SELECT id, name FROM tags ORDER BY id") if r["name"] in names]
    return {
        "sources": [dict(r) for r in sources],
        "tags": [dict(r) for r in tags],
        "authors": [{**dict(a), "tags": author_tags.get(a["id"], [])} for a in authors],
        "files": [{**dict(f), "path": _blob_path(f["sha256"])} for f in files],
        "import_log": [dict(r) for r in log],
        "saved_searches": searches.rows(conn),
    }


def _blob_path(sha256: str) -> str:
    return f"{paths.FILES_DIR}/{sha256[:2]}/{sha256}"


def _article(conn: sqlite3.Connection, row: sqlite3.Row) -> dict:
    """One article: every column of its row, with its source, authors, tags and files beside it."""
    article = row["id"]
    data = {key: row[key] for key in row.keys()}
    data["authors"] = [
        {"id": r[0], "position": r[1]}
        for r in conn.execute(
            "SELECT author_id, position FROM article_authors WHERE article_id = ? ORDER BY position", (article,)
        )
    ]
    data["tags"] = [
        r[0]
        for r in conn.execute(
            "SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ? ORDER BY t.name",
            (article,),
        )
    ]
    data["files"] = [
        {"sha256": r[0], "ref": r[1]}
        for r in conn.execute("SELECT sha256, ref FROM article_files WHERE article_id = ? ORDER BY ref", (article,))
    ]
    data["highlights"] = [
        {key: r[key] for key in ("id", "quote", "prefix", "suffix", "start", "note", "created", "origin")}
        for r in conn.execute("SELECT * FROM highlights WHERE article_id = ? ORDER BY id", (article,))
    ]
    return data


def _export_json(db: Database, files: FileStore, dest: Path, ids: list[int], query: str | None) -> ExportReport:
    conn = db.conn
    report = ExportReport("json", dest, articles=len(ids))
    everything = query is None
    with staging_folder(dest) as temp:
        side = _collect(conn, ids, everything)
        for entry in side["files"]:
            sha = entry["sha256"]
            if copy_verified(files.path(sha), temp / entry["path"], sha):
                report.files += 1
            else:
                report.missing.append(files.relative_path(sha))
        head = {
            "format": FORMAT_MARKER,
            "version": FORMAT_VERSION,
            "exported_at": now_iso(),
            "query": query,
            "counts": {"articles": len(ids), **{k: len(v) for k, v in side.items()}},
            "missing_files": report.missing,
            **side,
        }
        archive = temp / ARCHIVE_NAME
        with archive.open("w", encoding="utf-8", newline="\n") as out:
            # Written article by article: a large library need not fit in memory as one JSON string.
            out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2])
            out.write(',\n "articles": [')
            sql = """SELECT a.*, s.name AS source FROM articles a LEFT JOIN sources s ON s.id = a.source_id
                     WHERE a.id IN ({}) ORDER BY a.id"""
            for number, row in enumerate(_rows(conn, sql, ids)):
                out.write(",\n  " if number else "\n  ")
                out.write(json.dumps(_article(conn, row), ensure_ascii=False))
            out.write("\n ]\n}\n")
            out.flush()
            os.fsync(out.fileno())
    return report
