"""The read stage: take a saved page out of its container and say what kind of save it is.

The kind is told from the content, never from the file name (which only breaks ties):

- MHTML ("Webpage, Single File"): a MIME message; see `indexer.ingest.mhtml`.
- SingleFile: one HTML file with everything inlined as data: URIs, and a comment near the top
  giving the page URL and the save date.
- "Web Page, Complete": x.html beside an x_files/ folder. The images and stylesheets the page
  names by relative path are fetched through the caller's `sibling` callback.
- Plain HTML, with the browsers' "Mark of the Web" comment (``<!-- saved from url=(0042)… -->``)
  giving the URL when present; XHTML is told apart but read as HTML text too (never as XML, so
  entity definitions are neither expanded nor fetched).
- Plain text, such as an article selected in a browser and pasted into a .txt file.
- The formats in `formats/`: PDFs, Safari web archives, mail messages (.eml), Markdown clippings.

Anything else (an empty file, an image, a PDF, an archive, a program, random bytes) ends in an
`ImportFailure` whose message says what the file looks like.
"""

from __future__ import annotations

import html
import mimetypes
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

from indexer.ingest.decode import decode, unicode_encoding
from indexer.ingest.mhtml import looks_like_mhtml, read_mhtml
from indexer.model import ImportFailure, Resource, Saved

__all__ = ["MAX_RESOURCE_BYTES", "MAX_RESOURCES", "read_saved", "resource_refs"]

MAX_RESOURCES = 500
MAX_RESOURCE_BYTES = 50 * 1024 * 1024
_MAX_LOOKUPS = 2000  # sibling() calls per page, found or not

_SNIFF_BYTES = 65536

# Magic numbers of files people drop by mistake, with what to call them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "an icon file"),
    (b"%PDF-", "a PDF document"),
    (b"%!PS", "a PostScript document"),
    (b"{\\rtf", "an RTF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"PK\x07\x08", "a zip archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"(\xb5/\xfd", "a zstd-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a compiled program"),
    (b"\x00asm", "a WebAssembly program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"OggS", "an Ogg audio or video file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM video"),
)
_MAGIC_PATTERNS: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (re.compile(rb"RIFF....WEBP", re.S), "a WebP image"),
    (re.compile(rb"RIFF....WAVE", re.S), "a WAV audio file"),
    (re.compile(rb"RIFF....AVI ", re.S), "an AVI video"),
    (re.compile(rb"....ftyp(?:avi[fs]|hei[cfmsx]|mif1|msf1)", re.S), "an AVIF/HEIC image"),
    (re.compile(rb"....ftyp", re.S), "an MP4 or QuickTime video"),
    (re.compile(rb"ID3[\x02-\x04]\x00"), "an MP3 audio file"),
    (re.compile(rb"BZh[1-9]1AY&SY"), "a bzip2-compressed file"),
    (re.compile(rb"MZ.{0,62}\x00", re.S), "a Windows program"),
)

# Control characters that do not occur in text (tab, newlines, form feed and escape do).
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffe\uffff]")
_WORD = re.compile(r"\w")

_SINGLEFILE = re.compile(r"<!--\s*(?:page saved|archive processed) (?:with|by) singlefile\b(.*?)-->", re.I | re.S)
_SINGLEFILE_URL = re.compile(r"^\s*url:\s*(\S+)", re.I | re.M)
_SINGLEFILE_DATE = re.compile(r"^\s*saved date:\s*(.+?)\s*$", re.I | re.M)
_SAVEPAGE_META = re.compile(r"<meta\s+name=[\"']savepage-(url|date)[\"']\s+content=[\"']([^\"']*)[\"']", re.I)
_MOTW = re.compile(r"<!--\s*saved from url=\((\d{1,5})\)(\S+?)\s*-->", re.I)
_JS_DATE = re.compile(
    r"(?:[A-Za-z]{3},? )?([A-Za-z]{3}) (\d{1,2}) (\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: GMT([+-])(\d{2}):?(\d{2}))?"
)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}

