"""Where highlights sit in the reader, and where a selection sits in the article's text.

A highlight's `start` is an offset in the article's plain text (`ArticleRecord.text`), but the reader
shows the article's HTML under a header (title, byline, address, tags), with headings and captions the
plain text may spell differently or not hold at all. So offsets are never carried across: a passage is
found by its words (spacing aside: paragraph breaks are U+2029 in the document and newlines in the text),
and when the same words occur more than once, by the words around it (a caption that repeats a sentence
has other neighbours), then by which occurrence it is (the third "the council said" in the text is the
third one in the body the reader shows, past its header).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument, QTextFormat
from PySide6.QtWidgets import QTextEdit

from desktop import theme

OBJECT = "\ufffc"  # an image in the document's text


def _pattern(passage: str) -> re.Pattern[str] | None:
    """The passage's words with any spacing between them (None for a passage without words)."""
    words = passage.replace(OBJECT, " ").split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def _matches(pattern: re.Pattern[str], text: str, start: int = 0) -> Iterator[re.Match[str]]:
    return pattern.finditer(text, start)


CONTEXT = 40  # characters either side compared to tell occurrences of the same words apart


def _squeeze(text: str) -> str:
    return " ".join(text.replace(OBJECT, " ").split()).casefold()


def _agreement(before: str, after: str, other_before: str, other_after: str) -> int:
    """How many characters of context two occurrences share: the end of what comes before, the start of what
    comes after (spacing aside)."""
    a, b = _squeeze(before), _squeeze(other_before)
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    c, d = _squeeze(after), _squeeze(other_after)
    m = 0
    while m < min(len(c), len(d)) and c[m] == d[m]:
        m += 1
    return n + m


def _best(candidates: list[re.Match[str]], text: str, before: str, after: str, ordinal: int) -> re.Match[str]:
    """The candidate whose surroundings agree best with `before`/`after`; the `ordinal`-th breaks ties."""
    if len(candidates) == 1:
        return candidates[0]

    def score(item: tuple[int, re.Match[str]]) -> tuple[int, int]:
        i, m = item
        around = _agreement(
            before, after, text[max(0, m.start() - CONTEXT) : m.start()], text[m.end() : m.end() + CONTEXT]
        )
        return around, -abs(i - ordinal)

    return max(enumerate(candidates), key=score)[1]


def body_start(doc: QTextDocument) -> int:
    """The document position where the article's body begins: past the header's ruler (0 without one)."""
    block = doc.begin()
    for _ in range(12):  # title, byline, address, tags, origin, ruler: the header's first blocks
        if not block.isValid():
            break
        if block.blockFormat().hasProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth):
            return block.position() + block.length()
        block = block.next()
    return 0


@dataclass(frozen=True)
class Passage:
    """A selection as the library wants it: the exact quote in the article's text and its offset there."""

    quote: str
    start: int


def passage_in_text(doc_text: str, body: int, sel_start: int, sel_end: int, article_text: str) -> Passage | None:
    """The article-text passage for the document selection [sel_start, sel_end); None when it is not in the
    text (a heading or caption only the reader shows, or the header)."""
    sel_start = max(sel_start, body)
    if sel_end <= sel_start:
        return None
    pattern = _pattern(doc_text[sel_start:sel_end])
    if pattern is None:
        return None
    # Which occurrence in the body the selection is, and what surrounds it: the same one is meant in the text.
    ordinal = sum(1 for m in _matches(pattern, doc_text, body) if m.start() < sel_start)
    found = list(_matches(pattern, article_text))
    if not found:
        return _by_its_ends(doc_text[sel_start:sel_end], article_text)
    before = doc_text[max(body, sel_start - CONTEXT) : sel_start]
    after = doc_text[sel_end : sel_end + CONTEXT]
    m = _best(found, article_text, before, after, ordinal)
    return Passage(article_text[m.start() : m.end()], m.start())


ENDS = 3  # words at each end of a selection that must be the text's when its middle is not (a caption)


