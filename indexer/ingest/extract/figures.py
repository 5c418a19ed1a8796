"""The story's own pictures, put back between its paragraphs.

The main content is read without images: counted as content, the thumbnails of teaser cards pull
lists of other stories into the body. The pictures are found here instead, in the page itself:
those inside the container that holds the story's paragraphs (and the one just above its first
paragraph, the lead picture), each placed after the paragraph it follows on the page. Linked
thumbnails, icons, avatars, logos and pictures declared smaller than `MIN_SIDE` pixels are left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from .byline import tidy
from .tree import enclosing

MAX_CAPTION = 600  # characters; longer "captions" are whole stories marked up oddly
KEY_CHARS = 40  # leading characters of a paragraph's normalised text that find it in the page
MIN_KEY = 12
MIN_PROSE = 80  # characters of a paragraph counted as prose the body may have missed
MISSED_LINKS = 0.5  # share of a left-out paragraph inside links under which it still counts as prose
MIN_SIDE = 100  # pixels; a picture declared smaller is an icon
LEAD_REACH = 3  # levels above the story's container where its lead picture may sit

_TOKEN = re.compile(r"\w+")
_CAPTION_XPATH = (
    "//figcaption | //body//*[not(self::article or self::main or self::section or self::body)]"
    "[contains(@class, 'caption') or contains(@id, 'caption')]"
)
_LOOSE_TEXT = {"div"}
_TEXT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "dt", "div")
# A class or id word naming what is not the story's picture ("author-avatar", "teaser_img", "ad").
_NOT_STORY = re.compile(
    r"^(?:.*[-_])?(?:avatars?|logos?|icons?|sprites?|emojis?|badges?|authors?|bylines?|profiles?|teasers?|"
    r"promos?|adverts?|ads?|advertisement|sponsor(?:ed)?|related|newsletters?)(?:[-_].*)?$",
    re.I,
)
_PLACEHOLDER = re.compile(r"placeholder|blank|spacer|transparent|lazy|loading|1x1|pixel", re.I)
# Addresses of icons, logos and stand-ins rather than photographs.
_NOT_A_PHOTO = re.compile(
    r"\.svg(?:[?#]|$)|^data:image/svg|logo|icon|sprite|avatar|placeholder|spacer|blank\.|newsletter|/emoji", re.I
)
_PIXEL = re.compile(r"data:image/gif[;,].{0,120}$", re.S)  # a transparent one-pixel stand-in
_IMAGE_LINK = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)", re.I)
# A link that enlarges the picture it holds (a lightbox, an attachment page), not one to another story.
_PICTURE_PAGE = re.compile(r"/(?:images?|photos?|pictures?|gallery|galerie|galeria|bilder?|fotos?|media)/", re.I)
_ZOOM_LINK = re.compile(
    r"zoom|lightbox|attachment|enlarge|gallery|fancybox|photoswipe|fullscreen|maximi[sz]e|slides", re.I
)


class ImageIndex(Protocol):
    def original(self, src: str) -> str: ...

    def figcaption(self, src: str) -> str | None: ...


@dataclass(frozen=True)
class Picture:
    after: int  # index of the text block it follows; -1 before the first
    src: str  # the page's own reference
    alt: str | None
    title: str | None
    caption: str | None

    def html(self) -> str:
        figure = etree.Element("figure")
        img = etree.SubElement(figure, "img")
        img.set("src", self.src)
        if self.alt:
            img.set("alt", self.alt)
        if self.title:
            img.set("title", self.title)
        if self.caption:
            etree.SubElement(figure, "figcaption").text = self.caption
        return etree.tostring(figure, method="html", encoding="unicode")


@dataclass
class StoryLayout:
    """Where the story's text blocks sit in the page, found by their leading words."""

    matched: list[HtmlElement]  # page elements holding the blocks, in page order
    container: HtmlElement | None  # the closest element holding them all
    images: list[tuple[HtmlElement, int]]  # every <img>, with the index of the last block before it
    last: int  # index of the last block found
    missed: int = 0  # characters of prose paragraphs inside the container, between found blocks, not taken


