"""The article inside a whole news page saved as plain text (a user selected the page and saved it as .txt).

Stages, each a plain function of the lines:
 1. normalise the text and measure every line (`textlines.split_lines`);
 2. set aside author blocks (name, role line, a bio that starts with the name);
 3. take the run of lines with the most prose weight as the story (`textlines.best_span`);
 4. read the header before the story: title, byline, publication date line, lead image caption;
 5. clean the run: drop furniture, captions, bylines and teasers, mark headings;
 6. find the site name (author bio, browser title, copyright line) and assemble an `Extracted`.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from indexer.ingest.extract.textlines import (
    END,
    NEAR,
    NOISE,
    NOTICE,
    PROSE,
    SHORT,
    SOFT_END,
    Line,
    best_span,
    is_end_marker,
    is_noise,
    normalise,
    split_lines,
    weight,
)
from indexer.ingest.extract.textmeta import (
    date_statement,
    is_credit,
    is_date_only,
    is_name,
    is_role,
    parse_byline,
    parse_date,
    source_from_bio,
    source_from_copyright,
    split_page_title,
    starts_with_by,
    tidy_caption,
)
from indexer.model import Author, Extracted, ImportFailure

__all__ = ["WORDS_PER_MINUTE", "extract_text"]

WORDS_PER_MINUTE = 238
# A story needs at least this much prose weight (characters of prose, less furniture inside the run).
_MIN_STORY_WEIGHT = 120.0
_HEADER_REACH = 40
_ANCHOR_BONUS = 1500.0
_KEY_WORD = re.compile(r"\w+")  # lines before the story searched for title, byline, date and caption
_BIO_START = re.compile(r"^(?:\S+\s+){0,3}?(?:is|was|has|writes|covers|joined|reports|leads|works|—|–)\b")
_INLINE_RELATED = re.compile(
    r"^(?:read more|read also|related|see also|also read|more|watch|read)\s*[:|]\s*(?P<title>.{8,200})$", re.I
)


@dataclass
class _Header:
    title: str | None = None
    title_index: int = -1
    authors: list[Author] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    caption: str | None = None
    used: set[int] = field(default_factory=set)  # lines that are metadata, never body


def extract_text(text: str) -> Extracted:
    """The article in a whole-page plain text; raises ImportFailure when there is no story in it."""
    if not isinstance(text, str):
        raise ImportFailure("plain-text import needs decoded text")
    lines = split_lines(normalise(text))
    if not lines:
        raise ImportFailure("no article text found")
    blocks = _author_blocks(lines)
    held = {i for _, indices in blocks for i in indices}
    weights = [-300.0 if i in held else weight(line) for i, line in enumerate(lines)]
    anchor = _anchor_title(lines)
    lead = _first_prose_after(lines, anchor)
    if lead >= 0:
        # The story follows its headline: favour the run that holds the first paragraph after it.
        weights[lead] += _ANCHOR_BONUS
    # Nor does a story begin before its headline.
    skip = anchor + 1 if lead >= 0 else 0
    start, end, total = best_span(weights[skip:])
    start, end = start + skip, end + skip
    if lead >= 0 and start <= lead < end:
        total -= _ANCHOR_BONUS
    if total < _MIN_STORY_WEIGHT or not any(line.kind == PROSE for line in lines[start:end]):
        raise ImportFailure("no article text found")

    header = _read_header(lines, start, end, anchor)
    authors = _merge_authors(header.authors, [author for author, _ in blocks])
    body, related = _clean_body(lines, start, end, header, authors)
    if not body:
        raise ImportFailure("no article text found")
    authors = _attach_bios(authors, body, header)
    body = [line for line in body if line.index not in header.used]
    headings = _headings(body)
    paragraphs = tuple(line.text for line in body)
    words = sum(len(p.split()) for p in paragraphs)
    return Extracted(
        title=header.title,
        authors=tuple(authors),
        source=_find_source(lines, authors, header),
        published=header.published,
        modified=header.modified,
        lead_image_caption=header.caption,
        paragraphs=paragraphs,
        body_html=_body_html(body, headings, header.caption),
        related=tuple(related),
        reading_time_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
    )


# --- 2. author blocks -------------------------------------------------------------------------------


def _author_blocks(lines: Sequence[Line]) -> list[tuple[Author, range]]:
    """Author cards: a name line, perhaps a short role line, then a bio that opens with the name."""
    found: list[tuple[Author, range]] = []
    for i, line in enumerate(lines):
        if not 2 <= line.words <= 5 or line.kind != SHORT or not _bio_follows(lines, i) or not is_name(line.text):
            continue
        j = i + 1
        role = None
        if j < len(lines) and lines[j].kind != PROSE and is_role(lines[j].text):
            role, j = lines[j].text, j + 1
        if j >= len(lines) or lines[j].kind not in (PROSE, NEAR):
            continue
        if _is_bio_of(line.text, lines[j].text):
            found.append((Author(line.text, role, lines[j].text), range(i, j + 1)))
    return found


def _bio_follows(lines: Sequence[Line], i: int) -> bool:
    """Cheap test first: one of the next two lines opens with the first or last word of line i."""
    tokens = lines[i].text.split()
    for j in (i + 1, i + 2):
        if j < len(lines) and lines[j].text.startswith((tokens[0] + " ", tokens[-1] + " ")):
            return True
    return False


def _is_bio_of(name: str, text: str) -> bool:
    tokens = name.split()
    for lead in (name, tokens[0], tokens[-1]):
        if text.startswith(lead + " ") and _BIO_START.match(text[len(lead) + 1 : len(lead) + 80]):
            return True
    return False


def _merge_authors(top: list[Author], cards: list[Author]) -> list[Author]:
    """Byline names first, completed by the author cards that name the same person; then other cards."""
    merged: list[Author] = []
    by_name = {card.name.lower(): card for card in cards}
    for author in top:
        card = by_name.pop(author.name.lower(), None)
        if card:
            author = Author(author.name, author.role or card.role, card.bio)
        merged.append(author)
    seen = {a.name.lower() for a in merged}
    for card in cards:
        if card.name.lower() in by_name and card.name.lower() not in seen:
            merged.append(card)
            seen.add(card.name.lower())
    return merged


def _attach_bios(authors: list[Author], body: list[Line], header: _Header) -> list[Author]:
    """A closing paragraph "Jane Doe is a reporter for ..." is the bio of the byline's author."""
    result = list(authors)
    for line in body[-3:]:
        for k, author in enumerate(result):
            if author.bio is None and _is_bio_of(author.name, line.text) and source_from_bio(line.text):
                result[k] = Author(author.name, author.role, line.text)
                header.used.add(line.index)
    return result


