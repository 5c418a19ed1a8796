"""The reader HTML sanitiser: an article body made safe to show in the desktop reader.

An allowlist (nh3, the binding to the Rust sanitiser ammonia) keeps text structure, tables, links
and images, and nothing that runs, loads or styles: no scripts, frames, objects, forms, SVG or
MathML, event or style attributes, <base> or <meta>. Links keep only http(s) and mailto targets
(the reader opens them in the system browser, and only on a click) and get
``rel="noopener noreferrer"``. Every image goes through the caller's `image_src`, which maps the
page's reference to a file in the library; an image it cannot map is dropped, so nothing remote is
ever fetched (no tracking pixels). srcset is dropped.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

import nh3

__all__ = ["MAX_DATA_IMAGE_BYTES", "data_uri_image", "sanitize_reader_html"]

MAX_DATA_IMAGE_BYTES = 10 * 1024 * 1024

_TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    *("p", "br", "hr", "ul", "ol", "li", "blockquote", "pre", "code", "figure", "img", "figcaption"),
    *("em", "i", "strong", "b", "u", "s", "sub", "sup", "a", "span"),
    *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"),
}
_ATTRIBUTES = {
    "*": set(),  # nh3 would otherwise allow lang and title everywhere
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# Removed together with everything inside them: their content is code, controls or drawing, not text.
_DROP_WITH_CONTENT = {
    *("script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet"),
    *("noframes", "svg", "math", "select", "textarea", "button", "option", "datalist", "title", "head"),
    *("audio", "video", "canvas", "map", "xmp", "plaintext", "dialog", "noscript", "noembed"),
}
# Schemes that reach the attribute filter; the filter itself decides what stays.
_SCHEMES = {"http", "https", "mailto", "data"}
_LINK = re.compile(r"(?:https?://[^\s/?#]|mailto:[^\s])", re.I)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_NUMBER = re.compile(r"^\d{1,4}%?$")
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\\]")
# nh3 writes every attribute as name="value" with " escaped inside, so its img tags can be matched exactly.
_IMG = re.compile(r'<img((?:\s+[^\s="/>]+="[^"]*")*)\s*/?>')
_DATA_IMAGE = re.compile(r"^data:image/(png|jpe?g|gif|webp)((?:;[^,;]*)*);base64,", re.I)
_IMAGE_MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}


def sanitize_reader_html(html: str, image_src: Callable[[str], str | None]) -> str:
    """Reader-safe HTML from an extracted body; `image_src(ref)` returns an image's library path or None.

    The path `image_src` returns must be relative (such as ``files/ab/abcd…``) or a ``file:`` URL; any
    other answer drops the image as surely as None does.
    """
    failures: list[BaseException] = []

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            try:
                local = image_src(value.strip())
            except Exception as exc:  # nh3 would swallow it; re-raised below
                failures.append(exc)
                return None
            return local if local is not None and _is_local(local) else None
        if tag == "a" and attribute == "href":
            href = value.strip()
            return href if _LINK.match(href) and not _UNSAFE_CHARS.search(href.strip()) else None
        if attribute in ("width", "height", "colspan", "rowspan"):
            return value.strip() if _NUMBER.match(value.strip()) else None
        return value

    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        attribute_filter=keep,
        strip_comments=True,
        link_rel="noopener noreferrer",
        url_schemes=_SCHEMES,
    )
    if failures:
        raise failures[0]
    return _IMG.sub(lambda img: img.group(0) if ' src="' in img.group(1) else "", cleaned)


def data_uri_image(ref: str) -> tuple[bytes, str] | None:
    """The bytes and MIME type of a base64 PNG, JPEG, GIF or WebP data: URI, or None for anything else.

    The bytes must really be an image of the kind the URI claims and at most `MAX_DATA_IMAGE_BYTES`.
    SVG is refused: it can carry scripts.
    """
    match = _DATA_IMAGE.match(ref.strip())
    if match is None:
        return None
    payload = ref.strip()[match.end() :]
    if len(payload) > MAX_DATA_IMAGE_BYTES * 4 // 3 + 1024:
        return None
    payload = re.sub(r"\s+|%0[aAdD]|%20", "", payload)  # data: URIs in pages are often wrapped
    try:
        data = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    kind = match.group(1).lower().replace("jpg", "jpeg")
    if not data or len(data) > MAX_DATA_IMAGE_BYTES or not _is_image(data, kind):
        return None
    return data, f"image/{kind}"


def _is_local(path: str) -> bool:
    """A path into the library: relative, or a file: URL; nothing with another scheme or a host."""
    if not path or _UNSAFE_CHARS.search(path.replace("\\", "/").replace(" ", "")) or path.startswith("//"):
        return False
    scheme = _SCHEME.match(path)
    return scheme is None or (scheme.group(0).lower() == "file:" and path[5:8] == "///")


def _is_image(data: bytes, kind: str) -> bool:
    if kind == "webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return data.startswith(_IMAGE_MAGIC[kind])
