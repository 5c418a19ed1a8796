"""The story's body: trafilatura's precision-first result, checked against its plain one when in doubt.

The precision-first pass runs first without trafilatura's fallbacks (readability, jusText), which
change its answer only where another block of the page holds much more text; it runs again with
them where one does, or where its body is in doubt (see `story_body`).

The precision-first pass is right on most pages. It is doubted when it is short, when it leaves out
most of the headline's words, when it is mostly link text, when the page holds prose paragraphs
amid the story's that it left out, or when it holds less than half of a reference text: the page's
JSON-LD articleBody, or its largest block of prose paragraphs (a body that is a box of job ads, or a
tenth of the story, fails this), or when much of it is paragraphs opening mid-sentence (their openings
cut away with a link). Then trafilatura's plain pass (recall as it comes) runs too, and:
 - when ours is cut into fragments and the plain body holds the same story whole, the plain one;
 - when one body carries clearly more of a reference (and no fewer of the headline's words), it is the story;
 - when the plain body holds ours and adds prose, it is the fuller story and is taken;
 - when the two disagree (little overlap), the one that carries the headline's words is the story,
   and between two that carry them alike, the one with clearly more prose;
 - otherwise ours stays.
A page with megabytes of text gets one fast plain pass: trafilatura's comparisons would take minutes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Protocol

from lxml import etree
from lxml.html import HtmlElement

MIN_PRECISE_TEXT = 500  # characters; a shorter precision-first result is doubted
LOST_HEADLINE = 0.3  # share of the headline's words under which a body is doubted
MIN_PROSE_SHARE = 0.5  # share of a body's text outside links under which it is doubted
MIN_MISSED = 250  # characters of left-out prose below which a body is not doubted for its gaps
MISSED_SHARE = 0.1  # prose left out amid the story, against the body's length, from which it is doubted
CONTAINS = 0.9  # share of our 4-word runs in the plain body from which it holds ours
DISAGREE = 0.5  # overlap under which the two bodies are different texts
HEADLINE_MARGIN = 0.2  # how much more of the headline a body must carry to win a disagreement
PROSE_MARGIN = 1.5  # how much more prose it must hold when both carry the headline alike
STEM = 5  # leading letters by which a headline word is looked for
MIN_ADDED = 0.1  # share of our length the plain body must add to be the fuller story
FRAGMENTS = 0.3  # share of a body's text in paragraphs opening mid-sentence from which it is doubted
MIN_FRAGMENT = 20  # characters of a paragraph judged by its opening
MIN_REFERENCE = 600  # characters of a reference text (article body, largest block) worth judging by
LOST_REFERENCE = 0.5  # share of a reference's 4-word runs under which a body is doubted
REFERENCE_MARGIN = 0.3  # how much more of a reference a body must carry to win
KEPT_REFERENCE = 0.6  # ... reaching at least this share of it
BLOCK_DEPTH = 3  # levels of tags and classes above a paragraph that set it alike with others
MIN_BLOCK_PARAGRAPH = 40  # characters of a paragraph counted in the largest block
MAX_BLOCK_LINKS = 0.3  # share of a paragraph's text inside links above which it is no story paragraph
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
    root: HtmlElement,
    url: str | None,
    title: str | None,
    convert: Callable[[etree._Element], Body],
    huge: bool = False,
    article_body: str | None = None,
) -> Body | None:
    """The converted body of the page's story, or None when trafilatura finds none.

    `article_body` is the story's text as the page's metadata gives it (JSON-LD articleBody), if any.

    trafilatura's precision pass runs first without its fallbacks: they run readability (and jusText)
    over the page and take its text instead when it is much longer, which costs as much as the rest of
    the pass. When the body is not in doubt and no block of paragraphs in the page holds more than
    FALLBACK_GAIN times its text, readability has nothing longer to offer, and the quick answer stands.
    Otherwise the pass runs again with its fallbacks, then the plain pass as the module says.
    """
    if huge:
        body = _extract(root, url, precise=False, fast=True)
        return convert(body) if body is not None else None
    references = story_references(root, article_body)
    quick = _extract(root, url, precise=True, fast=True)
    ours = convert(quick) if quick is not None else None
    if (
        ours is not None
        and not doubtful(ours, title, references)
        and richest_block(root) <= FALLBACK_GAIN * len(_text(ours))
    ):
        return ours
    first = _extract(root, url, precise=True)
    ours = convert(first) if first is not None else None
    if ours is not None and not doubtful(ours, title, references):
        return ours
    second = _extract(root, url, precise=False)
    plain = convert(second) if second is not None else None
    if ours is None or plain is None:
        return ours or plain
    return choose(ours, plain, title, references)


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


def doubtful(body: Body, title: str | None, references: Sequence[str] = ()) -> bool:
    """Whether a precision-first body may not be the whole story, or not the story at all."""
    text = _text(body)
    if len(text) < MIN_PRECISE_TEXT or body.prose < MIN_PROSE_SHARE * len(text):
        return True
    coverage = headline_coverage(title, text)
    if (coverage is not None and coverage < LOST_HEADLINE) or body.missed >= max(MIN_MISSED, MISSED_SHARE * len(text)):
        return True
    if fragmentary(body) >= FRAGMENTS:
        return True
    mine = _shingles(text)
    return any(_covered(reference, mine) < LOST_REFERENCE for reference in references)


def fragmentary(body: Body) -> float:
    """Share of the body's text in paragraphs that open in the middle of a sentence (with a small letter):
    what is left of paragraphs whose openings were cut away with a link."""
    sizes = [(len(p), p[0].islower()) for p in body.paragraphs if len(p) >= MIN_FRAGMENT]
    total = sum(size for size, _ in sizes)
    return sum(size for size, cut in sizes if cut) / total if total else 0.0


def choose(ours: Body, plain: Body, title: str | None, references: Sequence[str] = ()) -> Body:
    """The one of two bodies of the same page that is the story (see the module's rules)."""
    mine, theirs = _shingles(_text(ours)), _shingles(_text(plain))
    if not theirs:
        return ours
    if not mine:
        return plain
    carried, other = headline_coverage(title, _text(ours)), headline_coverage(title, _text(plain))
    for reference in references:
        held, other_held = _covered(reference, mine), _covered(reference, theirs)
        if abs(other_held - held) < REFERENCE_MARGIN or max(held, other_held) < KEPT_REFERENCE:
            continue
        winner, loser = (other, carried) if other_held > held else (carried, other)
        # A block of other prose (a long comment, a terms box) is no reference against the headline's words.
        if winner is None or loser is None or winner >= loser - HEADLINE_MARGIN:
            return plain if other_held > held else ours
    shared = len(mine & theirs)
    if fragmentary(ours) >= FRAGMENTS and fragmentary(plain) < FRAGMENTS / 3 and shared >= DISAGREE * len(mine):
        return plain  # the same story with its paragraphs whole
    if shared >= CONTAINS * len(mine):
        have = {_key(p) for p in ours.paragraphs}
        added = [p for p in plain.paragraphs if _key(p) not in have]
        size = sum(len(p) for p in added)
        prose = sum(len(p) for p in added if _is_prose(p))
        if size >= MIN_ADDED * len(_text(ours)) and prose >= 0.5 * size:
            return plain
        return ours
    if shared < DISAGREE * min(len(mine), len(theirs)):
        if carried is not None and other is not None and abs(other - carried) > HEADLINE_MARGIN:
            return plain if other > carried else ours
        if plain.prose > PROSE_MARGIN * ours.prose:
            return plain
    return ours


def story_references(root: HtmlElement, article_body: str | None) -> list[str]:
    """Texts the story must mostly hold: the metadata's article body and the page's largest block of prose.

    Either is left out when too short to judge by.
    """
    found = []
    if article_body and len(article_body) >= MIN_REFERENCE:
        found.append(article_body)
    largest = largest_block(root)
    if sum(map(len, largest)) >= MIN_REFERENCE:
        found.append("\n".join(largest))
    return found


def largest_block(root: HtmlElement) -> list[str]:
    """The paragraphs of the page's largest block of prose: the paragraphs set alike (the same tags and
    classes around them, up to BLOCK_DEPTH levels) inside one container, holding the most text outside
    links. On most pages it is the story, or a good part of it, even when each paragraph has a box of its own."""
    groups: dict[tuple[object, ...], list[str]] = {}
    for paragraph in root.iter("p"):
        text = " ".join(paragraph.text_content().split())
        if len(text) < MIN_BLOCK_PARAGRAPH:
            continue
        linked = sum(len(a.text_content()) for a in paragraph.iter("a"))
        if linked > MAX_BLOCK_LINKS * len(text):
            continue
        ancestors = list(itertools.islice(paragraph.iterancestors(), BLOCK_DEPTH + 1))
        key = (*((a.tag, a.get("class")) for a in ancestors[:BLOCK_DEPTH]), ancestors[-1] if ancestors else None)
        groups.setdefault(key, []).append(text)
    return max(groups.values(), key=lambda texts: sum(map(len, texts))) if groups else []


def _covered(reference: str, shingles: set[tuple[str, ...]]) -> float:
    """Share of the reference's 4-word runs found among `shingles`."""
    own = _shingles(reference)
    return len(own & shingles) / len(own) if own else 1.0


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
