"""Page furniture that reaches the body is left out: pointers to other stories, labels, credits, promotions."""

from __future__ import annotations

import pytest

from indexer.ingest.extract.furniture import Line, closing_promotions, is_furniture, trailing_furniture
from indexer.ingest.extract.page import extract_html
from tests.pages import LOREM


@pytest.mark.parametrize(
    "line",
    [
        "Read also: Ferry fares rise again",
        "Lesen Sie auch: Die Fähre fährt wieder",
        "Les også: Ferja går igjen",
        "Lire aussi : le bac reprend du service",
        "Advertisement",
        "Anzeige",
        "Ein Klick für den Datenschutz",
        "Photo: AFP",
        "Quelle: dpa",
        "© 2024 Harbour Post. All rights reserved.",
        "有料会員になると会員限定の有料記事もお読みいただけます。",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        LOREM[0],
        "Read the full report on the council's website before Friday's vote.",
        "The photo shows the ferry at dawn.",
        "Source material for the review was published by the council in March.",
    ],
)
def test_story_lines_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_trailing_headings_and_link_lines_are_furniture() -> None:
    lines = [Line(LOREM[0]), Line("More from the harbour", heading=True), Line("Other story title", linked=17)]
    assert trailing_furniture(lines) == 2
    assert trailing_furniture([Line(LOREM[0]), Line("A heading", heading=True), Line(LOREM[1])]) == 0


def test_closing_calls_to_follow_the_site_are_promotions() -> None:
    paragraphs = [
        *LOREM,
        "Get the Harbour Post app for Android and iOS: download it here.",
        "Sign up for the Harbour Post newsletter.",
    ]
    assert closing_promotions(paragraphs, {"harbour post"}) == 2
    assert closing_promotions([*LOREM, '"We will appeal," she told the Harbour Post.'], {"harbour post"}) == 0


def test_furniture_is_left_out_of_the_extracted_body() -> None:
    body = (
        f"<article><h1>Ferry service extended</h1><p>{LOREM[0]}</p><p>Lesen Sie auch: Neue Fähre im Hafen</p>"
        f"{''.join(f'<p>{p}</p>' for p in LOREM[1:])}<p>Sign up for the Harbour Post newsletter.</p>"
        '<h2>Most read</h2><p><a href="/a">Another story</a></p></article>'
    )
    html = f'<html><head><meta property="og:site_name" content="Harbour Post"></head><body>{body}</body></html>'
    got = extract_html(html)
    assert got.paragraphs == tuple(LOREM)
    for gone in ("Lesen Sie auch", "newsletter", "Most read", "Another story"):
        assert gone not in got.body_html
