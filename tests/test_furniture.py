"""Page furniture that reaches the body is left out: pointers to other stories, labels, credits, promotions."""

from __future__ import annotations

import pytest

from indexer.ingest.extract.furniture import (
    Line,
    closing_promotions,
    is_furniture,
    is_teaser,
    teaser_runs,
    trailing_furniture,
)
from indexer.ingest.extract.page import extract_html
from tests.pages import LOREM, article_html


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


# --- lists of other stories: lines that open with a headline link --------------------------------------------

HEADLINES = [
    "Bridge repairs delayed until spring after inspection finds rust",
    "School meals to cost more from January, council confirms",
    "New bus lanes open on the coastal road despite protests",
    "Harbour festival returns with fireworks and a tall ship",
    "Library opening hours cut at three branches to save money",
]


def test_a_teaser_opens_with_a_headline_link() -> None:
    headline = HEADLINES[0]
    assert is_teaser(f"{headline} What it means for residents.", headline)
    assert not is_teaser(f"{headline}. The council says the work will take a month.", headline)  # a sentence
    assert not is_teaser(LOREM[0], "The city council")  # a story paragraph opening with a short link
    assert not is_teaser(LOREM[0], "")


def test_three_teasers_in_a_row_and_their_heading_are_a_list_of_other_stories() -> None:
    teasers = [Line(h, linked=len(h), teasers=1) for h in HEADLINES[:3]]
    lines = [Line(LOREM[0]), Line(LOREM[1]), Line("More from the Ledger", heading=True), *teasers, Line(LOREM[2])]
    assert teaser_runs(lines) == {2, 3, 4, 5}
    assert teaser_runs([Line(LOREM[0]), *teasers[:2], Line(LOREM[1])]) == set()  # two are not a list
    assert teaser_runs(teasers) == set()  # the body is never left empty
    assert teaser_runs([Line(LOREM[0]), Line("Links", heading=True), Line("", teasers=0), Line("x", teasers=4)]) == {
        1,
        2,
        3,
    }


@pytest.mark.parametrize("shape", ["list", "paragraphs"])
def test_related_stories_after_the_story_are_left_out(shape: str) -> None:
    if shape == "list":
        items = "".join(
            f'<li><a href="/news/{i}">{h}</a><p>What it means for residents and who pays.</p></li>'
            for i, h in enumerate(HEADLINES)
        )
        extra = f"<section><h2>More from the Ledger</h2><ul>{items}</ul></section>"
    else:
        extra = "".join(f'<p><a href="/news/{i}">{h}</a> Who pays, and when.</p>' for i, h in enumerate(HEADLINES))
    got = extract_html(article_html(paragraphs=LOREM[:3], extra_body=extra))
    assert got.paragraphs == tuple(LOREM[:3])
    assert "Bridge repairs" not in got.body_html


def test_a_digest_of_linked_sentences_is_kept() -> None:
    items = "".join(
        f'<li><a href="/news/{i}">{h}</a>. The details follow in a second sentence about it.</li>'
        for i, h in enumerate(HEADLINES)
    )
    got = extract_html(article_html(paragraphs=LOREM[:3], extra_body=f"<ul>{items}</ul>"))
    assert any(p.startswith(HEADLINES[0]) for p in got.paragraphs)
