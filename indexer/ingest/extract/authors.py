"""Which names a page gives as its story's authors, when JSON-LD, meta tags, byline markup and the story
itself disagree.

The rules, in order:
 - people named by the page's structured data (JSON-LD), else its author meta tags, else its byline
   markup; a news agency counts as a byline and stays beside the people;
 - the site's own name is not an author where the page names a person, and "the site" covers its
   sections and editions ("MDR THÜRINGEN" on mdr.de) and its domain ("mbl.is");
 - a byline that lists only the site is the site;
 - with no person named anywhere else, a labelled line ("Von: …", "By: …") or a first line of the
   story that is nothing but names ("Jane Doe/John Roe") is the byline, and leaves the story.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from indexer.model import Author

from .byline import MAX_NAME, is_agency, is_plausible_name, merge_author, names_from_byline, people_in, tidy
from .furniture import drop_blocks
from .textdate import dated_line

MAX_LABELLED = 200  # characters of a labelled byline line
MAX_BYLINE_PARAGRAPH = 90  # characters of a story's first or last line that can be a byline
SIGN_OFF_REACH = 2  # closing paragraphs looked at for a sign-off
MAX_UNSPACED_NAME = 10  # characters of a name in a script written without spaces
BYLINE_REACH = 3  # opening paragraphs looked at for such a line
_GENERIC = {"the", "der", "die", "das", "le", "la", "les", "el", "il", "lo", "de", "het", "o", "a", "los", "las"}
# Words of the short labels and places that open story bodies, in the languages bylines are written in.
_NOT_NAME_WORDS = frozenset(
    (
        "key points live updates update in brief summary overview highlights watch video photos gallery "
        "breaking news the of and new york city los angeles san las top read more das wichtigste kürze auf "
        "einen blick kurz und bündig lo más importante en resumen l'essentiel bref politik sport wirtschaft "
        "kultur panorama world business opinion analysis exclusive editorial mehr thema lesen sie auch weitere "
        "artikel related stories more"
    ).split()
)
_NEWSROOM = frozenset(
    (
        "online news digital redaktion redaction rédaction redacción redazione staff team desk newsroom plus "
        "tv radio nachrichten noticias actualité nyheter business politics sport sports tech science health "
        "entertainment travel style wire international"
    ).split()
)
_LABELS = ("Von:", "By:", "Por:", "Av:", "Af:", "Door:", "Par:", "Di:", "Autor:", "Autorin:", "Author:", "Text:")
_LABELLED_XPATH = etree.XPath(
    "//body//text()[" + " or ".join(f"starts-with(normalize-space(.), '{label}')" for label in _LABELS) + "]"
)
_SIGN = re.compile(r"^[a-zäöü]{2,4}$")  # an author's sign in lower case, as German newsrooms write them: "ssi"
_SENTENCE = re.compile(r"[^\W\d_]{2}[.!?](?:\s|$)|[!?]")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÞĀ-ſ\u0400-\u042f][\w'’.\-]*|[a-z]{1,3}|[A-ZÀ-Þ]\.)$")


def site_keys(names: Iterable[str | None], url: str | None) -> set[str]:
    """Keys under which the site names itself: its names and the main label of its host."""
    keys = {_key(n) for n in names if n}
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        host = None
    if host:
        labels = [p for p in host.lower().split(".") if p not in ("www", "m", "amp", "com", "co", "org", "net")]
        if labels:
            keys.add(_key(labels[0]))
    return keys - {""}


def is_site(name: str, sites: set[str]) -> bool:
    """The site itself, one of its sections or editions, or its domain: not a person."""
    key = _key(re.sub(r"\.[a-z]{2,}$", "", name.strip().casefold()))
    if not key or is_agency(name):
        return False
    first, *rest = key.split()
    # What may follow the site's name in its own byline: an edition in capitals ("MDR THÜRINGEN"), a
    # letter ("Ilanga D"), or a word for its newsroom ("Spiegel Online", "Post Staff").
    shown_rest = name.split()[1:]
    edition = (
        bool(rest)
        and len(rest) <= 2
        and (all(w.isupper() or len(w) == 1 for w in shown_rest) or all(w in _NEWSROOM for w in rest))
    )
    if all(w in _NEWSROOM for w in key.split()):
        return True  # "Redaktion", "Nachrichten", "News Desk": the newsroom, no person
    for site in sites:
        if key == site or key.replace(" ", "") == site.replace(" ", ""):
            return True
        lead = next((w for w in site.split() if w not in _GENERIC), "")
        if edition and len(lead) >= 3 and first == lead:
            return True
        if edition and len(first) >= 4 and " " not in site and site.startswith(first):
            return True  # "Sputnik International" on sputniknews.com
    return False


def choose_authors(groups: Sequence[tuple[Author, ...]], sites: set[str]) -> tuple[Author, ...]:
    """The first group (structured, meta, markup) that names someone other than the site, with details
    (a profile link, a job title) merged in from the others; the site when it is all any group names."""
    people = [tuple(a for a in group if not is_site(a.name, sites)) for group in groups]
    chosen = next((g for g in people if g), None)
    if chosen is None:
        return next((g for g in groups if g), ())
    extra = {a.name.casefold(): a for group in reversed(groups) for a in group}
    return tuple(merge_author(a, extra[a.name.casefold()]) if a.name.casefold() in extra else a for a in chosen)


def names_only_site(authors: Sequence[Author], sites: set[str]) -> bool:
    return all(is_site(a.name, sites) for a in authors)


def labelled_byline(root: HtmlElement) -> tuple[Author, ...]:
    """Names after a byline label ("Von:", "By:") in a short line of the page, outside page furniture."""
    for text in _LABELLED_XPATH(root)[:5]:
        parent = text.getparent()
        if parent is None or any(a.tag in ("nav", "footer", "aside", "form") for a in parent.iterancestors()):
            continue
        line = tidy(parent.text_content())
        if len(line) > MAX_LABELLED:
            continue
        # Profile links name one person each; the line's own text may join them without separators.
        links = [tidy(a.text_content()) for a in parent.iter("a")]
        names = [n for link in links for n, _ in names_from_byline(link)] if links else []
        found = [Author(n) for n in names] or people_in(line)
        if found:
            return tuple(found)
    return ()


def dateline_byline(root: HtmlElement, language: str | None) -> tuple[Author, ...]:
    """Names printed beside the story's date in one line ("Jane Doe | 05.04.2025"), set apart by a bar."""
    found = dated_line(root, language)
    if found is None:
        return ()
    holder = found[1].getparent()
    line = tidy(holder.text_content()) if holder is not None else ""
    if not line or len(line) > MAX_LABELLED:
        return ()
    people: list[Author] = []
    for part in re.split(r"\s*[|•·]\s*", line):
        part = part.strip(" |•·")
        if part and not re.search(r"\d", part):
            people += _names_line(part, None)
    return tuple(people)


