"""Fuzzing the import stages with hypothesis: real and generated pages, mutated.

Every call of decode, read_saved, extract_html, extract_text and sanitize_reader_html must end in a
result or `ImportFailure`, never another exception. How fast a page goes is not judged here (the
verdict must not depend on the machine): a call that has not ended after HANG_S is a hang, and the
run stops with every thread's stack printed. Seeds are a few corpus pages (when ../shared is there)
and the pages tests/pages.py writes; mutations flip bytes, truncate, insert tag soup, nest deeply,
blow up attributes and re-encode.
"""

from __future__ import annotations

import codecs
import faulthandler
import gzip
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.ingest.decode import decode
from indexer.ingest.extract.page import extract_html
from indexer.ingest.extract.text import extract_text
from indexer.ingest.read import read_saved
from indexer.ingest.sanitize import sanitize_reader_html
from indexer.model import ImportFailure
from tests.conftest import SHARED
from tests.pages import LOREM, article_html

CASES = {"count": 0}
FUZZ = settings(
    deadline=None,  # speed is for the benchmarks; hangs are caught by `survive`
    database=None,
    # In CI the same cases run every time, so a landing is never decided by a lucky draw; fuzz
    # freshly (and find new cases) by running the suite locally, where each run draws anew.
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _corpus_seeds() -> list[bytes]:
    # Read directly (not through the shared_dir fixture) because hypothesis strategies are built at
    # import time; without ../shared the generated pages alone seed the fuzzing.
    folder = SHARED / "corpus" / "aeb" / "html"
    if not folder.is_dir():
        return []
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.gz"))]
    return [page for page in pages if len(page) < 120_000][:6]  # whole pages, small enough to fuzz quickly


def _text_seeds() -> list[bytes]:
    folder = SHARED / "corpus" / "aeb" / "text"
    found = [gzip.decompress(p.read_bytes())[:60_000] for p in sorted(folder.glob("*.txt.gz"))[:3]]
    return found or ["\n\n".join(["Council extends winter ferry service", "By Maren Holt", *LOREM]).encode()]


HTML_SEEDS = [
    *_corpus_seeds(),
    article_html().encode(),
    article_html(title="Ünïcödé — «заголовок»", authors=[{"name": "Олена Коваль"}], lang="uk").encode(),
    article_html(extra_body='<figure><img src="pics/a.png"><figcaption>cap</figcaption></figure>').encode(),
    b"",
    b"<html></html>",
]
TEXT_SEEDS = _text_seeds()

TAG_SOUP = [
    b"<script>alert(1)</script>",
    b"<div><p><span><table><tr><td>",
    b"</div></p></table></html></body>",
    b"<!--",
    b"<![CDATA[",
    b"<svg><foreignObject><math><mi>",
    b'<meta charset="utf-16">',
    b'<meta http-equiv="content-type" content="text/html; charset=shift_jis">',
    b"<article><h1>x</h1><p>By someone</p>",
    b'<script type="application/ld+json">{"@type":"NewsArticle","author":[[[[{}]]]],"datePublished":9e999}',
    b"&#xFFFFFFFF;&#0;&#xD800;&bogus;&",
    b"\x00\xff\xfe\x00",
    b"<p>" + "\u202e\u200b\ufeff".encode() + b"</p>",
    b"<?xml version='1.0' encoding='ebcdic'?>",
    b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\n",
]
ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-be",
    "utf-32",
    "cp1251",
    "latin-1",
    "shift_jis",
    "utf-7",
    "gb18030",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "soup", "nest", "attribute", "encode", "splice"]))
        at = draw(st.integers(0, len(data))) if data else 0
        if kind == "flip" and data:
            for _ in range(draw(st.integers(1, 64))):
                i = draw(st.integers(0, len(data) - 1))
                data[i] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "soup":
            data[at:at] = draw(st.sampled_from(TAG_SOUP)) * draw(st.integers(1, 50))
        elif kind == "nest":
            depth = draw(st.sampled_from([10, 200, 1000, 5000]))
            tag = draw(st.sampled_from([b"div", b"b", b"table", b"li", b"blockquote"]))
            data[at:at] = b"<" + tag + b">" * 1 + (b"<" + tag + b">") * depth
        elif kind == "attribute":
            size = draw(st.sampled_from([1_000, 100_000, 1_000_000]))
            data[at:at] = b'<p title="' + b"x" * size + b'" class=' + b"y" * size + b">"
        elif kind == "encode":
            codec = draw(st.sampled_from(ENCODINGS))
            text = bytes(data).decode("utf-8", errors="replace")
            data = bytearray(text.encode(codec, errors="replace"))
        elif kind == "splice":
            other = draw(st.sampled_from(seeds))
            cut = draw(st.integers(0, len(other)))
            data[at:] = other[cut:]
    return bytes(data)


