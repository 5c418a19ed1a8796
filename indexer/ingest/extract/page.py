"""The article in a decoded HTML page: metadata, clean paragraphs and reader HTML.

Stages of `extract_html`:
 1. parse once with lxml (no network, default size limits), refusing a truncated tree;
 2. read the page's own metadata (`metadata.read_metadata`);
 3. find the main content with trafilatura on that same tree, reading text only (with images, teaser
    thumbnails pass for content): precision first, checked against the plain pass when in doubt (choose.py);
 4. turn trafilatura's body into paragraphs and reader HTML, leaving out image captions, the repeated
    title and furniture, and put the story's own pictures back with their captions (figures.py); put
    back the standfirst (the summary beside the headline) when the body left it out;
 5. when trafilatura finds no story: the JSON-LD articleBody, or else the page's largest block of prose;
 6. fill what the metadata lacks from the body (lead image and its caption).
"""

from __future__ import annotations

import html as htmllib
import logging
import re
from dataclasses import replace

from lxml import etree
from lxml.html import HtmlElement, HTMLParser

from indexer.model import Author, Extracted, ImportFailure

from .authors import byline_from_story
from .byline import tidy
from .choose import largest_block, story_body
from .convert import ConvertedBody, convert_body
from .figures import PageImages, shingles
from .furniture import closing_promotions, drop_blocks
from .metadata import read_metadata

MAX_TOKEN = 1_000_000  # characters; libxml2 refuses one text or attribute over 10 MB without huge_tree
MIN_LD_BODY = 500
MIN_PROSE = 40  # characters outside links
LARGE_TEXT = 1_000_000  # characters of visible text: above this, one fast trafilatura pass
MAX_TEXT = 8_000_000  # characters of visible text: above this (a few books' worth), no article is looked for

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# C0 controls (but tab, newline, carriage return) are not allowed in HTML, and lxml refuses them in
# attribute values it is asked to set: a byte-damaged page must not fail on them.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BIG_DATA_URI = re.compile(r"data:[^\"'\s)<>]{" + str(MAX_TOKEN) + ",}")
_BIG_RAWTEXT = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.I | re.S)

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def extract_html(html: str, url: str | None = None) -> Extracted:
    """The article in `html` (already decoded); `url` is where the page came from, if known."""
    if not isinstance(html, str):
        raise ImportFailure("the page was not decoded to text before extraction")
    html, placeholders = _shrink_oversized(_CONTROLS.sub("", html))
    root = parse_html(html)
    meta = read_metadata(root, url)
    base = url or meta.url
    images = PageImages(root, base)
    # Visible text is never longer than the page, so most pages need no count.
    text_size = _visible_text_size(root) if len(html) > LARGE_TEXT else 0
    if text_size > MAX_TEXT:
        raise ImportFailure(f"the page holds {text_size / 1e6:.0f} MB of text, far more than an article")
    found = story_body(
        root,
        base,
        meta.title,
        lambda body: convert_body(body, images, meta.title, base),
        huge=text_size > LARGE_TEXT,
        article_body=meta.article_body,
    )
    if not isinstance(found, ConvertedBody):
        raise ImportFailure("no article text found")
    converted = found
    paragraphs, body_html = converted.paragraphs, converted.html
    more = continued_chunks(root, paragraphs)
    if more:
        paragraphs += tuple(more)
        body_html += "".join(f"\n<p>{htmllib.escape(p)}</p>" for p in more)
    lede = standfirst(root, meta.description, paragraphs)
    if lede:
        paragraphs = (lede, *paragraphs)
        body_html = f"<p>{htmllib.escape(lede)}</p>\n{body_html}"
    paragraphs, body_html, authors = _drop_author_box(paragraphs, body_html, meta.authors)
    paragraphs, body_html, authors = byline_from_story(paragraphs, body_html, authors, set(meta.sites), meta.title)
    promotions = closing_promotions(paragraphs, meta.sites)
    if promotions and promotions < len(paragraphs):
        body_html = drop_blocks(body_html, paragraphs[-promotions:])
        paragraphs = paragraphs[:-promotions]
    if converted.prose < MIN_PROSE:
        paragraphs, body_html = (), ""
    if not paragraphs and meta.article_body and len(meta.article_body) >= MIN_LD_BODY:
        paragraphs = tuple(p for p in (tidy(x) for x in re.split(r"\n\s*\n|\n", meta.article_body)) if p)
        body_html = "".join(f"<p>{htmllib.escape(p)}</p>" for p in paragraphs)
    if not paragraphs:
        # A story set in a container trafilatura takes for page furniture (an <aside>, a "footer"):
        # the page's largest block of prose paragraphs is the story.
        block = largest_block(root)
        if sum(map(len, block)) >= MIN_LD_BODY:
            paragraphs = tuple(block)
            body_html = "".join(f"<p>{htmllib.escape(p)}</p>" for p in paragraphs)
    if not paragraphs:
        raise ImportFailure("no article text found")
    lead, caption = meta.lead_image, meta.lead_image_caption
    if not lead and converted.images:
        lead = converted.images[0]
        caption = converted.captions.get(lead)
    for token, original in placeholders.items():
        body_html = body_html.replace(token, original)
        lead = original if lead == token else lead
    return Extracted(
        title=meta.title,
        authors=authors,
        source=meta.source,
        url=meta.url or url,
        published=meta.published,
        modified=meta.modified,
        language=meta.language,
        lead_image=lead,
        lead_image_caption=caption,
        paragraphs=paragraphs,
        body_html=body_html,
        reading_time_minutes=meta.reading_time_minutes,
    )


