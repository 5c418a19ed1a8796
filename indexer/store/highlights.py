"""Highlights and notes on articles: stored with where the quote sits in the article's text.

A highlight is anchored twice: by its offset in the article's text (`start`), and by its quote with
the text just before and after it (`prefix`, `suffix`). When the text changes (a new version of the
page, a new extraction), `locate` finds the quote again: at its offset if it is still there, else
the occurrence whose surroundings best match the stored context, else the quote with its spacing
ignored. One that is found nowhere is kept and listed as not found, never dropped. A note on the
whole article is a row with an empty quote.

Functions run inside the caller's transaction.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection, Iterable

from indexer.model import Highlight, HighlightRecord, LibraryError

CONTEXT_CHARS = 32
ORIGIN_READER = "reader"


def anchor(text: str, quote: str) -> tuple[int | None, str | None, str | None]:
    """(start, prefix, suffix) of `quote` in `text`, spacing aside; (None, None, None) when it is not there."""
    span = locate(text, quote)
    if span is None:
        return None, None, None
    return span[0], *context(text, *span)


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The text just before and just after a passage: what finds it again among several occurrences."""
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def _spaced(quote: str) -> re.Pattern[str] | None:
    words = quote.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words)) if words else None


def locate(
    text: str, quote: str, prefix: str | None = None, suffix: str | None = None, start: int | None = None
) -> tuple[int, int] | None:
    """(start, end) of `quote` in `text`, or None when it is not there.

    In order: the quote at `start` exactly; the exact occurrence whose surroundings share most with
    `prefix`/`suffix` (then the one nearest `start`); the same among matches that ignore spacing.
    """
    if not quote.strip():
        return None
    if start is not None and 0 <= start and text[start : start + len(quote)] == quote:
        return start, start + len(quote)
    spans = _spans(text, quote)
    if not spans:
        return None
    if len(spans) == 1:
        return spans[0]
    return max(spans, key=lambda span: _fit(text, span, prefix, suffix, start))


def _occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    spans = []
    at = text.find(quote)
    while at >= 0:
        spans.append((at, at + len(quote)))
        at = text.find(quote, at + 1)
    return spans


def _fit(
    text: str, span: tuple[int, int], prefix: str | None, suffix: str | None, start: int | None
) -> tuple[int, int]:
    """How well an occurrence matches the stored context: shared characters, then closeness to `start`."""
    shared = 0
    if prefix:
        before = text[max(0, span[0] - len(prefix)) : span[0]]
        shared += _common_suffix(prefix, before)
    if suffix:
        after = text[span[1] : span[1] + len(suffix)]
        shared += _common_prefix(suffix, after)
    distance = abs(span[0] - start) if start is not None else 0
    return shared, -distance


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


# -- reading --------------------------------------------------------------------------------------------


