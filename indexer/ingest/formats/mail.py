"""E-mail newsletters: single messages (`.eml`) and mailboxes (`.mbox`), read with the standard `email` package.

A newsletter is an article: the title is the Subject without "Re:"/"Fwd:", the date the Date header,
the source the sender's display name, the URL the "View in browser" link or the `List-Post` header.
The body is the HTML part (or the plain text one), with what mail adds around a story taken out
before extraction: the "View in browser" line, tracking pixels, and the footer from the unsubscribe
line on (which holds the sender's postal address). Images sent inside the message (`cid:`) are kept.

An mbox is listed message by message (the walk): each message is one input named by its Message-ID.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

from indexer.model import Extracted, ImportFailure, Resource, Saved

from ..walk import MAX_ENTRY_BYTES, Refused, Skipped, Source
from .limits import MAX_DEPTH, MAX_IMAGE_BYTES, MAX_IMAGES, MAX_PAGE_BYTES, MAX_RECORDS

_MAX_PARTS = 500
_HEADER = re.compile(rb"^[!-9;-~]+[ \t]*:", re.M)
_MAIL_HEADERS = re.compile(
    rb"^(message-id|to|received|return-path|delivered-to|list-unsubscribe|list-id)[ \t]*:", re.I | re.M
)
_SAVED_BY_BROWSER = re.compile(rb"^(snapshot-content-location[ \t]*:|from[ \t]*:[ \t]*<saved by)", re.I | re.M)
_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|tr|sv|vs|rv)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
_VIEW_ONLINE = re.compile(
    r"\b(view|read|open|see)\b.{0,30}\b(in (?:(?:your|a|the) )?(?:web )?browser|online|on the web|as a web ?page)\b"
    r"|\bweb version\b|\bonline version\b|\bis this email not displaying\b|\bhaving trouble (viewing|reading)\b",
    re.I,
)
_FOOTER = re.compile(
    r"\bunsubscribe\b|\bmanage (your )?(subscription|preferences|email)|\bupdate your (email )?preferences\b"
    r"|\byou (are receiving|received|got) this\b|\bopt[ -]out\b|\bno longer (wish|want) to receive\b"
    r"|\bsent to [^\s@]+@|\bemail preferences\b",
    re.I,
)


def looks_like_mail(data: bytes) -> bool:
    """A mail message: header lines with a From and what mail servers and clients add (not a browser's MHTML)."""
    start = data[:65536].lstrip(b"\r\n\t ")
    end = re.search(rb"\r?\n\r?\n", start)
    head = start[: end.start()] if end else b""
    if not head or not _HEADER.match(head) or _SAVED_BY_BROWSER.search(head):
        return False
    has_from = re.search(rb"^from[ \t]*:", head, re.I | re.M) is not None
    return has_from and _MAIL_HEADERS.search(head) is not None


def looks_like_mbox(head: bytes) -> bool:
    """An mbox file: a `From ` separator line, then a message's header lines."""
    if not head.startswith(b"From "):
        return False
    lines = head.split(b"\n", 3)
    return len(lines) > 2 and _HEADER.match(lines[1]) is not None


# -- listing an mbox -----------------------------------------------------------------------------------


def list_mbox(path: Path) -> Iterator[Source | Refused | Skipped]:
    display = str(path)
    count = 0
    for offset, length, message_id in _messages(path):
        count += 1
        if count > MAX_RECORDS:
            yield Refused(display, f"the mailbox holds more than {MAX_RECORDS:,} messages; the rest are not read")
            return
        where = f"{display}/{message_id or f'message-{count}'}"
        if length > MAX_ENTRY_BYTES:
            yield Refused(where, f"message is {length / 2**20:.0f} MB; larger than {MAX_ENTRY_BYTES // 2**20} MB")
            continue
        yield Source(where, str(path), kind="mbox", offset=offset, length=length, container=display)


def _messages(path: Path) -> Iterator[tuple[int, int, str | None]]:
    """(offset, length, Message-ID) of each message, after its `From ` line, streaming the file."""
    start: int | None = None
    message_id: str | None = None
    in_headers = False
    blank_before = True
    position = 0
    with path.open("rb") as handle:
        for line in handle:
            if line.startswith(b"From ") and blank_before:
                if start is not None:
                    yield start, position - start, message_id
                start, message_id, in_headers = position + len(line), None, True
            elif in_headers:
                if not line.strip():
                    in_headers = False
                elif message_id is None and line[:11].lower() == b"message-id:":
                    message_id = line[11:].decode("utf-8", "replace").strip().strip("<>") or None
            blank_before = not line.strip()
            position += len(line)
    if start is not None:
        yield start, position - start, message_id


def _unescape_mbox(data: bytes) -> bytes:
    """Undo the `>From ` quoting mbox writers put on body lines (mboxrd: one `>` comes off)."""
    return re.sub(rb"(?m)^>(>*From )", rb"\1", data)


# -- reading one message ------------------------------------------------------------------------------------


def read_mail(data: bytes, name: str = "message.eml", from_mbox: bool = True) -> Saved:
    """The newsletter in one message."""
    if from_mbox:
        data = _unescape_mbox(data)
    if len(data) > MAX_PAGE_BYTES * 2:
        raise ImportFailure(f"the message is larger than {MAX_PAGE_BYTES * 2 // 2**20} MB")
    message = BytesParser(policy=compat32).parsebytes(data)
    parts = _leaves(message)
    body = _body(parts)
    if body is None:
        raise ImportFailure("a mail message with no text in it")
    text, is_html = body
    page = text if is_html else _text_page(text)
    url = _view_online_link(page) if is_html else None
    subject = _subject(message)
    page = clean_newsletter(page, subject) if is_html else page
    hints = Extracted(
        title=subject or None,
        published=_date(_header(message, "Date")),
        source=_sender(message),
        url=url or _list_post(message),
    )
    resources, page = _inline_images(parts, page)
    stem = re.sub(r"[^\w.-]+", "-", (hints.title or "message")[:60]).strip("-") or "message"
    return Saved(
        data=page.encode("utf-8"),
        format="email",
        url=hints.url,
        charset="utf-8",
        resources=resources,
        hints=hints,
        original=data,
        original_name=name if name.lower().endswith(".eml") else f"{stem}.eml",
    )


def _leaves(message: Message) -> list[Message]:
    leaves: list[Message] = []
    stack = [(message, 0)]
    while stack and len(leaves) < _MAX_PARTS:
        part, depth = stack.pop()
        if part.is_multipart():
            if depth >= MAX_DEPTH:
                continue
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend((p, depth + 1) for p in reversed(payload[:_MAX_PARTS]) if isinstance(p, Message))
        else:
            leaves.append(part)
    return leaves


def _body(parts: list[Message]) -> tuple[str, bool] | None:
    """The message's HTML body, else its plain text one, decoded (transfer encoding and charset)."""
    for wanted in ("text/html", "text/plain"):
        for part in parts:
            if part.get_content_type() != wanted or part.get_filename() or _is_attachment(part):
                continue
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes) or not payload.strip():
                continue
            from ..decode import decode

            return decode(payload[:MAX_PAGE_BYTES], _charset(part), html=wanted == "text/html"), wanted == "text/html"
    return None


