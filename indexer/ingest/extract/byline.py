"""Author names as HTML pages state them: cleaning raw byline strings and reading byline markup.

Structured data (JSON-LD, meta tags) usually names people one by one; byline markup holds a
sentence such as "By Jane Doe and John Roe, Staff Writers | Updated 5 March". Both end here,
as `Author` records with what the page says about each person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement

from indexer.model import Author

from .tree import enclosing

MAX_NAME = 80
BYLINE_LEVELS = 3  # levels up from the first byline element within which other byline elements belong to it

_WS = re.compile(r"\s+")
_BY = re.compile(
    r"^\s*(?:(?:written|posted|published|reported|reporting|story|text|words|photos?|analysis|commentary|opinion|"
    r"review|interview|column|essay|video|skrevet|tekst)\s+)?"
    r"(?:by|von|par|por|di|door|av|af|przez)\b[\s:]*",
    re.I,
)
_AUTHOR_LABEL = re.compile(
    r"^\s*(?:authors?|autor(?:in|en|es|a)?|auteurs?|autore|автор|автори|writer|reporter|text|texte|testo|texto|"
    r"tekst|текст|yazar|muhabir|redacción)\s*[:：]\s*",
    re.I,
)
# Where a byline sentence stops naming people: a date, "Updated", a pipe, a bullet.
_CUT = re.compile(
    r"\s(?:[|•·]|[-–—]\s|updated\b|published\b|posted\b|last\s+modified\b|on\s+\w+\s+\d)"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b\d{4}-\d{2}-\d{2}|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
    r"|\s\d+\s*(?:min|mins|minute|minutes|minuten|minuto|minutos|dakika|分)\b"
    # A weekday opening the date, even glued to the name by markup without a space ("Jeff FoustMonday").
    r"|(?:(?<=\s)|(?<=[a-z]))(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Montag|Dienstag|Mittwoch|"
    r"Donnerstag|Freitag|Samstag|Sonntag)\b",
    re.I,
)
# "and" in the languages bylines are written in; a slash between two names too.
# The one-letter words ("y", "e", "i") only in lower case and without a full stop: "Sarah E. Needleman" and
# "Bruce Y. Lee" write a middle initial.
_SPLIT = re.compile(
    r"\s*(,|;|&|/|(?<=[^\W\d_]{3})\.(?=\s+[^\W\d_])|\band\b|\bund\b|\bet\b|(?-i:\b[yeiиі]\b)(?!\.)|\bog\b|\boch\b|\bja\b|\bés\b|\bve\b|\bsi\b|"
    r"\bși\b|\bта\b|\bκαι\b)\s*",
    re.I,
)
# News agencies are bylines of their own, written as the agency writes itself ("dpa" is lower case).
AGENCIES = frozenset(
    "dpa afp ap apa sda ats ansa efe epd kna dts ddp sid reuters ntb tt anp belga ritzau pap čtk ctk mti tass "
    "ria interfax ukrinform xinhua kyodo jiji yonhap aa iha dha bernama pti ians ani upi aap cp lusa stt "
    "europa press".split()
) | {"europa press", "associated press", "agence france-presse", "press association", "pa", "dpa-afx", "kap"}
_LONG_AGENCIES = tuple(a for a in AGENCIES if " " in a)
# Photo credits beside a byline: "(Image: Jane Roe)", "Foto: Jane Roe".
_CREDIT = re.compile(
    r"[\(\[]\s*(?:images?|photos?|pictures?|fotos?|bild(?:er)?|imagen|kuva|billede|bilde|fotó|credit)\s*:[^)\]]*[\)\]]",
    re.I,
)
_CREDIT_LINE = re.compile(
    r"^\s*(?:images?|photos?|pictures?|fotos?|bild(?:er)?|imagen|kuva|billede|bilde|fotó|credit|quelle|source)\s*:",
    re.I,
)
_BRACKETED = re.compile(r"\s*[\(\[]\s*([^\W\d_][^\W\d]{0,11})\s*[\)\]]\s*$")
# Words of picture credits ("Getty Images", "AP Photo", "Foto: Imago"): never a byline's person.
_CREDIT_WORDS = frozenset(
    "image images photo photos foto fotos picture pictures bild bilder getty shutterstock imago alamy istock "
    "istockphoto keystone epa-efe credit credits".split()
)
_SOCIAL = frozenset(
    "twitter facebook x linkedin instagram whatsapp email e-mail mail share teilen follow folgen copy link print "
    "drucken telegram reddit pinterest tiktok youtube threads bluesky mastodon rss xing flipboard messenger".split()
)
_URL = re.compile(r"^(?:https?:|www\.|//)|\.(?:com|org|net|co\.uk)\b", re.I)
_NOT_A_NAME = re.compile(
    r"^(?:staff|staff writers?|staff reporters?|editorial(?: staff| board| team)?|editors?|admin|administrator|"
    r"updated|published|posted|by|anonymous|unknown|guest|contributors?|news ?desk|web ?desk|the|more|"
    r"follow|share|email|e-mail|twitter|facebook|view all posts|read more|see all|all posts|comments?|"
    r"about the authors?|about us|contact|more|more from \w+)$",
    re.I,
)
# A trailing role after a comma: "Jane Doe, Staff Writer" keeps "Staff Writer" as the role.
_ROLE_WORDS = re.compile(
    r"\b(?:writer|reporter|editor|correspondent|columnist|contributor|critic|producer|analyst|journalist|"
    r"photographer|chief|director|head|senior|staff|special|intern|fellow|professor|author|host)\b",
    re.I,
)
_CREDENTIALS = frozenset(
    "md ms msc ma ba bsc mba phd dphil rd rdn rn lpn np mph mpa jd llm esq dds dmd dvm cpa cfa lcsw pharmd".split()
)
# Digits are never part of a name: dates, times, "3 Min" reading times.
_DATEISH = re.compile(r"\d|\b(?:am|pm|ago)\b", re.I)


def tidy(text: str | None) -> str:
    """Whitespace collapsed and trimmed."""
    return _WS.sub(" ", text or "").strip()


def is_agency(text: str) -> bool:
    return text.strip(" .").casefold() in AGENCIES


def is_plausible_name(text: str) -> bool:
    """A person's or organisation's name, not a date, URL, label, social button or sentence."""
    if is_agency(text):
        return True
    if not 2 <= len(text) <= MAX_NAME or _URL.search(text) or _DATEISH.search(text):
        return False
    words = [w.strip(".:,") for w in text.casefold().split()]
    if _NOT_A_NAME.match(text.strip(" .:")) or all(w in _SOCIAL for w in words) or _CREDIT_WORDS.intersection(words):
        return False
    # A colon or a possessive belongs to a headline or a sentence ("Jane Doe Trump's visit: tickets").
    if len(text.split()) > 6 or text.endswith(("!", "?")) or ":" in text or re.search(r"\w['’]s\b", text):
        return False
    # Lower-case first letters are not names, but for a site that writes its name as a domain ("mbl.is");
    # scripts without case (CJK, Arabic) pass.
    domain = re.fullmatch(r"[a-z0-9][\w\-]*(?:\.[a-z]{2,})+", text) is not None
    return any(ch.isalpha() for ch in text) and (not text[0].islower() or domain)


def names_from_byline(raw: str) -> list[tuple[str, str | None]]:
    """[(name, role)] from a byline string: "By Jane Doe and John Roe", "Jane Doe, Staff Writer"."""
    text = tidy(raw)
    if not text or len(text) > 300 or _CREDIT_LINE.match(text):
        return []
    text = _AUTHOR_LABEL.sub("", _BY.sub("", _CREDIT.sub("", text)))
    # "Jane Doe (with John Roe)" names two people; "Jane Doe (https://...)" is handled by the caller.
    text = re.sub(r"\s*\((?:avec|with|mit|con|com)\s+([^)]*)\)", r", \1", text, flags=re.I)
    cut = _CUT.search(text)
    if cut:
        text = text[: cut.start()]
    text = text.strip(" :|•·-–—,")
    people: list[tuple[str, str | None]] = []
    pieces = _SPLIT.split(text)
    words = [p.strip(" .:|•·-–—") for p in pieces[::2]]
    if len(words) == 2 and pieces[1] == "," and all(len(w.split()) == 1 and not is_agency(w) for w in words):
        # "Jane, Doe" (or "Jane, . Doe" with a lost middle initial) is one person, not two.
        pieces = [f"{words[0]} {words[1]}"]
    # pieces alternate: text, separator, text, ...; after a role, only "and" introduces another person.
    after_role = False
    agencies: list[str] = []
    for index in range(0, len(pieces), 2):
        part = _BY.sub("", pieces[index] or "").strip(" :|•·-–—")
        part = part.lstrip(".,; ")
        joiner = (pieces[index - 1] or "").strip().lower() if index else ""
        bracketed = _BRACKETED.search(part)
        if bracketed:
            # "Jane Doe (jd)": initials in brackets go; a bracketed agency ("(dpa)") is a byline of its own.
            part = part[: bracketed.start()].rstrip()
            if is_agency(bracketed.group(1)) and part:
                agencies.append(bracketed.group(1))
        for agency in _LONG_AGENCIES:
            if part.casefold().endswith(" " + agency) and len(part[: -len(agency)].split()) >= 2:
                # "Jane Roe Associated Press": the agency the person writes for, shown after the name.
                agencies.append(part[-len(agency) :])
                part = part[: -len(agency)].rstrip()
                break
        if part.endswith(".") and not re.search(r"\b[A-Z]\.$", part):
            part = part[:-1].rstrip()
        if not part:
            continue
        if after_role and joiner in (",", ";") and not is_agency(part):
            continue
        if people and joiner in (",", ";") and part.replace(".", "").casefold() in _CREDENTIALS:
            name, role = people[-1]  # "Jane Doe, MS, RDN": degrees and titles after the name
            people[-1] = (name, f"{role}, {part}" if role else part)
            continue
        if people and joiner in (",", ";") and _is_place(part):
            continue  # the dateline: "AFP, MANILA"
        if people and _ROLE_WORDS.search(part) and people[-1][1] is None:
            people[-1] = (people[-1][0], part)
            after_role = True
        elif is_plausible_name(part):
            people.append((part, None))
            after_role = False
    people += [(a, None) for a in agencies if a.casefold() not in {n.casefold() for n, _ in people}]
    return people


def _is_place(text: str) -> bool:
    """A dateline's place after a byline: one word in capitals ("MANILA"), not an agency."""
    return len(text.split()) == 1 and text.isupper() and len(text) >= 3 and not is_agency(text)