def story_layout(root: HtmlElement, block_texts: Sequence[str]) -> StoryLayout:
    """One walk over the page: the elements holding `block_texts`, their container, the pictures around them,
    and the prose paragraphs amid them that the body left out."""
    keys: dict[str, int] = {}
    for index, text in enumerate(block_texts):
        key = _fast_key(text[: 3 * KEY_CHARS])[:KEY_CHARS]
        if len(key) >= MIN_KEY:
            keys.setdefault(key, index)
    firsts = {key.split(" ", 1)[0] for key in keys}
    matched: list[HtmlElement] = []
    seen: list[tuple[HtmlElement, int]] = []
    skipped: list[tuple[HtmlElement, int, int]] = []  # (paragraph, blocks found before it, its characters)
    last = -1
    if not keys:
        return StoryLayout(matched, None, seen, last)
    for element in root.iter("img", *_TEXT_TAGS):
        tag = element.tag
        if tag == "img":
            seen.append((element, last))
        elif tag in _TEXT_TAGS and (tag not in _LOOSE_TEXT or _loose_text(element)):
            found = keys.get(_lead_key(element, firsts))
            if found is not None and (not matched or found >= last):
                matched.append(element)
                last = found
            elif tag == "p" and matched:
                text = element.text_content()
                if len(text) >= MIN_PROSE and _prose(element, text):
                    skipped.append((element, len(matched), len(text)))
    container = _common_ancestor(matched) if matched else None
    missed = 0
    if container is not None:
        for element, before, size in skipped:
            if before < len(matched) and _is_within(element, container):
                missed += size
    return StoryLayout(matched, container, seen, last, missed)


def story_pictures(layout: StoryLayout, images: ImageIndex) -> list[Picture]:
    """The story's pictures in page order, each with the index of the text block it follows."""
    container, last = layout.container, layout.last
    if container is None:
        return []
    lead_area = enclosing(container, LEAD_REACH)
    pictures: list[Picture] = []
    used: set[str] = set()
    lead: tuple[HtmlElement, int] | None = None
    for img, after in layout.images:
        inside = _is_within(img, container)
        if after < 0:
            if _is_within(img, lead_area) and _is_story_picture(img, _meeting(img, container)):
                lead = (img, after)  # the closest picture above the first paragraph
            continue
        if inside and after <= last and _is_story_picture(img, container):
            picture = _picture(img, after, images)
            if picture and picture.src not in used:
                used.add(picture.src)
                pictures.append(picture)
    if lead is not None:
        picture = _picture(lead[0], -1, images)
        if picture and picture.src not in used:
            pictures.insert(0, picture)
    return pictures


def _prose(element: HtmlElement, text: str) -> bool:
    """Sentences rather than a link list or a label: little of it inside links, ending like a sentence."""
    linked = sum(len(a.text_content()) for a in element.iter("a"))
    return linked < MISSED_LINKS * len(text) and text.rstrip()[-1:] in '.!?"”»’)。！？:;…'


def _picture(img: HtmlElement, after: int, images: ImageIndex) -> Picture | None:
    src = _source(img, images)
    if not src:
        return None
    original = images.original(src)
    if original.startswith("data:image/svg") or not original.startswith("data:") and _NOT_A_PHOTO.search(original):
        return None
    return Picture(after, original, img.get("alt") or None, img.get("title") or None, images.figcaption(src))


def _source(img: HtmlElement, images: ImageIndex) -> str | None:
    """The picture's address: a lazy-loading attribute holds the real one, `src` a stand-in meanwhile."""
    src = (img.get("src") or "").strip()
    lazy = (img.get("data-src") or img.get("data-original") or img.get("data-lazy-src") or "").strip()
    if lazy and not lazy.startswith("data:"):
        return lazy
    original = images.original(src) if src else ""
    stand_in = _PIXEL.match(original) if original.startswith("data:") else _PLACEHOLDER.search(original)
    if not src or stand_in:
        srcset = (img.get("srcset") or img.get("data-srcset") or "").strip()
        return srcset.split(",")[0].split()[0] if srcset else None
    return src