def _is_attachment(part: Message) -> bool:
    return str(part.get("Content-Disposition", "")).strip().lower().startswith("attachment")


def _charset(part: Message) -> str | None:
    charset = part.get_content_charset()
    return charset if charset and charset not in ("us-ascii", "ascii", "unknown-8bit") else None


def _text_page(text: str) -> str:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return (
        "<html><body><article>"
        + "".join(f"<p>{htmllib.escape(p)}</p>" for p in paragraphs)
        + "</article></body></html>"
    )


def _inline_images(parts: list[Message], page: str) -> tuple[tuple[Resource, ...], str]:
    """The images sent inside the message (`cid:` references), renamed in the page to names that read as
    image files (the extractor keeps images by the look of their address)."""
    images: list[Resource] = []
    for part in parts:
        content_id = str(part.get("Content-ID", "")).strip().strip("<>")
        if not content_id or part.get_content_maintype() != "image" or len(images) >= MAX_IMAGES:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and 0 < len(payload) <= MAX_IMAGE_BYTES:
            name = f"mail-image-{len(images) + 1}.{part.get_content_subtype() or 'img'}"
            page = re.sub(r"(['\"])cid:" + re.escape(content_id) + r"\1", r"\g<1>" + name + r"\g<1>", page)
            images.append(Resource(ref=name, data=payload, mime=part.get_content_type()))
    return tuple(images), page


