"""Authors as the byline names them, in the languages bylines are written in."""

from __future__ import annotations

import json

import pytest

from indexer.ingest.extract.byline import names_from_byline
from indexer.ingest.extract.page import extract_html
from tests.pages import LOREM

STORY = "".join(f"<p>{p}</p>" for p in LOREM)


def names(raw: str) -> list[str]:
    return [name for name, _ in names_from_byline(raw)]


def page(head: str = "", body: str = "") -> str:
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Von Maren Holt und Tom Reyes", ["Maren Holt", "Tom Reyes"]),
        ("Por Lucía Ortega y Pablo Ruiz", ["Lucía Ortega", "Pablo Ruiz"]),
        ("Av Kari Fjeld og Ola Berg", ["Kari Fjeld", "Ola Berg"]),
        ("Af Mette Lund og Søren Holm", ["Mette Lund", "Søren Holm"]),
        ("Anna Ek och Erik Sand", ["Anna Ek", "Erik Sand"]),
        ("Liisa Koski ja Matti Rinne", ["Liisa Koski", "Matti Rinne"]),
        ("Jane Doe, John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe/John Roe", ["Jane Doe", "John Roe"]),
        ("Jane, . Doe", ["Jane Doe"]),
        ("Marco Neri e Anna Bassi", ["Marco Neri", "Anna Bassi"]),
        ("Иван Орлов и Анна Белова", ["Иван Орлов", "Анна Белова"]),
    ],
)
def test_bylines_split_into_people_per_language(raw: str, want: list[str]) -> None:
    assert names(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("von Maren Holt 3 Min", ["Maren Holt"]),
        ("By Jane Doe (Image: Harbour Photos)", ["Jane Doe"]),
        ("Foto: Jane Doe", []),
        ("Getty Images", []),
        ("AFP, MANILA", ["AFP"]),
        ("Jane Doe, BERLIN", ["Jane Doe"]),
        ("Twitter Facebook", []),
        ("Jane Doe (jd)", ["Jane Doe"]),
    ],
)
def test_reading_times_credits_places_buttons_and_initials_are_not_names(raw: str, want: list[str]) -> None:
    assert names(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("By Maren E. Holt", ["Maren E. Holt"]),
        ("Tomás Y. Reyes and Ana I. Ortega", ["Tomás Y. Reyes", "Ana I. Ortega"]),
    ],
)
def test_a_middle_initial_is_not_the_word_and(raw: str, want: list[str]) -> None:
    assert names(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("By Maren Holt and Tom Reyes Monday, November 18, 2024", ["Maren Holt", "Tom Reyes"]),
        ("by Maren HoltMonday, November 18, 2024", ["Maren Holt"]),
        ("Von Maren Holt Dienstag, 5. März 2024", ["Maren Holt"]),
        ("Analysis by Maren Holt, Harbour Editor-at-large", ["Maren Holt"]),
        ("Текст: Марина Голт", ["Марина Голт"]),
    ],
)
def test_weekdays_and_labels_around_the_names_are_not_names(raw: str, want: list[str]) -> None:
    assert names(raw) == want


def test_degrees_after_a_name_are_its_role() -> None:
    assert names_from_byline("Maren Holt, MS, RDN") == [("Maren Holt", "MS, RDN")]


def test_the_publication_glued_to_a_name_in_one_byline_part_is_not_a_second_person() -> None:
    body = (
        '<article><h1>Ferry strike ends after talks</h1><div class="byline-section">Maren Holt and Tom Reyes '
        'Harbour Post <span>Published 7:07 PM</span><span class="author">Maren Holt and Tom Reyes</span></div>'
        '<div class="byline">By JANE ROE<div class="title">Associated Press</div></div>'
        f"{STORY}</article>"
    )
    got = [a.name for a in extract_html(page("", body)).authors]
    assert got == ["Maren Holt", "Tom Reyes", "JANE ROE", "Associated Press"]


def test_bylines_of_teasers_outside_the_storys_byline_block_are_left_out() -> None:
    hero = "".join(
        f'<div class="Hero"><h2><a href="/s{i}">Another story {i}</a></h2><div class="Hero-authorName">'
        f"Writer{i} Person{i}</div></div>"
        for i in "ABC"
    )
    body = (
        '<article><header><h1>Ferry strike ends after talks</h1><div class="Page-byline">by Maren Holt | '
        f"November 18, 2024</div></header>{STORY}</article><section>{hero}</section>"
    )
    assert [a.name for a in extract_html(page("", body)).authors] == ["Maren Holt"]


def test_news_agency_is_kept_alone_and_beside_people() -> None:
    assert names("dpa") == ["dpa"]
    assert names("Maren Holt und Tom Reyes, dpa") == ["Maren Holt", "Tom Reyes", "dpa"]
    assert names("Jane Doe (AFP)") == ["Jane Doe", "AFP"]


def test_all_capitals_names_after_commas_are_people_not_places() -> None:
    assert names("JANE DOE, JOHN ROE and ANNA EK") == ["JANE DOE", "JOHN ROE", "ANNA EK"]


