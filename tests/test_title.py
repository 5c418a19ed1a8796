"""The stored title is the headline the reader saw: visible <h1> first, metadata titles to confirm and as fallback."""

from __future__ import annotations

import pytest

from indexer.ingest.extract.metadata import read_metadata
from indexer.ingest.extract.page import extract_html, parse_html
from indexer.ingest.extract.title import clean_title
from tests.pages import LOREM

STORY = "".join(f"<p>{p}</p>" for p in LOREM)


def title_of(head: str, body: str) -> str | None:
    html = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    return read_metadata(parse_html(html)).title


def test_visible_headline_wins_over_the_seo_title() -> None:
    head = (
        "<title>Bakers weigh in on the flour price report | Harbour Post</title>"
        '<meta property="og:site_name" content="Harbour Post">'
    )
    body = "<article><header><h1>'Ends the bread debate': bakers weigh in on the flour price report</h1></header>"
    assert title_of(head, body + STORY + "</article>") == (
        "'Ends the bread debate': bakers weigh in on the flour price report"
    )


def test_the_h1_the_metadata_confirms_is_chosen_among_several() -> None:
    head = '<meta property="og:title" content="Tide tables change for the winter ferries">'
    body = (
        '<div class="modal"><h1>Sign in</h1></div>'
        '<header class="site-header"><h1 class="logo">Harbour Post</h1></header>'
        "<main><h1>Tide tables change for the winter ferries</h1>"
        f"{STORY}<ul><li><h1>Another story people read today at the harbour</h1></li></ul></main>"
    )
    assert title_of(head, body) == "Tide tables change for the winter ferries"


def test_hidden_and_linked_headings_are_not_the_headline() -> None:
    head = '<meta property="og:title" content="Ferry timetable returns to normal after the storm">'
    body = (
        '<h1 class="sr-only">Article page</h1>'
        '<a href="/other"><h1>A teaser for another story about the storm season</h1></a>'
        f"<article><h1>Ferry timetable returns to normal after the storm</h1>{STORY}</article>"
    )
    assert title_of(head, body) == "Ferry timetable returns to normal after the storm"


def test_a_short_label_in_an_h1_is_not_a_headline() -> None:
    head = '<meta property="og:title" content="Night buses run again from the station square">'
    body = f"<div><h1>Log In</h1></div><article>{STORY}</article>"
    assert title_of(head, body) == "Night buses run again from the station square"


def test_an_unconfirmed_h1_that_reads_like_a_headline_still_wins() -> None:
    head = '<meta property="og:title" content="How the tram network copes with a heatwave">'
    body = f"<article><h1>Old trams and cracked concrete: the city prepares for hot summers</h1>{STORY}</article>"
    assert title_of(head, body) == "Old trams and cracked concrete: the city prepares for hot summers"


def test_breadcrumb_h1_gives_way_to_the_headline_in_the_article_header() -> None:
    head = '<meta property="og:title" content="Ferry fares rise for the first time in ten years">'
    body = (
        '<nav class="breadcrumb"><ol><li>News</li><li><h1>Ferry fares rise - what you need to know</h1></li></ol></nav>'
        '<article><header><h2 class="article-title">Ferry fares rise for the first time in ten years</h2></header>'
        f"{STORY}</article>"
    )
    assert title_of(head, body) == "Ferry fares rise for the first time in ten years"


def test_breadcrumb_h1_is_used_when_the_page_shows_no_other_headline() -> None:
    head = (
        '<meta property="og:title" content="Ferry fares rise for the first time in ten years">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Fares: a decade ends"}</script>'
    )
    body = (
        '<nav class="breadcrumb"><ol><li>News</li><li><h1>Ferry fares rise for the first time in ten years</h1>'
        f"</li></ol></nav><article>{STORY}</article>"
    )
    assert title_of(head, body) == "Ferry fares rise for the first time in ten years"


def test_kicker_inside_the_headline_is_left_out() -> None:
    head = '<meta property="og:title" content="The hard business of small harbours">'
    body = (
        '<article><h1><span class="dachzeile">Fishing towns</span> '
        '<span class="headline">The hard business of small harbours</span></h1>'
        f"{STORY}</article>"
    )
    assert title_of(head, body) == "The hard business of small harbours"


def test_kicker_is_kept_when_the_page_title_reads_it_as_part_of_the_headline() -> None:
    head = '<meta property="og:title" content="Storm warning: Ferries stay in port until Friday">'
    body = (
        '<article><h1><span data-role="kicker">Storm warning</span><span class="visually-hidden">:</span> '
        "<span>Ferries stay in port until Friday</span></h1>"
        f"{STORY}</article>"
    )
    assert title_of(head, body) == "Storm warning: Ferries stay in port until Friday"