def byline_paragraph(paragraphs: tuple[str, ...], title: str | None) -> tuple[int, tuple[Author, ...]]:
    """(index, people) of the first of the story's opening lines that is nothing but names ("Jane Doe/John
    Roe", "JANE DOE"): a byline set as a paragraph at the top of the story, below a standfirst perhaps."""
    for index, line in enumerate(paragraphs[:BYLINE_REACH]):
        found = _names_line(line.strip(), title)
        if found:
            return index, found
    return -1, ()


def _names_line(line: str, title: str | None) -> tuple[Author, ...]:
    if not line or len(line) > MAX_BYLINE_PARAGRAPH or (title and _key(line) == _key(title)):
        return ()
    if line.endswith((".", "!", "?", ":", ";")) and not re.search(r"\b[A-Z]\.$", line):
        return ()
    people = names_from_byline(line)
    if not people or any(role for _, role in people):
        return ()
    # Every name is two to four capitalised words and the names make up the whole line.
    for name, _ in people:
        words = name.split()
        if not 2 <= len(words) <= 4 or not all(_NAME_WORD.match(w) for w in words) or len(name) > MAX_NAME:
            return ()
        if any(w.casefold().strip(".") in _NOT_NAME_WORDS for w in words):
            return ()  # "Key Points", "Live Updates", "New York City": a label or a place
    covered = sum(len(_key(n)) for n, _ in people)
    if covered < 0.8 * len(_key(re.sub(r"^\s*(?:by|von|por|par|av|af|door)\s+", "", line, flags=re.I))):
        return ()
    return tuple(Author(n) for n, _ in people if is_plausible_name(n))


def byline_from_story(
    paragraphs: tuple[str, ...], body_html: str, authors: tuple[Author, ...], sites: set[str], title: str | None
) -> tuple[tuple[str, ...], str, tuple[Author, ...]]:
    """(paragraphs, body HTML, authors) with a first-line byline moved out of the story into the authors,
    when the page names no person elsewhere."""
    if authors and not names_only_site(authors, sites):
        return paragraphs, body_html, authors
    index, found = byline_paragraph(paragraphs, title)
    if not found or names_only_site(found, sites):
        index, found = sign_off(paragraphs, sites)
        if not found:
            return paragraphs, body_html, authors
    kept = paragraphs[:index] + paragraphs[index + 1 :]
    return kept, drop_blocks(body_html, [paragraphs[index]]), found


def sign_off(paragraphs: tuple[str, ...], sites: set[str]) -> tuple[int, tuple[Author, ...]]:
    """(index, people) of a byline set as one of the story's last lines: "IN-Redaktion", "Site / Agency",
    or the authors' short signs before the picture credit ("ssi, dan; Foto: …")."""
    for index in range(len(paragraphs) - 1, max(len(paragraphs) - 1 - SIGN_OFF_REACH, 0), -1):
        line = paragraphs[index].strip()
        head = line.split(";")[0].strip()
        if len(line) > MAX_BYLINE_PARAGRAPH or not head or _SENTENCE.search(head) or re.search(r"\d", head):
            continue
        pieces = [p.strip() for p in re.split(r"\s*[,/&|]\s*", head) if p.strip()]
        if pieces and all(_SIGN.match(p) for p in pieces):
            return index, tuple(Author(p) for p in pieces)  # a list of authors' signs
        people = [Author(n) for n, role in names_from_byline(head) if role is None and _reads_as_name(n)]
        covered = sum(len(_key(a.name)) for a in people)
        if people and covered >= 0.8 * len(_key(head)):
            named = tuple(a for a in people if not is_site(a.name, sites))
            if named:
                return index, named
    return -1, ()


def _reads_as_name(name: str) -> bool:
    """Capitalised words, as names are written ("Última Hora", "IN-Redaktion"), or a short name in a script
    written without spaces; not a phrase of the story's language."""
    words = name.split()
    if len(words) == 1 and not re.search(r"[A-Za-z\u00c0-\u024f\u0400-\u04ff]", name):
        return len(name) <= MAX_UNSPACED_NAME and not re.search(r"[\W_]", name)
    if any(w.casefold().strip(".") in _NOT_NAME_WORDS for w in words):
        return False  # "Mehr zum Thema", "Read more": a label
    return len(words) <= 4 and all(_NAME_WORD.match(w) for w in words)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold()).split())
