"""Articles, authors and sources in the database: storing a draft, finding duplicates, reading back.

Functions here take an open connection and run inside the caller's transaction; they never commit.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from indexer.model import LINK_FORMAT, ArticleDraft, ArticleRecord, Author, AuthorRecord, LibraryError

from .highlights import add_highlights, carry_forward
from .tags import TagError, add_tags, drop_unused_tags

_WORD = re.compile(r"\w+")


def url_key(url: str | None) -> str | None:
    """A URL reduced to what identifies the story: no tracking parameters, fragment, scheme or www."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    from courlan import normalize_url  # here, not at the top: ~0.2 s a window's start-up does not need

    try:
        normal = normalize_url(url)
    except (ValueError, TypeError):  # courlan rejects some malformed URLs
        normal = url
    try:
        parts = urlsplit(normal)
    except ValueError:  # "http://[bad/": keep the address as the key, spelled as it came
        return url.strip().lower()
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/")


def text_fingerprint(text: str) -> str:
    """Identifies the same story text whatever its spacing, case or punctuation."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def name_key(name: str) -> str:
    """Authors are the same person when their names match ignoring case, accents and spacing."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(plain))


@dataclass(frozen=True)
class Match:
    """How a new draft relates to what the library already holds."""

    # "same-file", "same-text", "same-link" (a link-only entry whose address is there already), "fill-in"
    # (a page for a link-only entry), "new-version" or "new"
    kind: str
    article_id: int | None = None


def match_existing(conn: sqlite3.Connection, draft: ArticleDraft) -> Match:
    key = url_key(draft.url)
    if draft.link_only:
        row = conn.execute("SELECT id FROM articles WHERE fingerprint = ? ORDER BY id LIMIT 1", (draft.fingerprint,))
        found = row.fetchone()
        if found is None and key:
            found = conn.execute("SELECT id FROM articles WHERE url_key = ? ORDER BY id LIMIT 1", (key,)).fetchone()
        return Match("same-link", found[0]) if found else Match("new")
    row = conn.execute(
        "SELECT id FROM articles WHERE original_sha256 = ? ORDER BY id LIMIT 1", (draft.original.sha256,)
    ).fetchone()
    if row:
        return Match("same-file", row[0])
    row = conn.execute(
        "SELECT id FROM articles WHERE fingerprint = ? ORDER BY id LIMIT 1", (draft.fingerprint,)
    ).fetchone()
    if row:
        return Match("same-text", row[0])
    if key:
        row = conn.execute(
            "SELECT id, format FROM articles WHERE url_key = ? ORDER BY id DESC LIMIT 1", (key,)
        ).fetchone()
        if row:
            return Match("fill-in" if row[1] == LINK_FORMAT else "new-version", row[0])
    return Match("new")