SOUP_TEXT = st.lists(
    st.one_of(
        st.sampled_from([t.decode("latin-1") for t in TAG_SOUP]),
        st.sampled_from(["<p>", "</p>", "<h1>", "<a href='javascript:x'>", "<img src=//x>", "<br>", "\n\n"]),
        st.text(max_size=80),
        st.sampled_from(LOREM),
    ),
    max_size=60,
).map("".join)


# A stage call that takes this long on any page is stuck (they take milliseconds): the process prints
# every thread's stack and exits, which fails the run with the place it hung.
HANG_S = 300


def survive(stage: str, call: Callable[[], Any]) -> Any:
    """Run one stage call: a result or ImportFailure, anything else fails the test with the stage named."""
    faulthandler.dump_traceback_later(HANG_S, exit=True)
    try:
        return call()
    except ImportFailure:
        return None
    except Exception as exc:  # noqa: BLE001 - the point of the test
        raise AssertionError(f"{stage} raised {type(exc).__name__}: {exc}") from exc
    finally:
        faulthandler.cancel_dump_traceback_later()


def no_image(ref: str) -> str | None:
    return None


def local_image(ref: str) -> str | None:
    return "files/ab/" + "a" * 64 if ref.endswith(".png") else None


def run_stages(data: bytes, name: str) -> None:
    CASES["count"] += 1
    saved = survive("read_saved", lambda: read_saved(data, name, lambda rel: None))
    pages: list[tuple[bytes, str | None, str]] = [(data, None, "text" if name.endswith(".txt") else "html")]
    if saved is not None:
        pages.append((saved.data, saved.charset, saved.format))
    for raw, charset, kind in pages:
        is_html = kind != "text"
        text = survive("decode", lambda raw=raw, charset=charset, is_html=is_html: decode(raw, charset, html=is_html))
        assert isinstance(text, str)
        extracted = survive(
            "extract_html" if is_html else "extract_text",
            lambda text=text, is_html=is_html: (
                extract_html(text, url="https://news.example/a") if is_html else extract_text(text)
            ),
        )
        if extracted is not None:
            for image_src in (no_image, local_image):
                out = survive("sanitize", lambda e=extracted, f=image_src: sanitize_reader_html(e.body_html, f))
                assert isinstance(out, str) and "<script" not in out.lower()


@settings(FUZZ, max_examples=400)
@given(mutated(HTML_SEEDS), st.sampled_from(["page.html", "page.htm", "page.mhtml", "page.xhtml", "saved"]))
def test_mutated_html_pages_end_in_an_article_or_an_import_failure(data: bytes, name: str) -> None:
    run_stages(data, name)


@settings(FUZZ, max_examples=150)
@given(mutated(TEXT_SEEDS))
def test_mutated_text_pages_end_in_an_article_or_an_import_failure(data: bytes) -> None:
    run_stages(data, "pasted.txt")


@settings(FUZZ, max_examples=250)
@given(SOUP_TEXT, st.sampled_from(ENCODINGS), st.booleans())
def test_generated_tag_soup_ends_in_an_article_or_an_import_failure(soup: str, codec: str, wrap: bool) -> None:
    page = article_html(extra_body=soup) if wrap else soup
    run_stages(page.encode(codec, errors="replace"), "soup.html")
    CASES["count"] += 1
    survive("sanitize", lambda: sanitize_reader_html(soup, local_image))


@settings(FUZZ, max_examples=150)
@given(st.binary(max_size=4096), st.sampled_from([None, "utf-8", "utf-16", "bogus-charset", "x" * 300, ""]))
def test_random_bytes_decode_to_text(data: bytes, charset: str | None) -> None:
    CASES["count"] += 1
    for html in (True, False):
        assert isinstance(survive("decode", lambda html=html: decode(data, charset, html=html)), str)


@pytest.fixture(scope="module", autouse=True)
def report_cases() -> Iterator[None]:
    yield
    print(f"\nfuzz: {CASES['count']} cases through the import stages")


