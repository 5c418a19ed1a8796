"""What a whole, consistent library looks like on disk, checked from outside the `Library` facade.

The fault-injection and concurrency tests kill or race real processes and then ask these questions
with plain sqlite3 and Whoosh, so a bug in the facade cannot hide a broken library from them.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import paths
from indexer.store.catalog import name_key


@dataclass(frozen=True)
class Stored:
    """An article as the database holds it, keyed by its original file (what identifies an input)."""

    title: str
    authors: tuple[str, ...]  # name keys, in byline order
    files: tuple[str, ...]  # sha256 of the original and every resource


def articles(folder: Path) -> dict[str, Stored]:
    """Every article by the SHA-256 of its original file."""
    conn = sqlite3.connect(f"{(folder / paths.DATABASE_NAME).as_uri()}?mode=ro", uri=True)
    try:
        out: dict[str, Stored] = {}
        for aid, title, original in conn.execute("SELECT id, title, original_sha256 FROM articles"):
            names = tuple(
                name_key(r[0])  # the spelling kept is the first seen, which depends on import order
                for r in conn.execute(
                    """SELECT au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id
                       WHERE aa.article_id = ? ORDER BY aa.position""",
                    (aid,),
                )
            )
            blobs = tuple(
                sorted(
                    {
                        original,
                        *(r[0] for r in conn.execute("SELECT sha256 FROM article_files WHERE article_id = ?", (aid,))),
                    }
                )
            )
            out[original] = Stored(title, names, blobs)
        return out
    finally:
        conn.close()


def index_ids(folder: Path) -> list[int]:
    """The article ids the live search index holds (a repeated id is a duplicate entry)."""
    live = folder / paths.INDEX_DIR / (folder / paths.INDEX_DIR / "CURRENT").read_text(encoding="utf-8").strip()
    ix = whoosh_index.open_dir(str(live))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            if reader.doc_count_all() == 0:
                return []  # an empty index has no columns to read
            column = reader.column_reader("idc")
            return [int(column[d]) for d in reader.all_doc_ids()]
    finally:
        ix.close()


def problems(folder: Path, reference: dict[str, Stored] | None = None) -> list[str]:
    """Everything that makes this library less than whole; empty when it is whole.

    - every article row has its original and resource files, with the content their names promise;
    - no file in files/ lacks a row, and no temporary is left;
    - the search index holds each article exactly once and nothing else;
    - no input is stored twice;
    - with `reference` (the same inputs imported without interference): every article has exactly
      the title and author rows the reference has, so none is half-present.
    """
    found: list[str] = []
    db = sqlite3.connect(f"{(folder / paths.DATABASE_NAME).as_uri()}?mode=ro", uri=True)
    try:
        ids = [r[0] for r in db.execute("SELECT id FROM articles")]
        originals = Counter(r[0] for r in db.execute("SELECT original_sha256 FROM articles"))
        known = {r[0] for r in db.execute("SELECT sha256 FROM files")}
        pending = db.execute("SELECT COUNT(*) FROM index_pending").fetchone()[0]
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    if integrity != "ok":
        found.append(f"sqlite integrity: {integrity}")
    if fk:
        found.append(f"{len(fk)} rows point at nothing")
    found += [f"input stored {n} times: {sha[:12]}" for sha, n in originals.items() if n > 1]
    if pending:
        found.append(f"{pending} article(s) still owed to the index")
    files = folder / paths.FILES_DIR
    on_disk = {p.name for p in files.glob("??/*")} if files.is_dir() else set()
    temporaries = {n for n in on_disk if len(n) != 64}
    if temporaries:
        found.append(f"temporaries left in files/: {sorted(temporaries)[:3]}")
    for sha in sorted(known):
        path = files / sha[:2] / sha
        if not path.is_file():
            found.append(f"file missing: {sha[:12]}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            found.append(f"file damaged: {sha[:12]}")
    orphans = on_disk - temporaries - known
    if orphans:
        found.append(f"{len(orphans)} file(s) in files/ without a row")
    indexed = index_ids(folder)
    if Counter(indexed) != Counter(ids):
        extra = sorted(set(indexed) - set(ids))[:5]
        missing = sorted(set(ids) - set(indexed))[:5]
        doubled = sorted(i for i, n in Counter(indexed).items() if n > 1)[:5]
        found.append(f"index out of step: missing {missing}, extra {extra}, doubled {doubled}")
    if reference is not None:
        for sha, stored in articles(folder).items():
            expected = reference.get(sha)
            if expected is None:
                found.append(f"article from an input that was never imported: {sha[:12]}")
            elif stored != expected:
                found.append(f"article {stored.title[:40]!r} is not whole: {stored} != {expected}")
    return found