def _source_id(conn: sqlite3.Connection, name: str | None) -> int | None:
    if not name or not name.strip():
        return None
    name = " ".join(name.split())
    row = conn.execute("SELECT id FROM sources WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    return int(conn.execute("INSERT INTO sources(name) VALUES (?)", (name,)).lastrowid or 0)


def author_id(conn: sqlite3.Connection, author: Author) -> int:
    """The id of this author, adding them or filling in role, bio and URL they did not have yet."""
    key = name_key(author.name)
    row = conn.execute("SELECT id, role, bio, url FROM authors WHERE name_key = ?", (key,)).fetchone()
    if row is None:
        cur = conn.execute(
            "INSERT INTO authors(name, name_key, role, bio, url) VALUES (?, ?, ?, ?, ?)",
            (" ".join(author.name.split()), key, author.role, author.bio, author.url),
        )
        return int(cur.lastrowid or 0)
    conn.execute(
        "UPDATE authors SET role = COALESCE(role, ?), bio = COALESCE(bio, ?), url = COALESCE(url, ?) WHERE id = ?",
        (author.role, author.bio, author.url, row["id"]),
    )
    return int(row["id"])


def _store_files(conn: sqlite3.Connection, draft: ArticleDraft) -> None:
    """Rows for the draft's original and its resources (their bytes are already in the file store)."""
    for blob in (draft.original, *draft.resources):
        conn.execute(
            "INSERT OR IGNORE INTO files(sha256, size, mime) VALUES (?, ?, ?)", (blob.sha256, len(blob.data), blob.mime)
        )


def _columns(conn: sqlite3.Connection, draft: ArticleDraft) -> dict[str, object]:
    """The article row's columns that come from the draft, by name."""
    ex = draft.extracted
    return {
        "title": ex.title or draft.original_name,
        "source_id": _source_id(conn, ex.source),
        "url": draft.url,
        "url_key": url_key(draft.url),
        "published": ex.published,
        "modified": ex.modified,
        "saved_at": draft.saved_at,
        "language": ex.language,
        "format": draft.format,
        "text": ex.text,
        "reader_html": draft.reader_html,
        "lead_image": ex.lead_image,
        "lead_image_caption": ex.lead_image_caption,
        "word_count": len(_WORD.findall(ex.text)),
        "fingerprint": draft.fingerprint,
        "original_sha256": draft.original.sha256,
        "original_name": draft.original_name,
    }


def insert_article(conn: sqlite3.Connection, draft: ArticleDraft, *, imported_at: str, previous: int | None) -> int:
    """Store the draft's rows (files are already in the file store); returns the new article id."""
    _store_files(conn, draft)
    row = _columns(conn, draft) | {"imported_at": imported_at, "previous_version": previous}
    cur = conn.execute(
        f"INSERT INTO articles({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        tuple(row.values()),
    )
    article = int(cur.lastrowid or 0)
    _link_parts(conn, article, draft)
    add_marks(conn, article, draft, now=imported_at)
    if previous is not None:
        # A new version of a story keeps what the reader marked in the earlier one, found again in its text.
        carry_forward(conn, previous, article)
    conn.execute("INSERT OR IGNORE INTO index_pending(article_id) VALUES (?)", (article,))
    return article


def _link_parts(conn: sqlite3.Connection, article: int, draft: ArticleDraft) -> None:
    """The draft's files and authors, linked to the article."""
    for blob in draft.resources:
        conn.execute(
            "INSERT OR IGNORE INTO article_files(article_id, sha256, ref) VALUES (?, ?, ?)",
            (article, blob.sha256, blob.name or blob.sha256),
        )
    seen = {r[0] for r in conn.execute("SELECT author_id FROM article_authors WHERE article_id = ?", (article,))}
    for position, author in enumerate(draft.extracted.authors, start=len(seen)):
        if not author.name.strip():
            continue
        aid = author_id(conn, author)
        if aid not in seen:
            seen.add(aid)
            conn.execute(
                "INSERT INTO article_authors(article_id, author_id, position) VALUES (?, ?, ?)",
                (article, aid, position),
            )


def add_marks(conn: sqlite3.Connection, article: int, draft: ArticleDraft, now: str | None = None) -> bool:
    """Give an article the tags, bookmark and highlights a draft brings (never removing any); True if any was new."""
    from .database import now_iso

    before = conn.total_changes
    for name in draft.tags:
        try:
            add_tags(conn, "article", article, [name])
        except TagError:
            continue  # a tag the library cannot hold (empty segments): the rest are kept
    if draft.bookmarked:
        conn.execute(
            "UPDATE articles SET bookmarked_at = COALESCE(bookmarked_at, ?) WHERE id = ? AND bookmarked_at IS NULL",
            (draft.saved_at or now or now_iso(), article),
        )
    if draft.highlights:
        text = conn.execute("SELECT text FROM articles WHERE id = ?", (article,)).fetchone()[0]
        add_highlights(conn, article, text, draft.highlights, now or now_iso())
    changed = conn.total_changes != before
    if changed:
        conn.execute("INSERT OR IGNORE INTO index_pending(article_id) VALUES (?)", (article,))
    return changed


# What a link-only entry already knows wins over the page for these columns (its saved date over the
# page's); the page fills in the rest.
_KEEP_LINKS = ("source_id", "url", "url_key", "published")


def fill_in_link(conn: sqlite3.Connection, article: int, draft: ArticleDraft) -> int:
    """Make a link-only entry the article `draft` holds: its text, page and authors; the entry's tags, saved
    date and bookmark stay, and its first original (the export's line) stays linked as a file."""
    old = conn.execute("SELECT original_sha256, original_name FROM articles WHERE id = ?", (article,)).fetchone()
    _store_files(conn, draft)
    row = _columns(conn, draft)
    assignments = []
    for name in row:
        if name in _KEEP_LINKS:
            assignments.append(f"{name} = COALESCE(?, {name})")
        elif name == "saved_at":
            assignments.append("saved_at = COALESCE(saved_at, ?)")
        else:
            assignments.append(f"{name} = ?")
    conn.execute(
        f"UPDATE articles SET {', '.join(assignments)} WHERE id = ?",
        (*row.values(), article),
    )
    conn.execute(
        "INSERT OR IGNORE INTO article_files(article_id, sha256, ref) VALUES (?, ?, ?)",
        (article, old["original_sha256"], old["original_name"] or "link-entry"),
    )
    _link_parts(conn, article, draft)
    add_marks(conn, article, draft)
    conn.execute("INSERT OR IGNORE INTO index_pending(article_id) VALUES (?)", (article,))
    return article


def authors_of(conn: sqlite3.Connection, article: int) -> list[Author]:
    rows = conn.execute(
        """SELECT a.name, a.role, a.bio, a.url FROM article_authors aa JOIN authors a ON a.id = aa.author_id
           WHERE aa.article_id = ? ORDER BY aa.position""",
        (article,),
    ).fetchall()
    return [Author(r["name"], r["role"], r["bio"], r["url"]) for r in rows]


def article_tags(conn: sqlite3.Connection, article: int) -> list[str]:
    rows = conn.execute(
        "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ? ORDER BY t.name",
        (article,),
    ).fetchall()
    return [r[0] for r in rows]


def get_article(conn: sqlite3.Connection, article: int, files_dir: str) -> ArticleRecord | None:
    row = conn.execute(
        """SELECT a.*, s.name AS source FROM articles a LEFT JOIN sources s ON s.id = a.source_id
           WHERE a.id = ?""",
        (article,),
    ).fetchone()
    if row is None:
        return None
    sha = row["original_sha256"]
    return ArticleRecord(
        id=row["id"],
        title=row["title"],
        authors=authors_of(conn, article),
        source=row["source"],
        url=row["url"],
        published=row["published"],
        modified=row["modified"],
        saved_at=row["saved_at"],
        imported_at=row["imported_at"],
        language=row["language"],
        format=row["format"],
        text=row["text"],
        reader_html=row["reader_html"],
        lead_image_caption=row["lead_image_caption"],
        word_count=row["word_count"],
        tags=article_tags(conn, article),
        bookmarked=row["bookmarked_at"] is not None,
        original=f"{files_dir}/{sha[:2]}/{sha}",
        previous_version=row["previous_version"],
        original_name=row["original_name"],
    )


def author_record(conn: sqlite3.Connection, row: sqlite3.Row) -> AuthorRecord:
    tags = [
        r[0]
        for r in conn.execute(
            "SELECT t.name FROM author_tags x JOIN tags t ON t.id = x.tag_id WHERE x.author_id = ? ORDER BY t.name",
            (row["id"],),
        )
    ]
    count = conn.execute("SELECT COUNT(*) FROM article_authors WHERE author_id = ?", (row["id"],)).fetchone()[0]
    return AuthorRecord(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        bio=row["bio"],
        url=row["url"],
        articles=count,
        tags=tags,
        bookmarked=row["bookmarked_at"] is not None,
    )


def find_author(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM authors WHERE name_key = ?", (name_key(name),)).fetchone()


# -- deleting articles and renaming authors ----------------------------------------------------------

_CHUNK = 500  # SQLite takes at most 999 (older builds) parameters in one statement


def _chunks(values: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _marks(chunk: list) -> str:
    return ",".join("?" * len(chunk))


@dataclass(frozen=True)
class Removal:
    """What `delete_articles` took out of the database."""

    deleted: list[int]  # the ids of the articles removed
    blobs: list[str]  # files no remaining article refers to: their rows are gone, the files still on disk


def delete_articles(conn: sqlite3.Connection, ids: Iterable[int]) -> Removal:
    """Remove these articles and everything that only they used; ids not in the library are passed over.

    Gone with them: their author, tag and file links; authors and sources no other article has
    (an author the user tagged or follows stays); tags nothing carries any more; file rows nothing
    refers to. Later versions of a deleted article stay, no longer linked to it. Import-log rows stay,
    without the article id. The caller removes `Removal.blobs` from disk after the commit.
    """
    wanted = sorted({int(i) for i in ids})
    deleted: list[int] = []
    for chunk in _chunks(wanted):
        deleted += [r[0] for r in conn.execute(f"SELECT id FROM articles WHERE id IN ({_marks(chunk)})", chunk)]
    authors: set[int] = set()
    sources: set[int] = set()
    blobs: set[str] = set()
    for chunk in _chunks(deleted):
        marks = _marks(chunk)
        authors.update(
            r[0] for r in conn.execute(f"SELECT author_id FROM article_authors WHERE article_id IN ({marks})", chunk)
        )
        for r in conn.execute(f"SELECT source_id, original_sha256 FROM articles WHERE id IN ({marks})", chunk):
            if r[0] is not None:
                sources.add(r[0])
            blobs.add(r[1])
        files = conn.execute(f"SELECT sha256 FROM article_files WHERE article_id IN ({marks})", chunk)
        blobs.update(r[0] for r in files)
        # The schema cascades most of this; saying it here keeps a delete whole even on a connection
        # opened without foreign keys, and says what a delete touches.
        conn.execute(f"UPDATE articles SET previous_version = NULL WHERE previous_version IN ({marks})", chunk)
        conn.execute(f"UPDATE import_log SET article_id = NULL WHERE article_id IN ({marks})", chunk)
        for table in ("article_authors", "article_tags", "article_files", "highlights"):
            conn.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk)
    for chunk in _chunks(sorted(authors)):
        conn.execute(
            f"""DELETE FROM authors WHERE id IN ({_marks(chunk)}) AND bookmarked_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM article_authors aa WHERE aa.author_id = authors.id)
                  AND NOT EXISTS (SELECT 1 FROM author_tags x WHERE x.author_id = authors.id)""",
            chunk,
        )
    for chunk in _chunks(sorted(sources)):
        conn.execute(
            f"""DELETE FROM sources WHERE id IN ({_marks(chunk)})
                  AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.source_id = sources.id)""",
            chunk,
        )
    drop_unused_tags(conn)
    unused: list[str] = []
    for chunk in _chunks(sorted(blobs)):
        marks = _marks(chunk)
        originals = conn.execute(f"SELECT original_sha256 FROM articles WHERE original_sha256 IN ({marks})", chunk)
        used = {r[0] for r in originals}
        used.update(r[0] for r in conn.execute(f"SELECT sha256 FROM article_files WHERE sha256 IN ({marks})", chunk))
        gone = [b for b in chunk if b not in used]
        if gone:
            conn.execute(f"DELETE FROM files WHERE sha256 IN ({_marks(gone)})", gone)
            unused += gone
    return Removal(deleted, unused)


def author_name(name: str) -> tuple[str, str]:
    """(display spelling, matching key) of a name the user typed; refuses one with no letters or digits."""
    spelled = " ".join(name.split())
    key = name_key(spelled)
    if not key:
        raise LibraryError(f"not a usable author name: {name!r}")
    return spelled, key


def rename_author(conn: sqlite3.Connection, old: str, new: str) -> tuple[int, set[int]]:
    """Rename the author `old` to `new`, or merge them into the author already called `new`.

    Names match as everywhere (`name_key`: case, accents and spacing aside), so `new` differing from
    `old` only in those is a change of spelling. In a merge the existing author keeps their spelling,
    takes over the articles, tags and bookmark, and gains the role, bio and URL they lacked.
    Returns (id of the author afterwards, ids of the articles whose index entry changes).
    """
    row = find_author(conn, old)
    if row is None:
        raise LibraryError(f"no author named {old!r}")
    spelled, key = author_name(new)
    source_id = int(row["id"])
    affected = {r[0] for r in conn.execute("SELECT article_id FROM article_authors WHERE author_id = ?", (source_id,))}
    target = conn.execute("SELECT * FROM authors WHERE name_key = ?", (key,)).fetchone()
    if target is None or target["id"] == source_id:
        conn.execute("UPDATE authors SET name = ?, name_key = ? WHERE id = ?", (spelled, key, source_id))
        return source_id, affected
    target_id = int(target["id"])
    if conn.execute("SELECT 1 FROM author_tags WHERE author_id = ? LIMIT 1", (source_id,)).fetchone():
        # The merged author's tags reach every article of theirs in the index (tag facets).
        affected.update(
            r[0] for r in conn.execute("SELECT article_id FROM article_authors WHERE author_id = ?", (target_id,))
        )
    # An article by both keeps one byline entry, at the earlier of the two places.
    conn.execute(
        """UPDATE article_authors SET position = MIN(position,
               (SELECT o.position FROM article_authors o WHERE o.article_id = article_authors.article_id
                AND o.author_id = ?))
           WHERE author_id = ? AND article_id IN (SELECT article_id FROM article_authors WHERE author_id = ?)""",
        (source_id, target_id, source_id),
    )
    conn.execute(
        """DELETE FROM article_authors WHERE author_id = ?
           AND article_id IN (SELECT article_id FROM article_authors WHERE author_id = ?)""",
        (source_id, target_id),
    )
    conn.execute("UPDATE article_authors SET author_id = ? WHERE author_id = ?", (target_id, source_id))
    conn.execute(
        "INSERT OR IGNORE INTO author_tags(author_id, tag_id) SELECT ?, tag_id FROM author_tags WHERE author_id = ?",
        (target_id, source_id),
    )
    conn.execute("DELETE FROM author_tags WHERE author_id = ?", (source_id,))
    conn.execute(
        """UPDATE authors SET role = COALESCE(role, ?), bio = COALESCE(bio, ?), url = COALESCE(url, ?),
               bookmarked_at = COALESCE(bookmarked_at, ?) WHERE id = ?""",
        (row["role"], row["bio"], row["url"], row["bookmarked_at"], target_id),
    )
    conn.execute("DELETE FROM authors WHERE id = ?", (source_id,))
    return target_id, affected