_XML_ROOT = re.compile(r"<([A-Za-z_][\w:.-]*)")
_XML_PROLOG = re.compile(r"\A(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*", re.S | re.I)
_XHTML_NS = re.compile(r"<html\b[^>]*\bxmlns\s*=\s*[\"']http://www\.w3\.org/1999/xhtml[\"']", re.I)
_PAGE_MARKER = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_KNOWN_TAG = re.compile(
    r"</?(p|div|span|a|br|hr|img|h[1-6]|table|tr|td|ul|ol|li|article|section|header|footer|nav|main|meta|title"
    r"|script|style|link|strong|em|b|i|u|blockquote|figure|figcaption|pre|code|iframe|form|noscript|time)\b[^<>]*>",
    re.I,
)

_RESOURCE_TAG = re.compile(r"<(img|source|link)\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def read_saved(data: bytes, name: str, sibling: Callable[[str], bytes | None] | None = None) -> Saved:
    """Take one saved page out of its container.

    `name` is the file's name, used only to break ties. `sibling(relative_path)` returns the bytes of
    a file beside the page (resolved against the page's folder by the caller), or None; it is asked
    only for plain relative paths, never for ones with ``..``, a scheme or a leading slash. It should
    refuse files larger than `MAX_RESOURCE_BYTES`.
    """
    try:
        return _read(data, name, sibling)
    except ImportFailure:
        raise
    except Exception as exc:  # a malformed container must end as a failed file, never a crash
        raise ImportFailure(f"cannot read this file ({type(exc).__name__}: {exc})"[:200]) from exc


def _read(data: bytes, name: str, sibling: Callable[[str], bytes | None] | None) -> Saved:
    from .formats import clipping, mail, pdf, webarchive

    if not data:
        raise ImportFailure("the file is empty")
    if pdf.looks_like_pdf(data):
        return pdf.read_pdf(data)
    if webarchive.looks_like_webarchive(data):
        return webarchive.read_webarchive(data)
    what = _what_binary(data)
    if what == "an old Microsoft Office document" and (
        name.lower().endswith(".msg") or b"_\x00_\x00s\x00u\x00b" in data
    ):
        raise ImportFailure("an Outlook .msg message, which is not read: save it as .eml (or forward it) to import it")
    if what:
        raise ImportFailure(f"{what}, not a saved page")
    codec = unicode_encoding(data)
    if codec is None and _looks_binary(data[:_SNIFF_BYTES]):
        raise ImportFailure("binary data, not a saved page or text")
    head = _head_text(data, codec)
    if not head.strip():
        raise ImportFailure("the file holds only blank space")

    if codec is None and mail.looks_like_mail(data):
        return mail.read_mail(data, name, from_mbox=False)
    if codec is None and looks_like_mhtml(data):
        return read_mhtml(data, max_resources=MAX_RESOURCES, max_resource_bytes=MAX_RESOURCE_BYTES)

    singlefile = _SINGLEFILE.search(head[:16384])
    if singlefile:
        comment = singlefile.group(1)
        url_match = _SINGLEFILE_URL.search(comment)
        date_match = _SINGLEFILE_DATE.search(comment)
        return Saved(
            data=data,
            format="singlefile",
            url=_http_url(url_match.group(1)) if url_match else None,
            saved_at=_js_date(date_match.group(1)) if date_match else None,
        )

    if head.lstrip("\ufeff").startswith("---") and clipping.looks_like_clipping(head.lstrip("\ufeff"), name):
        return clipping.read_clipping(decode(data, html=False), sibling)
    page_format = _markup_format(head, name)
    if page_format is None:
        _check_text(data)
        if clipping.looks_like_clipping(head, name):
            return clipping.read_clipping(decode(data, html=False), sibling)
        return Saved(data=data, format="text")

    url, saved_at = _page_origin(head)
    resources: tuple[Resource, ...] = ()
    if sibling is not None:
        resources = _sibling_resources(decode(data), sibling)
    return Saved(data=data, format=page_format, url=url, saved_at=saved_at, resources=resources)


def _what_binary(data: bytes) -> str | None:
    """What a file is when its first bytes are a known non-page format's magic number."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    start = data[:80]
    for pattern, what in _MAGIC_PATTERNS:
        if pattern.match(start):
            return what
    return None


def _looks_binary(sample: bytes) -> bool:
    # A stray NUL or control byte happens in real pages; many of them do not.
    nul_allowance = len(sample) // 1000
    if sample.count(0) > nul_allowance:
        return True
    return len(_CONTROL.findall(sample)) > len(sample) // 100


def _head_text(data: bytes, codec: str | None) -> str:
    """The start of the file as text, good enough to look for markup and markers in."""
    if codec is None:
        # Leading blank lines do not count against the window (some tools pad pages with thousands).
        window = data[: _SNIFF_BYTES * 16]
        start = len(window) - len(window.lstrip())
        return data[start : start + _SNIFF_BYTES].decode("latin-1")
    chunk = data[: _SNIFF_BYTES * 2]
    width = 4 if codec.startswith("utf-32") else 2
    chunk = chunk[: len(chunk) - len(chunk) % width]
    return chunk.decode(codec, errors="replace").lstrip("\ufeff")


def _markup_format(head: str, name: str) -> str | None:
    """ "html" or "xhtml" when the file is markup, None when it is plain text; raises for other XML."""
    start = head.lstrip("\ufeff \t\r\n")
    if start.lower().startswith("<?xml"):
        prolog = _XML_PROLOG.match(start)
        root = _XML_ROOT.match(start, prolog.end() if prolog else 0)
        local = root.group(1).rsplit(":", 1)[-1].lower() if root else ""
        if local == "html" or _PAGE_MARKER.search(start):
            return "xhtml"
        if local == "svg":
            raise ImportFailure("an SVG image, not a saved page")
        if local in ("rss", "feed", "rdf"):
            raise ImportFailure("a news feed (RSS/Atom), not a saved page")
        raise ImportFailure("an XML document, not a saved page")
    if _XHTML_NS.search(head):
        return "xhtml"
    if _PAGE_MARKER.search(head):
        return "html"
    if re.match(r"<svg\b", start, re.I):
        raise ImportFailure("an SVG image, not a saved page")
    tags = {match.group(1).lower() for match in _KNOWN_TAG.finditer(head)}
    starts_with_tag = _KNOWN_TAG.match(start) is not None
    html_name = name.lower().endswith((".html", ".htm", ".xhtml", ".shtml"))
    if len(tags) >= 2 or starts_with_tag or (tags and html_name):
        return "html"
    return None


def _check_text(data: bytes) -> None:
    """Refuse a would-be text file that does not decode to readable text."""
    sample = decode(_cut(data, _SNIFF_BYTES * 4), html=False)
    if len(_CONTROL_TEXT.findall(sample)) > len(sample) // 100:
        raise ImportFailure("binary data, not a saved page or text")
    if not _WORD.search(sample) and not _WORD.search(decode(data, html=False)):
        raise ImportFailure("the file holds no words")


def _cut(data: bytes, size: int) -> bytes:
    """The first `size` bytes or a little fewer, so as not to end inside a UTF-8 sequence."""
    if len(data) <= size:
        return data
    end = size
    while end > size - 4 and data[end] & 0xC0 == 0x80:
        end -= 1
    return data[:end]


def _page_origin(head: str) -> tuple[str | None, str | None]:
    """The URL (and save date) that a browser or a save-page extension wrote into the page."""
    url = saved_at = None
    for match in _SAVEPAGE_META.finditer(head):
        key, value = match.group(1).lower(), html.unescape(match.group(2))
        if key == "url":
            url = _http_url(value)
        else:
            saved_at = _js_date(value)
    if url is None:
        motw = _MOTW.search(head[:4096])
        if motw:
            length, raw = int(motw.group(1)), motw.group(2)
            url = _http_url(raw[:length] if 0 < length <= len(raw) else raw)
    return url, saved_at


def _http_url(value: str) -> str | None:
    url = value.strip()
    return url if re.match(r"https?://[^/?#\s]", url, re.I) else None


def _js_date(value: str) -> str | None:
    """ISO 8601 from JavaScript's Date.toString() ("Tue Oct 17 2023 13:55:34 GMT+0300 (…)") or from ISO itself."""
    match = _JS_DATE.search(value)
    if match:
        month = _MONTHS.get(match.group(1).lower())
        if month is None:
            return None
        try:
            hour, minute, second = (int(part) for part in match.group(4, 5, 6))
            moment = datetime(int(match.group(3)), month, int(match.group(2)), hour, minute, second)
        except ValueError:
            return None
        if match.group(7):
            offset = timedelta(hours=int(match.group(8)), minutes=int(match.group(9)))
            moment = moment.replace(tzinfo=timezone(offset if match.group(7) == "+" else -offset))
        return moment.isoformat()
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def _sibling_resources(page: str, sibling: Callable[[str], bytes | None]) -> tuple[Resource, ...]:
    """The images and stylesheets the page names by relative path, fetched from beside it."""
    resources: list[Resource] = []
    seen: set[str] = set()
    total = lookups = 0
    for ref in resource_refs(page):
        if ref in seen:
            continue
        seen.add(ref)
        path = _safe_relative_path(ref)
        if path is None:
            continue
        candidates = dict.fromkeys([path, unquote(path)])
        for candidate in candidates:
            if lookups >= _MAX_LOOKUPS or len(resources) >= MAX_RESOURCES:
                return tuple(resources)
            lookups += 1
            try:
                content = sibling(candidate)
            except OSError:
                content = None
            if content is None:
                continue
            if total + len(content) <= MAX_RESOURCE_BYTES:
                total += len(content)
                resources.append(Resource(ref=ref, data=content, mime=_mime(content, candidate)))
            break
    return tuple(resources)


def resource_refs(page: str) -> list[str]:
    """Every image (src, srcset) and stylesheet reference in a page, as written."""
    refs: list[str] = []
    for tag in _RESOURCE_TAG.finditer(page):
        element = tag.group(1).lower()
        attributes = {
            match.group(1).lower(): html.unescape(match.group(2) or match.group(3) or match.group(4) or "")
            for match in _ATTRIBUTE.finditer(tag.group(2))
        }
        if element == "link":
            if "stylesheet" in attributes.get("rel", "").lower().split() and attributes.get("href"):
                refs.append(attributes["href"])
            continue
        if element == "img" and attributes.get("src"):
            refs.append(attributes["src"])
        for candidate in attributes.get("srcset", "").split(","):
            words = candidate.split()
            if words:
                refs.append(words[0])
    return [ref.strip() for ref in refs if ref.strip()]


def _safe_relative_path(ref: str) -> str | None:
    """The file path a relative reference names, or None if it leaves the page's folder or is not a path."""
    if "\x00" in ref or _SCHEME.match(ref) or ref.startswith(("/", "\\")):
        return None
    path = re.split(r"[?#]", ref, maxsplit=1)[0].replace("\\", "/")
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    if not segments or any(unquote(segment).strip() == ".." or "/" in unquote(segment) for segment in segments):
        return None
    if any("\\" in unquote(segment) or "\x00" in unquote(segment) for segment in segments):
        return None
    return "/".join(segments)


def _mime(content: bytes, path: str) -> str | None:
    for magic, mime in (
        (b"\x89PNG", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF8", "image/gif"),
    ):
        if content.startswith(magic):
            return mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return mimetypes.guess_type(path, strict=False)[0]