def _header(message: Message, name: str) -> str | None:
    value = message.get(name)
    if value is None:
        return None
    try:
        text = str(make_header(decode_header(str(value))))
    except (UnicodeError, LookupError, ValueError, TypeError):
        text = str(value)
    text = " ".join(text.split())
    return text or None


def _subject(message: Message) -> str:
    subject = _header(message, "Subject") or ""
    return _PREFIX.sub("", subject).strip()


def _sender(message: Message) -> str | None:
    raw = _header(message, "From")
    if not raw:
        return None
    addresses = getaddresses([raw])
    if not addresses:
        return None
    display, address = addresses[0]
    return display.strip().strip("\"'") or address or None


def _list_post(message: Message) -> str | None:
    value = _header(message, "List-Post") or ""
    for candidate in re.findall(r"<([^>]+)>", value):
        if candidate.lower().startswith(("http://", "https://")):
            return candidate
    return None


def _date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# -- cleaning the HTML part ------------------------------------------------------------------------------------


def _view_online_link(page: str) -> str | None:
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(page)
    except (ValueError, TypeError, etree.ParserError):
        return None
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if href.lower().startswith(("http://", "https://")) and _VIEW_ONLINE.search(link.text_content() or ""):
            return href
    return None


def clean_newsletter(page: str, subject: str = "") -> str:
    """The HTML part without the "View in browser" line, tracking pixels, and the footer from "unsubscribe" on.

    The subject becomes the page's title, so that the extractor knows the headline when the body repeats it.
    """
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(page)
    except (ValueError, TypeError, etree.ParserError):
        return page
    for element in list(tree.iter()):
        if isinstance(element.tag, str) and _is_hidden(element):
            _drop(element)  # tracking pixels, and the preview text mail clients show in the inbox only
    for link in list(tree.iter("a")):
        if _VIEW_ONLINE.search(link.text_content() or ""):
            _drop(_block_of(link, 200))
    for element in tree.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th", "center"):
        # Mail is laid out with tables; as such, the story's paragraphs would read as cells of one row.
        element.tag = "div"
        element.attrib.clear()
    footer = _footer(tree)
    if footer is not None:
        block = _block_of(footer, 1200)
        for later in [e for e in block.itersiblings()]:
            _drop(later)
        # Everything after the footer block, at every level up to the body, goes with it.
        node = block
        while node.getparent() is not None and node.getparent().tag not in ("body", "html"):
            for later in list(node.getparent().itersiblings()):
                _drop(later)
            node = node.getparent()
        _drop(block)
    if subject:
        head = tree.find("head")
        if head is None:
            head = etree.Element("head")
            tree.insert(0, head)
        for old in head.findall("title"):
            head.remove(old)
        etree.SubElement(head, "title").text = subject
    body = tree.find("body")
    if body is not None and body.find(".//article") is None:
        # What is left is the story: saying so keeps its figures in the extractor's eyes.
        article = etree.SubElement(body, "article")
        article.text, body.text = body.text, None
        for child in list(body)[:-1]:
            article.append(child)
    return lxml_html.tostring(tree, encoding="unicode")


def _footer(tree: Any) -> Any:
    """The first element speaking of unsubscribing that stands near the end (a story may mention the word)."""
    full = " ".join(tree.text_content().split())
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body"):
            continue
        own = " ".join(filter(None, [element.text] + [c.tail for c in element]))
        if element.tag == "a":
            own += " " + (element.text_content() or "")
        found = _FOOTER.search(own)
        if found is None:
            continue
        words = " ".join(own.split())
        position = full.find(words) if words else -1
        after = len(full) - position if position >= 0 else len(full)
        if after <= max(1500, len(full) * 0.35):
            return element
    return None


def _is_hidden(element: Any) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style or "max-height:0" in style:
        return True
    if element.tag != "img":
        return False
    sizes = [element.get("width") or "", element.get("height") or ""]
    return any(s.strip().removesuffix("px").isdigit() and int(s.strip().removesuffix("px")) <= 3 for s in sizes)


def _block_of(element: Any, limit: int) -> Any:
    """The largest ancestor (or the element) whose text stays under `limit` characters."""
    node = element
    parent = node.getparent()
    while parent is not None and parent.tag not in ("body", "html") and len(parent.text_content()) <= limit:
        node, parent = parent, parent.getparent()
    return node


def _drop(element: Any) -> None:
    if element.getparent() is not None:
        element.drop_tree()
