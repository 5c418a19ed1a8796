"""The Whoosh schema of the search index and how an `IndexDoc` fills it.

Searchable fields are analysed text (see `analysis`). Everything the result list sorts, filters
or counts by is kept in a form that is cheap to read for every document at once:
- `pub` and `saved` are numeric columns (seconds since 1970, UTC), read as whole arrays;
- `f_source`, `f_author`, `f_tag` hold the exact display values as unscored terms, one per value,
  so a segment's facet table is built from a few thousand short posting lists;
- `flags` holds flags (`bookmarked`, `annotated`), `lang` the language tag and its primary subtag;
- `notes` holds the article's notes and `quotes` its highlighted passages (kept even when the text no
  longer has them), so a plain search finds words in both and `note:` searches notes alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, Schema

from indexer.search import analysis
from indexer.search.formats import CompactPositions

MISSING = -(2**62)  # column value of an absent date; sorts before every real one


@dataclass(frozen=True)
class IndexDoc:
    """One article as the search index sees it."""

    id: int
    title: str
    body: str
    authors: tuple[str, ...]
    source: str | None
    tags: tuple[str, ...]  # the story's tags and the tags of its authors
    language: str | None
    published: str | None  # ISO date or datetime
    saved: str  # ISO datetime
    bookmarked: bool
    notes: str = ""  # the text of its notes (on passages and on the whole article)
    quotes: str = ""  # its highlighted passages
    annotated: bool = False  # it has a highlight or a note


class LinesTokenizer(Tokenizer):
    """One term per non-empty line, kept exactly: the display values facets count."""

    def __call__(self, value: str, mode: str = "", **kwargs: Any) -> Any:
        t = Token(positions=False, chars=False, removestops=False, mode=mode)
        for line in sorted(set(value.split("\n"))):
            if line:
                t.text = line
                t.boost = 1.0
                t.stopped = False
                yield t


def _text(analyzer: Any, field_boost: float = 1.0, stored: bool = False) -> TEXT:
    """A TEXT field whose positions are kept in our compact layout instead of pickled lists."""
    field = TEXT(analyzer=analyzer, field_boost=field_boost, stored=stored)
    field.format = CompactPositions(field_boost=field_boost)
    return field


def build_schema() -> Schema:
    text = analysis.text_analyzer()
    names = analysis.name_analyzer()
    exact = LinesTokenizer()
    return Schema(
        id=ID(unique=True),
        idc=COLUMN(NumericColumn("q", default=-1)),
        title=_text(text, field_boost=2.0),
        body=_text(text, stored=True),
        # Unstemmed title words: "did you mean" offers words people wrote, not stems like "elect".
        spell=TEXT(analyzer=analysis.WordAnalyzer(stemming=False), phrase=False),
        authors=_text(names, field_boost=1.5),
        source=_text(names),
        tags=KEYWORD(analyzer=analysis.tag_analyzer()),
        lang=KEYWORD(lowercase=True),
        flags=KEYWORD(),
        pub=COLUMN(NumericColumn("q", default=MISSING)),
        saved=COLUMN(NumericColumn("q", default=MISSING)),
        f_source=KEYWORD(analyzer=exact),
        f_author=KEYWORD(analyzer=exact),
        f_tag=KEYWORD(analyzer=exact),
        notes=_text(text),
        # Highlighted passages are in the body already (unless the text changed): a light extra weight.
        quotes=_text(text, field_boost=0.5),
    )


def parse_when(text: str | None) -> int:
    """Seconds since 1970 (UTC) of an ISO date or datetime; `MISSING` when absent or unreadable."""
    if not text:
        return MISSING
    text = text.strip()
    try:
        if len(text) <= 10:
            d = date.fromisoformat(text)
            moment = datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
    except ValueError:
        return MISSING
    return int(moment.timestamp())


def _clean(value: str) -> str:
    return " ".join(value.split())


def fields_of(doc: IndexDoc) -> dict[str, Any]:
    """The field values Whoosh stores and indexes for one document."""
    english = analysis.is_english(doc.language)
    language = (doc.language or "").strip().lower()
    langs = {language, language.split("-")[0]} if language else set()
    tags = [analysis.tag_key(t) for t in doc.tags]
    authors = [_clean(a) for a in doc.authors if a.strip()]
    source = _clean(doc.source) if doc.source else ""
    return {
        "id": str(doc.id),
        "idc": doc.id,
        "title": analysis.LangText(doc.title, english),
        "body": analysis.LangText(doc.body, english),
        "_stored_body": doc.body,  # a plain str: stored values are unpickled on every snippet
        "spell": doc.title,
        "authors": "\n".join(authors),
        "source": source,
        "tags": "\n".join(tags),
        "lang": " ".join(sorted(langs)),
        "flags": " ".join(flag for flag, on in (("bookmarked", doc.bookmarked), ("annotated", doc.annotated)) if on),
        "pub": parse_when(doc.published),
        "saved": parse_when(doc.saved),
        "f_source": source,
        "f_author": "\n".join(authors),
        "f_tag": "\n".join(t for t in tags if t),
        # Absent, not empty, when there is nothing: most articles carry no annotations.
        "notes": analysis.LangText(doc.notes, english) if doc.notes.strip() else None,
        "quotes": analysis.LangText(doc.quotes, english) if doc.quotes.strip() else None,
    }