def clean_authors(authors: Iterable[Author]) -> tuple[Author, ...]:
    """Authors with "By " and stray punctuation removed, non-names dropped, duplicates merged in order."""
    kept: dict[str, Author] = {}
    for author in authors:
        for person in people_in(author.name, author.url):
            key = person.name.casefold()
            found = Author(person.name, author.role or person.role, author.bio, person.url)
            if key in kept:
                kept[key] = merge_author(kept[key], found)
            else:
                kept[key] = found
    names = list(kept)
    # "Kevin McCoy USA TODAY" beside "Kevin McCoy": the same person with the publication glued on.
    return tuple(a for key, a in kept.items() if not any(_extends(key, other) for other in names))


def _extends(name: str, other: str) -> bool:
    """`name` is `other`, a person's full name, with more words after it."""
    if name == other or len(other.split()) < 2 or not name.startswith(other):
        return False
    return not name[len(other)].isalpha() or is_agency(name[len(other) :])


def merge_author(first: Author, other: Author) -> Author:
    """One record from two mentions of the same person; the first one's values win."""
    return Author(first.name, first.role or other.role, first.bio or other.bio, first.url or other.url)


# Compiled once; `contains(@class, "yline")` also catches "Byline" without translate(), which
# costs a string copy per element on every page.
_BYLINE_XPATH = etree.XPath(
    "//*[@itemprop='author' or @rel='author' or contains(@class, 'yline') or contains(@class, 'YLINE')"
    " or contains(@class, 'author') or contains(@id, 'byline')"
    " or @data-testid='byline'][not(ancestor::*[@itemprop='author'])]"
)
_SKIP_CLASS = re.compile(r"comment|avatar|related|bio\b|about|recirc|footer|nav|share|social|photo|img", re.I)