# --- 1. parsing ---------------------------------------------------------------------------------------


def parse_html(html: str) -> HtmlElement:
    """The page as an lxml tree, parsed without network or size overrides; ImportFailure if truncated."""
    html = _XML_DECLARATION.sub("", html, count=1)
    if not html.strip():
        raise ImportFailure("the page is empty")
    parser = HTMLParser(no_network=True, huge_tree=False, remove_comments=True, remove_pis=True, collect_ids=False)
    # lxml.html picks each element's class with a Python callback (form, input, label…); every
    # element here is a plain HtmlElement, and a C-level default lookup saves ~8 ms a page.
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=HtmlElement))
    try:
        root = etree.fromstring(html, parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        raise ImportFailure(f"cannot parse the page as HTML: {str(exc).splitlines()[0][:100]}") from None
    fatal = [e for e in parser.error_log if e.level >= etree.ErrorLevels.FATAL]
    if fatal:
        message = fatal[0].message
        if "depth" in message.lower():
            raise ImportFailure("the page is nested too deeply to read (over 256 levels)")
        raise ImportFailure(f"the page could not be read in full: {message.strip()[:100]}")
    if root is None or not isinstance(root, HtmlElement):
        raise ImportFailure("the page holds no HTML")
    return root


def _shrink_oversized(html: str) -> tuple[str, dict[str, str]]:
    """Take out what would overflow libxml2's 10 MB token limit: huge scripts and styles, huge data: URIs.

    Data URIs (images embedded in a saved page) come back afterwards through the placeholders.
    """
    if len(html) <= MAX_TOKEN:
        return html, {}
    placeholders: dict[str, str] = {}

    def hold(match: re.Match[str]) -> str:
        token = f"data:,newsarchive-placeholder-{len(placeholders)}"
        placeholders[token] = match.group(0)
        return token

    def empty(match: re.Match[str]) -> str:
        return match.group(0) if len(match.group(3)) < MAX_TOKEN else match.group(1) + match.group(4)

    html = _BIG_DATA_URI.sub(hold, html)
    html = _BIG_RAWTEXT.sub(empty, html)
    return html, placeholders


# --- 3. main content ----------------------------------------------------------------------------------


def _visible_text_size(root: HtmlElement) -> int:
    """Characters of text a reader could see: scripts, styles and templates left out."""
    hidden = {"script", "style", "template", "noscript"}
    size = 0
    for element in root.iter():
        if element.text and element.tag not in hidden:
            size += len(element.text)
        if element.tail:
            size += len(element.tail)
    return size


_CHUNK_CLASS = re.compile(r"body|content|text|article|story|chunk|entry", re.I)
MIN_CHUNK = 150  # characters of paragraphs in one continuation chunk
CHUNK_REACH = 2  # levels up from the first chunk where the later chunks must meet it


def continued_chunks(root: HtmlElement, paragraphs: tuple[str, ...]) -> list[str]:
    """Paragraphs of an article body split into sibling containers of one class, past the first one.

    trafilatura keeps the first `<div class="article__body">` of a story that a site cuts into
    several between ads; the later ones share its class and sit next to it in the tree.
    """
    have = {p[:80] for p in paragraphs if len(p) > 80}
    first = next((p for p in root.iter("p") if tidy(p.text_content())[:80] in have), None)
    box = first.getparent() if first is not None else None
    if box is None or not _CHUNK_CLASS.search(box.get("class") or ""):
        return []
    near = list(box.iterancestors())[:CHUNK_REACH]
    found: list[str] = []
    after = False
    for other in root.iter(box.tag):
        after = after or other is box
        if other is box or not after or other.get("class") != box.get("class"):
            continue
        if not any(a in near for a in other.iterancestors()):
            continue
        texts = []
        for p in other.iter("p"):
            text = tidy(p.text_content())
            links = sum(len(tidy(a.text_content())) for a in p.iter("a"))
            if text and text[:80] not in have and links < 0.5 * len(text):
                texts.append(text)
        if sum(map(len, texts)) >= MIN_CHUNK:
            found += texts
            have.update(t[:80] for t in texts)
    return found


MIN_STANDFIRST = 60  # characters of a summary paragraph worth putting back
STANDFIRST_MATCH = 0.8  # share of its 3-word runs that must be the description's


def standfirst(root: HtmlElement, description: str | None, paragraphs: tuple[str, ...]) -> str | None:
    """The story's summary shown above it (a standfirst) when the body left it out.

    It is the paragraph of the page, before the body's first one, that repeats the page's description;
    trafilatura often leaves it out with the header it sits in, beside the headline.
    """
    if not description or len(description) < MIN_STANDFIRST or not paragraphs:
        return None
    wanted = shingles(description)
    if len(wanted & shingles(" ".join(paragraphs[:3]))) >= 0.5 * len(wanted):
        return None  # the body opens with it already
    opening = _lead_words(paragraphs[0])
    if not opening:
        return None
    candidate = None
    for element in root.iter("p"):
        text = tidy(element.text_content())
        if _lead_words(text) == opening:
            return candidate
        if candidate is None and len(text) >= MIN_STANDFIRST:
            own = shingles(text)
            linked = sum(len(a.text_content()) for a in element.iter("a"))
            if linked < 0.3 * len(text) and own and len(own & wanted) >= STANDFIRST_MATCH * len(own):
                candidate = text
    return None


def _lead_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold())[:8])


