"""The article in a decoded HTML page: metadata, clean paragraphs and reader HTML.

Stages of `extract_html`:
 1. parse once with lxml (no network, default size limits), refusing a truncated tree;
 2. read the page's own metadata (`metadata.read_metadata`);
 3. find the main content with trafilatura on that same tree, precision first, recall as a fallback;
 4. turn trafilatura's body into paragraphs and reader HTML, leaving out image captions, the repeated
    title and furniture, and giving images back their figure captions;
 5. fill what the metadata lacks from the body (lead image and its caption).
"""

from __future__ import annotations

import html as htmllib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement, HTMLParser

from indexer.model import Author, Extracted, ImportFailure

from .authors import byline_from_story
from .byline import tidy
from .metadata import read_metadata

MAX_TOKEN = 1_000_000  # characters; libxml2 refuses one text or attribute over 10 MB without huge_tree
MIN_PRECISE_TEXT = 500  # characters; a shorter precision-first result is retried favouring recall
MIN_LD_BODY = 500
MIN_PROSE = 40  # characters outside links
LARGE_TEXT = 1_000_000  # characters of visible text: above this, one fast trafilatura pass
MAX_TEXT = 8_000_000  # characters of visible text: above this (a few books' worth), no article is looked for
MAX_CAPTION = 600  # characters; longer "captions" are whole stories marked up oddly

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# C0 controls (but tab, newline, carriage return) are not allowed in HTML, and lxml refuses them in
# attribute values it is asked to set: a byte-damaged page must not fail on them.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BIG_DATA_URI = re.compile(r"data:[^\"'\s)<>]{" + str(MAX_TOKEN) + ",}")
_BIG_RAWTEXT = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.I | re.S)
_TOKEN = re.compile(r"\w+")

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
    body = _main_content(root, base, huge=text_size > LARGE_TEXT)
    if body is None:
        raise ImportFailure("no article text found")
    converted = convert_body(body, images, meta.title, base)
    paragraphs, body_html = converted.paragraphs, converted.html
    more = continued_chunks(root, paragraphs)
    if more:
        paragraphs += tuple(more)
        body_html += "".join(f"\n<p>{htmllib.escape(p)}</p>" for p in more)
    paragraphs, body_html, authors = _drop_author_box(paragraphs, body_html, meta.authors)
    paragraphs, body_html, authors = byline_from_story(paragraphs, body_html, authors, set(meta.sites), meta.title)
    if converted.prose < MIN_PROSE:
        paragraphs, body_html = (), ""
    if not paragraphs and meta.article_body and len(meta.article_body) >= MIN_LD_BODY:
        paragraphs = tuple(p for p in (tidy(x) for x in re.split(r"\n\s*\n|\n", meta.article_body)) if p)
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


def _main_content(root: HtmlElement, url: str | None, huge: bool = False) -> etree._Element | None:
    """trafilatura's body for the page: favouring precision, then recall when that finds too little.

    A page with megabytes of text gets one fast pass: trafilatura's fallback comparisons would take minutes.
    """
    import trafilatura

    best = None
    for precise in (False,) if huge else (True, False):
        try:
            document = trafilatura.bare_extraction(
                root,
                url=url,
                fast=huge,
                favor_precision=precise,
                output_format="xml",
                include_comments=False,
                include_tables=True,
                include_images=True,
                include_formatting=True,
                include_links=True,
                with_metadata=False,
            )
        except (RecursionError, ValueError, TypeError, AttributeError):
            document = None
        body = getattr(document, "body", None)
        if body is not None and (best is None or _text_length(body) > _text_length(best)):
            best = body
        if best is not None and _text_length(best) >= MIN_PRECISE_TEXT:
            break
    return best


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


def _text_length(body: etree._Element) -> int:
    return sum(len(t.strip()) for t in body.itertext())


# --- 4. body conversion -------------------------------------------------------------------------------

_BLOCKS = {"p", "head", "list", "quote", "table", "code", "div", "graphic", "item", "row", "cell"}
_HI_TAGS = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}
_CAPTION_XPATH = (
    "//figcaption | //body//*[not(self::article or self::main or self::section or self::body)]"
    "[contains(@class, 'caption') or contains(@id, 'caption')]"
)


@dataclass
class ConvertedBody:
    """Paragraphs and reader HTML made from trafilatura's body."""

    paragraphs: tuple[str, ...] = ()
    html: str = ""
    images: list[str] = field(default_factory=list)
    captions: dict[str, str] = field(default_factory=dict)
    prose: int = 0  # characters of text outside links: a body of links alone is a menu, not an article