def authors_from_markup(root: HtmlElement) -> tuple[Author, ...]:
    """People named by byline markup: itemprop=author, rel=author links, .byline/.author, <address>."""
    found: list[Author] = []
    region: HtmlElement | None = None
    for element in _BYLINE_XPATH(root):
        if element.tag in ("meta", "link", "script", "style", "body", "html", "article", "main", "img", "figure"):
            continue
        if _SKIP_CLASS.search(element.get("class") or "") and element.get("itemprop") != "author":
            continue
        # Microdata that names the author is believed even in a sidebar; class names there are other stories'.
        stated = element.get("itemprop") == "author"
        if any(_in_chrome(a) and not (stated and a.tag == "aside") for a in element.iterancestors()):
            continue
        people = _authors_in(element)
        if people and region is None:
            region = _byline_region(element)
        elif people and region is not None and not any(a is region for a in element.iterancestors()):
            continue  # a byline elsewhere on the page: a teaser's, another story's
        found.extend(people)
        if len(found) >= 8:
            break
    if not found:
        for address in root.iter("address"):
            if not any(_in_chrome(a) for a in address.iterancestors()):
                found.extend(_authors_in(address))
    return clean_authors(found)


def _byline_region(element: HtmlElement) -> HtmlElement:
    """The block around the first byline found: the story's header, where its other byline parts are."""
    return enclosing(element, BYLINE_LEVELS)


