"""The headline a reader sees above the story, found in the page's markup.

`visible_headline` looks at the page's `<h1>` elements first. An `<h1>` counts when a reader can
see it above the story: not in navigation, a breadcrumb trail, a list of teasers, a link, a logo,
a dialog or a visually hidden block, and not the site's own name. Metadata titles (og:title,
JSON-LD headline, `<title>`) pick the right one among several and tell a short label ("Log In")
from a headline; a kicker line inside the heading ("Dachzeile", "kicker") is left out unless the
metadata title reads it as part of the headline.

Without such an `<h1>`, a heading in the article's header or `<hgroup>` that agrees with a
metadata title is the headline, and then an `<h1>` ending a breadcrumb trail that does. Failing
that, the caller's metadata title stands.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from lxml.html import HtmlElement

from .byline import tidy

AGREES = 0.6  # trigram Dice similarity from which a heading and a metadata title are the same headline
MIN_WORDS = 4  # an <h1> no metadata title confirms must read like a headline: this many words ...
MIN_CHARS_UNSPACED = 8  # ... or this many characters in scripts written without spaces
MAX_KICKER_WORDS = 6
MIN_LENGTH_RATIO = 0.6  # a label or kicker a fraction of a title's length is not that title

_INVISIBLE = re.compile("[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_OUTSIDE_STORY = {
    "nav",
    "footer",
    "aside",
    "button",
    "dialog",
    "label",
    "li",
    "ul",
    "ol",
    "a",
    "menu",
    "select",
    "template",
    "noscript",
    "figcaption",
    "figure",
    "svg",
}
_NOT_TEXT = {"script", "style", "template", "noscript", "svg", "button", "select", "iframe", "object"}
_HIDDEN_TOKEN = re.compile(
    r"^(?:sr[-_]?only|visually[-_]?hidden|[a-z]+-visually-hidden|screen[-_]?reader(?:[-_](?:text|only))?|"
    r"blind|is[-_]blind|offscreen|off[-_]screen|hidden|hide|d-none|invisible|a11y[-_]hidden)$",
    re.I,
)
_CHROME_MARK = re.compile(
    r"logo|breadcrumb|masthead|navbar|site[-_]?(?:title|name|branding)|modal|popup|overlay|login|signin|paywall",
    re.I,
)
_KICKER_MARK = re.compile(
    r"kicker|dachzeile|overline|overtitle|topline|roofline|eyebrow|catch[-_]?title|superline|supertitle|pre[-_]?title",
    re.I,
)
# A server-rendered page streamed in parts (React's <div hidden id="S:1">) keeps each part hidden until
# a script moves it into place: the reader sees it.
_STREAMED_PART = re.compile(r"^S:\w+$")
_BLOCK_TAGS = {"div", "p", "header", "section", "h1", "h2", "h3", "h4", "h5", "h6"}
_SPACED = re.compile(r"[\s]")
_HEADER_HEADINGS = (
    "//hgroup//*[self::h1 or self::h2 or self::h3 or self::p or self::div or self::span]"
    " | //article//header//*[self::h2 or self::h3]"
    " | //*[@itemprop='headline'][not(self::meta)]"
    " | //*[self::h2 or self::h3 or self::div or self::p][contains(@class, 'headline') or contains(@class, 'title')]"
    "[ancestor::article or ancestor::main or ancestor::header]"
)

# A live-blog or column label before the headline: "LIVE:", "Opinion |", "Kommentar:".
_LABEL = re.compile(
    r"^(?:live(?:[ -]?(?:blog|ticker|updates?))?|liveblog|ticker|breaking(?: news)?|eilmeldung|exclusive|exklusiv|"
    r"opinion|meinung|kommentar|analysis|analyse|video|watch|podcast|update|en (?:directo|vivo|direct)|directo|"
    r"en vivo|diretta|in diretta|ao vivo|última hora|canlı|son dakika|opinión|opinião|tribune|editorial)"
    r"\s*(?:[|:]|[-–—]\s)\s*",
    re.I,
)
_PIPE = re.compile(r"\s+[|｜]\s+")


@dataclass(frozen=True)
class Heading:
    element: HtmlElement
    text: str  # the visible text, kicker left out
    with_kicker: str | None  # "Kicker: Headline", when the heading has a kicker line


def clean_title(text: str | None) -> str:
    """A title without soft hyphens, zero-width characters, live labels or a one-word section before " | "
    ("Sport | ..."); a longer topic line there ("Budget 3.0 | ...") is the headline's own kicker."""
    if not text:
        return ""
    text = tidy(_INVISIBLE.sub("", unicodedata.normalize("NFC", text)))
    for _ in range(2):
        text = _LABEL.sub("", text, count=1)
    parts = _PIPE.split(text, maxsplit=1)
    if len(parts) == 2 and len(parts[0].split()) == 1 and _words(parts[1]) >= MIN_WORDS:
        text = parts[1]
    return text.strip()


