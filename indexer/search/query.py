"""The query language, parsed into a small tree the engine evaluates.

    election results          plain words, all required
    "peace talks"             a phrase
    war OR conflict           either
    NOT sport, -sport         without
    (war OR peace) kyiv       grouping
    elect*                    words starting with `elect`
    zelensky~  zelensky~2     words within 1 (or 2) typos
    title: author: source:    search one field (title:"peace talks", author:(smith OR kim))
    tag:war                   tagged war or anything under it (war/diplomacy)
    note:ferry  quote:ferry   in notes only (also notes:); in highlighted passages only (also highlight:)
    lang:uk  is:bookmarked  is:highlighted (also is:annotated: with any highlight or note)
    published:2024  published:2024-01..2024-03  published:>2024-06-01  published:..2010
    saved:7d  saved:12h  saved:2w  saved:3m  saved:1y   (relative to now)

`parse` never raises: a query it cannot read (an unclosed quote or bracket, an unknown `is:`, a
date it cannot understand) comes back as its plain words, all required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from indexer.search import analysis

TEXT_FIELDS = {"title": "title", "author": "authors", "authors": "authors", "by": "authors", "source": "source"}
TEXT_FIELDS |= {"body": "body", "text": "body", "note": "notes", "notes": "notes"}
TEXT_FIELDS |= {"quote": "quotes", "quotes": "quotes", "highlight": "quotes", "highlights": "quotes"}
FILTER_FIELDS = {"tag": "tag", "tags": "tag", "lang": "lang", "language": "lang", "is": "is"}
FILTER_FIELDS |= {"published": "published", "date": "published", "saved": "saved"}
# Each word `is:` takes, and the flag it finds.
FLAGS = {"bookmarked": "bookmarked", "bookmark": "bookmarked", "starred": "bookmarked"}
FLAGS |= {"highlighted": "annotated", "annotated": "annotated", "noted": "annotated", "annotations": "annotated"}


@dataclass(frozen=True)
class Text:
    """Words to find: kind is "word", "phrase", "prefix" or "fuzzy"; field None means any text field (title, body,
    authors, source, notes, highlighted passages)."""

    kind: str
    field: str | None
    words: tuple[str, ...]  # folded; one word except for phrases
    distance: int = 0  # fuzzy only


@dataclass(frozen=True)
class Filter:
    """An unscored condition: kind is "tag", "lang", "is", "published" or "saved"."""

    kind: str
    value: str


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Text | Filter | And | Or | Not


class QueryError(Exception):
    """The query is not in the language; the caller falls back to plain words."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lp>\()|(?P<rp>\))
      | (?P<field>[A-Za-z]+):(?=[^\s)])
      | (?P<neg>-)(?=[^\s\-)])
      | "(?P<phrase>[^"]*)"(?:~\d+)?
      | (?P<open>")
      | (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE,
)


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise QueryError(text[pos:])
        pos = m.end()
        kind = m.lastgroup or ""
        if kind == "open":
            raise QueryError("unclosed quote")
        tokens.append((kind, m.group(kind)))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr(None)
        if self.peek() is not None:
            raise QueryError("unexpected )")
        return node

    def or_expr(self, field: str | None) -> Node | None:
        items = [self.and_expr(field)]
        while self.peek() == ("word", "OR"):
            self.take()
            items.append(self.and_expr(field))
        kept = tuple(i for i in items if i is not None)
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(kept)

    def and_expr(self, field: str | None) -> Node | None:
        items: list[Node] = []
        while (token := self.peek()) is not None and token[0] != "rp" and token != ("word", "OR"):
            if token == ("word", "AND"):
                self.take()
                continue
            node = self.unary(field)
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self, field: str | None) -> Node | None:
        token = self.peek()
        if token in (("neg", "-"), ("word", "NOT")):
            self.take()
            if self.peek() is None:
                raise QueryError("nothing after NOT")
            inner = self.unary(field)
            return Not(inner) if inner is not None else None
        return self.primary(field)

    def primary(self, field: str | None) -> Node | None:
        kind, value = self.take()
        if kind == "lp":
            node = self.or_expr(field)
            if self.peek() is None or self.take()[0] != "rp":
                raise QueryError("unclosed bracket")
            return node
        if kind == "rp":
            raise QueryError("unexpected )")
        if kind == "field":
            name = value.lower()
            if name in FILTER_FIELDS:
                return self.filter(FILTER_FIELDS[name])
            if name in TEXT_FIELDS:
                if self.peek() is None:
                    raise QueryError("nothing after field")
                return self.unary(TEXT_FIELDS[name]) if self.peek() != ("lp", "(") else self.primary(TEXT_FIELDS[name])
            # Not a field we know (a URL, a time): read "name:rest" as words.
            follow = self.take() if self.peek() is not None else ("word", "")
            return _words(field, f"{value} {follow[1]}")
        if kind == "phrase":
            return _phrase(field, value)
        return _word(field, value)

    def filter(self, kind: str) -> Node:
        token = self.take() if self.peek() is not None else None
        if token is None or token[0] not in ("word", "phrase"):
            raise QueryError("filter without a value")
        value = token[1].strip()
        if kind == "is":
            if value.lower() not in FLAGS:
                raise QueryError(f"unknown is:{value}")
            return Filter("is", FLAGS[value.lower()])
        if kind == "tag":
            key = analysis.tag_key(value)
            if not key:
                raise QueryError("empty tag")
            return Filter("tag", key)
        if kind == "lang":
            return Filter("lang", value.lower())
        if date_range(value, datetime.now(timezone.utc)) is None:
            raise QueryError(f"not a date: {value}")
        return Filter(kind, value)


