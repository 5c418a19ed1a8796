"""Lines of page furniture that reach the extracted body: teaser links, labels, credits, paywall notes.

A line is furniture when it is, in the languages news sites are written in, one of:
 - a pointer to another story ("Read also: …", "Lesen Sie auch: …", "Les også: …");
 - a label of the page rather than the story ("Advertisement", "Anzeige", "Share", "Read next",
   "Ein Klick für den Datenschutz", a consent placeholder);
 - a picture or source credit on its own line ("Photo: AFP", "Quelle: dpa");
 - a copyright or paywall notice ("All rights reserved", "有料会員になると…").
At the end of the body, headings with nothing after them and lines that are all link are furniture too
(widget titles, lists of other stories), and so are closing calls to follow or subscribe to the site.
Anywhere in the body, a run of teasers is furniture: three or more lines in a row (or a list of them)
that each open with another story's headline as a link, a blurb after it at most, with the heading
just above the run ("More from the Ledger").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_LABEL = 60  # characters of a credit or label line
MAX_PROMOTION = 300  # characters of a closing paragraph that advertises the site
MAX_PROMOTIONS = 6  # closing paragraphs looked at
LINKED = 0.8  # share of a line's text inside links from which a trailing line is a link to elsewhere
MIN_TEASERS = 3  # teasers in a row from which they are a list of other stories
MIN_HEADLINE_LINK = 20  # characters of the link a teaser opens with
TEASER_LINK_SHARE = 0.3  # ... at least this share of the teaser's text
MAX_TEASER = 300  # characters of a teaser: a headline and a blurb
TEASER_LIST_SHARE = 0.8  # share of a list's items that must be teasers for the list to be one

_POINTER = re.compile(
    r"^\W*(?:read (?:more|also|next)|see also|related(?: articles?| stories)?|more on this(?: story)?|"
    r"lesen sie (?:auch|mehr|hier)|mehr zum thema|auch interessant|das könnte sie (?:auch )?interessieren|"
    r"les også|les mer|läs (?:också|mer)|læs (?:også|mere)|lue (?:myös|lisää)|lee (?:también|más)|leer más|"
    r"lire aussi|à lire aussi|voir aussi|leggi anche|leia (?:também|mais)|veja também|lees ook|lees meer|"
    r"czytaj (?:też|także|również|więcej)|читайте (?:також|также)|дивіться також|ayrıca (?:bakınız|okuyun)|"
    r"ilgili haber(?:ler)?|benzer haberler|関連記事|관련\s?기사)\s*[:：»›>|–—-]",
    re.I,
)
_LABELS = {
    "advertisement",
    "anzeige",
    "werbung",
    "publicidad",
    "publicité",
    "pubblicità",
    "annonse",
    "annons",
    "mainos",
    "reklama",
    "реклама",
    "reklam",
    "sponsored",
    "read more",
    "read next",
    "read in app",
    "continue reading",
    "weiterlesen",
    "mehr anzeigen",
    "show more",
    "share",
    "share this article",
    "teilen",
    "artikel teilen",
    "artikel merken",
    "copy link",
    "link kopieren",
    "ein klick für den datenschutz",
    "weiterführende links",
    "story continues below",
    "comments",
    "kommentare",
    "follow us",
    "folgen sie uns",
    "subscribe",
    "jetzt abonnieren",
    "bu haberi paylaşın",
    "ilgili konular",
    "benzer haberler",
    "related articles",
    "related stories",
    "you might also like",
    "most read",
    "meistgelesen",
    "top stories",
    "lesen sie auch",
    "mehr zum thema",
    "les også",
    "läs också",
    "see also",
}
_LABEL_FORMS = re.compile(
    r"^(?:advertisement\s*\d*\s*story continues below|link zum [\w-]+[- ]inhalt|"
    r"(?:photo|foto|bild|image|picture|credit|quelle|source|fuente|fonte|kilde|källa|lähde|źródło|джерело|"
    r"источник|kaynak|fotoğraf)s?\s*[:：]\s*\S.*)$",
    re.I,
)
_NOTICE = re.compile(
    r"all rights reserved|alle rechte vorbehalten|todos los derechos reservados|tous droits réservés|"
    r"tutti i diritti riservati|todos os direitos reservados|무단\s?전재|無断転載|版权所有|"
    r"有料会員|会員限定|続きを読む|この記事は有料|subscribe to (?:continue|read)|nur für abonnenten",
    re.I,
)


# A call to act on the site's channels, in the languages sites use.
_CALL = re.compile(
    r"sign(?:ing)? up|follow (?:us|\w+ on)|add us|subscribe|download|check out|click here|"
    r"folg(?:en sie|st du)|abonnier|anmelden|herunterladen|hier entlang|hier geht|klicken sie|"
    r"suscríbete|suivez|abonnez|iscriviti|seguici|inscreva|følg|abonner|följ|prenumerera|"
    r"whatsapp|telegram|newsletter",
    re.I,
)
_BLOCK = re.compile(r"\s*<(p|h[1-6]|div)\b[^>]*>(.*?)</\1>", re.S)


@dataclass(frozen=True)
class Line:
    """What the furniture rules need of one block of the body."""

    text: str
    heading: bool = False
    linked: int = 0  # characters of its text inside links
    teasers: int = 0  # how many teasers it is: 1 for a teaser line, the item count for a list of teasers


def is_furniture(text: str) -> bool:
    """A line that belongs to the page around the story, whatever its place in the body."""
    line = unicodedata.normalize("NFKC", text).strip()
    if not line:
        return False
    if _POINTER.match(line):
        return True
    short = len(line) <= MAX_LABEL
    if short and " ".join(re.findall(r"\w+", line.casefold())) in _LABELS:
        return True
    if short and _LABEL_FORMS.match(line):
        return True
    return len(line) <= 2 * MAX_LABEL and _NOTICE.search(line) is not None


def closing_promotions(paragraphs: Sequence[str], sites: Iterable[str]) -> int:
    """How many paragraphs at the end of the body are the site advertising itself: a call to follow it,
    subscribe to its newsletter or get its app, naming the site ("Sign up to the Harbour Post newsletter")."""
    names = [re.compile(r"\b" + re.escape(s) + r"\b") for s in sites if len(s) >= 3]
    count = 0
    for paragraph in reversed(paragraphs[-MAX_PROMOTIONS:]):
        key = " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", paragraph).casefold()))
        if len(paragraph) > MAX_PROMOTION or not _CALL.search(paragraph) or not any(n.search(key) for n in names):
            break
        count += 1
    return count


def drop_blocks(body_html: str, texts: Iterable[str]) -> str:
    """The body HTML without the first block element showing each of `texts`."""
    for text in texts:
        want = _key(text)
        for match in _BLOCK.finditer(body_html):
            if _key(re.sub(r"<[^>]+>", " ", match.group(2))) == want:
                body_html = body_html[: match.start()] + body_html[match.end() :]
                break
    return body_html


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def trailing_furniture(lines: Sequence[Line]) -> int:
    """How many blocks at the end of the body are furniture: headings with nothing after them, lines that
    are all link, and furniture lines."""
    count = 0
    for line in reversed(lines):
        text = line.text.strip()
        if line.heading or is_furniture(text) or (text and line.linked >= LINKED * len(text)):
            count += 1
            continue
        break
    return count


def is_teaser(text: str, opening_link: str) -> bool:
    """A line that opens with another story's headline as a link (`opening_link`), with a short blurb after
    it at most. A headline ends without a full stop: a linked sentence opening a line is a digest's item."""
    line = text.strip()
    size, link = len(line), len(opening_link)
    after = line[link:].lstrip() if line.startswith(opening_link) else ""
    return (
        0 < size <= MAX_TEASER
        and link >= MIN_HEADLINE_LINK
        and link >= TEASER_LINK_SHARE * size
        and not opening_link.rstrip().endswith(_FULL_STOPS)
        and not after.startswith(_FULL_STOPS)
    )


_FULL_STOPS = (".", "。", "…")


def is_teaser_list(items: Sequence[tuple[str, str]]) -> bool:
    """A list whose items, (text, the link it opens with), are mostly teasers."""
    teasers = sum(is_teaser(text, link) for text, link in items)
    return teasers >= MIN_TEASERS and teasers >= TEASER_LIST_SHARE * len(items)


def teaser_runs(lines: Sequence[Line]) -> set[int]:
    """Indexes of the lines in runs of teasers (MIN_TEASERS or more in a row; empty lines such as pictures
    do not break a run), with the heading just above each run; never every line of the body."""
    found: set[int] = set()
    start = 0
    while start < len(lines):
        if not lines[start].teasers:
            start += 1
            continue
        end, count = start, 0
        while end < len(lines) and (lines[end].teasers or not lines[end].text.strip()):
            count += lines[end].teasers
            end += 1
        if count >= MIN_TEASERS:
            first = start
            while first > 0 and not lines[first - 1].text.strip():
                first -= 1
            first = first - 1 if first > 0 and lines[first - 1].heading else first
            found.update(range(first, end))
        start = end
    if not any(line.text.strip() and index not in found for index, line in enumerate(lines)):
        return set()
    return found
