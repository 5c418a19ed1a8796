"""Test files for the formats beyond saved pages, written by the tests themselves (all text invented here).

A WARC is written with warcio, a Safari web archive with plistlib, mails with the email package,
PDFs by a small writer below (Helvetica text at given positions), exports as JSON, zip and CSV.
"""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import plistlib
import struct
import zipfile
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from tests.pages import LOREM, article_html

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f00f0004850180848a8c210000000049454e44ae426082"
)
STORY_URL = "https://harbour-ledger.example/news/ferry-winter"


# -- WARC ----------------------------------------------------------------------------------------


def warc_file(
    path: Path,
    records: list[dict],
    *,
    compress: bool = True,
) -> Path:
    """A WARC of `records`: {"url", "body", "type" ("response"), "status", "content_type", "headers", "date"}."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for spec in records:
        kind = spec.get("type", "response")
        body = spec["body"]
        warc_headers = {"WARC-Date": spec["date"]} if spec.get("date") else None
        if kind == "response":
            headers = [("Content-Type", spec.get("content_type", "text/html; charset=utf-8"))]
            headers += list(spec.get("headers", ()))
            http = StatusAndHeaders(spec.get("status", "200 OK"), headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                spec["url"], "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=warc_headers
            )
        elif kind == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "harbour-ledger.example")], is_http_request=True)
            record = writer.create_warc_record(spec["url"], "request", payload=io.BytesIO(b""), http_headers=http)
        elif kind == "revisit":
            record = writer.create_revisit_record(spec["url"], "sha1:AAAA", spec["url"], "2024-11-05T09:00:00Z")
        else:
            record = writer.create_warc_record(
                spec["url"],
                kind,
                payload=io.BytesIO(body),
                warc_content_type=spec.get("content_type", "text/html"),
                warc_headers_dict=warc_headers,
            )
        writer.write_record(record)
    path.write_bytes(buffer.getvalue())
    return path


def wacz_file(path: Path, warc: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("datapackage.json", json.dumps({"profile": "data-package", "resources": []}))
        archive.write(warc, f"archive/{warc.name}", compress_type=zipfile.ZIP_STORED)
        archive.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0"}\n')
    return path


def gzip_body(data: bytes) -> bytes:
    return gzip.compress(data)


def chunked(data: bytes, size: int = 100) -> bytes:
    out = b"".join(
        b"%x\r\n" % len(data[i : i + size]) + data[i : i + size] + b"\r\n" for i in range(0, len(data), size)
    )
    return out + b"0\r\n\r\n"


# -- Safari web archive ------------------------------------------------------------------------------


def webarchive(
    page: bytes,
    url: str,
    *,
    images: dict[str, bytes] | None = None,
    fmt: str = "binary",
    encoding: str = "UTF-8",
    frames: list[dict] | None = None,
) -> bytes:
    archive = {
        "WebMainResource": {
            "WebResourceData": page,
            "WebResourceMIMEType": "text/html",
            "WebResourceTextEncodingName": encoding,
            "WebResourceURL": url,
            "WebResourceFrameName": "",
        },
        "WebSubresources": [
            {"WebResourceData": data, "WebResourceMIMEType": "image/png", "WebResourceURL": ref}
            for ref, data in (images or {}).items()
        ],
    }
    if frames:
        archive["WebSubframeArchives"] = frames
    return plistlib.dumps(archive, fmt=plistlib.FMT_BINARY if fmt == "binary" else plistlib.FMT_XML)


def deep_webarchive_xml(depth: int) -> bytes:
    """A web archive whose frames nest `depth` deep, as XML (plistlib cannot write one this deep)."""
    page = base64.b64encode(article_html().encode()).decode()
    frame = "<array><dict><key>WebMainResource</key><dict/><key>WebSubframeArchives</key>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>WebMainResource</key><dict>'
        f"<key>WebResourceData</key><data>{page}</data><key>WebResourceURL</key><string>{STORY_URL}</string>"
        "</dict><key>WebSubframeArchives</key>"
        + frame * depth
        + "<array/>"
        + "</dict></array>" * depth
        + "</dict></plist>"
    ).encode()


def deep_webarchive_binary(depth: int) -> bytes:
    """The same as a binary property list, written object by object: a dict, then arrays nested `depth` deep."""
    objects = [b"\xd2" + struct.pack(">HHHH", 1, 3, 2, 4), b"\x5f\x10\x0fWebMainResource", b"\xd0"]
    objects.append(b"\x5f\x10\x13WebSubframeArchives")
    for level in range(depth):
        objects.append(b"\xa1" + struct.pack(">H", 5 + level))
    objects.append(b"\xa0")
    body = b"bplist00"
    offsets = []
    for item in objects:
        offsets.append(len(body))
        body += item
    table = len(body)
    body += b"".join(struct.pack(">I", o) for o in offsets)
    return body + b"\x00" * 6 + struct.pack(">BBQQQ", 4, 2, len(objects), 0, table)


# -- mail ----------------------------------------------------------------------------------------------

NEWSLETTER_PARAGRAPHS = [
    "Good morning. The harbour authority confirmed late on Monday that the winter ferry timetable will run "
    "through February, after weeks of talks with the operator and the council.",
    "Commuters from the islands had warned that a shorter season would leave them with a two-hour drive around "
    "the bay, and the council's transport committee heard from more than forty residents.",
    "The operator says it will add an evening crossing on Fridays, and fares stay where they are until the "
    "spring review, when passenger numbers will decide whether the timetable becomes permanent.",
]


def newsletter_html(
    *, byline: str = "By Ilse Marten", view_link: str = "https://letters.example/p/ferry-winter"
) -> str:
    figure = '<figure><img src="cid:chart@letters" alt="Chart"><figcaption>Crossings per week</figcaption></figure>'
    first, *rest = NEWSLETTER_PARAGRAPHS
    paragraphs = f"<p>{first}</p>{figure}" + "".join(f"<p>{p}</p>" for p in rest)
    return f"""<html><head><meta charset="utf-8"><title>Harbour Notes</title></head><body>