def _is_story_picture(img: HtmlElement, container: HtmlElement) -> bool:
    for side in ("width", "height"):
        value = (img.get(side) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < MIN_SIDE:
            return False
    node: HtmlElement | None = img
    while node is not None and node is not container:
        if node.tag in ("noscript", "nav", "aside", "footer", "button"):
            return False
        if node.tag == "a":
            if not (_IMAGE_LINK.search(node.get("href") or "") or _enlarges(node)):
                return False  # a thumbnail linking to another page
        elif any(_NOT_STORY.match(word) for word in _marks(node)):
            return False
        node = node.getparent()
    return True


def _enlarges(link: HtmlElement) -> bool:
    """A link around a picture that shows it larger: marked so, leading to a picture page, holding the
    picture's caption, or the whole of a figure without headings."""
    if _ZOOM_LINK.search(f"{link.get('class') or ''} {link.get('rel') or ''}"):
        return True
    if _PICTURE_PAGE.search(link.get("href") or "") or link.find(".//figcaption") is not None:
        return True
    if tidy_text(link) or link.find(".//h2") is not None or link.find(".//h3") is not None:
        return False
    figure = next((a for a in link.iterancestors("figure")), None)
    return figure is not None and not any(True for _ in figure.iter("h2", "h3", "h4"))


def _marks(node: HtmlElement) -> list[str]:
    return f"{node.get('class') or ''} {node.get('id') or ''}".split()


def tidy_text(element: HtmlElement) -> str:
    return " ".join((element.text_content() or "").split())


def _lead_key(element: HtmlElement, firsts: set[str]) -> str:
    """The normalised first words of an element's text, read no further than needed; "" as soon as its
    first word opens none of the blocks looked for."""
    parts: list[str] = []
    size = 0
    for text in element.itertext():
        if not parts:
            first = _TOKEN.search(text)
            if first is None:
                continue
            if first.group(0).casefold() not in firsts:
                return ""
        parts.append(text)
        size += len(text)
        if size >= 3 * KEY_CHARS:
            break
    return _fast_key("".join(parts))[:KEY_CHARS]


def _fast_key(text: str) -> str:
    return " ".join(_TOKEN.findall(text.casefold()))


def _loose_text(element: HtmlElement) -> bool:
    """A <div> written as a paragraph: text of its own and no blocks inside."""
    own = element.text
    if not own or own.isspace():
        return False
    return not any(isinstance(c.tag, str) and c.tag in _TEXT_TAGS for c in element)


def _common_ancestor(elements: list[HtmlElement]) -> HtmlElement:
    """The closest element holding all of `elements` (a lone paragraph's parent)."""
    path = list(elements[0].iterancestors())
    depth = {id(node): i for i, node in enumerate(path)}
    lowest = 0
    for element in elements[1:]:
        for node in element.iterancestors():
            if id(node) in depth:
                lowest = max(lowest, depth[id(node)])
                break
    return path[lowest]


def _meeting(element: HtmlElement, container: HtmlElement) -> HtmlElement:
    """The closest ancestor of `element` that holds `container` too."""
    holders = {id(container), *(id(a) for a in container.iterancestors())}
    return next((a for a in element.iterancestors() if id(a) in holders), container)


def _is_within(element: HtmlElement, container: HtmlElement) -> bool:
    return any(a is container for a in element.iterancestors())


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


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
            self.shingles |= shingles(text)
            self.longest = max(self.longest, len(text))

    def is_caption(self, text: str) -> bool:
        """Mostly words of some caption or alt text (three-word runs, 70% or more)."""
        if not self.shingles or len(text) > 2 * self.longest:
            return False
        own = shingles(text)
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


def shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.casefold())
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}