_BIO_START = re.compile(r"\s(?:is|was|covers|writes|reports|joined|has|edits|leads|works)\b")


def _drop_author_box(
    paragraphs: tuple[str, ...], body_html: str, authors: tuple[Author, ...]
) -> tuple[tuple[str, ...], str, tuple[Author, ...]]:
    """Leave out an "about the author" box caught at the end of the body: its name, role and bio lines.

    Only the second half of the body is looked at. A line goes when it is an author's name or role,
    mostly the words of a bio the metadata gives, or opens with an author's name and a verb such as
    "covers" — then it becomes that author's bio when the metadata had none.
    """
    if not authors or len(paragraphs) < 3:
        return paragraphs, body_html, authors
    labels = {x.casefold() for a in authors for x in (a.name, a.role) if x}
    bios = [shingles(a.bio) for a in authors if a.bio and len(a.bio) > 40]
    start = len(paragraphs) // 2
    found: dict[str, dict[str, str]] = {}
    drop: set[int] = set()
    for i in range(start, len(paragraphs)):
        text = paragraphs[i]
        own = shingles(text)
        if text.casefold() in labels or any(own and len(own & bio) >= 0.8 * len(own) for bio in bios):
            drop.add(i)
            continue
        for author in authors:
            if text.startswith(author.name) and _BIO_START.match(text[len(author.name) :]) and len(text) < 800:
                drop.add(i)
                found.setdefault(author.name, {})["bio"] = text
                # A short line beside the bio is the card's job title.
                for j in (i - 1, i + 1):
                    if start <= j < len(paragraphs) and _is_label(paragraphs[j]) and paragraphs[j] != author.name:
                        drop.add(j)
                        found[author.name].setdefault("role", paragraphs[j])
                break
    if not drop or len(drop) == len(paragraphs):
        return paragraphs, body_html, authors
    for i in sorted(drop):
        escaped = re.escape(htmllib.escape(paragraphs[i], quote=False))
        body_html = re.sub(rf"\s*<(p|h[1-6])>{escaped}</\1>", "", body_html, count=1)
    kept = tuple(p for i, p in enumerate(paragraphs) if i not in drop)
    authors = tuple(
        replace(
            a,
            bio=a.bio or found.get(a.name, {}).get("bio"),
            role=a.role or found.get(a.name, {}).get("role"),
        )
        for a in authors
    )
    return kept, body_html, authors


def _is_label(text: str) -> bool:
    """A short caption-like line: a few words, no sentence ending."""
    return 0 < len(text.split()) <= 6 and not text.rstrip().endswith((".", "!", "?", ":"))