def convert_body(body: etree._Element, images: PageImages, title: str | None, url: str | None) -> ConvertedBody:
    """Paragraphs (one per paragraph, heading, list item or table row) and reader HTML of `body`.

    `body` is trafilatura's result, which belongs to us: its elements are renamed to HTML in place.
    """
    drop = {_key(url)} if url else set()
    out = ConvertedBody()
    paragraphs: list[str] = []
    html_parts: list[str] = []
    first = True
    for block in _iter_blocks(body):
        if block.tag == "graphic":
            src = images.original(block.get("src") or "")
            if src:
                caption = images.figcaption(block.get("src") or "")
                out.images.append(src)
                if caption:
                    out.captions[src] = caption
                html_parts.append(_figure(src, block, caption))
            continue
        text = _block_text(block)
        if not text:
            continue
        key = _key(text)
        if key in drop or images.is_caption(text):
            continue
        if first and title and key == _key(title):
            first = False
            continue
        first = False
        paragraphs.extend(_rows(block) if block.tag in ("table", "list", "quote") else [text])
        linked = sum(len(tidy(r.xpath("string()"))) for r in block.iter("ref") if not r.xpath("ancestor::ref"))
        out.prose += max(0, len(text) - linked)
        html_parts.append(_to_html(block, images.original))
    out.paragraphs = tuple(paragraphs)
    out.html = "\n".join(h for h in html_parts if h)
    return out


def _iter_blocks(element: etree._Element) -> list[etree._Element]:
    """Top-level content blocks, descending into containers that hold blocks of their own."""
    blocks: list[etree._Element] = []
    if element.text and element.text.strip():
        blocks.append(_loose("p", element.text))
    for child in element:
        if child.tag in ("div", "quote") and any(c.tag in _BLOCKS for c in child):
            if child.tag == "quote":
                blocks.append(child)
            else:
                blocks.extend(_iter_blocks(child))
        elif child.tag in ("p", "head") and any(c.tag == "graphic" for c in child) and not _own_text(child):
            blocks.extend(g for g in child.iter("graphic"))
        else:
            blocks.append(child)
        if child.tail and child.tail.strip():
            blocks.append(_loose("p", child.tail))
    return blocks


def _loose(tag: str, text: str) -> etree._Element:
    element = etree.Element(tag)
    # Character references such as &#xFFFF; parse into characters XML trees refuse to hold.
    element.text = _NOT_XML.sub("", text)
    return element


def _own_text(element: etree._Element) -> str:
    return tidy(" ".join(t for t in element.itertext()))


def _block_text(block: etree._Element) -> str:
    if block.tag in ("table", "list", "quote"):
        return "\n".join(_rows(block))
    return _inline_text(block)


