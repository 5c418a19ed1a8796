"""The story's own pictures come back between its paragraphs; teaser thumbnails, icons and stand-ins do not."""

from __future__ import annotations

from indexer.ingest.extract.page import extract_html
from tests.pages import LOREM


def page(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body>{body}</body></html>'


def paragraphs(items: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


def test_picture_is_placed_after_the_paragraph_it_follows() -> None:
    body = (
        f"<article>{paragraphs(LOREM[:2])}"
        '<figure><img src="photos/harbour.jpg" alt="The harbour">'
        "<figcaption>The harbour at night.</figcaption></figure>"
        f"{paragraphs(LOREM[2:])}</article>"
    )
    html = extract_html(page(body)).body_html
    assert html.index(LOREM[1][:40]) < html.index("photos/harbour.jpg") < html.index(LOREM[2][:40])
    assert "<figcaption>The harbour at night.</figcaption>" in html


def test_lead_picture_above_the_first_paragraph_comes_first() -> None:
    body = (
        '<article><header><h1>Ferries run again</h1><figure><img src="photos/lead.jpg"></figure></header>'
        f'<div class="story">{paragraphs(LOREM)}</div></article>'
    )
    got = extract_html(page(body))
    assert got.body_html.lstrip().startswith('<figure><img src="photos/lead.jpg">')
    assert got.lead_image == "photos/lead.jpg"


def test_lazy_loaded_picture_gives_its_real_address() -> None:
    pixel = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="
    body = f'<article>{paragraphs(LOREM[:2])}<img src="{pixel}" data-src="photos/pier.jpg">{paragraphs(LOREM[2:])}'
    html = extract_html(page(body + "</article>")).body_html
    assert 'src="photos/pier.jpg"' in html
    assert "R0lGOD" not in html


def test_teaser_thumbnails_icons_and_avatars_are_left_out() -> None:
    body = (
        f"<article>{paragraphs(LOREM[:2])}"
        '<div class="inline-box"><a href="/other-story"><img src="photos/other.jpg"></a>'
        '<a href="/other-story">Another story about ferries</a></div>'
        '<img src="icons/share.svg"><img src="photos/tiny.jpg" width="16" height="16">'
        '<span class="author-avatar"><img src="photos/face.jpg"></span>'
        f"{paragraphs(LOREM[2:])}</article>"
    )
    html = extract_html(page(body)).body_html
    for name in ("other.jpg", "share.svg", "tiny.jpg", "face.jpg"):
        assert name not in html


def test_a_picture_linked_to_its_larger_version_is_kept() -> None:
    body = (
        f"<article>{paragraphs(LOREM[:2])}"
        '<figure><a href="/attachment/123/" class="zoom"><img src="photos/ferry.jpg"></a></figure>'
        '<figure><a href="photos/ferry-large.jpg"><img src="photos/ferry-small.jpg"></a></figure>'
        f"{paragraphs(LOREM[2:])}</article>"
    )
    html = extract_html(page(body)).body_html
    assert "photos/ferry.jpg" in html and "photos/ferry-small.jpg" in html


def test_a_left_out_paragraph_with_a_link_in_it_counts_as_missed_prose() -> None:
    from lxml.html import fromstring

    from indexer.ingest.extract.figures import story_layout

    linked = (
        'The operator has also <a href="/ferry-fares">kept fares at last year\'s level for students</a> and '
        "pensioners who cross the harbour every day."
    )
    menu = '<a href="/a">Ferry timetable for the whole winter season</a> and <a href="/b">all the fares</a>.'
    root = fromstring(f"<html><body><article>{paragraphs([LOREM[0], linked, menu, LOREM[1]])}</article></body></html>")
    layout = story_layout(root, [LOREM[0], LOREM[1]])
    assert layout.missed == len(fromstring(f"<p>{linked}</p>").text_content())  # the menu line is no prose
