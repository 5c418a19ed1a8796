"""Tags and bookmarks, for articles and authors alike.

Tags are case-insensitive (the spelling first used is kept for display) and may be nested with
`/`: `war/diplomacy` is a child of `war`. Functions run inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3

from indexer.model import LibraryError


class TagError(LibraryError):
    """A tag name that cannot be used; the message says why."""


def normalise_tag(name: str) -> str:
    """`" War / Diplomacy "` → `"War/Diplomacy"`; refuses empty names and empty path segments."""
    parts = [" ".join(part.split()) for part in name.split("/")]
    if not name.strip() or any(not part for part in parts):
        raise TagError(f"not a usable tag name: {name!r}")
    return "/".join(parts)


def tag_id(conn: sqlite3.Connection, name: str, *, create: bool = True) -> int | None:
    name = normalise_tag(name)
    row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    if not create:
        return None
    return int(conn.execute("INSERT INTO tags(name) VALUES (?)", (name,)).lastrowid or 0)


def _subject(kind: str) -> tuple[str, str]:
    if kind == "article":
        return "article_tags", "article_id"
    if kind == "author":
        return "author_tags", "author_id"
    raise ValueError(kind)


def add_tags(conn: sqlite3.Connection, kind: str, subject: int, names: list[str]) -> None:
    table, column = _subject(kind)
    for name in names:
        tid = tag_id(conn, name)
        conn.execute(f"INSERT OR IGNORE INTO {table}({column}, tag_id) VALUES (?, ?)", (subject, tid))


def remove_tags(conn: sqlite3.Connection, kind: str, subject: int, names: list[str]) -> None:
    table, column = _subject(kind)
    for name in names:
        tid = tag_id(conn, name, create=False)
        if tid is not None:
            conn.execute(f"DELETE FROM {table} WHERE {column} = ? AND tag_id = ?", (subject, tid))
    drop_unused_tags(conn)


def drop_unused_tags(conn: sqlite3.Connection) -> None:
    conn.execute(
        """DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM article_tags)
           AND id NOT IN (SELECT tag_id FROM author_tags)"""
    )


def articles_touched_by_tag(conn: sqlite3.Connection, name: str) -> set[int]:
    """Articles whose index entry carries this tag or one nested below it (directly or via an author)."""
    lowered = normalise_tag(name).casefold()
    rows = conn.execute(
        """SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id
             WHERE lower(t.name) = ? OR lower(t.name) LIKE ? ESCAPE '\\'
           UNION
           SELECT aa.article_id FROM author_tags x JOIN tags t ON t.id = x.tag_id
             JOIN article_authors aa ON aa.author_id = x.author_id
             WHERE lower(t.name) = ? OR lower(t.name) LIKE ? ESCAPE '\\'""",
        (lowered, _like_prefix(lowered), lowered, _like_prefix(lowered)),
    ).fetchall()
    return {r[0] for r in rows}


def _like_prefix(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"


def rename_tag(conn: sqlite3.Connection, old: str, new: str) -> int:
    """Rename a tag and everything nested below it; into an existing name, the two merge.

    Returns how many tags were renamed or merged.
    """
    old, new = normalise_tag(old), normalise_tag(new)
    rows = conn.execute(
        "SELECT id, name FROM tags WHERE lower(name) = ? OR lower(name) LIKE ? ESCAPE '\\'",
        (old.casefold(), _like_prefix(old.casefold())),
    ).fetchall()
    if not rows:
        raise TagError(f"no tag named {old!r}")
    for row in rows:
        target_name = new + row["name"][len(old) :]
        target = conn.execute("SELECT id FROM tags WHERE name = ?", (target_name,)).fetchone()
        if target is None or target[0] == row["id"]:
            conn.execute("UPDATE tags SET name = ? WHERE id = ?", (target_name, row["id"]))
            continue
        for table, column in (("article_tags", "article_id"), ("author_tags", "author_id")):
            conn.execute(
                f"""INSERT OR IGNORE INTO {table}({column}, tag_id)
                    SELECT {column}, ? FROM {table} WHERE tag_id = ?""",
                (target[0], row["id"]),
            )
        conn.execute("DELETE FROM tags WHERE id = ?", (row["id"],))
    return len(rows)


def set_bookmark(conn: sqlite3.Connection, kind: str, subject: int, on: bool, at: str) -> None:
    table = {"article": "articles", "author": "authors"}[kind]
    conn.execute(f"UPDATE {table} SET bookmarked_at = ? WHERE id = ?", (at if on else None, subject))


def tag_counts(conn: sqlite3.Connection) -> list[tuple[str, int, int]]:
    """Every tag with the number of articles and of authors carrying it directly."""
    rows = conn.execute(
        """SELECT t.name,
                  (SELECT COUNT(*) FROM article_tags a WHERE a.tag_id = t.id),
                  (SELECT COUNT(*) FROM author_tags x WHERE x.tag_id = t.id)
           FROM tags t ORDER BY lower(t.name)"""
    ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]
