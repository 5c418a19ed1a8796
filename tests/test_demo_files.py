"""The bundled demo folder (resources/demo) is well-formed in every save format it shows.

Checked with lxml and the standard library only, so a broken sample is caught even while the
importer itself is broken.
"""

from __future__ import annotations

import base64
import email
import json
import re
import struct
import zlib
from collections import Counter
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from indexer.paths import demo_articles_dir

DEMO = demo_articles_dir()
RESOURCE_SUFFIX = "_files"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_IMAGE_BYTES = 30 * 1024
SAVED_FROM = re.compile(r"<!-- saved from url=\((\d{4})\)(\S+?) -->")
SINGLEFILE_HEADER = re.compile(r"<!--\n Page saved with SingleFile \n url: (\S+) \n saved date: ([^\n]+)\n-->")


def _articles(*suffixes: str) -> list[Path]:
    """Article files in the demo folder and its subfolders, leaving out the resources of complete saves."""
    return sorted(
        p
        for p in DEMO.rglob("*")
        if p.is_file() and p.suffix in suffixes and not any(part.endswith(RESOURCE_SUFFIX) for part in p.parts)
    )


def _rel(path: Path) -> str:
    return path.relative_to(DEMO).as_posix()


PAGES = _articles(".html", ".xhtml")
MHTMLS = _articles(".mhtml")
TEXTS = _articles(".txt")
COMPLETE = [p for p in PAGES if p.with_name(p.stem + RESOURCE_SUFFIX).is_dir()]
SINGLEFILE = [p for p in PAGES if b"Page saved with SingleFile" in p.read_bytes()[:300]]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature, IHDR, chunk CRCs and pixel data length."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG signature"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append(kind)
        if kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    assert depth == 8
    assert len(zlib.decompress(idat)) == height * (1 + width * channels), "pixel data does not fill the image"
    return width, height


def _parse(path: Path) -> etree._Element:
    data = path.read_bytes()
    if path.suffix == ".xhtml":
        # An XHTML page must be well-formed XML on its own: no DTD fetch, no entity expansion.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        return etree.fromstring(data, parser)
    return lxml_html.document_fromstring(data)


def _json_ld(root: etree._Element) -> list[dict]:
    blocks = root.xpath("//*[local-name()='script'][@type='application/ld+json']")
    found = []
    for block in blocks:
        data = json.loads(block.text)
        for node in data.get("@graph", [data]):
            found.append(node)
    return found


ARTICLE_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle")


def _news_article(root: etree._Element) -> dict | None:
    return next((n for n in _json_ld(root) if n.get("@type") in ARTICLE_TYPES), None)


def _og(root: etree._Element, prop: str) -> str | None:
    values = root.xpath(f"//*[local-name()='meta'][@property='{prop}']/@content")
    return values[0] if values else None


def test_demo_shows_every_import_format() -> None:
    html_only = [p for p in PAGES if p.suffix == ".html" and p not in COMPLETE and p not in SINGLEFILE]
    formats = {
        "HTML only": html_only,
        "Web Page, Complete": COMPLETE,
        "MHTML": MHTMLS,
        "SingleFile": SINGLEFILE,
        "XHTML": [p for p in PAGES if p.suffix == ".xhtml"],
        "pasted text": TEXTS,
        "subfolder": [p for p in PAGES + MHTMLS + TEXTS if p.parent != DEMO],
    }
    assert {name: len(files) for name, files in formats.items() if not files} == {}
    assert 12 <= len(PAGES) + len(MHTMLS) + len(TEXTS) <= 16


@pytest.mark.parametrize("path", PAGES, ids=_rel)
def test_page_parses_and_names_itself(path: Path) -> None:
    root = _parse(path)
    article = _news_article(root)
    og_title = _og(root, "og:title")
    assert article or og_title, "neither JSON-LD nor og:title"
    if article and og_title:
        assert article["headline"] == og_title
    if article:
        authors = article["author"] if isinstance(article["author"], list) else [article["author"]]
        for person in authors:
            assert person["name"].strip() and person["jobTitle"].strip() and person["description"].strip()
            assert person["url"].startswith("https://")
    title = root.xpath("string(//*[local-name()='title'])")
    assert (og_title or article["headline"]) in title


def test_pages_are_in_more_than_one_language() -> None:
    langs = {_parse(p).get("lang", "")[:2] for p in PAGES}
    assert "uk" in langs and langs & {"de", "fr"}, langs


