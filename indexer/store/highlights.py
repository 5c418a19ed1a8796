"""Highlights and notes on articles: stored with where the quote sits in the article's text.

Functions run inside the caller's transaction.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from indexer.model import Highlight, HighlightRecord

CONTEXT_CHARS = 32


def anchor(text: str, quote: str) -> tuple[int | None, str | None, str | None]:
    """(start, prefix, suffix) of `quote` in `text`, spacing aside; (None, None, None) when it is not there."""
    words = quote.split()
    if not words:
        return None, None, None
    start = text.find(quote)
    end = start + len(quote)
    if start < 0:
        found = re.search(r"\s+".join(re.escape(w) for w in words), text)
        if found is None:
            return None, None, None
        start, end = found.span()
    return start, text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def add_highlights(conn: sqlite3.Connection, article: int, text: str, highlights: Iterable[Highlight], now: str) -> int:
    """Store highlights on an article, passing over one it already has (same quote and note); returns how many."""
    added = 0
    for h in highlights:
        quote = h.quote.strip()
        if not quote:
            continue
        if conn.execute(
            "SELECT 1 FROM highlights WHERE article_id = ? AND quote = ? AND note IS ?", (article, quote, h.note)
        ).fetchone():
            continue
        start, prefix, suffix = anchor(text, quote)
        conn.execute(
            """INSERT INTO highlights(article_id, quote, prefix, suffix, start, note, created, origin)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (article, quote, prefix, suffix, start, h.note or None, h.created or now, h.origin),
        )
        added += 1
    return added


def list_highlights(conn: sqlite3.Connection, article: int | None = None) -> list[HighlightRecord]:
    """Highlights of one article in reading order, or of every article."""
    if article is None:
        rows = conn.execute("SELECT * FROM highlights ORDER BY article_id, start IS NULL, start, id").fetchall()
    else:
        rows = conn.execute(
            "SELECT * FROM highlights WHERE article_id = ? ORDER BY start IS NULL, start, id", (article,)
        ).fetchall()
    return [
        HighlightRecord(
            id=r["id"],
            article=r["article_id"],
            quote=r["quote"],
            note=r["note"],
            created=r["created"],
            origin=r["origin"],
            prefix=r["prefix"],
            suffix=r["suffix"],
            start=r["start"],
        )
        for r in rows
    ]