_CHROME_CLASS = re.compile(
    r"^(?:comments?|related|recirc\w*|sidebar|footer|teaser|promo|newsletter|more-stories|most-popular)(?:[-_]|$)", re.I
)


def _in_chrome(element: HtmlElement) -> bool:
    """Inside page furniture (footer, sidebar, comments, teasers), where author names are not this story's."""
    if element.tag in ("footer", "nav", "aside"):
        return True
    if element.tag == "li" and element.find(".//*[@href]") is not None and _has_heading(element):
        return True  # a teaser card in a list of other stories
    if element.tag in ("body", "html"):
        return False
    marks = f"{element.get('class') or ''} {element.get('id') or ''}".split()
    return any(_CHROME_CLASS.match(mark) for mark in marks)


def _has_heading(element: HtmlElement) -> bool:
    return any(True for _ in element.iter("h1", "h2", "h3", "h4"))


_PROFILE_IN_PARENS = re.compile(r"\s*\((https?://[^)\s]+)\)")


def _authors_in(element: HtmlElement) -> list[Author]:
    names = element.xpath(".//*[@itemprop='name']")
    if names:
        text = tidy(names[0].get("content") or names[0].text_content())
    else:
        text = tidy(element.get("content") or _spaced_text(element))
        if len(text) > 150:  # an author box with a biography, not a byline
            return []
    link = element if element.tag == "a" else next(iter(element.iter("a")), None)
    url = link.get("href") if link is not None else None
    return people_in(text, url)


_BLOCKS = frozenset("div p li ul ol dl dt dd br h1 h2 h3 h4 h5 h6 section header footer address table tr td".split())


def _spaced_text(element: HtmlElement) -> str:
    """The element's text with a space where a block starts or ends: "JANE ROE<div>Associated Press</div>"
    reads as two parts, as the reader sees them."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        block = node is not element and node.tag in _BLOCKS
        if block:
            parts.append(" ")
        if node.text and node.tag not in ("script", "style"):
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            elif child.tail:
                parts.append(child.tail)
        if block:
            parts.append(" ")
        if node is not element and node.tail:
            parts.append(node.tail)

    walk(element)
    return "".join(parts)


def people_in(text: str, url: str | None = None) -> list[Author]:
    """Authors in one byline string; a lone person gets `url` (or a URL in parentheses) as profile."""
    stated = _PROFILE_IN_PARENS.search(text)
    if stated:
        text, url = _PROFILE_IN_PARENS.sub("", text), stated.group(1)
    people = names_from_byline(text)
    if len(people) == 1 and url and not url.startswith(("mailto:", "javascript:", "#")):
        return [Author(people[0][0], people[0][1], None, url)]
    return [Author(name, role) for name, role in people]
