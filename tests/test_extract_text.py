"""The plain-text extractor: what a user gets from a news page saved as .txt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.ingest.extract.text import extract_text
from indexer.model import Author, Extracted, ImportFailure

SEED = "seed/000_ca0a0fc979f8b174"

# Body F1 measured on ../shared/corpus/aeb/text when this gate was set, less a small margin.
RECORDED_AEB_TEXT_F1 = 0.902

STORY = [
    "The city council voted on Tuesday to turn the old tram depot into a public library, ending a dispute "
    "that has divided the neighbourhood for almost a decade.",
    "Supporters of the plan filled the public gallery and applauded when the result was read out, while "
    "opponents said the cost of the conversion had been badly underestimated.",
    "The depot, built in 1911, has stood empty since the last trams were withdrawn. Architects expect the "
    "work to take three years, and the library could open its doors in the spring of 2028.",
]


def _page(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"


# --- the seed -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(shared_dir: Path) -> tuple[dict, Extracted]:
    expected = json.loads((shared_dir / f"{SEED}.expected.json").read_text(encoding="utf-8"))
    text = (shared_dir / f"{SEED}.txt").read_text(encoding="utf-8")
    return expected, extract_text(text)


def test_seed_title_source_date_and_reading_time(seed: tuple[dict, Extracted]) -> None:
    expected, got = seed
    assert got.title == expected["title"]
    assert got.source == expected["source"]
    assert got.published == expected["published"]
    assert got.reading_time_minutes == expected["reading_time_minutes"]


def test_seed_authors_with_role_and_bio(seed: tuple[dict, Extracted]) -> None:
    expected, got = seed
    want = tuple(Author(a["name"], a.get("role"), a.get("bio")) for a in expected["authors"])
    assert got.authors == want


def test_seed_caption_body_and_related(seed: tuple[dict, Extracted]) -> None:
    expected, got = seed
    assert got.lead_image_caption == expected["lead_image_caption"]
    assert list(got.paragraphs) == expected["body_paragraphs"]
    assert [dict(r) for r in got.related] == expected["related"]


def test_seed_body_leaves_out_page_furniture(seed: tuple[dict, Extracted]) -> None:
    expected, got = seed
    for phrase in expected["not_in_body"]:
        assert phrase not in got.text, phrase
        assert phrase not in got.body_html, phrase


def test_seed_body_html_has_caption_figure_and_paragraphs(seed: tuple[dict, Extracted]) -> None:
    expected, got = seed
    assert got.body_html.startswith("<figure><figcaption>French President Emmanuel Macron")
    assert got.body_html.count("<p>") == len(expected["body_paragraphs"])
    assert "Kyiv&#x27;s defense" in got.body_html  # escaped, not raw


# --- other layouts ------------------------------------------------------------------------------------


def test_byline_at_the_top_with_two_authors_and_published_line() -> None:
    text = _page(
        "Home",
        "News\nLocal\nSport",
        "Old tram depot to become a library after council vote",
        "By Jane Doe and John Roe",
        "Published Jan 14, 2025",
        *STORY,
        "© 2025 The Riverside Gazette. All rights reserved.",
    )
    got = extract_text(text)
    assert got.title == "Old tram depot to become a library after council vote"
    assert [a.name for a in got.authors] == ["Jane Doe", "John Roe"]
    assert got.published == "2025-01-14"
    assert list(got.paragraphs) == STORY
    assert got.source == "The Riverside Gazette"


def test_agency_byline_with_role() -> None:
    text = _page(
        "Old tram depot to become a library",
        "Tom Krisher, AP Auto Writer",
        "Updated: Nov. 20, 2019 1:39 am EST",
        *STORY,
    )
    got = extract_text(text)
    assert got.authors == (Author("Tom Krisher", "AP Auto Writer"),)
    assert got.published == "2019-11-20"
    assert got.modified == "2019-11-20"


def test_share_subscribe_and_related_noise_stays_out_of_the_body() -> None:
    text = _page(
        "Subscribe\nSign in\nMenu",
        "Old tram depot to become a library",
        "Share\nSave\nListen\n3 min read",
        STORY[0],
        "Advertisement",
        *STORY[1:],
        "Sign up for our morning newsletter",
        "Related",
        "Council approves new cycle lanes on the ring road",
        "Share this article",
        "Comments",
        "Great news, I have been waiting for this for years, it is about time the council did something.",
        "We use cookies to improve your experience on this website. By continuing you accept our cookies.",
    )
    got = extract_text(text)
    assert list(got.paragraphs) == STORY
    for furniture in ("Share", "Save", "Listen", "Advertisement", "newsletter", "cookies", "cycle lanes", "Great"):
        assert furniture not in got.text


def test_teaser_between_paragraphs_becomes_related() -> None:
    text = "\n\n".join(
        [
            "Old tram depot to become a library",
            STORY[0],
            STORY[1],
            "Council approves new cycle lanes on the ring road\nThe lanes will open before the summer holidays.\n"
            "Article image",
            STORY[2],
        ]
    )
    got = extract_text(text)
    assert list(got.paragraphs) == STORY
    assert got.related == (
        {
            "title": "Council approves new cycle lanes on the ring road",
            "summary": "The lanes will open before the summer holidays.",
        },
    )


def test_date_inside_the_story_is_not_published() -> None:
    story = [
        "On March 3, 2021, the council first proposed closing the depot, and the vote was postponed twice "
        "before the members finally agreed on a plan this week.",
        *STORY,
    ]
    got = extract_text(_page("Old tram depot to become a library", "By Jane Doe", *story))
    assert got.published is None
    assert got.paragraphs[0].startswith("On March 3, 2021")


def test_headings_inside_the_story_become_h2() -> None:
    got = extract_text(_page("Old tram depot to become a library", STORY[0], "What happens next", *STORY[1:]))
    assert "What happens next" in got.paragraphs
    assert "<h2>What happens next</h2>" in got.body_html
    assert got.body_html.count("<p>") == 3


def test_cyrillic_article() -> None:
    story = [
        "Міська рада у вівторок проголосувала за перетворення старого трамвайного депо на публічну "
        "бібліотеку, і це завершило суперечку, яка тривала майже десять років.",
        "Прихильники плану заповнили залу для відвідувачів і аплодували, коли оголосили результат, а "
        "противники заявили, що вартість перебудови суттєво занижена.",
        "Депо збудували у 1911 році, і воно стоїть порожнім відтоді, як з маршрутів зняли останні трамваї.",
    ]
    text = _page("Головна\nНовини\nСпорт", "Старе депо стане бібліотекою", "Автор: Олена Петренко", *story)
    got = extract_text(text)
    assert got.title == "Старе депо стане бібліотекою"
    assert [a.name for a in got.authors] == ["Олена Петренко"]
    assert list(got.paragraphs) == story


def test_crlf_line_endings_and_non_breaking_spaces() -> None:
    text = _page("Old tram depot to become a library", *STORY).replace("\n", "\r\n")
    text = text.replace("city council", "city\u00a0council").replace("spring of 2028.", "spring of 2028.\u00a0\u202f")
    got = extract_text(text)
    assert list(got.paragraphs) == STORY
    assert all("\r" not in p and "\u00a0" not in p for p in got.paragraphs)


def test_reading_time_counts_words_at_238_a_minute() -> None:
    paragraph = " ".join(["The council met again and talked about the depot for a long while."] * 8)
    got = extract_text(_page("Depot talks go on", *[paragraph] * 5))  # 5 x 8 x 13 = 520 words
    assert got.reading_time_minutes == 3


def test_menu_only_page_is_refused() -> None:
    text = _page("Home\nNews\nSport\nBusiness\nOpinion", "Contact us\nPrivacy policy", "© 2025 Gazette")
    with pytest.raises(ImportFailure, match="no article text found"):
        extract_text(text)


@pytest.mark.parametrize("text", ["", "   \n\n\t\r\n \u00a0 "])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(ImportFailure, match="no article text found"):
        extract_text(text)


def test_one_huge_line_does_not_break_the_extractor() -> None:
    sentence = "The council met again and talked about the depot (and the library for a while. "
    got = extract_text("Depot talks\n\n" + sentence * 5000)
    assert got.reading_time_minutes and got.reading_time_minutes > 100


# --- quality gate ----------------------------------------------------------------------------------------


def test_quality_gate_on_the_aeb_text_corpus(shared_dir: Path) -> None:
    from tests.benchmarks.text_quality import score_text_extractor

    result = score_text_extractor()
    assert result["pages"] == 181
    assert result["f1"] >= RECORDED_AEB_TEXT_F1, result


def test_source_from_a_copyright_line_drops_the_company_suffix() -> None:
    paragraphs = [
        "The harbour commission approved a new dredging plan on Monday after two years of talks with fishing crews.",
        "Commissioners said the plan limits work to the winter months, when fewer boats use the channel each week.",
        "Fishing crews had asked for a pause during the spring run, and the final plan includes one for April.",
    ]
    text = (
        "Harbour dredging plan approved\n\n"
        + "\n\n".join(paragraphs)
        + ("\n\n© 2025 The Harbor Ledger Media Co. All rights reserved.\n")
    )
    assert extract_text(text).source == "The Harbor Ledger"


def test_a_section_label_repeated_before_the_site_feed_is_not_taken_for_the_headline() -> None:
    story = [
        "The city council approved the harbour ferry budget late on Tuesday after a nine-hour meeting of debate.",
        "Fares will stay at their current level through next year, and two evening crossings will be added.",
        "Councillors said the decision protects island residents who have no other way to reach the mainland.",
    ]
    feed = [
        "Crews will close the northbound lanes of the bridge overnight from Sunday as resurfacing moves on.",
        "The football club confirmed that its head coach has signed a two-year extension after the season.",
    ]
    text = "\n\n".join(
        [
            "Local News",
            "Ferry fares frozen in late-night budget deal",
            "3 min read",
            "Ferry fares frozen in late-night budget deal",
            *story,
            "Read more",
            "Local News",
            *feed,
            "Show More",
        ]
    )
    got = extract_text(text)
    assert got.title == "Ferry fares frozen in late-night budget deal"
    assert list(got.paragraphs) == story
