"""The story's body: trafilatura's precision-first result, checked against its plain one when in doubt.

The precision-first pass runs first without trafilatura's fallbacks (readability, jusText), which
change its answer only where another block of the page holds much more text; it runs again with
them where one does, or where its body is in doubt (see `story_body`).

The precision-first pass is right on most pages. It is doubted when it is short, when it leaves out
most of the headline's words, when it is mostly link text, or when the page holds prose paragraphs
amid the story's that it left out. Then trafilatura's plain pass (recall as it comes) runs too, and:
 - when the plain body holds ours and adds prose, it is the fuller story and is taken;
 - when the two disagree (little overlap), the one that carries the headline's words is the story,
   and between two that carry them alike, the one with clearly more prose;
 - otherwise ours stays.
A page with megabytes of text gets one fast plain pass: trafilatura's comparisons would take minutes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from lxml import etree
from lxml.html import HtmlElement

MIN_PRECISE_TEXT = 500  # characters; a shorter precision-first result is doubted
LOST_HEADLINE = 0.3  # share of the headline's words under which a body is doubted
MIN_PROSE_SHARE = 0.5  # share of a body's text outside links under which it is doubted
MISSED_SHARE = 0.3  # prose left out amid the story, against the body's length, from which it is doubted
CONTAINS = 0.9  # share of our 4-word runs in the plain body from which it holds ours
DISAGREE = 0.5  # overlap under which the two bodies are different texts
HEADLINE_MARGIN = 0.2  # how much more of the headline a body must carry to win a disagreement
PROSE_MARGIN = 1.5  # how much more prose it must hold when both carry the headline alike
STEM = 5  # leading letters by which a headline word is looked for
MIN_ADDED = 0.1  # share of our length the plain body must add to be the fuller story
# trafilatura takes readability's text over its own when it is more than twice as long: from this share
# of the quick body's length, a block of paragraphs elsewhere in the page may be that longer text.
FALLBACK_GAIN = 2.0
MIN_PARAGRAPH = 25  # characters; readability's shortest paragraph
# Children that make a div a container rather than a paragraph (readability's list, with headings and sections).
_DIV_BLOCKS = frozenset(
    {"a", "blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul", "li", "section", "article", "figure"}
    | {"header", "footer", "nav", "aside", "form", "iframe", "video", "audio", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_WORD = re.compile(r"\w+")
_UNSPACED = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")  # Thai, kana, CJK
_SENTENCE_END = re.compile(r"[.!?。！？…:;»\"”“’')\]]\s*$")


class Body(Protocol):
    """What the choice needs of a converted body (convert.ConvertedBody)."""

    paragraphs: tuple[str, ...]
    prose: int
    missed: int


def story_body(
    root: HtmlElement, url: str | None, title: str | None, convert: Callable[[etree._Element], Body], huge: bool = False
) -> Body | None:
    """The converted body of the page's story, or None when trafilatura finds none.

    trafilatura's precision pass runs first without its fallbacks: they run readability (and jusText)
    over the page and take its text instead when it is much longer, which costs as much as the rest of
    the pass. When the body is not in doubt and no block of paragraphs in the page holds more than
    FALLBACK_GAIN times its text, readability has nothing longer to offer, and the quick answer stands.
    Otherwise the pass runs again with its fallbacks, then the plain pass as the module says.
    """
    if huge:
        body = _extract(root, url, precise=False, fast=True)
        return convert(body) if body is not None else None
    quick = _extract(root, url, precise=True, fast=True)
    ours = convert(quick) if quick is not None else None
    if ours is not None and not doubtful(ours, title) and richest_block(root) <= FALLBACK_GAIN * len(_text(ours)):
        return ours
    first = _extract(root, url, precise=True)
    ours = convert(first) if first is not None else None
    if ours is not None and not doubtful(ours, title):
        return ours
    second = _extract(root, url, precise=False)
    plain = convert(second) if second is not None else None
    if ours is None or plain is None:
        return ours or plain
    return choose(ours, plain, title)


def richest_block(root: HtmlElement) -> int:
    """Characters of text in the page's richest block of paragraphs, as readability counts them.

    Paragraphs are `p`, `pre` and `td` elements, and `div`s that hold no blocks of their own (which
    readability reads as paragraphs); a block is a paragraph's parent or grandparent, and it holds the
    text of its paragraphs of MIN_PARAGRAPH characters or more.
    """
    held: dict[HtmlElement, int] = {}
    for element in root.iter("p", "div", "pre", "td"):
        if element.tag == "div" and any(child.tag in _DIV_BLOCKS for child in element):
            continue
        size = len(element.text_content().strip())
        if size < MIN_PARAGRAPH:
            continue
        parent = element.getparent()
        if parent is None:
            continue
        held[parent] = held.get(parent, 0) + size
        grandparent = parent.getparent()
        if grandparent is not None:
            held[grandparent] = held.get(grandparent, 0) + size
    return max(held.values(), default=0)


def doubtful(body: Body, title: str | None) -> bool:
    """Whether a precision-first body may not be the whole story, or not the story at all."""
    text = _text(body)
    if len(text) < MIN_PRECISE_TEXT or body.prose < MIN_PROSE_SHARE * len(text):
        return True
    coverage = headline_coverage(title, text)
    return (coverage is not None and coverage < LOST_HEADLINE) or body.missed >= MISSED_SHARE * len(text)


def choose(ours: Body, plain: Body, title: str | None) -> Body:
    """The one of two bodies of the same page that is the story (see the module's rules)."""
    mine, theirs = _shingles(_text(ours)), _shingles(_text(plain))
    if not theirs:
        return ours
    if not mine:
        return plain
    shared = len(mine & theirs)
    if shared >= CONTAINS * len(mine):
        have = {_key(p) for p in ours.paragraphs}
        added = [p for p in plain.paragraphs if _key(p) not in have]
        size = sum(len(p) for p in added)
        prose = sum(len(p) for p in added if _is_prose(p))
        if size >= MIN_ADDED * len(_text(ours)) and prose >= 0.5 * size:
            return plain
        return ours
    if shared < DISAGREE * min(len(mine), len(theirs)):
        carried, other = headline_coverage(title, _text(ours)), headline_coverage(title, _text(plain))
        if carried is not None and other is not None and abs(other - carried) > HEADLINE_MARGIN:
            return plain if other > carried else ours
        if plain.prose > PROSE_MARGIN * ours.prose:
            return plain
    return ours


def headline_coverage(title: str | None, text: str) -> float | None:
    """Share of the headline's words found in `text`, None for a headline of too few words.

    A word is found by its first letters, so that inflected forms count ("Fähren" for "Fähre"); in
    scripts written without spaces, two-character runs of the headline stand for its words.
    """
    title = (title or "").casefold()
    letters = "".join(_WORD.findall(title))
    if _UNSPACED.search(letters):
        runs = {letters[i : i + 2] for i in range(len(letters) - 1)}
        if len(runs) < 3:
            return None
        body = "".join(_WORD.findall(text.casefold()))
        return sum(run in body for run in runs) / len(runs)
    stems = {w[:STEM] for w in _WORD.findall(title) if len(w) >= 4}
    if len(stems) < 3:
        return None
    return len(stems & {w[:STEM] for w in _WORD.findall(text.casefold())}) / len(stems)


def _extract(root: HtmlElement, url: str | None, precise: bool, fast: bool = False) -> etree._Element | None:
    """trafilatura's body for the page, text only (figures.py puts the story's pictures back)."""
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            root,
            url=url,
            fast=fast,
            favor_precision=precise,
            output_format="xml",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_formatting=True,
            include_links=True,
            with_metadata=False,
        )
    except (RecursionError, ValueError, TypeError, AttributeError):
        return None
    return getattr(document, "body", None)


def _text(body: Body) -> str:
    return "\n\n".join(body.paragraphs)


def _is_prose(paragraph: str) -> bool:
    return len(paragraph) >= 80 and _SENTENCE_END.search(paragraph) is not None


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
