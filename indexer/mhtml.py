"""MHTML, the browsers' single-file page save: a MIME multipart/related message holding the page and its files.

Chrome and Edge write it ("Webpage, Single File"), as did Internet Explorer; Firefox does through
extensions. The root headers carry the page URL (``Snapshot-Content-Location`` in Blink's files,
``Content-Location`` elsewhere) and the save time (``Date``); every part carries its own
``Content-Location`` or ``Content-ID``, a content type and a transfer encoding.
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timezone
from email.message import Message
from email.utils import parsedate_to_datetime

from indexer.model import ImportFailure, Resource, Saved

__all__ = ["looks_like_mhtml", "read_mhtml"]

# The header block of a MIME message: header lines (and folded continuations) up to the first blank line.
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_MIME_TYPE = re.compile(
    rb"^content-type[ \t]*:[ \t]*(multipart/related|multipart/alternative|multipart/mixed|text/html)", re.I | re.M
)
_PAGE_TYPES = ("text/html", "application/xhtml+xml")


def looks_like_mhtml(data: bytes) -> bool:
    """True when the bytes start with MIME headers that announce a page or a multipart message."""
    start = data[:65536].lstrip(b"\r\n\t ")
    if not _HEADER_LINE.match(start):
        return False
    end = _BLANK_LINE.search(start)
    if end is None:
        return False
    headers = start[: end.start()]
    for line in headers.splitlines():
        if line[:1] not in (b" ", b"\t") and not _HEADER_LINE.match(line):
            return False  # a line that is neither a header nor a continuation: this is not a MIME header block
    found = _MIME_TYPE.search(headers)
    if found is None:
        return False
    return (
        found.group(1).lower() != b"text/html" or re.search(rb"^mime-version[ \t]*:", headers, re.I | re.M) is not None
    )


def read_mhtml(data: bytes, *, max_resources: int, max_resource_bytes: int) -> Saved:
    """The page part of an MHTML file, its URL and save date, and the other parts as resources."""
    message = email.message_from_bytes(data.lstrip(b"\r\n\t "), policy=email.policy.compat32)
    parts = [part for part in message.walk() if not part.is_multipart()]
    snapshot = _url(_header(message, "Snapshot-Content-Location"))
    page = _page_part(parts, snapshot)
    if page is None:
        raise ImportFailure("an MHTML file without a web page in it")
    body = page.get_payload(decode=True)
    if not isinstance(body, bytes) or not body.strip():
        raise ImportFailure("an MHTML file whose web page is empty")

    resources: list[Resource] = []
    total = 0
    for part in parts:
        if part is page or len(resources) >= max_resources:
            continue
        ref = _part_ref(part)
        payload = part.get_payload(decode=True)
        if ref is None or not isinstance(payload, bytes) or total + len(payload) > max_resource_bytes:
            continue
        total += len(payload)
        resources.append(Resource(ref=ref, data=payload, mime=part.get_content_type()))

    url = snapshot or _url(_header(page, "Content-Location")) or _url(_header(message, "Content-Location"))
    return Saved(
        data=body,
        format="mhtml",
        url=url,
        saved_at=_date(_header(message, "Date")),
        charset=_charset(page),
        resources=tuple(resources),
    )


def _page_part(parts: list[Message], snapshot: str | None) -> Message | None:
    pages = [part for part in parts if part.get_content_type() in _PAGE_TYPES]
    if snapshot:
        # The saved page itself, rather than a frame inside it, is the part at the snapshot's own address.
        for part in pages:
            if _url(_header(part, "Content-Location")) == snapshot:
                return part
    return pages[0] if pages else None


def _part_ref(part: Message) -> str | None:
    location = _header(part, "Content-Location")
    if location:
        return "".join(location.split())
    content_id = _header(part, "Content-ID")
    if content_id:
        cid = "".join(content_id.split()).strip("<>")
        return f"cid:{cid}" if cid else None
    return None


def _header(message: Message, name: str) -> str | None:
    value = message.get(name)
    if value is None:
        return None
    # compat32 keeps raw 8-bit header bytes as surrogates; browsers write such headers in UTF-8.
    text = str(value).encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
    return text.strip() or None


def _url(value: str | None) -> str | None:
    if not value:
        return None
    url = "".join(value.split())  # long URLs may be folded over several header lines
    return url if re.match(r"https?://[^/?#\s]", url, re.I) else None


def _charset(part: Message) -> str | None:
    charset = part.get_param("charset")
    if isinstance(charset, tuple):  # an RFC 2231 value: (charset, language, value)
        charset = charset[2]
    if not charset:
        return None
    return str(charset).strip().strip("\"'") or None


def _date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        # RFC 5322's "-0000" zone: the time is UTC, the writer's local offset unknown.
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat()