<div style="display:none;max-height:0">Preview text the inbox shows and the story does not need.</div>
<table><tr><td><a href="{view_link}">View in browser</a></td></tr></table>
<table><tr><td>
<h1>The winter ferry stays</h1>
<p class="byline">{byline}</p>
{paragraphs}
</td></tr></table>
<table><tr><td>
<p>You received this email because you subscribed to Harbour Notes.
<a href="https://letters.example/unsubscribe?u=1">Unsubscribe</a>
or <a href="https://letters.example/prefs">manage your preferences</a>.</p>
<p>Harbour Notes Ltd, 12 Quay Street, Portwick PW1 2AB</p>
</td></tr></table>
<img src="https://track.letters.example/open.gif?u=1" width="1" height="1" alt="">
</body></html>"""


def newsletter(
    *,
    subject: str = "Fwd: Re: The winter ferry stays",
    sender: str = "Harbour Notes <notes@letters.example>",
    date: datetime = datetime(2024, 11, 5, 7, 30, tzinfo=timezone.utc),
    html: str | None = None,
    text: str | None = None,
    charset: str | None = "utf-8",
    cte: str | None = None,
    message_id: str = "<ferry-1@letters.example>",
    list_post: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "reader@home.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    if list_post:
        message["List-Post"] = list_post
    message.set_content(text or "\n\n".join(NEWSLETTER_PARAGRAPHS), cte=cte or "quoted-printable")
    body = html if html is not None else newsletter_html()
    message.add_alternative(body, subtype="html", cte=cte or "quoted-printable")
    html_part = message.get_payload()[1]
    html_part.add_related(PNG, "image", "png", cid="<chart@letters>")
    raw = message.as_bytes()
    if charset is None:
        raw = raw.replace(b'; charset="utf-8"', b"").replace(b"; charset=utf-8", b"")
    return raw


def mbox(messages: list[bytes]) -> bytes:
    out = []
    for raw in messages:
        body = raw.replace(b"\r\n", b"\n")
        body = b"\n".join(b">" + line if line.startswith(b"From ") else line for line in body.split(b"\n"))
        out.append(b"From notes@letters.example Tue Nov  5 07:30:00 2024\n" + body.rstrip(b"\n") + b"\n\n")
    return b"".join(out)


# -- PDF --------------------------------------------------------------------------------------------


def pdf(
    pages: list[list[tuple[float, float, float, str]]],
    info: dict[str, str] | None = None,
    size: tuple[float, float] = (595.0, 842.0),
    deflated: bytes | None = None,
) -> bytes:
    """A PDF whose pages hold Helvetica text: (x, y, font size, text) each, Latin-1 only."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 1 + 2 * len(pages) + 1
    kids = []
    for texts in pages:
        stream = b"".join(
            b"BT /F1 %.1f Tf %.1f %.1f Td (%s) Tj ET\n" % (s, x, y, _pdf_string(t)) for x, y, s, t in texts
        )
        if deflated is not None:  # the page's content as given, compressed
            content = add(
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(deflated) + deflated + b"\nendstream"
            )
        else:
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.0f %.0f] /Resources << /Font << /F1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (pages_id, size[0], size[1], font, content)
            )
        )
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    assert (
        add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
        == pages_id
    )
    info_id = add(
        b"<< " + b" ".join(b"/%s (%s)" % (k.encode(), _pdf_string(v)) for k, v in (info or {}).items()) + b" >>"
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info_id, xref)
    )
    return out.getvalue()


