"""How text becomes index terms: tokenising, case and accent folding, English stemming.

One analyser serves titles and bodies in every language:
- tokens are runs of Unicode word characters (with inner apostrophes), so Cyrillic, Greek and
  accented Latin all tokenise; a trailing possessive 's is dropped;
- every token is lower-cased and accent-folded (é→e, ü→u, й→и, ё→е): typing without accents finds
  the accented word and the other way round;
- English stop words and one-letter words are dropped (positions are renumbered, so a phrase
  with a stop word in it still matches);
- Latin-script tokens of an English (or unlabelled) article are Porter-stemmed; tokens of other
  languages are not. The language travels with the text as a `LangText`, because Whoosh calls
  analysers with the field value only. Queries do not know the language of the documents they
  will meet, so a query word is looked up in both forms (see `word_forms`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import StopFilter, Token, Tokenizer
from whoosh.lang.porter import stem as _porter

WORD = re.compile(r"\w+(?:['’ʼ]\w+)*")
STOP_WORDS = frozenset(StopFilter().stops)
MIN_WORD = 2  # shorter words are not indexed


def _fold_table() -> dict[int, str]:
    """Characters whose compatibility decomposition is one base letter plus marks, mapped to the letter."""
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x2000):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base != ch and base.isalpha():
            table[cp] = base
    for ch, base in {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ı": "i", "’": "'", "ʼ": "'"}.items():
        table[ord(ch)] = base
    return table


#: One character to one character, so folded text keeps the offsets of the original (snippets rely on it).
FOLD_1TO1 = _fold_table()
_FOLD_WIDE = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"})


def fold(word: str) -> str:
    """Lower-case and accent-fold one word; the form every index term is made from."""
    word = word.lower().translate(FOLD_1TO1)
    if not word.isascii():
        word = word.translate(_FOLD_WIDE)
    if word.endswith("'s"):
        word = word[:-2]
    return word


#: Every ending at which a step of the Porter stemmer can change a lower-case word (steps 1a-1c,
#: the suffix lists of steps 2-4, and step 5's "e" and "ll"). A word ending in none of them is its
#: own stem: checking that in C spares the stemmer's regular expressions for most unseen words,
#: the bulk of analysing a new article.
PORTER_ENDINGS = tuple(
    "s ed ing y e ll ational tional enci anci izer bli alli entli eli ousli ization ation ator alism iveness "
    "fulness ousness aliti iviti biliti logi icate ative alize iciti ical ful ness al ance ence er ic able ible "
    "ant ement ment ent ou ism ate iti ous ive ize ion".split()
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English stem of a folded word; words outside the Latin script come back unchanged."""
    if not word.isascii() or not word.isalpha():
        return word
    if word.islower() and not word.endswith(PORTER_ENDINGS):
        return word
    return _porter(word)


def word_forms(word: str) -> tuple[str, ...]:
    """Index terms a folded query word may have become: itself (other languages) and its stem (English)."""
    stemmed = stem(word)
    return (word,) if stemmed == word else (word, stemmed)


def indexable(word: str) -> bool:
    """Whether a folded word reaches the text index at all (stop words and single letters do not)."""
    return len(word) >= MIN_WORD and word not in STOP_WORDS


def words(text: str) -> list[str]:
    """The folded words of a piece of query text, stop words included."""
    return [w for w in (fold(m.group()) for m in WORD.finditer(text)) if w]


class LangText(str):
    """A field value that remembers whether it is English, so the analyser knows whether to stem."""

    english: bool

    def __new__(cls, text: str, english: bool) -> LangText:
        obj = super().__new__(cls, text)
        obj.english = english
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        # The multiprocessing writer pickles documents; keep the flag on the way.
        return (LangText, (str(self), self.english))


def is_english(language: str | None) -> bool:
    """Unlabelled articles count as English: most saved news is, and stemming Latin words is harmless."""
    return not language or language.lower().startswith("en")


#: Raw token to index term, one table per (stemming, stop words) mode; "" marks a dropped token.
_TERMS: dict[tuple[bool, bool], dict[str, str]] = {}
CACHE_SIZE = 500_000  # terms per mode before the table starts afresh: bounds the memory of a long rebuild


def _table(english: bool, stops: bool) -> dict[str, str]:
    table = _TERMS.get((english, stops))
    if table is None:
        table = _TERMS[(english, stops)] = {}
    return table


def _term(raw: str, english: bool, stops: bool) -> str:
    """The index term of one raw token ("" when it is not indexed), remembered in its mode's table."""
    table = _table(english, stops)
    known = table.get(raw)
    if known is not None:
        return known
    word = fold(raw)
    result = word
    if stops and not indexable(word):
        result = ""
    elif english:
        result = stem(word)
    if len(table) > CACHE_SIZE:
        table.clear()
    table[raw] = result
    return result


class WordAnalyzer(Tokenizer):
    """Tokenise, fold, drop stop words and (for English text) stem, in one pass.

    One fused step instead of a chain of filters: indexing spends most of its time here, and news
    vocabulary is Zipfian, so a cache from raw token to final term answers almost every token.
    """

    def __init__(self, stemming: bool = True, stops: bool = True) -> None:
        self.stemming = stemming
        self.stops = stops

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        english = self.stemming and getattr(value, "english", True)
        stops = self.stops
        pos = start_pos
        table = _table(english, stops)
        for match in WORD.finditer(value):
            raw = match.group()
            text = table.get(raw)
            if text is None:
                text = _term(raw, english, stops)
            if not text:
                continue
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = raw
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t

    def term_list(self, value: str) -> list[str]:
        """The terms of `value` in order, as `__call__` would yield them (a term's index is its position)."""
        english = self.stemming and getattr(value, "english", True)
        stops = self.stops
        table = _table(english, stops)
        raws = WORD.findall(value)
        found = list(map(table.get, raws))  # nearly every token is in the table: look them up in C
        if None in found:
            found = [t if t is not None else _term(r, english, stops) for t, r in zip(found, raws, strict=True)]
        return [t for t in found if t]


class TagTokenizer(Tokenizer):
    """Tags arrive one per line; each tag becomes one term, and so does each of its parents."""

    def __call__(self, value: str, mode: str = "", **kwargs: Any) -> Iterator[Token]:
        t = Token(positions=False, chars=False, removestops=False, mode=mode)
        for term in sorted({p for tag in value.split("\n") for p in tag_terms(tag)}):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            yield t


def tag_key(tag: str) -> str:
    """The case- and accent-insensitive form of a tag, with tidy `/` separators."""
    parts = [" ".join(fold(p).split()) for p in tag.split("/")]
    return "/".join(p for p in parts if p)


def tag_terms(tag: str) -> list[str]:
    """A tag and all its parents: `war/diplomacy` gives `war/diplomacy` and `war`."""
    key = tag_key(tag)
    parts = key.split("/") if key else []
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def text_analyzer() -> WordAnalyzer:
    """Titles and bodies: words, folding, stop words, English stemming."""
    return WordAnalyzer(stemming=True, stops=True)


def name_analyzer() -> WordAnalyzer:
    """Author and source names: words and folding only (a name is neither stemmed nor stopped)."""
    return WordAnalyzer(stemming=False, stops=False)


def tag_analyzer() -> TagTokenizer:
    return TagTokenizer()
