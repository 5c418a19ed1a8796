"""The article body of HTML pages: paragraphs, reader HTML, images, failures, and pages built to hurt."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import pytest

from indexer.ingest.extract.page import extract_html
from indexer.model import ImportFailure
from tests.pages import LOREM, article_html

STORY = "".join(f"<p>{p}</p>" for p in LOREM)


def page(body: str, head: str = "<title>Ferry</title>") -> str:
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def test_article_paragraphs_without_navigation_footer_or_byline() -> None:
    got = extract_html(article_html(), url="https://harbour-ledger.example/news/ferry-winter")
    assert got.paragraphs == tuple(LOREM)
    assert "All rights reserved" not in got.text
    assert "Home" not in got.paragraphs
    assert got.title == "Council extends winter ferry service"
    assert got.authors[0].name == "Maren Holt" and got.authors[0].role == "Transport Reporter"


def test_reader_html_keeps_structure_and_links() -> None:
    body = (
        "<article><h1>Ferry</h1>"
        f"<p>{LOREM[0]} <a href='https://council.example/vote'>The vote</a> was <em>close</em>.</p>"
        "<h2>What changes</h2>"
        "<ul><li>Two evening departures from December</li><li>A Sunday morning crossing each week</li></ul>"
        f"<blockquote><p>{LOREM[2]}</p></blockquote>"
        f"<p>{LOREM[3]}</p><p>{LOREM[4]}</p></article>"
    )
    got = extract_html(page(body))
    html = got.body_html
    assert "<h2>What changes</h2>" in html
    assert "<li>Two evening departures from December</li>" in html
    assert '<a href="https://council.example/vote">The vote</a>' in html
    assert "<em>close</em>" in html
    assert "<blockquote>" in html
    assert "Two evening departures from December" in got.paragraphs
    assert "What changes" in got.paragraphs


def test_title_repeated_at_the_top_of_the_body_is_dropped() -> None:
    got = extract_html(page(f"<article><h1>Council extends ferry service</h1>{STORY}</article>",
                            "<title>Council extends ferry service | Ledger</title>"))  # fmt: skip
    assert got.paragraphs[0] == LOREM[0]


def test_figure_keeps_the_page_reference_and_caption_but_caption_is_not_a_paragraph() -> None:
    body = (
        f"<article><p>{LOREM[0]}</p>"
        '<figure><img src="images/ferry.jpg" alt="The ferry at dawn"><figcaption>The ferry leaves at dawn on a'
        " cold winter morning.</figcaption></figure>"
        f"{''.join(f'<p>{p}</p>' for p in LOREM[1:])}</article>"
    )
    got = extract_html(page(body), url="https://ledger.example/news/ferry")
    assert 'src="images/ferry.jpg"' in got.body_html
    assert "<figcaption>The ferry leaves at dawn on a cold winter morning.</figcaption>" in got.body_html
    assert not any("leaves at dawn" in p for p in got.paragraphs)
    assert got.lead_image == "images/ferry.jpg"
    assert got.lead_image_caption == "The ferry leaves at dawn on a cold winter morning."


def test_inline_image_comes_back_as_the_page_wrote_it() -> None:
    data_uri = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(64)).decode()
    body = f'<article><p>{LOREM[0]}</p><figure><img src="{data_uri}"></figure>{STORY}</article>'
    got = extract_html(page(body))
    assert f'src="{data_uri}"' in got.body_html
    assert got.lead_image == data_uri


@pytest.mark.parametrize(
    "html",
    [
        page("<nav><a href='/'>Home</a></nav><footer>© Ledger</footer>"),
        page(""),
        "<html></html>",
        "   ",
        "",
    ],
)
def test_no_article_is_an_import_failure(html: str) -> None:
    with pytest.raises(ImportFailure):
        extract_html(html)


def test_xml_declaration_is_accepted() -> None:
    got = extract_html('<?xml version="1.0" encoding="utf-8"?>' + page(f"<article>{STORY}</article>"))
    assert got.paragraphs == tuple(LOREM)


def test_bytes_are_refused_with_an_import_failure() -> None:
    with pytest.raises(ImportFailure):
        extract_html(page(STORY).encode())  # type: ignore[arg-type]


def test_deeply_nested_page_fails_fast_with_a_reason() -> None:
    depth = 100_000
    html = page("<div>" * depth + STORY + "</div>" * depth)
    with pytest.raises(ImportFailure, match="nested too deeply"):
        extract_html(html)


def test_moderately_nested_page_is_read() -> None:
    html = page("<div>" * 200 + f"<article>{STORY}</article>" + "</div>" * 200)
    assert extract_html(html).paragraphs == tuple(LOREM)


def _big_page(megabytes: int) -> str:
    """A saved page as SingleFile writes them: an article, embedded photos, a huge app state, big CSS."""
    rng = random.Random(7)
    words = "council ferry harbour winter budget commuters road fares crossing review timetable evening".split()
    parts = []
    photo = "data:image/jpeg;base64," + base64.b64encode(rng.randbytes(1_500_000)).decode()
    for i in range(40):
        parts.append(f"<p>Paragraph {i}: " + " ".join(rng.choice(words) for _ in range(50)) + ".</p>")
        if i % 5 == 0:
            parts.append(f'<figure><img src="{photo}#{i}"><figcaption>Photo {i} of the ferry.</figcaption></figure>')
    state = '<script type="application/json">{"state":"' + "x" * 11_000_000 + '"}</script>'
    html = page(f"<article><h1>Big page</h1>{''.join(parts)}</article>{state}", "<title>Big page</title>")
    filler = "<style>" + ".a{color:red}" * ((megabytes * 1_000_000 - len(html)) // 13) + "</style>"
    return html.replace("</head>", filler + "</head>")


def test_big_saved_page_with_embedded_photos_is_read_in_full() -> None:
    html = _big_page(20)
    assert len(html) > 20_000_000
    got = extract_html(html)
    assert len(got.paragraphs) == 40
    assert got.paragraphs[-1].startswith("Paragraph 39:")
    assert got.body_html.count("<img") == 8
    assert "data:image/jpeg;base64," in got.body_html and "newsarchive-" not in got.body_html


def test_page_with_megabytes_of_text_is_read() -> None:
    rng = random.Random(3)
    words = "council ferry harbour winter budget commuters road fares crossing review timetable evening".split()
    paras = "".join(f"<p>Part {i}: " + " ".join(rng.choice(words) for _ in range(40)) + ".</p>" for i in range(6000))
    got = extract_html(page(f"<article>{paras}</article>"))
    assert len(got.paragraphs) == 6000


# Measured with tests/benchmarks/html_quality.py: F1 0.9759 (P 0.9690, R 0.9829); bare trafilatura
# 0.9525 in the same run. The gate sits a little under our figure, never below the 0.9705 recorded
# before, and never below trafilatura's.
BODY_F1_GATE = 0.9745


def test_body_quality_on_the_article_extraction_benchmark(shared_dir: Path) -> None:
    from tests.benchmarks.html_quality import body_scores

    scores = body_scores(lambda html, url: extract_html(html, url))
    assert scores["pages"] == 181
    assert scores["f1"] >= BODY_F1_GATE, scores
    assert scores["f1"] >= scores["trafilatura_f1"], scores


def test_story_cut_into_chunks_between_adverts_is_read_to_the_end() -> None:
    chunk = '<div class="grid"><div class="body article__body">{}</div></div>'
    first = chunk.format("".join(f"<p>{p}</p>" for p in LOREM[:3]))
    second = chunk.format("".join(f"<p>{p}</p>" for p in LOREM[3:]))
    chunks = f'<div class="article__chunks">{first}<div class="ad">Advertisement</div>{second}</div>'
    body = f"<main><article>{chunks}</article></main>"
    got = extract_html(page(body))
    assert got.paragraphs == tuple(LOREM)
    assert "Advertisement" not in got.text


def test_page_with_more_text_than_several_books_is_refused_quickly() -> None:
    words = "council ferry harbour winter budget commuters road fares crossing review timetable evening "
    html = page("<article>" + f"<p>{words * 8}</p>" * 12000 + "</article>")
    with pytest.raises(ImportFailure, match="MB of text"):
        extract_html(html)


def test_author_card_at_the_end_becomes_the_authors_bio_not_body_text() -> None:
    from tests.pages import LOREM, article_html

    card = (
        "<section class='about'><p>Maren Holt</p><p>Transport Reporter</p>"
        "<p>Maren Holt covers ferries, buses and the roads around the harbour, and has reported for the paper "
        "since 2016.</p></section>"
    )
    page = article_html(authors=[{"name": "Maren Holt"}], extra_body=card)
    got = extract_html(page)
    assert list(got.paragraphs) == LOREM
    assert "covers ferries" not in got.body_html
    (author,) = got.authors
    assert author.role == "Transport Reporter"
    assert author.bio and author.bio.startswith("Maren Holt covers ferries")


def test_control_characters_in_a_damaged_page_do_not_break_extraction() -> None:
    from tests.pages import article_html

    page = article_html().replace('<p class="byline">', '<p \x01itle="x\x02" class="byline">')
    page = page.replace("<main>", '<main><figure><img \x01src="data:image/png;base64,AAAA" alt="a\x02b"></figure>')
    got = extract_html("\x00" + page)
    assert got.title == "Council extends winter ferry service"
    assert "\x01" not in got.body_html and "\x02" not in got.text


def test_character_references_xml_cannot_hold_do_not_break_extraction() -> None:
    from tests.pages import article_html

    # Shape found by the fuzz test: a comment opened early turns the head into loose text that still
    # carries references to characters (U+FFFF, NUL, a lone surrogate) no XML tree may hold.
    page = '<html class="n&#xFFFF FFF;&#0;&#xD800;&bogus;"><!--' + article_html()
    try:
        got = extract_html(page)
    except ImportFailure:
        return
    assert "\uffff" not in got.text


def test_the_standfirst_beside_the_headline_opens_the_story() -> None:
    from lxml.html import fromstring

    from indexer.ingest.extract.page import standfirst

    summary = "The ferry will run on winter evenings and Sunday mornings until March, at today's fares."
    header = f'<header><h1>Ferry runs all winter</h1><p class="standfirst">{summary}</p></header>'
    story = "".join(f"<p>{p}</p>" for p in LOREM)
    root = fromstring(f"<html><body><article>{header}<div>{story}</div></article></body></html>")
    assert standfirst(root, summary, tuple(LOREM)) == summary
    assert standfirst(root, summary, (summary, *LOREM)) is None  # the body has it already
    assert standfirst(root, "A description the page never shows as a paragraph of its own.", tuple(LOREM)) is None
    # A paragraph that repeats the description after the story starts is a teaser elsewhere, not a standfirst.
    later = fromstring(f"<html><body><article><div>{story}</div><p>{summary}</p></article></body></html>")
    assert standfirst(later, summary, tuple(LOREM)) is None


@pytest.mark.parametrize("container", ['<aside class="story">', '<div class="comments">', '<footer class="main">'])
def test_a_story_set_in_a_container_taken_for_furniture_is_still_imported(container: str) -> None:
    tag = container[1:].split()[0].rstrip(">")
    story = "".join(f"<p>{p}</p>" for p in LOREM)
    menu = '<ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul>'
    got = extract_html(page(f"{menu}<h1>Ferry runs all winter</h1>{container}{story}</{tag}>"))
    assert got.paragraphs == tuple(LOREM)


def test_a_page_without_a_block_of_prose_is_still_no_article() -> None:
    with pytest.raises(ImportFailure):
        extract_html(page('<aside><p>Ferry timetable.</p><p>Winter fares.</p></aside><a href="/">Home</a>'))