def pdf_bomb() -> bytes:
    """A one-page PDF whose content stream is 100 MB of spaces, deflated to about 100 KB."""
    import zlib

    return pdf([[]], deflated=zlib.compress(b" " * 100_000_000, 9))


def _pdf_string(text: str) -> bytes:
    return text.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def browser_print(paragraph_lines: list[list[str]] | None = None, *, pages: int = 2) -> bytes:
    """A story printed from a browser: header (time, title), footer (URL, "1/2"), headline, byline, date, text."""
    height = 842.0
    body_lines = paragraph_lines or [_wrap(p) for p in LOREM]
    page_texts: list[list[tuple[float, float, float, str]]] = []
    y = 760.0
    current: list[tuple[float, float, float, str]] = [
        (40, 790, 22, "Council extends winter ferry service"),
        (40, 770, 10, "By Maren Holt"),
        (40, 756, 10, "November 5, 2024"),
    ]
    y = 730.0
    for lines in body_lines:
        for line in lines:
            if y < 80:
                page_texts.append(current)
                current, y = [], 790.0
            current.append((40, y, 11, line))
            y -= 14
        y -= 12
    page_texts.append(current)
    while len(page_texts) < pages:
        page_texts.append([])
    total = len(page_texts)
    for number, texts in enumerate(page_texts, start=1):
        texts.insert(0, (20, height - 16, 8, "11/6/24, 8:15 AM"))
        texts.insert(1, (250, height - 16, 8, "Council extends winter ferry service | The Harbour Ledger"))
        texts.append((20, 12, 8, STORY_URL))
        texts.append((550, 12, 8, f"{number}/{total}"))
    return pdf(
        page_texts,
        {
            "Title": "Council extends winter ferry service | The Harbour Ledger",
            "Producer": "Skia/PDF m120",
            "CreationDate": "D:20241106081500+01'00'",
        },
    )


def _wrap(text: str, width: int = 90) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


# -- clippings and exports ----------------------------------------------------------------------------


def clipping(front: str, body: str | None = None) -> str:
    text = (
        body
        if body is not None
        else "\n\n".join(
            ["# Council extends winter ferry service", *LOREM[:2], "## What comes next", *LOREM[2:], "- [x] read again"]
        )
    )
    return f"---\n{front.strip()}\n---\n{text}\n"


def wallabag(entries: list[dict]) -> bytes:
    return json.dumps(entries, ensure_ascii=False, indent=2).encode("utf-8")


def wallabag_entry(**overrides: object) -> dict:
    entry = {
        "is_archived": 0,
        "is_starred": 1,
        "tags": ["transport", "council/ferries"],
        "is_public": False,
        "id": 41,
        "title": "Council extends winter ferry service",
        "url": STORY_URL,
        "given_url": STORY_URL,
        "content": "".join(f"<p>{p}</p>" for p in LOREM),
        "created_at": "2024-11-06T08:15:00+0100",
        "updated_at": "2024-11-06T09:00:00+0100",
        "published_at": "2024-11-05T09:30:00+0000",
        "published_by": ["Maren Holt"],
        "annotations": [
            {
                "id": 3,
                "quote": "ending a two-year dispute",
                "text": "finally",
                "created_at": "2024-11-06T09:01:00+0100",
                "ranges": [{"start": "/p[1]", "startOffset": "60", "end": "/p[1]", "endOffset": "85"}],
            }
        ],
        "mimetype": "text/html",
        "language": "en",
        "reading_time": 2,
        "domain_name": "harbour-ledger.example",
    }
    entry.update(overrides)
    return entry


def omnivore_zip(path: Path, items: list[tuple[dict, str | None, str | None]]) -> Path:
    """An Omnivore export: (metadata item, content HTML or None, highlights Markdown or None) per article."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata_0_to_49.json", json.dumps([item for item, _, _ in items]))
        for item, content, notes in items:
            if content is not None:
                archive.writestr(f"content/{item['slug']}.html", content)
            if notes is not None:
                archive.writestr(f"highlights/{item['slug']}.md", notes)
    return path


def pocket_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, ["title", "url", "time_added", "tags", "status"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def instapaper_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, ["URL", "Title", "Selection", "Folder", "Timestamp"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def story_page(**kwargs: object) -> bytes:
    return article_html(**kwargs).encode("utf-8")  # type: ignore[arg-type]