def _inline_text(element: etree._Element) -> str:
    """Text of an element with <lb> as line breaks and images left out."""
    parts: list[str] = []

    def walk(node: etree._Element, top: bool) -> None:
        if node.tag == "lb":
            parts.append("\n")
        if node.tag != "graphic" and node.text:
            parts.append(node.text)
        if node.tag != "graphic":
            for child in node:
                walk(child, False)
        if not top and node.tail:
            parts.append(node.tail)

    walk(element, True)
    lines = (tidy(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _rows(block: etree._Element) -> list[str]:
    """One string per list item, table row or quoted paragraph."""
    if block.tag == "table":
        rows = []
        for row in block.iter("row"):
            cells = [_inline_text(c) for c in row if c.tag == "cell"]
            line = " | ".join(c for c in cells if c)
            if line:
                rows.append(line)
        return rows
    if block.tag == "list":
        items = []
        for item in block:
            if item.tag != "item":
                continue
            nested = [c for c in item if c.tag == "list"]
            own = _item_text(item)
            if own:
                items.append(own)
            for sub in nested:
                items.extend(_rows(sub))
        return items
    if block.tag == "quote":
        inner = [c for c in block if c.tag in _BLOCKS]
        if inner:
            lead = [tidy(block.text)] if block.text and block.text.strip() else []
            return lead + [
                r for c in inner for r in (_rows(c) if c.tag in ("list", "table") else [_inline_text(c)]) if r
            ]
    text = _inline_text(block)
    return [text] if text else []


def _item_text(item: etree._Element) -> str:
    parts = [item.text or ""]
    for child in item:
        if child.tag != "list":
            parts.append(_inline_text(child) + " ")
        parts.append(child.tail or "")
    return tidy("".join(parts))


def _key(text: str) -> str:
    return " ".join(_TOKEN.findall(text.casefold()))


class PageImages:
    """The page's images: their references as the page has them, captions and alt texts.

    trafilatura keeps only images whose address names an image file and makes relative addresses
    absolute; inline images (data: URIs) are swapped for stand-in names it accepts, and every
    address it returns is mapped back to the page's own reference.
    """

    def __init__(self, root: HtmlElement, url: str | None) -> None:
        self.root = root
        self.shingles: set[tuple[str, ...]] = set()
        self.longest = 0
        self._originals: dict[str, str] = {}
        for element in root.xpath(_CAPTION_XPATH):
            self._add(tidy(element.text_content()))
        for img in root.iter("img"):
            for attr in ("alt", "title"):
                self._add(tidy(img.get(attr)))
            for attr in ("src", "data-src"):
                ref = (img.get(attr) or "").strip()
                if not ref:
                    continue
                if ref.lower().startswith("data:"):
                    token = f"newsarchive-inline-{len(self._originals)}.png"
                    img.set(attr, token)
                    self._originals[token], ref = ref, token
                page_ref = self._originals.get(ref, ref)
                for spelling in (_join(url, ref), re.sub(r"^//", "http://", ref)):
                    self._originals.setdefault(spelling, page_ref)
        self._figcaptions: dict[str, str | None] | None = None

    def original(self, src: str) -> str:
        """The page's own reference for an image address trafilatura returned."""
        return self._originals.get(src, src)

    def _add(self, text: str) -> None:
        if text and len(text) < MAX_CAPTION:
            self.shingles |= _shingles(text)
            self.longest = max(self.longest, len(text))

    def is_caption(self, text: str) -> bool:
        """Mostly words of some caption or alt text (three-word runs, 70% or more)."""
        if not self.shingles or len(text) > 2 * self.longest:
            return False
        own = _shingles(text)
        return bool(own) and len(own & self.shingles) >= 0.7 * len(own)

    def figcaption(self, src: str) -> str | None:
        """The figcaption of the figure showing `src` in the page, matched by file name."""
        if self._figcaptions is None:
            self._figcaptions = {}
            for figure in self.root.iter("figure"):
                found = figure.xpath(".//figcaption")
                text = tidy(found[0].text_content()) if found else ""
                for img in figure.iter("img"):
                    for ref in (img.get("src"), img.get("data-src")):
                        name = _file_name(ref)
                        if name and name not in self._figcaptions:
                            self._figcaptions[name] = text or None
        return self._figcaptions.get(_file_name(src) or "")


def _join(base: str | None, ref: str) -> str:
    """`ref` made absolute against `base`, or left as it is when either is malformed."""
    try:
        return urljoin(base, ref) if base else ref
    except ValueError:
        return ref


def _file_name(ref: str | None) -> str | None:
    if not ref or ref.startswith("data:"):
        return ref
    return ref.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1] or None


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
    bios = [_shingles(a.bio) for a in authors if a.bio and len(a.bio) > 40]
    start = len(paragraphs) // 2
    found: dict[str, dict[str, str]] = {}
    drop: set[int] = set()
    for i in range(start, len(paragraphs)):
        text = paragraphs[i]
        own = _shingles(text)
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


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.casefold())
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _figure(src: str, graphic: etree._Element, caption: str | None) -> str:
    figure = etree.Element("figure")
    img = etree.SubElement(figure, "img")
    img.set("src", src)
    for attr in ("alt", "title"):
        if graphic.get(attr):
            img.set(attr, graphic.get(attr) or "")
    if caption:
        etree.SubElement(figure, "figcaption").text = caption
    return etree.tostring(figure, method="html", encoding="unicode")


def _to_html(block: etree._Element, original: Callable[[str], str]) -> str:
    """Reader HTML for one block of trafilatura's XML; attributes other than links and images dropped."""
    for node in block.iter():
        tag = node.tag
        attrs = dict(node.attrib)
        node.attrib.clear()
        if tag == "head":
            level = (attrs.get("rend") or "h2").lstrip("h")
            node.tag = f"h{level}" if level in ("1", "2", "3", "4", "5", "6") else "h2"
        elif tag in _RENAMES:
            node.tag = _RENAMES[tag]
        elif tag == "list":
            node.tag = "ol" if attrs.get("rend") == "ol" else "ul"
        elif tag == "code":
            node.tag = "pre" if node is block else "code"
        elif tag == "cell":
            node.tag = "th" if attrs.get("role") == "head" else "td"
        elif tag == "hi":
            node.tag = _HI_TAGS.get(attrs.get("rend") or "", "em")
        elif tag == "ref":
            node.tag = "a"
            if attrs.get("target"):
                node.set("href", attrs["target"])
        elif tag == "graphic":
            node.tag = "img"
            node.set("src", original(attrs.get("src") or ""))
            for attr in ("alt", "title"):
                if attrs.get(attr):
                    node.set(attr, attrs[attr])
        elif tag not in ("p", "table", "del", "div"):
            node.tag = "span"
    return etree.tostring(block, method="html", encoding="unicode", with_tail=False)


_RENAMES = {"item": "li", "quote": "blockquote", "row": "tr", "lb": "br"}