def visible_headline(root: HtmlElement, meta_titles: Sequence[str], site: str | None) -> str | None:
    """The story's visible headline, or None when the page shows none the metadata can vouch for."""
    titles = [t for t in (clean_title(m) for m in meta_titles) if t]
    site_key = _key(site or "")
    headings: list[Heading] = []
    for element in root.iter("h1"):
        if _outside_story(element) or _hidden(element):
            continue
        heading = _heading(element)
        if heading and _key(heading.text) not in ("", site_key):
            headings.append(heading)
    confirmed = [h for h in headings if _best_agreement(h, titles) >= AGREES]
    if confirmed:
        return _as_metadata_reads_it(confirmed[0], titles)
    readable = [h for h in headings if _reads_like_headline(h.text)]
    in_story = [h for h in readable if any(a.tag in ("article", "main") for a in h.element.iterancestors())]
    if in_story or readable:
        return (in_story or readable)[0].text
    for element in root.xpath(_HEADER_HEADINGS):
        if element.tag == "h1" or _outside_story(element) or _hidden(element):
            continue
        heading = _heading(element)
        if heading and _best_agreement(heading, titles) >= AGREES:
            return _as_metadata_reads_it(heading, titles)
    # A breadcrumb trail ending in the headline still shows it to the reader.
    for element in root.iter("h1"):
        if _hidden(element):
            continue
        heading = _heading(element)
        if heading and _best_agreement(heading, titles) >= AGREES:
            return _as_metadata_reads_it(heading, titles)
    return None


def same_headline(one: str | None, other: str | None) -> bool:
    """The same words in the same order, whatever the case, punctuation, quotes or spacing."""
    return bool(one and other) and _key(one or "") == _key(other or "")


def _heading(element: HtmlElement) -> Heading | None:
    kicker_nodes: list[HtmlElement] = []
    for node in element.iterdescendants():
        if not isinstance(node.tag, str) or any(a in kicker_nodes for a in node.iterancestors()):
            continue
        if _KICKER_MARK.search(_marks(node)):
            kicker_nodes.append(node)
    if not kicker_nodes:
        kicker_nodes = _leading_line(element)
    # What stays once the kicker is out may open with the separator shown between the two.
    text = clean_title(_visible_text(element, skip=kicker_nodes).lstrip(":|–—-· "))
    if not text:
        return None
    with_kicker = None
    if kicker_nodes:
        kicker = clean_title(" ".join(_visible_text(k) for k in kicker_nodes)).rstrip(":")
        if kicker:
            with_kicker = f"{kicker}: {text}"
    return Heading(element, text, with_kicker)


def _leading_line(element: HtmlElement) -> list[HtmlElement]:
    """A short first line set apart as its own block (or by a separator only screen readers get) in a
    heading whose text is all in its child elements: the kicker, by its layout."""
    if (element.text or "").strip():
        return []
    lines = [c for c in element if isinstance(c.tag, str) and _visible_text(c)]
    if len(lines) < 2 or any((c.tail or "").strip(" :|–—-") for c in lines):
        return []
    first, rest = lines[0], " ".join(_visible_text(c) for c in lines[1:])
    spoken_separator = any(
        _hidden_itself(d) and not _key(d.text_content()) for d in first.iter() if isinstance(d.tag, str)
    )
    if (first.tag in ("div", "p", "small") or spoken_separator) and _words(_visible_text(first)) <= MAX_KICKER_WORDS:
        if _words(rest) >= 3 or (not _SPACED.search(rest) and len(rest) >= MIN_CHARS_UNSPACED):
            return [first]
    return []