# --- 4. header --------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(_KEY_WORD.findall(text.lower()))


def _anchor_title(lines: Sequence[Line]) -> int:
    """The in-page headline when the page itself confirms it, else -1.

    Confirmation: the line has most words of the browser title on the first line ("Headline - Site"),
    or the same headline-like line stands twice within a few lines (a headline over its image, then the
    headline). Of several, the first one wins.
    """
    if len(lines) < 2:
        return -1
    headline, site = split_page_title(lines[0].text)
    browser = set(_key(headline).split())
    # With a site name the first line is surely the browser title; without, it may be a headline or a menu.
    cover, back = (0.75, 0.5) if site else (0.9, 0.9)
    # A bare first line of two or three words ("Local News") is a section label, not a headline.
    if len(browser) >= (2 if site else 4):
        for i in range(1, len(lines)):
            line = lines[i]
            if line.words < 2 or line.kind in (PROSE, NOISE, END, SOFT_END) or len(line.text) > 300:
                continue
            words = set(_key(line.text).split())
            shared = len(words & browser)
            if shared >= cover * len(browser) and shared >= back * len(words):
                return i
        if site:
            return -1  # the page names its headline, and it is not on the page: trust no look-alike
    recent: dict[str, int] = {}
    for i, line in enumerate(lines):
        if line.repeats != 2 or line.words < 5 or not _headline_like(line):
            continue
        key = _key(line.text)
        if key in recent and i - recent[key] <= 5 and _first_prose_after(lines, i) >= 0:
            return i
        recent[key] = i
    return -1


def _first_prose_after(lines: Sequence[Line], i: int, reach: int = 40) -> int:
    if i < 0:
        return -1
    for j in range(i + 1, min(len(lines), i + 1 + reach)):
        if lines[j].kind == PROSE:
            return j
        if lines[j].kind == END:
            return -1
    return -1


