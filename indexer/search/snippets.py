"""Snippets and marks: the words a query found, shown in context as HTML-escaped text with <b> marks.

Whoosh's highlighter re-analyses a document's whole body for every hit, which is most of the time
a search with snippets takes. Here a body is folded in one C-level `translate` (one character to
one character, so offsets survive), a single regular expression finds the few words that could
match, and only those are analysed and checked. A word is marked when it is one of the query's
words, has the same English stem, starts with a query prefix, or is a fuzzy expansion.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from indexer.search import analysis

WIDTH = 220  # characters of context in a snippet
MAX_SPANS = 60  # the best passage is looked for among the first marks of a text
CHUNK = 6_000  # characters folded at a time


@dataclass(frozen=True)
class Marker:
    """What a query marks; built once per query, used for every row on screen."""

    words: frozenset[str]
    stems: frozenset[str]
    prefixes: tuple[str, ...]
    pattern: re.Pattern[str] | None

    @classmethod
    def build(cls, words: set[str], stems: set[str], prefixes: set[str]) -> Marker:
        starts = set(prefixes) | set(words)
        # A stem can end differently from the words it stands for (happi/happy): look one letter shorter.
        starts |= {s[:-1] if len(s) > 3 else s for s in stems}
        starts = {s for s in starts if s}
        pattern = None
        if starts:
            alternatives = "|".join(re.escape(s) for s in sorted(starts, key=len, reverse=True))
            pattern = re.compile(r"(?<!\w)(?:" + alternatives + r")\w*(?:'\w+)*")
        return cls(frozenset(words), frozenset(stems), tuple(sorted(prefixes)), pattern)

    def hits(self, word: str) -> bool:
        """Whether one word of a text is marked."""
        folded = analysis.fold(word)
        if not folded:
            return False
        if folded in self.words or any(folded.startswith(p) for p in self.prefixes):
            return True
        return analysis.stem(folded) in self.stems

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Character spans of the marked words of `text`, in order."""
        if self.pattern is None:
            return
        # Folded a piece at a time (cut at a space, so no word is split): a snippet usually needs
        # only the first few marks of a long article.
        start = 0
        while start < len(text):
            end = len(text) if len(text) - start <= 2 * CHUNK else text.find(" ", start + CHUNK)
            end = len(text) if end < 0 else end
            piece = text[start:end]
            folded = piece.lower().translate(analysis.FOLD_1TO1)
            if len(folded) == len(piece):
                for m in self.pattern.finditer(folded):
                    if self.hits(piece[m.start() : m.end()]):
                        yield start + m.start(), start + m.end()
            else:  # a rare letter whose lower case is longer: take the slow, exact path
                for m in analysis.WORD.finditer(piece):
                    if self.hits(m.group()):
                        yield start + m.start(), start + m.end()
            start = end


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out: list[str] = []
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [html.escape(text[pos:s], quote=False), "<b>", html.escape(text[s:e], quote=False), "</b>"]
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    return "".join(out)


def _snap_left(text: str, pos: int) -> int:
    if pos <= 0:
        return 0
    space = text.rfind(" ", max(0, pos - 25), pos)
    return space + 1 if space >= 0 else pos


def _snap_right(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    space = text.find(" ", pos, pos + 25)
    return space if space >= 0 else pos


def snippet(text: str, marker: Marker, width: int = WIDTH) -> str:
    """The passage of `text` with the most distinct marked words, escaped, marks as <b>..</b>."""
    spans = []
    for span in marker.spans(text):
        spans.append(span)
        if len(spans) >= MAX_SPANS:
            break
    if not spans:
        end = _snap_right(text, width)
        return _tidy(html.escape(text[:end], quote=False)) + ("…" if end < len(text) else "")
    words = [analysis.fold(text[a:b]) for a, b in spans]
    best, best_score = 0, -1
    for i, (s, _) in enumerate(spans):
        seen = set()
        for j in range(i, len(spans)):
            if spans[j][1] > s + width:
                break
            seen.add(words[j])
        if len(seen) > best_score:
            best, best_score = i, len(seen)
    first = spans[best][0]
    start = _snap_left(text, max(0, first - width // 5))
    end = _snap_right(text, start + width)
    body = _tidy(_marked(text, spans, start, end))
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def mark_all(text: str, marker: Marker) -> str:
    """The whole text, escaped, with every marked word in <b>..</b> (for a reader view)."""
    return _marked(text, list(marker.spans(text)), 0, len(text))


def _tidy(fragment: str) -> str:
    return " ".join(fragment.split())