def _record(row: sqlite3.Row, text: str | None) -> HighlightRecord:
    """A stored row, located in the article's current text."""
    quote = row["quote"]
    span = locate(text, quote, row["prefix"], row["suffix"], row["start"]) if quote and text is not None else None
    return HighlightRecord(
        id=row["id"],
        article=row["article_id"],
        quote=quote,
        note=row["note"],
        created=row["created"],
        origin=row["origin"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        start=span[0] if span else None,
        end=span[1] if span else None,
        found=span is not None or not quote,
    )


def _texts(conn: sqlite3.Connection, articles: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(articles))
    out: dict[int, str] = {}
    for at in range(0, len(wanted), 500):
        chunk = wanted[at : at + 500]
        marks = ",".join("?" * len(chunk))
        out.update((r[0], r[1]) for r in conn.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", chunk))
    return out


def _reading_order(record: HighlightRecord) -> tuple[int, int, int, int]:
    # Notes on the whole article first, then the passages as they come in the text, then those not found.
    place = 0 if record.is_article_note else 1 if record.found else 2
    return record.article, place, record.start or 0, record.id


def list_highlights(conn: sqlite3.Connection, article: int | None = None) -> list[HighlightRecord]:
    """Highlights and notes of one article in reading order, or of every article (article by article)."""
    if article is None:
        rows = conn.execute("SELECT * FROM highlights ORDER BY article_id, id").fetchall()
    else:
        rows = conn.execute("SELECT * FROM highlights WHERE article_id = ? ORDER BY id", (article,)).fetchall()
    texts = _texts(conn, (r["article_id"] for r in rows))
    return sorted((_record(r, texts.get(r["article_id"])) for r in rows), key=_reading_order)


def get_highlight(conn: sqlite3.Connection, hid: int) -> HighlightRecord:
    row = conn.execute("SELECT * FROM highlights WHERE id = ?", (hid,)).fetchone()
    if row is None:
        raise LibraryError(f"no highlight with id {hid}")
    return _record(row, _texts(conn, [row["article_id"]]).get(row["article_id"]))


def newest(conn: sqlite3.Connection, articles: Collection[int] | None, limit: int) -> list[tuple[HighlightRecord, str]]:
    """Highlights and notes, newest first, each with its article's title; of `articles` only, when given."""
    if limit <= 0:
        return []
    rows = conn.execute(
        """SELECT h.*, a.title AS title FROM highlights h JOIN articles a ON a.id = h.article_id
           ORDER BY h.created DESC, h.id DESC"""
    )
    kept = []
    for row in rows:  # a person's annotations number in the thousands at most: filtered here, not in SQL
        if articles is None or row["article_id"] in articles:
            kept.append(row)
            if len(kept) >= limit:
                break
    texts = _texts(conn, (r["article_id"] for r in kept))
    return [(_record(r, texts.get(r["article_id"])), r["title"]) for r in kept]


def annotated_articles(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT DISTINCT article_id FROM highlights ORDER BY article_id")]


def index_text(conn: sqlite3.Connection, article: int) -> tuple[str, str]:
    """(notes, highlighted passages) of an article, as the search index takes them."""
    rows = conn.execute("SELECT quote, note FROM highlights WHERE article_id = ? ORDER BY id", (article,)).fetchall()
    notes = "\n\n".join(r["note"] for r in rows if r["note"])
    quotes = "\n\n".join(r["quote"] for r in rows if r["quote"])
    return notes, quotes


# -- changing -------------------------------------------------------------------------------------------


def _clean_note(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None


def _article_text(conn: sqlite3.Connection, article: int) -> str:
    row = conn.execute("SELECT text FROM articles WHERE id = ?", (article,)).fetchone()
    if row is None:
        raise LibraryError(f"no article with id {article}")
    return str(row[0])


def add_highlight(
    conn: sqlite3.Connection, article: int, quote: str, *, note: str | None, start: int | None, now: str
) -> HighlightRecord:
    """Highlight `quote` in an article (the occurrence at or nearest `start` when it comes more than once).

    Highlighting the same passage again gives the highlight it already has (with the new note, if given).
    """
    text = _article_text(conn, article)
    quote = quote.strip()
    if not quote:
        raise LibraryError("nothing to highlight: the passage is empty")
    span = _nearest(text, quote, start)
    if span is None:
        shown = quote if len(quote) <= 60 else quote[:57] + "..."
        raise LibraryError(f"the passage {shown!r} is not in the text of article {article}")
    begin, end = span
    quote = text[begin:end]  # as the text spells it, spacing included
    note = _clean_note(note)
    same = conn.execute(
        "SELECT id FROM highlights WHERE article_id = ? AND quote = ? AND start = ?", (article, quote, begin)
    ).fetchone()
    if same is not None:
        if note is not None:
            conn.execute("UPDATE highlights SET note = ? WHERE id = ?", (note, same[0]))
        return get_highlight(conn, same[0])
    prefix, suffix = context(text, begin, end)
    cur = conn.execute(
        """INSERT INTO highlights(article_id, quote, prefix, suffix, start, note, created, origin)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (article, quote, prefix, suffix, begin, note, now, ORIGIN_READER),
    )
    return get_highlight(conn, int(cur.lastrowid or 0))


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Where `quote` occurs in `text` exactly, or else where it occurs with other spacing."""
    spans = _occurrences(text, quote)
    if not spans:
        pattern = _spaced(quote)
        spans = [m.span() for m in pattern.finditer(text)] if pattern is not None else []
    return spans


def _nearest(text: str, quote: str, start: int | None) -> tuple[int, int] | None:
    """The occurrence of `quote` at `start`, or the nearest to it (the first when no start is given)."""
    if start is not None and 0 <= start and text[start : start + len(quote)] == quote:
        return start, start + len(quote)
    spans = _spans(text, quote)
    if not spans:
        return None
    return min(spans, key=lambda span: abs(span[0] - start)) if start is not None else spans[0]


def add_note(conn: sqlite3.Connection, article: int, text: str, *, now: str) -> HighlightRecord:
    """A note on the whole article (a row with an empty quote)."""
    _article_text(conn, article)
    note = _clean_note(text)
    if note is None:
        raise LibraryError("the note is empty")
    cur = conn.execute(
        """INSERT INTO highlights(article_id, quote, prefix, suffix, start, note, created, origin)
           VALUES (?, '', NULL, NULL, NULL, ?, ?, ?)""",
        (article, note, now, ORIGIN_READER),
    )
    return get_highlight(conn, int(cur.lastrowid or 0))


def set_note(conn: sqlite3.Connection, hid: int, text: str | None) -> HighlightRecord:
    """Give a highlight a note, or clear it (empty or None). A note on the whole article that is cleared
    goes: there is nothing left of it. Returns the record as it is now (for one that went, as it was)."""
    record = get_highlight(conn, hid)
    note = _clean_note(text)
    if note is None and record.is_article_note:
        conn.execute("DELETE FROM highlights WHERE id = ?", (hid,))
        record.note = None
        return record
    conn.execute("UPDATE highlights SET note = ? WHERE id = ?", (note, hid))
    return get_highlight(conn, hid)


def remove_highlight(conn: sqlite3.Connection, hid: int) -> HighlightRecord:
    """Remove a highlight (or a note on a whole article); returns it as it was."""
    record = get_highlight(conn, hid)
    conn.execute("DELETE FROM highlights WHERE id = ?", (hid,))
    return record


def add_highlights(conn: sqlite3.Connection, article: int, text: str, highlights: Iterable[Highlight], now: str) -> int:
    """Store highlights an import brings, passing over one the article has (same quote and note); returns how many."""
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


def carry_forward(conn: sqlite3.Connection, previous: int, article: int) -> int:
    """Copy an earlier version's highlights and notes onto its new version, found again in the new text.

    Each keeps its quote, note, time and origin; one whose quote the new text lacks is kept as not
    found. One the new version already has (same quote and note) is passed over. Returns how many.
    """
    text = _article_text(conn, article)
    rows = conn.execute("SELECT * FROM highlights WHERE article_id = ? ORDER BY id", (previous,)).fetchall()
    added = 0
    for row in rows:
        if conn.execute(
            "SELECT 1 FROM highlights WHERE article_id = ? AND quote = ? AND note IS ?",
            (article, row["quote"], row["note"]),
        ).fetchone():
            continue
        span = locate(text, row["quote"], row["prefix"], row["suffix"], row["start"]) if row["quote"] else None
        start, (prefix, suffix) = (span[0], context(text, *span)) if span else (None, (row["prefix"], row["suffix"]))
        conn.execute(
            """INSERT INTO highlights(article_id, quote, prefix, suffix, start, note, created, origin)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (article, row["quote"], prefix, suffix, start, row["note"], row["created"], row["origin"]),
        )
        added += 1
    return added
