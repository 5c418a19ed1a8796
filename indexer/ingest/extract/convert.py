"""trafilatura's body (its XML) turned into the article's paragraphs and reader HTML.

One paragraph per paragraph, heading, list item or table row; image captions, the repeated title
and the page's own address are left out; the story's pictures are put back in (figures.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from .byline import tidy
from .figures import PageImages, StoryLayout, story_layout, story_pictures
from .furniture import Line, is_furniture, is_teaser, is_teaser_list, teaser_runs, trailing_furniture

TITLE_REACH = 3  # blocks at the top of the body where a repeated headline is dropped

# Characters XML trees cannot hold (character references such as &#xFFFF; parse into them).
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TOKEN = re.compile(r"\w+")
_BLOCKS = {"p", "head", "list", "quote", "table", "code", "div", "graphic", "item", "row", "cell"}
_HI_TAGS = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}


@dataclass
class ConvertedBody:
    """Paragraphs and reader HTML made from trafilatura's body."""

    paragraphs: tuple[str, ...] = ()
    html: str = ""
    images: list[str] = field(default_factory=list)
    captions: dict[str, str] = field(default_factory=dict)
    prose: int = 0  # characters of text outside links: a body of links alone is a menu, not an article
    missed: int = 0  # characters of prose paragraphs amid the story's in the page that the body left out


def convert_body(body: etree._Element, images: PageImages, title: str | None, url: str | None) -> ConvertedBody:
    """Paragraphs (one per paragraph, heading, list item or table row) and reader HTML of `body`.

    `body` is trafilatura's result, which belongs to us: its elements are renamed to HTML in place.
    Page furniture (furniture.py) is left out: anywhere when the line itself says so, and at the end
    of the body the headings and link lines that no text follows.
    """
    drop = {_key(url)} if url else set()
    out = ConvertedBody()
    pieces: list[tuple[etree._Element, str, int]] = []  # (block, text, characters in links)
    title_key = _key(title) if title else None
    for block in _iter_blocks(body):
        if block.tag == "graphic":
            pieces.append((block, "", 0))
            continue
        text = _block_text(block)
        if not text:
            continue
        key = _key(text)
        if key in drop or images.is_caption(text) or is_furniture(text):
            continue
        if title_key and key == title_key and len(pieces) < TITLE_REACH:
            continue  # the headline repeated at the top of the body
        linked = sum(len(tidy(r.xpath("string()"))) for r in block.iter("ref") if not r.xpath("ancestor::ref"))
        pieces.append((block, text, linked))
    lines = [Line(t, b.tag == "head", n, _teasers(b, t)) for b, t, n in pieces]
    teasers = teaser_runs(lines)
    if teasers:
        pieces = [piece for index, piece in enumerate(pieces) if index not in teasers]
        lines = [line for index, line in enumerate(lines) if index not in teasers]
    cut = trailing_furniture(lines)
    paragraphs: list[str] = []
    html_parts: list[str] = []
    texts: list[str] = []  # the text of each block in html_parts, "" for a figure
    for block, text, linked in pieces[: len(pieces) - cut]:
        if block.tag == "graphic":
            src = images.original(block.get("src") or "")
            if src:
                caption = images.figcaption(block.get("src") or "")
                out.images.append(src)
                if caption:
                    out.captions[src] = caption
                html_parts.append(_figure(src, block, caption))
                texts.append("")
            continue
        rows = _rows(block) if block.tag in ("table", "list", "quote") else [text]
        paragraphs.extend(r for r in rows if not is_furniture(r))
        out.prose += max(0, len(text) - linked)
        html_parts.append(_to_html(block, images.original))
        texts.append(text)
    layout = story_layout(images.root, texts)
    out.missed = layout.missed
    if not out.images:
        html_parts = _with_pictures(html_parts, layout, images, out)
    out.paragraphs = tuple(paragraphs)
    out.html = "\n".join(h for h in html_parts if h)
    return out


def _teasers(block: etree._Element, text: str) -> int:
    """How many teasers of other stories a block is (furniture.is_teaser): 0, 1, or a list's item count."""
    if block.tag == "list":
        items = [(_item_text(item), _opening_link(item)) for item in block if item.tag == "item"]
        return len(items) if is_teaser_list(items) else 0
    if block.tag in ("p", "head"):
        return int(is_teaser(text, _opening_link(block)))
    return 0


def _opening_link(element: etree._Element) -> str:
    """The text of the link an element's text opens with ("" when it opens with text outside links)."""
    node = element
    while not (node.text and node.text.strip()):
        first = next((c for c in node if c.tag != "lb"), None)
        if first is None or first.tag not in ("ref", "hi", "p", "head", "span"):
            return ""
        if first.tag == "ref":
            return tidy(first.xpath("string()"))
        node = first
    return ""


def _with_pictures(html_parts: list[str], layout: StoryLayout, images: PageImages, out: ConvertedBody) -> list[str]:
    """The blocks with the story's pictures from the page (figures.py) placed after the text they follow."""
    pictures = story_pictures(layout, images)
    if not pictures:
        return html_parts
    placed: dict[int, list[str]] = {}
    for picture in pictures:
        placed.setdefault(picture.after, []).append(picture.html())
        out.images.append(picture.src)
        if picture.caption:
            out.captions[picture.src] = picture.caption
    merged = list(placed.get(-1, []))
    for index, part in enumerate(html_parts):
        merged.append(part)
        merged.extend(placed.get(index, []))
    return merged


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