def _read_header(lines: Sequence[Line], start: int, end: int, anchor: int) -> _Header:
    header = _Header()
    title_index = anchor if 0 <= anchor < start else _find_title(lines, start)
    if title_index >= 0:
        header.title, header.title_index = lines[title_index].text, title_index
        if title_index == 0:
            header.title = split_page_title(lines[0].text)[0]
    elif lines[start].kind == SHORT and lines[start].words >= 3:
        header.title, header.title_index = lines[start].text, start
    if header.title_index >= 0:
        header.used.add(header.title_index)
    first = header.title_index + 1 if 0 <= header.title_index < start else start - 15
    first = max(0, first, start - _HEADER_REACH)
    # The byline, date and caption stand between the title and the first paragraphs of the story.
    stop = min(end, _nth_prose(lines, start, end, 2) + 1)
    dates: dict[str, str] = {}
    i = first
    while i < stop:
        line = lines[i]
        text = line.text
        if line.words <= 40:
            statement = date_statement(text)
            if statement:
                dates.setdefault(statement[0], statement[1])
                header.used.add(i)
        if _take_byline(lines, i, stop, header, dates):
            i += 1
            continue
        if header.caption is None and line.words >= 5 and is_credit(text):
            header.caption = tidy_caption(text)
            header.used.add(i)
        i += 1
    header.published = dates.get("published") or dates.get("date") or dates.get("updated")
    header.modified = dates.get("updated")
    return header


def _nth_prose(lines: Sequence[Line], start: int, end: int, n: int) -> int:
    seen = 0
    for i in range(start, end):
        if lines[i].kind == PROSE:
            seen += 1
            if seen == n:
                return i
    return end - 1


def _take_byline(lines: Sequence[Line], i: int, stop: int, header: _Header, dates: dict[str, str]) -> bool:
    line = lines[i]
    if header.authors or line.words > 25 or line.kind == PROSE:
        return False
    text = line.text
    low = text.lower()
    if low in {"by", "by:", "von", "por", "par", "автор:", "автор"} and i + 1 < stop:
        text = "By " + lines[i + 1].text
        header.used.add(i)
        i += 1
    elif not (starts_with_by(text) or _byline_context(lines, i, stop)):
        return False
    people = parse_byline(text)
    if not people:
        return False
    header.used.add(i)
    role_next = i + 1 < stop and is_role(lines[i + 1].text) and lines[i + 1].kind != PROSE
    for k, (name, role) in enumerate(people):
        if role is None and role_next and k == len(people) - 1:
            role = lines[i + 1].text
            header.used.add(i + 1)
        header.authors.append(Author(name, role))
    statement = date_statement(text)
    if statement is None and len(text) < 160:
        iso = parse_date(text)
        if iso:
            dates.setdefault("date", iso)
    return True


def _byline_context(lines: Sequence[Line], i: int, stop: int) -> bool:
    """A bare "Jane Doe" or "Jane Doe, Reuters" counts as a byline next to a date or role line."""
    text = lines[i].text
    if len(text) > 80 or lines[i].ends_sentence:
        return False
    head = text.split(",")[0].strip()
    if not is_name(head):
        return False
    if "," in text:
        return True
    for j in (i - 2, i - 1, i + 1, i + 2):
        if 0 <= j < len(lines) and j < stop + 2:
            near = lines[j].text
            if is_date_only(near) or date_statement(near) or is_role(near):
                return True
    return False


def _find_title(lines: Sequence[Line], start: int) -> int:
    """Index of the headline: a headline-like line before the story, best one repeated or in the page title."""
    page_title = lines[0].text.lower() if lines else ""
    lo = max(0, start - _HEADER_REACH)
    best, best_score = -1, 0.0
    for i in range(lo, start):
        line = lines[i]
        if not _headline_like(line):
            continue
        low = line.text.lower()
        score = 1.0 + (i - lo) / (start - lo + 1)
        if line.words >= 4:
            score += 1.0
        if line.repeats > 1:
            score += 2.0
        if i > 0 and len(low) >= 10 and low in page_title:
            score += 3.0
        if score > best_score:
            best, best_score = i, score
    if best < 0 and lines and _headline_like(lines[0]):
        return 0
    if best >= 0 and best_score < 2.0:
        return -1
    return best