def _phrase(field: str | None, text: str) -> Node | None:
    words = tuple(analysis.words(text))
    if not words:
        return None
    if len(words) == 1:
        return Text("word", field, words)
    return Text("phrase", field, words)


def _words(field: str | None, text: str) -> Node | None:
    nodes = [Text("word", field, (w,)) for w in analysis.words(text)]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def _word(field: str | None, token: str) -> Node | None:
    fuzzy = re.fullmatch(r"(.+?)~(\d?)", token)
    if fuzzy:
        words = analysis.words(fuzzy.group(1))
        if len(words) == 1 and len(words[0]) >= 3:
            distance = int(fuzzy.group(2) or (1 if len(words[0]) < 7 else 2))
            return Text("fuzzy", field, (words[0],), min(distance, 2))
        return _phrase(field, fuzzy.group(1))
    if token.endswith("*"):
        words = analysis.words(token.rstrip("*"))
        if len(words) == 1 and len(words[0]) >= 2:
            return Text("prefix", field, (words[0],))
        return _phrase(field, token)
    # "covid-19" or "U.S." hold several words: they must come in that order.
    return _phrase(field, token)


def plain(text: str) -> Node | None:
    """The fallback reading: every word required, operators and punctuation ignored."""
    nodes = [Text("word", None, (w,)) for w in analysis.words(text) if analysis.indexable(w)]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def parse(text: str) -> tuple[Node | None, bool]:
    """The query tree of `text` (None: match everything) and whether it was read as the language."""
    try:
        return _Parser(_lex(text)).parse(), True
    except (QueryError, IndexError, RecursionError):
        return plain(text), False


def positives(node: Node | None) -> list[Text]:
    """The text leaves a document is found by (not those under NOT): they are scored and marked."""
    if node is None or isinstance(node, Filter | Not):
        return []
    if isinstance(node, Text):
        return [node]
    return [leaf for item in node.items for leaf in positives(item)]


_PERIOD = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_RELATIVE = re.compile(r"(\d+)\s*([hdwmy])")
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_UNIT |= {"m": timedelta(days=30), "y": timedelta(days=365)}


def _period(text: str) -> tuple[datetime, datetime] | None:
    """The first moment of a year, month or day and the first moment after it."""
    m = _PERIOD.fullmatch(text.strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    try:
        if day:
            start = datetime(year, month, day, tzinfo=timezone.utc)
            return start, start + timedelta(days=1)
        if month:
            start = datetime(year, month, 1, tzinfo=timezone.utc)
            nxt = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc)
            return start, nxt
        return datetime(year, 1, 1, tzinfo=timezone.utc), datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    except ValueError:
        return None


def date_range(value: str, now: datetime) -> tuple[int | None, int | None] | None:
    """Seconds since 1970 from (inclusive) and to (exclusive) of a date condition; None if unreadable.

    `2024`, `2024-03`, `2024-03-05` are whole periods; `A..B` runs from the start of A to the end
    of B (either may be left out); `>X` `>=X` `<X` `<=X` compare with the period X; `7d` (also
    h, w, m = 30 days, y = 365 days) means within that long before `now`.
    """
    value = value.strip()
    rel = _RELATIVE.fullmatch(value)
    if rel:
        return int((now - int(rel.group(1)) * _UNIT[rel.group(2)]).timestamp()), None
    if ".." in value:
        left, _, right = value.partition("..")
        lo = _period(left) if left.strip() else None
        hi = _period(right) if right.strip() else None
        if (left.strip() and lo is None) or (right.strip() and hi is None) or (lo is None and hi is None):
            return None
        return (int(lo[0].timestamp()) if lo else None, int(hi[1].timestamp()) if hi else None)
    op = re.match(r"[<>]=?", value)
    period = _period(value[op.end() :] if op else value)
    if period is None:
        return None
    start, end = int(period[0].timestamp()), int(period[1].timestamp())
    if not op:
        return start, end
    return {">": (end, None), ">=": (start, None), "<": (None, start), "<=": (None, end)}[op.group()]