def _by_its_ends(selected: str, article_text: str) -> Passage | None:
    """A selection that ran across something the text does not hold (a caption, a heading between two
    paragraphs): the text from its first words to its last, when that is no longer than the selection."""
    words = selected.replace(OBJECT, " ").split()
    if len(words) < 2 * ENDS:
        return None
    head, tail = _pattern(" ".join(words[:ENDS])), _pattern(" ".join(words[-ENDS:]))
    assert head is not None and tail is not None
    for first in _matches(head, article_text):
        last = tail.search(article_text, first.end())
        if last is not None and last.end() - first.start() <= len(selected):
            return Passage(article_text[first.start() : last.end()], first.start())
    return None


def _drawn_by_its_ends(doc_text: str, body: int, quote: str) -> tuple[int, int] | None:
    """A quote the reader shows with something between its words (a caption): from its first words to its
    last, allowing for a caption's worth of the reader's own text in between."""
    words = quote.split()
    if len(words) < 2 * ENDS:
        return None
    head, tail = _pattern(" ".join(words[:ENDS])), _pattern(" ".join(words[-ENDS:]))
    assert head is not None and tail is not None
    for first in _matches(head, doc_text, body):
        last = tail.search(doc_text, first.end())
        if last is not None and last.end() - first.start() <= 2 * len(quote) + 400:
            return first.start(), last.end()
    return None


def span_in_document(
    doc_text: str, body: int, quote: str, start: int | None, article_text: str
) -> tuple[int, int] | None:
    """Where a highlight's quote sits in the document; None when it is not shown (not found in this version)."""
    if start is None:
        return None
    pattern = _pattern(quote)
    if pattern is None:
        return None
    ordinal = sum(1 for m in _matches(pattern, article_text) if m.start() < start)
    shown = list(_matches(pattern, doc_text, body))
    if not shown:
        return _drawn_by_its_ends(doc_text, body, quote)
    end = start + len(quote)
    before = article_text[max(0, start - CONTEXT) : start]
    after = article_text[end : end + CONTEXT]
    m = _best(shown, doc_text, before, after, ordinal)
    return m.start(), m.end()


def highlight_format(with_note: bool) -> QTextCharFormat:
    back, fore = theme.highlight_colours(theme.is_dark())
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(back))
    fmt.setForeground(QColor(fore))
    if with_note:  # a note on it: underlined, so it can be told apart without opening the list
        fmt.setFontUnderline(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
    return fmt


class HighlightLayer:
    """The highlights of the article in a reader: where each is drawn, and which one is under a position."""

    def __init__(self, doc: QTextDocument) -> None:
        self.doc = doc
        self.spans: dict[int, tuple[int, int]] = {}  # highlight id -> document span; absent: not shown
        self.records: list[Any] = []
        self.selections: list[QTextEdit.ExtraSelection] = []

    def clear(self) -> None:
        self.spans, self.records, self.selections = {}, [], []

    def place(self, records: Sequence[Any], article_text: str) -> None:
        """Find each highlight in the document and build what the reader draws."""
        self.records = list(records)
        doc_text = self.doc.toRawText()
        body = body_start(self.doc)
        self.spans = {}
        self.selections = []
        for record in self.records:
            if not record.quote or getattr(record, "found", True) is False:
                continue  # a note on the whole article, or a quote not in this version of the text
            span = span_in_document(doc_text, body, record.quote, record.start, article_text)
            if span is None:
                continue
            self.spans[record.id] = span
            cursor = QTextCursor(self.doc)
            cursor.setPosition(span[0])
            cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor  # type: ignore[attr-defined]
            selection.format = highlight_format(bool(record.note))  # type: ignore[attr-defined]
            self.selections.append(selection)

    def at(self, position: int) -> Any | None:
        """The highlight drawn over a document position (the innermost, when they overlap)."""
        best: tuple[int, Any] | None = None
        for record in self.records:
            span = self.spans.get(record.id)
            if span is not None and span[0] <= position <= span[1]:
                size = span[1] - span[0]
                if best is None or size < best[0]:
                    best = (size, record)
        return best[1] if best is not None else None

    def overlapping(self, start: int, end: int) -> Any | None:
        """A highlight that a selection [start, end) falls inside or overlaps."""
        for record in self.records:
            span = self.spans.get(record.id)
            if span is not None and span[0] < end and start < span[1]:
                return record
        return None