def test_seeds_are_real_pages() -> None:
    """The fuzzing starts from pages the stages accept, so mutations explore near real input."""
    for seed in HTML_SEEDS[:-2]:
        assert extract_html(decode(seed, None, html=True)).paragraphs
        assert read_saved(seed, "seed.html").format in ("html", "xhtml")
    for seed in TEXT_SEEDS:
        assert extract_text(decode(seed, None, html=False)).paragraphs
    assert codecs.lookup("utf-7")  # the odd encodings the mutations use exist here


# -- the formats beyond saved pages ------------------------------------------------------------------------


def _format_seeds() -> list[tuple[bytes, str]]:
    from tests import formats_kit as kit

    return [
        (kit.newsletter(), "letter.eml"),
        (
            kit.webarchive(article_html().encode(), kit.STORY_URL, images={"https://x.example/a.png": kit.PNG}),
            "a.webarchive",
        ),
        (kit.webarchive(article_html().encode(), kit.STORY_URL, fmt="xml"), "a.webarchive"),
        (kit.clipping("title: Ferry\nauthor: '[[Maren Holt]]'\ntags: [a, b]").encode(), "clip.md"),
        (kit.browser_print(), "printed.pdf"),
    ]


def _container_seeds() -> list[tuple[bytes, str]]:
    import io
    import tempfile
    from pathlib import Path

    from tests import formats_kit as kit

    with tempfile.TemporaryDirectory() as folder:
        warc = kit.warc_file(
            Path(folder) / "c.warc.gz",
            [
                {"url": kit.STORY_URL, "body": article_html().encode()},
                {"url": "https://x.example/a.png", "body": kit.PNG, "content_type": "image/png"},
            ],
        ).read_bytes()
        plain = kit.warc_file(
            Path(folder) / "c.warc", [{"url": kit.STORY_URL, "body": article_html().encode()}], compress=False
        )
        omnivore = kit.omnivore_zip(
            Path(folder) / "o.zip",
            [({"slug": "s", "title": "T", "url": kit.STORY_URL, "labels": ["x"]}, article_html(), "> quote\n\nnote\n")],
        ).read_bytes()
        plain_bytes = plain.read_bytes()
    buffer = io.BytesIO()
    buffer.write(kit.wallabag([kit.wallabag_entry(), kit.wallabag_entry(id=2, url="https://x.example/2", content="")]))
    return [
        (warc, "crawl.warc.gz"),
        (plain_bytes, "crawl.warc"),
        (kit.mbox([kit.newsletter(), kit.newsletter(message_id="<2@x>")]), "letters.mbox"),
        (buffer.getvalue(), "wallabag.json"),
        (omnivore, "omnivore.zip"),
        (kit.pocket_csv([{"title": "T", "url": kit.STORY_URL, "time_added": "1", "tags": "a|b"}]), "pocket.csv"),
        (kit.instapaper_csv([{"URL": kit.STORY_URL, "Title": "T", "Folder": "Starred", "Timestamp": "1"}]), "i.csv"),
    ]


FORMAT_SEEDS = _format_seeds()
CONTAINER_SEEDS = _container_seeds()


@st.composite
def mutated_file(draw: st.DrawFn, seeds: list[tuple[bytes, str]]) -> tuple[bytes, str]:
    index = draw(st.integers(0, len(seeds) - 1))
    data, name = seeds[index]
    return draw(mutated([data])), name


@settings(FUZZ, max_examples=150)
@given(mutated_file(FORMAT_SEEDS))
def test_mutated_newsletters_web_archives_clippings_and_pdfs_end_in_an_article_or_a_reason(
    case: tuple[bytes, str],
) -> None:
    from indexer.ingest.pipeline import draft_from_saved

    data, name = case
    CASES["count"] += 1
    saved = survive("read_saved", lambda: read_saved(data, name, lambda rel: None))
    if saved is not None:
        survive("draft", lambda: draft_from_saved(saved, name, data))


@settings(FUZZ, max_examples=120)
@given(mutated_file(CONTAINER_SEEDS))
def test_mutated_archives_mailboxes_and_exports_end_in_records_or_reasons(case: tuple[bytes, str]) -> None:
    import tempfile
    from pathlib import Path

    from indexer.ingest.pipeline import prepare
    from indexer.ingest.walk import Source, walk

    data, name = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        items = survive("walk", lambda: list(walk([path])))
        for item in items or []:
            CASES["count"] += 1
            if isinstance(item, Source):
                survive("prepare", lambda item=item: prepare(item))