def _headline_like(line: Line) -> bool:
    text = line.text
    if not 2 <= line.words <= 40 or len(text) > 300 or line.kind in (NOISE, END, SOFT_END):
        return False
    if text.endswith((".", ",", ";", ":")) and not text.endswith("..."):
        return False
    if is_date_only(text) or date_statement(text) or is_credit(text) or text.lower().startswith(("by ", "by:")):
        return False
    return not (line.words <= 6 and parse_byline(text))


# --- 5. the story ---------------------------------------------------------------------------------


def _clean_body(
    lines: Sequence[Line], start: int, end: int, header: _Header, authors: list[Author]
) -> tuple[list[Line], list[dict[str, str]]]:
    title = (header.title or "").lower()
    kept: list[Line] = []
    related: list[dict[str, str]] = []
    for line in lines[start:end]:
        text = line.text
        if line.index in header.used or line.kind in (NOISE, END, SOFT_END, NOTICE):
            continue
        if is_noise(text) or is_end_marker(text):
            continue
        if title and text.lower() == title:
            continue
        if line.kind == SHORT and line.repeats > 1:
            continue
        if line.words <= 60 and line.kind != PROSE and is_credit(text):
            continue
        if line.kind != PROSE and is_credit(text) and not line.ends_sentence:
            continue
        inline = _INLINE_RELATED.match(text) if len(text) < 220 else None
        if inline:
            related.append({"title": inline.group("title").strip(), "summary": ""})
            continue
        kept.append(line)
    kept, teasers = _split_teasers(lines, kept, end)
    return kept, teasers + related


def _split_teasers(lines: Sequence[Line], kept: list[Line], end: int) -> tuple[list[Line], list[dict[str, str]]]:
    """Teasers for other stories: a headline glued to a one-sentence summary, then a marker or the end."""
    blank_separated = sum(line.blank_before for line in kept) >= len(kept) * 0.6
    teasers: list[dict[str, str]] = []
    dropped: set[int] = set()
    for k in range(len(kept) - 1):
        head, summary = kept[k], kept[k + 1]
        if head.index in dropped or summary.index != head.index + 1 or summary.blank_before:
            continue
        if not (_headline_like(head) and head.words >= 4 and head.kind != PROSE):
            continue
        if not (summary.ends_sentence and summary.words <= 45):
            continue
        after = summary.index + 1
        closes = after >= end or after >= len(lines) or lines[after].kind in (NOISE, END, SOFT_END, SHORT, NOTICE)
        if not (closes and blank_separated):
            continue
        teasers.append({"title": head.text, "summary": summary.text})
        dropped.update((head.index, summary.index))
    return [line for line in kept if line.index not in dropped], teasers


def _headings(body: list[Line]) -> set[int]:
    marked: set[int] = set()
    for k, line in enumerate(body[:-1]):
        nxt = body[k + 1]
        if line.kind == SHORT and line.words <= 20 and not line.text.endswith((".", ",", ";")):
            if nxt.kind in (PROSE, NEAR):
                marked.add(line.index)
    return marked


def _body_html(body: list[Line], headings: set[int], caption: str | None) -> str:
    parts: list[str] = []
    if caption:
        parts.append(f"<figure><figcaption>{html.escape(caption)}</figcaption></figure>")
    for line in body:
        tag = "h2" if line.index in headings else "p"
        parts.append(f"<{tag}>{html.escape(line.text)}</{tag}>")
    return "\n".join(parts)


# --- 6. site name ---------------------------------------------------------------------------------


def _find_source(lines: Sequence[Line], authors: list[Author], header: _Header) -> str | None:
    for author in authors:
        if author.bio:
            name = source_from_bio(author.bio)
            if name:
                return name
    if lines:
        headline, site = split_page_title(lines[0].text)
        if site and header.title and (header.title_index == 0 or _similar(headline, header.title)):
            return site
    for line in reversed(lines[-60:]):
        if line.kind == END and len(line.text) < 200:
            name = source_from_copyright(line.text)
            if name:
                return name
    return None


def _similar(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return a == b or (len(b) >= 10 and b in a) or (len(a) >= 10 and a in b)
