"""An article body that is already clean HTML (a rendered clipping, a read-later service's copy), as an `Extracted`.

Such a body needs no boilerplate removal, only its paragraphs as text: the text of each innermost
block (paragraphs, headings, list items, quotes, cells, and divisions holding text of their own).
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import datetime, timezone
from typing import Any

from indexer.model import Extracted

_BLOCKS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li blockquote pre figcaption td th dt dd div section article header footer main aside "
    "table ul ol dl figure".split()
)
_LEAVES = frozenset("p h1 h2 h3 h4 h5 h6 li blockquote pre figcaption td th dt dd".split())


def paragraphs_of(body_html: str) -> tuple[str, ...]:
    """The text of each innermost block of `body_html`, in order, spacing tidied."""
    from lxml import etree
    from lxml import html as lxml_html

    if not body_html.strip():
        return ()
    try:
        root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError, TypeError):
        return ()
    for junk in root.xpath(".//script|.//style|.//noscript|.//template"):
        junk.drop_tree()
    found: list[str] = []
    _collect(root, found)
    return tuple(found)


def _collect(element: Any, found: list[str]) -> None:
    """Innermost blocks' text; loose text beside blocks counts as a paragraph of its own."""
    if element.tag in _LEAVES or not any(
        isinstance(c.tag, str) and c.tag in _BLOCKS for c in element.iterdescendants()
    ):
        text = " ".join(element.text_content().split())
        if text:
            found.append(text)
        return
    loose = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and (child.tag in _BLOCKS or _has_block(child)):
            _flush(loose, found)
            _collect(child, found)
            loose = [child.tail or ""]
        else:
            loose.append(child.text_content() if isinstance(child.tag, str) else "")
            loose.append(child.tail or "")
    _flush(loose, found)


def _has_block(element: Any) -> bool:
    return any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in element.iter())


def _flush(loose: list[str], found: list[str]) -> None:
    text = " ".join("".join(loose).split())
    if text:
        found.append(text)
    loose.clear()


def link_page(url: str | None, title: str, service: str) -> str:
    """What the reader shows for a link-only entry: the address to open in the browser."""
    esc = htmllib.escape
    link = f'<a href="{esc(url)}">{esc(url)}</a>' if url else "no address was exported"
    return f"<p><em>Not saved offline: {esc(service)} exported only the link to this article.</em></p><p>{link}</p>"


_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def iso_date(value: object) -> str | None:
    """ISO 8601 from what exports write: ISO strings (with `Z`, `+0100`, milliseconds) or Unix seconds."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            seconds = float(value)
            if seconds <= 0:
                return None
            return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat()
        except (ValueError, OverflowError, OSError):
            return None
    if not isinstance(value, str):
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()  # a day, not a moment: kept so
    text = value.strip().replace("Z", "+00:00").replace(" ", "T", 1)
    text = _OFFSET.sub(r"\1:\2", text)
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    text = re.sub(r"\.(\d{1,5})(?=[+-]|$)", lambda m: "." + m.group(1).ljust(6, "0"), text)
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return None


def fragment_article(body_html: str, **fields: Any) -> Extracted:
    """An `Extracted` whose body is `body_html` as it is, with the given metadata."""
    return Extracted(paragraphs=paragraphs_of(body_html), body_html=body_html, **fields)
