"""Structured metadata of an HTML page: JSON-LD, OpenGraph and other meta tags, microdata, byline markup.

`read_metadata` looks in that order of trust. What the page states about itself wins over what
its markup suggests; nothing here reads the story text, so a date mentioned in the story never
becomes the publication date.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from indexer.model import Author

from .authors import choose_authors, dateline_byline, labelled_byline, names_only_site, site_keys
from .byline import authors_from_markup, clean_authors, tidy
from .dates import modified_date, published_date
from .dates import normalise_date as normalise_date  # re-exported: callers import it from here
from .sitename import strip_site_name as strip_site_name  # re-exported for callers of this module
from .title import clean_title, same_headline, visible_headline

ARTICLE_TYPES = (
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "LiveBlogPosting",
    "Article",
    "BlogPosting",
    "SocialMediaPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
    "Review",
)
PAGE_TYPES = ("WebPage", "ItemPage", "AboutPage", "CollectionPage", "VideoObject")
MAX_JSON_LD = 2_000_000  # characters; a larger block is an app state dump, not page metadata
MAX_OBJECTS = 400

AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
)
SOURCE_META = ("og:site_name", "application-name", "dc.publisher", "dcterms.publisher", "apple-mobile-web-app-title")
TITLE_META = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title")

_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class PageMetadata:
    """What a page says about itself, before its body is read."""

    title: str | None = None
    authors: tuple[Author, ...] = ()
    source: str | None = None
    url: str | None = None
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    lead_image: str | None = None
    lead_image_caption: str | None = None
    description: str | None = None
    article_body: str | None = None  # JSON-LD articleBody, when the page carries one
    reading_time_minutes: int | None = None  # as the page states it
    sites: frozenset[str] = frozenset()  # keys under which the site names itself (authors.site_keys)


def read_metadata(root: HtmlElement, url: str | None = None) -> PageMetadata:
    """Metadata of a parsed page; `url` is where the page came from, used to resolve relative links."""
    objects = list(_json_ld_objects(root))
    ids = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    article = _first_of(objects, ARTICLE_TYPES) or _first_of(objects, PAGE_TYPES) or {}
    website = _first_of(objects, ("WebSite",)) or {}
    meta = _meta_values(root)

    source = (
        _first(meta, SOURCE_META[:1])
        or _name_of(_resolve(article.get("publisher"), ids))
        or _first(meta, SOURCE_META[1:])
        or _name_of(website)
    )
    page_url = _page_url(root, meta, article, url)
    title, suffix = _title(root, meta, article, source, page_url)
    title = _headline(root, meta, article, source, page_url, title)
    image, caption = _lead_image(root, meta, article, ids)
    names = [source, _name_of(_resolve(article.get("publisher"), ids)), _name_of(website)]
    names += [v for key in SOURCE_META for v in meta.get(key, ())]
    sites = frozenset(site_keys(names, page_url or url))
    language = _language(root, meta, article)
    return PageMetadata(
        title=title or None,
        authors=_authors(root, meta, article, ids, sites, language),
        source=source or suffix,
        url=page_url,
        published=published_date(root, meta, article, url or page_url, language),
        modified=modified_date(root, meta, article),
        language=language,
        lead_image=image,
        lead_image_caption=caption,
        description=_first(meta, ("og:description", "description")) or _text_value(article.get("description")),
        article_body=_text_value(article.get("articleBody")),
        reading_time_minutes=_reading_time(meta, article),
        sites=sites,
    )


def _reading_time(meta: dict[str, list[str]], article: dict) -> int | None:
    """Minutes of reading the page states: JSON-LD timeRequired ("PT4M") or a "reading time" label pair."""
    required = article.get("timeRequired")
    if isinstance(required, str):
        match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", required.strip(), re.I)
        if match and any(match.groups()):
            return int(match.group(1) or 0) * 60 + int(match.group(2) or 0) or None
    for n in "12345":
        label = " ".join(meta.get(f"twitter:label{n}", ())).lower()
        if "reading time" in label or "read time" in label:
            match = re.search(r"\d+", " ".join(meta.get(f"twitter:data{n}", ())))
            return int(match.group(0)) if match else None
    return None


def _title(
    root: HtmlElement, meta: dict[str, list[str]], article: dict, source: str | None, url: str | None
) -> tuple[str | None, str | None]:
    """(headline, site name found beside it): the first of og:title, JSON-LD headline, other title meta
    and <h1> that agrees with <title>; otherwise <title> itself, whose site-name part is removed."""
    page_title = _first_text(root, "//head/title") or _first_text(root, "//title")
    candidates = [_first(meta, TITLE_META[:1]), _text_value(article.get("headline"))]
    candidates += [_first(meta, (key,)) for key in TITLE_META[1:]]
    candidates += [tidy(h.text_content()).rstrip("¶#§ ") for h in root.xpath("//h1")[:3]]
    site = _ALNUM.sub("", (source or "").casefold())
    usable = [c for c in candidates if c and _ALNUM.sub("", c.casefold()) not in ("", site)]
    chosen = page_title
    if page_title and _ALNUM.sub("", page_title.casefold()) not in ("", site):
        whole = _ALNUM.sub("", page_title.casefold())
        for candidate in usable:
            # A headline leads the <title> or fills most of it; a site name in an <h1> does neither.
            part = _ALNUM.sub("", candidate.casefold())
            if part in whole and (whole.startswith(part) or len(part) >= 0.6 * len(whole)):
                chosen = candidate
                break
    elif usable:
        chosen = usable[0]
    if not chosen:
        return None, None
    title, suffix = strip_site_name(chosen, source, url)
    if chosen != page_title and page_title and not suffix:
        suffix = strip_site_name(page_title, source, url)[1]
    return title, suffix


def _headline(
    root: HtmlElement,
    meta: dict[str, list[str]],
    article: dict,
    source: str | None,
    url: str | None,
    fallback: str | None,
) -> str | None:
    """The visible headline when the page shows one (see title.py), else the metadata title.

    A page that states one headline in both its OpenGraph title and its JSON-LD headline is taken at its
    word when the heading found is neither: that heading is then a breadcrumb's shortening, a kicker's
    remainder or a teaser line (the Twitter title or <title> saying the same does not outweigh the two)."""
    page_title = _first_text(root, "//head/title") or _first_text(root, "//title")
    social, structured = _first(meta, TITLE_META[:1]), _text_value(article.get("headline"))
    raw = [social, structured] + [_first(meta, (key,)) for key in TITLE_META[1:]] + [page_title]
    candidates = [strip_site_name(c, source, url)[0] for c in raw if c]
    shown = visible_headline(root, candidates, source)
    shown = clean_title(strip_site_name(shown, source, url, guess=False)[0]) if shown else None
    stated = [clean_title(strip_site_name(c, source, url, guess=False)[0]) for c in raw if c]
    declared = stated[0] if social and structured and same_headline(stated[0], stated[1]) else None
    if shown and (declared is None or any(same_headline(shown, t) for t in stated[:2] + candidates[:2])):
        return shown
    return declared or clean_title(fallback) or None


# --- JSON-LD ---------------------------------------------------------------------------------------


def _json_ld_objects(root: HtmlElement) -> Iterator[dict]:
    """Every typed object in the page's JSON-LD blocks, @graph members and nested objects included."""
    count = 0
    for script in root.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"):
        text = script.text or ""
        if not text.strip() or len(text) > MAX_JSON_LD:
            continue
        data = _load_json(text)
        if data is None:
            continue
        stack: list[Any] = [data]
        while stack and count < MAX_OBJECTS:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[0:0] = item
            elif isinstance(item, dict):
                if "@type" in item:
                    count += 1
                    yield item
                stack.extend(v for v in item.values() if isinstance(v, (dict, list)))


