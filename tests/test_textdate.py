"""Dates printed in a page's visible text, in the site's language, and where they are looked for."""

from __future__ import annotations

import pytest

from indexer.ingest.extract.metadata import normalise_date
from indexer.ingest.extract.page import extract_html
from indexer.ingest.extract.textdate import date_in_text
from tests.pages import LOREM

STORY = "".join(f"<p>{p}</p>" for p in LOREM)


@pytest.mark.parametrize(
    ("text", "language", "want"),
    [
        ("14 вересня 2024", "uk", "2024-09-14"),
        ("17 сентября 2023 г.", "ru", "2023-09-17"),
        ("4. Mai 2025, 10:12 Uhr", "de", "2025-05-04"),
        ("Do 25.04.24 | 14:07 Uhr", "de", "2024-04-25"),
        ("5 de marzo de 2024", "es", "2024-03-05"),
        ("12 luglio 2024", "it", "2024-07-12"),
        ("3 mars 2025", "fr", "2025-03-03"),
        ("13 Ocak 2025 Pazartesi", "tr", "2025-01-13"),
        ("12 lipca 2024", "pl", "2024-07-12"),
        ("3. tammikuuta 2025", "fi", "2025-01-03"),
        ("2025年1月13日 10:00", "ja", "2025-01-13"),
        ("2025년 1월 13일", "ko", "2025-01-13"),
        ("March 5, 2024", "en", "2024-03-05"),
        ("5 March 2024", "en-GB", "2024-03-05"),
        ("03/04/2024", "en-US", "2024-03-04"),
        ("03/04/2024", "en-GB", "2024-04-03"),
        ("25/04/2024", "en-US", "2024-04-25"),
        ("05.04.2025 - Güncelleme", "tr", "2025-04-05"),
        ("no date here, 14 readers", "en", None),
        ("31. Februar 2024", "de", None),
    ],
)
def test_date_in_text(text: str, language: str, want: str | None) -> None:
    assert date_in_text(text, language) == want


@pytest.mark.parametrize("language", ["en-US", "en-GB", "de", None])
def test_an_unambiguous_iso_date_is_never_swapped(language: str | None) -> None:
    assert date_in_text("Published 2024-04-05 09:30", language) == "2024-04-05"
    assert normalise_date("2024-04-05") == "2024-04-05"
    assert normalise_date("2024-04-05T09:30:00+02:00") == "2024-04-05T09:30:00+02:00"


def page(body: str, lang: str) -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head><body>{body}</body></html>'


def test_the_date_line_under_the_headline_is_read_in_the_pages_language() -> None:
    body = (
        '<article><h1>Пором знову курсує між островами</h1><div class="article-meta">14 вересня 2024, 10:15</div>'
        f"{STORY}</article>"
    )
    assert extract_html(page(body, "uk")).published == "2024-09-14"


def test_the_byline_line_with_the_date_is_read() -> None:
    body = (
        '<article><h1>Fähre fährt wieder zwischen den Inseln</h1><div class="lineinfo">'
        'Do 25.04.24 | 14:07 Uhr | Von <span class="authorname">Maren Holt</span></div>'
        f"{STORY}</article>"
    )
    got = extract_html(page(body, "de"))
    assert got.published == "2024-04-25"
    assert [a.name for a in got.authors] == ["Maren Holt"]


def test_a_name_beside_the_date_is_the_byline() -> None:
    body = (
        "<article><h1>Feribot seferleri yeniden başladı adalar arasında</h1>"
        '<div class="row"><span>Ayşe Kaya |</span><span class="tarih">05.04.2025</span></div>'
        f"{STORY}</article>"
    )
    got = extract_html(page(body, "tr"))
    assert got.published == "2025-04-05"
    assert [a.name for a in got.authors] == ["Ayşe Kaya"]


def test_a_date_in_the_story_or_a_teaser_is_not_the_publication_date() -> None:
    body = (
        "<article><h1>Ferry timetable changes for the winter</h1>"
        "<p>The new timetable starts on 4 May 2025 and runs until the spring.</p>"
        f'{STORY}</article><ul><li><span class="date">3 May 2025</span> Another story</li></ul>'
    )
    assert extract_html(page(body, "en")).published is None


@pytest.mark.parametrize(
    ("line", "lang", "want"),
    [
        ("Von Maren Holt publiziert am 25. September 2018", "de", "2018-09-25"),
        ("기사입력 :[ 2018-08-25 15:24 ]", "ko", "2018-08-25"),
        ("05/10/2018 - Publicado por: Clara Lima - Categoria: Saúde", "pt", "2018-10-05"),
        ("Written by Maren Holt, MS, RD on November 14, 2019", "en", "2019-11-14"),
    ],
)
def test_a_line_that_says_it_gives_the_date_is_read_wherever_it_stands(line: str, lang: str, want: str) -> None:
    body = f'<article><h1>Ferry timetable changes for the winter</h1><p class="about"><span>{line}</span></p>{STORY}'
    assert extract_html(page(body + "</article>", lang)).published == want


def test_a_date_glued_to_the_byline_in_the_title_block_is_read() -> None:
    body = (
        '<article><div class="post__title"><h1>Ferry timetable changes for the winter</h1></div>'
        '<div class="post__title__author-date"><p>By <a href="/m">Maren Holt</a><em>November 15, 2019</em></p></div>'
        f"{STORY}</article>"
    )
    assert extract_html(page(body, "en")).published == "2019-11-15"