def test_site_section_is_not_an_author_beside_a_person() -> None:
    head = '<meta property="og:site_name" content="Harbour Radio">'
    body = (
        f'<article><h1>Ferry strike ends</h1><p class="author">von Maren Holt, HARBOUR RADIO NORTH</p>{STORY}</article>'
    )
    assert [a.name for a in extract_html(page(head, body)).authors] == ["Maren Holt"]


def test_byline_naming_only_the_site_is_the_site() -> None:
    data = {
        "@type": "NewsArticle",
        "headline": "Ferry strike ends",
        "author": {"@type": "Organization", "name": "mbl.is"},
    }
    head = ld(data) + '<meta property="og:site_name" content="mbl.is">'
    assert [a.name for a in extract_html(page(head, f"<article>{STORY}</article>")).authors] == ["mbl.is"]


def test_structured_author_lists_nested_in_lists_are_read() -> None:
    data = {
        "@type": "NewsArticle",
        "headline": "Ferry strike ends",
        "author": [{"@type": "Person", "name": "Maren Holt"}, [{"@type": "Person", "name": "Tom Reyes"}]],
    }
    got = extract_html(page(ld(data), f"<article>{STORY}</article>"))
    assert [a.name for a in got.authors] == ["Maren Holt", "Tom Reyes"]


def test_labelled_byline_line_names_the_people_linked_in_it() -> None:
    body = (
        "<article><h1>Ferry strike ends after talks</h1><ul><li>3 Minuten Lesezeit</li>"
        '<li>Von: <a href="/maren">Maren HOLT</a>, <a href="/tom">Tom REYES</a></li></ul>'
        f"{STORY}</article>"
    )
    assert [a.name for a in extract_html(page("", body)).authors] == ["Maren HOLT", "Tom REYES"]


def test_first_line_of_the_story_that_only_names_people_is_the_byline() -> None:
    head = '<meta property="og:site_name" content="Harbour Times"><meta name="author" content="Harbour Times">'
    body = f"<article><h1>Ferry strike ends after talks</h1><p>Maren Holt/Tom Reyes</p>{STORY}</article>"
    got = extract_html(page(head, body))
    assert [a.name for a in got.authors] == ["Maren Holt", "Tom Reyes"]
    assert "Maren Holt" not in got.text
    assert "Maren Holt" not in got.body_html
    assert got.paragraphs[0] == LOREM[0]


def test_a_first_line_that_is_a_sentence_is_not_a_byline() -> None:
    body = f"<article><h1>Ferry strike ends after talks</h1><p>The Harbour Board Agreed.</p>{STORY}</article>"
    assert extract_html(page("", body)).authors == ()


def test_bylines_in_teaser_lists_and_sidebars_are_other_stories() -> None:
    teasers = "".join(
        f'<li><article class="card"><h2><a href="/s{i}">Another story number {i}</a></h2>'
        f'<span class="byline">By Other Writer{i}</span></article></li>'
        for i in "ABC"
    )
    body = (
        f'<article><h1>Ferry strike ends after talks</h1><span class="byline">By Maren Holt</span>{STORY}</article>'
        f'<ul class="article-list">{teasers}</ul><aside><span class="author">Sidebar Person</span></aside>'
    )
    assert [a.name for a in extract_html(page("", body)).authors] == ["Maren Holt"]


@pytest.mark.parametrize(
    ("author", "site_name", "url"),
    [
        ("Maren Holt. Harbour International", None, "https://harbournews.example/story/1"),
        ("Maren Holt, Harbour Business", "Harbour", "https://harbour.example/story/1"),
    ],
)
def test_the_sites_desk_or_edition_after_a_name_is_not_an_author(author: str, site_name: str | None, url: str) -> None:
    head = f'<meta name="author" content="{author}">'
    if site_name:
        head += f'<meta property="og:site_name" content="{site_name}">'
    body = f"<article><h1>Ferry strike ends after talks</h1>{STORY}</article>"
    assert [a.name for a in extract_html(page(head, body), url).authors] == ["Maren Holt"]


@pytest.mark.parametrize(
    ("closing", "site_name", "want"),
    [
        ("<p><em>KN-Redaktion</em></p>", None, ["KN-Redaktion"]),
        ("<p>Harbour Post / Coast Agency Press</p>", "Harbour Post", ["Coast Agency Press"]),
        ("<small>mho, tre; Foto [M]: Shutterstock; zuerst am 4.4.18</small>", None, ["mho", "tre"]),
        ("<p>Mehr zum Thema</p>", None, []),
        ("<p>The ferry sails again on Monday.</p>", None, []),
    ],
)
def test_a_sign_off_closing_the_story_is_its_byline_when_the_page_names_no_one_else(
    closing: str, site_name: str | None, want: list[str]
) -> None:
    head = f'<meta property="og:site_name" content="{site_name}">' if site_name else ""
    got = extract_html(page(head, f"<article><h1>Ferry strike ends after talks</h1>{STORY}{closing}</article>"))
    assert [a.name for a in got.authors] == want
    if want:
        assert got.paragraphs[-1] == LOREM[-1]
