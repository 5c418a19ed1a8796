"""Saved searches: a query kept under a name, shown in the sidebar with what it finds now.

Names are matched ignoring case (the spelling last saved is shown) and their spacing is folded.
Functions run inside the caller's transaction; counts are the search index's business (the facade).
"""

from __future__ import annotations

import sqlite3

from indexer.model import LibraryError


def clean_name(name: str) -> str:
    spelled = " ".join(name.split())
    if not spelled:
        raise LibraryError("a saved search needs a name")
    return spelled


def save(conn: sqlite3.Connection, name: str, query: str, now: str) -> None:
    """Save `query` as `name`; a name saved before gets the new query."""
    name = clean_name(name)
    query = query.strip()
    if not query:
        raise LibraryError("an empty search cannot be saved")
    row = conn.execute("SELECT id FROM saved_searches WHERE name = ?", (name,)).fetchone()
    if row is None:
        conn.execute("INSERT INTO saved_searches(name, query, created) VALUES (?, ?, ?)", (name, query, now))
    else:
        conn.execute("UPDATE saved_searches SET name = ?, query = ? WHERE id = ?", (name, query, row[0]))


def _id_of(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM saved_searches WHERE name = ?", (" ".join(name.split()),)).fetchone()
    if row is None:
        raise LibraryError(f"no saved search named {name!r}")
    return int(row[0])


def rename(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Rename a saved search; refused when another one already has the new name."""
    found = _id_of(conn, old)
    new = clean_name(new)
    other = conn.execute("SELECT id FROM saved_searches WHERE name = ?", (new,)).fetchone()
    if other is not None and other[0] != found:
        raise LibraryError(f"there is a saved search named {new!r} already")
    conn.execute("UPDATE saved_searches SET name = ? WHERE id = ?", (new, found))


def delete(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("DELETE FROM saved_searches WHERE id = ?", (_id_of(conn, name),))


def listed(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, query) of every saved search, by name."""
    rows = conn.execute("SELECT name, query FROM saved_searches ORDER BY lower(name), id").fetchall()
    return [(r[0], r[1]) for r in rows]


def rows(conn: sqlite3.Connection) -> list[dict]:
    """Every saved search as the JSON export writes it."""
    return [dict(r) for r in conn.execute("SELECT name, query, created FROM saved_searches ORDER BY lower(name), id")]


def restore(conn: sqlite3.Connection, entries: list[dict]) -> int:
    """Add exported saved searches; a name the library has already keeps its own query. Returns how many."""
    added = 0
    for entry in entries:
        name, query, created = entry.get("name"), entry.get("query"), entry.get("created")
        if not (isinstance(name, str) and isinstance(query, str) and isinstance(created, str)):
            continue
        try:
            name = clean_name(name)
        except LibraryError:
            continue
        if not query.strip() or conn.execute("SELECT 1 FROM saved_searches WHERE name = ?", (name,)).fetchone():
            continue
        conn.execute("INSERT INTO saved_searches(name, query, created) VALUES (?, ?, ?)", (name, query, created))
        added += 1
    return added
