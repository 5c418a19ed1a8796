"""Dates in a page's markup, and the one normal form they take here: ISO 8601, date or date and time.

`published_date` and `modified_date` read what the page states about itself (JSON-LD, meta tags,
microdata, <time> elements, the date line by the headline; htmldate on the <head> as a last resort),
never the story text.
`normalise_date` turns the forms pages use (ISO variants, Unix stamps, RFC 2822, "March 5, 2021")
into ISO 8601, and answers None for anything it is unsure of or that lies outside 1990..next year.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from lxml.html import HtmlElement

from .byline import tidy
from .textdate import visible_date

PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.issued",
    "dcterms.created",
    "dc.date.created",
    "date",
    "citation_publication_date",
    "article.published",
    "og:published_time",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "article:modified",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "article.updated",
)


def published_date(
    root: HtmlElement, meta: dict[str, list[str]], article: dict, url: str | None, language: str | None = None
) -> str | None:
    """When the page says it was published: JSON-LD, meta tags, microdata, <time>, the date printed by the
    headline or byline (in the page's language), then htmldate on the head."""
    found = (
        _date_from(article.get("datePublished"))
        or _date_from(article.get("dateCreated"))
        or _date_from(article.get("uploadDate"))
        or _first_date(meta, PUBLISHED_META)
        or _microdata_date(root, "datePublished")
        or _time_element_date(root)
        or visible_date(root, language)
    )
    return found or _htmldate_head(root, url)


def modified_date(root: HtmlElement, meta: dict[str, list[str]], article: dict) -> str | None:
    """When the page says it was last changed: JSON-LD, meta tags, microdata."""
    return (
        _date_from(article.get("dateModified"))
        or _first_date(meta, MODIFIED_META)
        or _microdata_date(root, "dateModified")
    )


def _date_from(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return normalise_date(value) if isinstance(value, (str, int)) else None


def _first_date(meta: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        for value in meta.get(key, ()):
            found = normalise_date(value)
            if found:
                return found
    return None


def _microdata_date(root: HtmlElement, prop: str) -> str | None:
    for element in root.xpath(f"//*[@itemprop='{prop}']"):
        found = normalise_date(element.get("content") or element.get("datetime") or element.text_content())
        if found:
            return found
    return None


def _time_element_date(root: HtmlElement) -> str | None:
    """A <time datetime> marked as the publication time, or the first one in the article's header."""
    paths = (
        "//time[@pubdate or contains(@class, 'publish') or contains(@class, 'posted')][@datetime]",
        "//article//header//time[@datetime]",
        "//header//time[@datetime]",
        "//article//time[@datetime][not(ancestor::aside or ancestor::footer or ancestor::li)]",
    )
    for path in paths:
        for element in root.xpath(path)[:3]:
            found = normalise_date(element.get("datetime"))
            if found:
                return found
    return None


def _htmldate_head(root: HtmlElement, url: str | None) -> str | None:
    """htmldate on the <head> alone (and the URL): its non-extensive search would still read the story."""
    head = root.find("head")
    if head is None:
        return None
    try:
        from htmldate import find_date
        from lxml.html import Element

        shell = Element("html")
        shell.append(_copy(head))
        found = find_date(shell, url=url, original_date=True, extensive_search=False)
    except Exception:  # htmldate is a heuristic helper; a failure there means "no date"
        return None
    return normalise_date(found) if found else None


def _copy(element: HtmlElement) -> HtmlElement:
    from copy import deepcopy

    return deepcopy(element)


_ISO = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s](\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?",
    re.I,
)
_TEXT_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b. %d, %Y", "%Y/%m/%d", "%d.%m.%Y")


def normalise_date(value: str | int | None) -> str | None:
    """ISO 8601 ("2019-11-18" or "2019-11-18T10:05:00+01:00") from the forms pages use; None if unsure."""
    if value is None:
        return None
    text = tidy(str(value))
    if re.fullmatch(r"\d{10}(?:\d{3})?", text):
        stamp = int(text[:10])
        return _checked(datetime.fromtimestamp(stamp, tz=timezone.utc), True)
    match = _ISO.match(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            when = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        except ValueError:
            return None
        if zone:
            when = when.replace(tzinfo=_zone(zone))
        return _checked(when, hour is not None)
    try:
        return _checked(parsedate_to_datetime(text), True)
    except (TypeError, ValueError, IndexError):
        pass
    for form in _TEXT_FORMATS:
        try:
            return _checked(datetime.strptime(text, form), False)
        except ValueError:
            continue
    return None


def _zone(zone: str) -> timezone:
    if zone.upper() in ("Z", "UTC", "GMT"):
        return timezone.utc
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _checked(when: datetime, has_time: bool) -> str | None:
    if not 1990 <= when.year <= datetime.now().year + 1:
        return None
    if not has_time:
        return when.date().isoformat()
    return when.isoformat(timespec="seconds")