def test_kicker_set_apart_as_its_own_line_is_recognised_by_layout() -> None:
    head = '<meta property="og:title" content="How safe are the old harbour cranes">'
    body = (
        '<article><h2 class="w-full"><div><span>Port inspection<span class="sr-only">: </span></span></div>'
        "<div>How safe are the old harbour cranes</div></h2>"
        f"{STORY}</article>"
    )
    assert title_of(head, body) == "How safe are the old harbour cranes"


def test_kicker_shown_just_above_the_heading_counts_when_the_page_title_has_it() -> None:
    head = '<meta property="og:title" content="Coast road: Repairs start on Monday after the landslide">'
    body = (
        '<article><div class="top"><span class="topic">Coast road</span></div>'
        "<h1>Repairs start on Monday after the landslide</h1>"
        f"{STORY}</article>"
    )
    assert title_of(head, body) == "Coast road: Repairs start on Monday after the landslide"


def test_site_name_after_the_visible_headline_is_removed() -> None:
    head = '<meta property="og:site_name" content="Harbour Post">'
    body = f"<article><h1>New lighthouse keeper starts work – Harbour Post</h1>{STORY}</article>"
    assert title_of(head, body) == "New lighthouse keeper starts work"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("LIVE: Storm reaches the coast overnight", "Storm reaches the coast overnight"),
        ("Opinion | The ferry should stay public", "The ferry should stay public"),
        ("Sport | Harbour rowing club wins the regatta", "Harbour rowing club wins the regatta"),
        ("Kommentar: Die Fähre muss bleiben", "Die Fähre muss bleiben"),
        ("En directo: la tormenta llega a la costa", "la tormenta llega a la costa"),
        ("Hafen\u00adkräne werden ge\u00adprüft\u200b", "Hafenkräne werden geprüft"),
        ("Tony Blair: why the talks matter", "Tony Blair: why the talks matter"),
        ("Review - Tennis", "Review - Tennis"),
        ("Budget week | Harbour fees rise for the coming year", "Budget week | Harbour fees rise for the coming year"),
    ],
)
def test_clean_title(raw: str, want: str) -> None:
    assert clean_title(raw) == want


def test_extracted_title_has_no_soft_hyphens_or_zero_width_characters() -> None:
    html = (
        '<html><head><meta property="og:title" content="Hafen\u00adkräne">'
        "</head><body><article><h1>Hafen\u00adkräne werden ge\u00adprüft\u200b und erneuert</h1>"
        f"{STORY}</article></body></html>"
    )
    assert extract_html(html).title == "Hafenkräne werden geprüft und erneuert"


def ld_headline(headline: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}"}}</script>'


@pytest.mark.parametrize(
    ("wrapper", "want"),
    [
        # A page streamed in parts keeps each part in a hidden block until a script shows it.
        ('<div hidden id="S:1a">{}</div>', "Harbour fees rise by a tenth from the first of May"),
        ("<div hidden>{}</div>", "Harbour fees: what changes in May"),
    ],
)
def test_headline_in_a_streamed_part_of_the_page_is_visible(wrapper: str, want: str) -> None:
    head = '<meta property="og:title" content="Harbour fees: what changes in May">'
    article = f"<article><h1>Harbour fees rise by a tenth from the first of May</h1>{STORY}</article>"
    assert title_of(head, wrapper.format(article)) == want


def test_character_references_in_the_json_ld_headline_are_read_as_characters() -> None:
    head = ld_headline("Keeper&#8217;s lighthouse reopens after &quot;long&quot; repairs")
    assert title_of(head, f"<article>{STORY}</article>") == 'Keeper\u2019s lighthouse reopens after "long" repairs'


@pytest.mark.parametrize(
    ("structured", "want"),
    [
        # OpenGraph and JSON-LD state one headline; the heading found is a shortened breadcrumb line.
        ("Ferry fares rise for the first time in ten years", "Ferry fares rise for the first time in ten years"),
        # They disagree: the visible heading stands.
        ("Fares: a decade of stable prices ends", "Fares up: what the rise means for island commuters"),
    ],
)
def test_one_headline_stated_by_opengraph_and_json_ld_beats_a_heading_matching_no_title(
    structured: str, want: str
) -> None:
    head = '<meta property="og:title" content="Ferry fares rise for the first time in ten years">' + ld_headline(
        structured
    )
    body = f"<article><h1>Fares up: what the rise means for island commuters</h1>{STORY}</article>"
    assert title_of(head, body) == want


def test_opengraph_and_json_ld_agreeing_outweigh_a_heading_only_the_twitter_title_has() -> None:
    head = (
        '<meta property="og:title" content="Ferry fares rise for the first time in ten years">'
        + ld_headline("Ferry fares rise for the first time in ten years")
        + '<meta name="twitter:title" content="Fares up: what the rise means for island commuters">'
    )
    body = f"<article><h1>Fares up: what the rise means for island commuters</h1>{STORY}</article>"
    assert title_of(head, body) == "Ferry fares rise for the first time in ten years"