def test_some_authors_wrote_more_than_one_story() -> None:
    names: Counter[str] = Counter()
    for path in PAGES:
        article = _news_article(_parse(path))
        if article:
            authors = article["author"] if isinstance(article["author"], list) else [article["author"]]
            names.update({a["name"] for a in authors})
    assert names and names.most_common(1)[0][1] >= 2, names


def test_saved_from_comments_count_their_url() -> None:
    found = 0
    for path in PAGES:
        head = path.read_text(encoding="utf-8")[:400]
        for count, url in SAVED_FROM.findall(head):
            assert int(count) == len(url), f"{_rel(path)}: ({count}) but the URL has {len(url)} characters"
            found += 1
    assert found, "no page carries a browser's saved-from comment"
    assert any(p.read_text(encoding="utf-8").startswith("<!-- saved from url=(") for p in PAGES)


def _mhtml_parts(path: Path) -> tuple[Message, list[Message]]:
    message = email.message_from_bytes(path.read_bytes())
    assert message.get_content_type() == "multipart/related"
    parts = message.get_payload()
    assert isinstance(parts, list)
    return message, parts


@pytest.mark.parametrize("path", MHTMLS, ids=_rel)
def test_mhtml_holds_page_and_image(path: Path) -> None:
    message, parts = _mhtml_parts(path)
    assert message["From"] == "<Saved by Blink>" and message["MIME-Version"] == "1.0"
    page = next(p for p in parts if p.get_content_type() == "text/html")
    images = [p for p in parts if p.get_content_maintype() == "image"]
    assert images, "no image part"
    assert page["Content-Transfer-Encoding"] == "quoted-printable"
    assert page["Content-Location"] == message["Snapshot-Content-Location"]
    payload = page.get_payload(decode=True)
    assert isinstance(payload, bytes)
    html = payload.decode("utf-8")
    root = lxml_html.document_fromstring(html)
    assert str(make_header(decode_header(message["Subject"]))) == root.findtext(".//title")
    for image in images:
        assert image["Content-Transfer-Encoding"] == "base64"
        assert image["Content-Location"] in root.xpath("//img/@src")
        data = image.get_payload(decode=True)
        assert isinstance(data, bytes)
        png_size(data)


@pytest.mark.parametrize("path", COMPLETE, ids=_rel)
def test_complete_save_images_are_pngs_the_page_uses(path: Path) -> None:
    folder = path.with_name(path.stem + RESOURCE_SUFFIX)
    refs = {
        ref.removeprefix("./")
        for ref in _parse(path).xpath("//img/@src | //link[@rel='stylesheet']/@href")
        if not ref.startswith(("http:", "https:", "data:"))
    }
    assert refs, "the page refers to nothing in its folder"
    for ref in refs:
        assert (path.parent / ref).is_file(), f"missing {ref}"
    pngs = sorted(folder.glob("*.png"))
    assert pngs
    for png in pngs:
        data = png.read_bytes()
        assert len(data) < MAX_IMAGE_BYTES
        width, height = png_size(data)
        assert width >= 100 and height >= 50
        assert f"{folder.name}/{png.name}" in refs


def test_singlefile_page_has_its_header_and_inline_image() -> None:
    assert SINGLEFILE, "no SingleFile page"
    for path in SINGLEFILE:
        text = path.read_text(encoding="utf-8")
        header = SINGLEFILE_HEADER.search(text[:500])
        assert header, f"{_rel(path)}: no SingleFile header comment"
        assert header.group(1).startswith("https://")
        datetime.strptime(header.group(2).split(" (")[0], "%a %b %d %Y %H:%M:%S GMT%z")
        root = _parse(path)
        inline = [s for s in root.xpath("//img/@src") if s.startswith("data:image/png;base64,")]
        assert inline, "no inline image"
        png_size(base64.b64decode(inline[0].split(",", 1)[1], validate=True))
        # SingleFile inlines everything: nothing left to fetch.
        assert not root.xpath("//link[@rel='stylesheet'] | //script[@src]")


@pytest.mark.parametrize("path", TEXTS, ids=_rel)
def test_text_paste_is_utf8_prose(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")  # strict: raises on any invalid byte
    assert "\x00" not in text
    paragraphs = [block for block in re.split(r"\n\s*\n", text) if len(block.split()) >= 25]
    assert len(paragraphs) >= 5, "too little article text"