def _as_metadata_reads_it(heading: Heading, titles: list[str]) -> str:
    """The heading's text, with its kicker when the page's own title reads the two as one headline."""
    if heading.with_kicker and _agreement(heading.with_kicker, titles) > _agreement(heading.text, titles):
        return heading.with_kicker
    return _kicker_beside(heading, titles) or heading.text


def _kicker_beside(heading: Heading, titles: list[str]) -> str | None:
    """ "Kicker: Headline" from a metadata title, when the kicker is shown just above the heading element."""
    own = _key(heading.text)
    for title in titles:
        head, sep, rest = title.partition(": ")
        if not sep or _key(rest) != own or not 0 < _words(head) <= MAX_KICKER_WORDS:
            continue
        kicker = _key(head)
        node = heading.element
        for _ in range(3):
            parent = node.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            node = parent
            before = []
            for child in node:
                if child is heading.element or heading.element in child.iterdescendants():
                    break
                before.append(_key(_visible_text(child)))
            if kicker and any(kicker in b for b in before):
                return title
    return None


def _best_agreement(heading: Heading, titles: list[str]) -> float:
    options = [heading.text] + ([heading.with_kicker] if heading.with_kicker else [])
    return max(_agreement(o, titles) for o in options)


def _agreement(text: str, titles: list[str]) -> float:
    """How far `text` is the same headline as one of `titles`: trigram Dice, 0 for a far shorter text."""
    mine = _trigrams(text)
    best = 0.0
    for title in titles:
        theirs = _trigrams(title)
        if mine and theirs and min(len(mine), len(theirs)) >= MIN_LENGTH_RATIO * max(len(mine), len(theirs)):
            best = max(best, 2 * len(mine & theirs) / (len(mine) + len(theirs)))
    return best


def _trigrams(text: str) -> set[str]:
    key = _key(text).replace(" ", "")
    return {key[i : i + 3] for i in range(len(key) - 2)} or ({key} if key else set())


def _key(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold()).split())


def _words(text: str) -> int:
    return len(text.split())


def _reads_like_headline(text: str) -> bool:
    if _SPACED.search(text):
        return _words(text) >= MIN_WORDS
    return len(text) >= MIN_CHARS_UNSPACED


def _marks(element: HtmlElement) -> str:
    """Class, id and data- attributes (names, and values short enough to be labels)."""
    attrs = " ".join(f"{k} {v if len(v) < 40 else ''}" for k, v in element.attrib.items() if k.startswith("data-"))
    return f"{element.get('class') or ''} {element.get('id') or ''} {attrs}"


def _outside_story(element: HtmlElement) -> bool:
    """In navigation, a breadcrumb, a teaser list or link, a logo or a dialog: not the story's heading."""
    for node in (element, *element.iterancestors()):
        if node.tag in ("body", "html"):
            return False
        if node is not element and node.tag in _OUTSIDE_STORY:
            return True
        if node.get("role") in ("navigation", "dialog", "banner") or _CHROME_MARK.search(_marks(node)):
            return True
    return False


def _hidden(element: HtmlElement) -> bool:
    for node in (element, *element.iterancestors()):
        if node.tag in ("body", "html"):
            return False
        if _hidden_itself(node):
            return True
    return False


def _hidden_itself(node: HtmlElement) -> bool:
    if node.get("hidden") is not None and not _STREAMED_PART.match(node.get("id") or ""):
        return True
    if (node.get("aria-hidden") or "").lower() == "true":
        return True
    style = (node.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    tokens = (node.get("class") or "").split()
    # "hidden md:block" hides a block on small screens only.
    return any(_HIDDEN_TOKEN.match(t) for t in tokens) and not any(":" in t for t in tokens)


def _visible_text(element: HtmlElement, skip: Sequence[HtmlElement] = ()) -> str:
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if node is not element and (
            not isinstance(node.tag, str) or node.tag in _NOT_TEXT or node in skip or _hidden_itself(node)
        ):
            if node.tail:
                parts.append(node.tail)
            return
        if node.tag == "br" or (node is not element and node.tag in _BLOCK_TAGS):
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node is not element:
            if node.tag in _BLOCK_TAGS:
                parts.append(" ")
            if node.tail:
                parts.append(node.tail)

    walk(element)
    return tidy("".join(parts))
