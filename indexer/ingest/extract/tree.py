"""Small questions about a page's element tree that several extraction passes ask."""

from __future__ import annotations

from lxml.html import HtmlElement


def enclosing(element: HtmlElement, levels: int) -> HtmlElement:
    """The element `levels` parents above `element`, stopping below `<body>` (a region of the page, never all of it)."""
    region = element
    for _ in range(levels):
        parent = region.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        region = parent
    return region