def _load_json(text: str) -> Any:
    """JSON as pages write it: sometimes wrapped in CDATA, with trailing commas or a closing semicolon."""
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text.strip()).strip().rstrip(";")
    for attempt in (text, re.sub(r",\s*([}\]])", r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
    return None


def _types(obj: dict) -> list[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _first_of(objects: list[dict], wanted: tuple[str, ...]) -> dict | None:
    best: tuple[int, dict] | None = None
    for obj in objects:
        for kind in _types(obj):
            if kind in wanted and (best is None or wanted.index(kind) < best[0]):
                best = (wanted.index(kind), obj)
    return best[1] if best else None


def _resolve(value: Any, ids: dict[str, dict]) -> Any:
    """A {"@id": ...} reference replaced by the object it names in the @graph."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in ids:
        return ids[value["@id"]]
    return value


def _text_value(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, (int, float)):
        return None
    if not isinstance(value, str) or not value.strip():
        return None
    # Publishing systems often write JSON-LD strings with HTML character references ("Kohberger&#8217;s"),
    # and some encode them to UTF-8 twice ("Ã\x9cbergewicht" for "Übergewicht").
    return tidy(_utf8_once(html.unescape(value) if "&" in value else value)) or None


# A UTF-8 lead byte read as Latin-1/Windows-1252, followed by a continuation byte read the same way.
_DOUBLE_UTF8 = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def _utf8_once(text: str) -> str:
    """`text` with a second UTF-8 encoding undone, when every character allows it."""
    if not _DOUBLE_UTF8.search(text):
        return text
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


def _name_of(obj: Any) -> str | None:
    if isinstance(obj, list):
        obj = obj[0] if obj else None
    if isinstance(obj, dict):
        return _text_value(obj.get("name"))
    return _text_value(obj)


def _url_value(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


# --- meta tags and markup -------------------------------------------------------------------------


def _meta_values(root: HtmlElement) -> dict[str, list[str]]:
    """meta content by lower-cased name/property/itemprop, in page order; space-separated properties split."""
    found: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        content = tidy(element.get("content"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            for key in (element.get(attr) or "").lower().split():
                found.setdefault(key, []).append(content)
    return found


def _first(meta: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        for value in meta.get(key, ()):
            if value:
                return value
    return None


def _first_text(root: HtmlElement, xpath: str) -> str | None:
    for element in root.xpath(xpath):
        text = tidy(element.text_content())
        if text:
            return text
    return None


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    try:  # a malformed address ("http://[x/") makes urllib raise; it is simply not a URL
        if base:
            link = urljoin(base, link)
        parts = urlsplit(link)
    except ValueError:
        return None
    return link if parts.scheme in ("http", "https") and parts.netloc else None


def _page_url(root: HtmlElement, meta: dict[str, list[str]], article: dict, url: str | None) -> str | None:
    canonical = root.xpath(
        "//link[contains(concat(' ', translate(@rel, 'CANONICAL', 'canonical'), ' '), ' canonical ')]"
    )
    candidates = [c.get("href") for c in canonical]
    candidates += [
        _first(meta, ("og:url",)),
        _url_value(article.get("mainEntityOfPage")),
        _url_value(article.get("url")),
    ]
    for candidate in candidates:
        found = _absolute(tidy(candidate), url)
        if found:
            return found
    return None


def _language(root: HtmlElement, meta: dict[str, list[str]], article: dict) -> str | None:
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += [_first(meta, ("og:locale", "content-language", "language", "dc.language"))]
    candidates += [_text_value(article.get("inLanguage"))]
    for candidate in candidates:
        found = normalise_language(candidate)
        if found:
            return found
    return None


def normalise_language(value: str | None) -> str | None:
    """BCP 47 casing: "en_US" → "en-US", "UK" → "uk", "zh-hans-cn" → "zh-Hans-CN"; None when not a tag."""
    if not value:
        return None
    parts = re.split(r"[-_]", value.strip().split(",")[0].split(";")[0].strip())
    if not re.fullmatch(r"[A-Za-z]{2,3}", parts[0]):
        return None
    out = [parts[0].lower()]
    for part in parts[1:]:
        if re.fullmatch(r"[A-Za-z]{2}|\d{3}", part):
            out.append(part.upper())
        elif re.fullmatch(r"[A-Za-z]{4}", part):
            out.append(part.title())
        else:
            break
    return "-".join(out)


def _lead_image(
    root: HtmlElement, meta: dict[str, list[str]], article: dict, ids: dict[str, dict]
) -> tuple[str | None, str | None]:
    image = _first(meta, ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"))
    ld_image = _resolve(article.get("image"), ids)
    if isinstance(ld_image, list) and ld_image:
        ld_image = _resolve(ld_image[0], ids)
    image = image or _url_value(ld_image)
    if not image:
        return None, None
    shown, caption = page_image(root, image)
    if shown and not shown.lower().startswith(("http:", "https:", "//")):
        # The page shows this image from a saved copy (`page_files/…`, data:): an offline
        # reader can display that one, never the remote original.
        image = shown
    if not caption and isinstance(ld_image, dict) and _url_value(ld_image) == image:
        caption = _text_value(ld_image.get("caption"))
    return image, caption


def caption_of(root: HtmlElement, image: str) -> str | None:
    """The figcaption of the page's <img> showing `image` (matched by file name), if it has one."""
    return page_image(root, image)[1]


def page_image(root: HtmlElement, image: str) -> tuple[str | None, str | None]:
    """The `src` of the page's <img> showing `image` (matched by file name) and its figcaption."""
    name = image.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if not name:
        return None, None
    for img in root.iter("img"):
        refs = " ".join(filter(None, (img.get("src"), img.get("data-src"), img.get("srcset"))))
        if name not in refs:
            continue
        for ancestor in img.iterancestors("figure"):
            captions = ancestor.xpath(".//figcaption")
            text = tidy(captions[0].text_content()) if captions else ""
            return img.get("src"), text or None
        return img.get("src"), None
    return None, None


# --- authors ----------------------------------------------------------------------------------------


def _authors(
    root: HtmlElement,
    meta: dict[str, list[str]],
    article: dict,
    ids: dict[str, dict],
    sites: frozenset[str],
    language: str | None,
) -> tuple[Author, ...]:
    structured = clean_authors(_json_ld_authors(article.get("author") or article.get("creator"), ids))
    from_meta = clean_authors(Author(value) for key in AUTHOR_META for value in meta.get(key, ()))
    chosen = choose_authors((structured, from_meta, authors_from_markup(root)), set(sites))
    if not chosen or names_only_site(chosen, set(sites)):
        for fallback in (labelled_byline, lambda r: dateline_byline(r, language)):
            found = fallback(root)
            if found and not names_only_site(found, set(sites)):
                return found
    return chosen


def _json_ld_authors(value: Any, ids: dict[str, dict]) -> list[Author]:
    items = value if isinstance(value, list) else [value]
    while any(isinstance(i, list) for i in items):  # lists nested in the author list
        items = [x for i in items for x in (i if isinstance(i, list) else [i])]
    found: list[Author] = []
    for item in items:
        item = _resolve(item, ids)
        if isinstance(item, str):
            name = _text_value(item)
            if name:
                found.append(Author(name))
        elif isinstance(item, dict):
            name = _text_value(item.get("name"))
            if not name:
                continue
            role = _text_value(item.get("jobTitle"))
            bio = _text_value(item.get("description"))
            url = _url_value(item.get("url"))
            found.append(Author(name, role, bio, url if url and url.startswith(("http", "/")) else None))
    return found
