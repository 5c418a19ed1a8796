"""Choosing the story between the precision-first body and trafilatura's plain one."""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement, fromstring

from indexer.ingest.extract.choose import choose, doubtful, headline_coverage, story_references
from tests.pages import LOREM

TITLE = "Council extends the harbour ferry service through winter"
JOBS = tuple(
    f"{role} wanted for the harbour office in the town centre"
    for role in ("Clerk", "Driver", "Teacher", "Nurse", "Cook", "Porter", "Guard", "Cleaner", "Gardener", "Tailor")
)


@dataclass
class Body:
    paragraphs: tuple[str, ...]
    prose: int = 0
    missed: int = 0

    def __post_init__(self) -> None:
        self.prose = self.prose or sum(len(p) for p in self.paragraphs)


def test_a_full_body_that_carries_the_headline_is_not_doubted() -> None:
    assert not doubtful(Body(tuple(LOREM)), TITLE)


def test_a_body_without_the_headlines_words_is_doubted() -> None:
    assert doubtful(Body(JOBS * 2), TITLE)


def test_short_link_heavy_or_gapped_bodies_are_doubted() -> None:
    assert doubtful(Body(tuple(LOREM[:1])), TITLE)
    assert doubtful(Body(tuple(LOREM), prose=100), TITLE)
    assert doubtful(Body(tuple(LOREM), missed=400), TITLE)


def test_when_the_two_disagree_the_one_with_the_headline_is_the_story() -> None:
    jobs, story = Body(JOBS * 2), Body(tuple(LOREM))
    assert choose(jobs, story, TITLE) is story
    assert choose(story, jobs, TITLE) is story


def test_when_neither_carries_the_headline_clearly_more_prose_wins() -> None:
    short, long = Body(JOBS[:3]), Body(tuple(LOREM))
    assert choose(short, long, None) is long


def test_a_plain_body_that_holds_ours_and_adds_story_paragraphs_is_taken() -> None:
    ours = Body((LOREM[0], LOREM[1], LOREM[4]))
    fuller = Body(tuple(LOREM))
    assert choose(ours, fuller, TITLE) is fuller


def test_a_plain_body_that_only_adds_furniture_is_not_taken() -> None:
    ours = Body(tuple(LOREM))
    noisier = Body((*LOREM, "Share", "Most read", "Subscribe to our newsletter"))
    assert choose(ours, noisier, TITLE) is ours


def test_headline_coverage_counts_the_longer_words() -> None:
    assert headline_coverage(TITLE, " ".join(LOREM)) == 1.0  # "extends" found as "extend"
    assert (headline_coverage("港の渡し船が冬も運航", "港の渡し船は冬も運航を続ける") or 0) > 0.7
    assert headline_coverage("港の渡し船が冬も運航", "まったく別の話題です") == 0.0
    assert headline_coverage("Ferry", "anything") is None


# --- references: the metadata's article body and the page's largest block of prose ----------------------

STORY = tuple(LOREM) + (
    "Councillors also asked the operator to publish monthly figures on late and cancelled crossings, so that "
    "passengers can judge for themselves whether the extra money buys a reliable service.",
    "The harbour master said the pier at the northern landing would be repaired before the first winter "
    "departure, after storms last year closed it for eleven days.",
)


def page_with(blocks: str) -> HtmlElement:
    return fromstring(f"<html><body>{blocks}</body></html>")


def test_the_largest_block_of_prose_paragraphs_is_a_reference() -> None:
    story = "".join(f"<p>{p}</p>" for p in STORY)
    teasers = "".join(f'<p><a href="/x{i}">{job}</a></p>' for i, job in enumerate(JOBS))
    root = page_with(f'<div class="jobs">{teasers}</div><div class="story">{story}</div>')
    assert story_references(root, None) == ["\n".join(STORY)]
    assert story_references(root, "Too short to judge by.") == ["\n".join(STORY)]
    assert story_references(root, " ".join(STORY))[0] == " ".join(STORY)


def test_a_body_that_holds_a_small_part_of_the_story_block_is_doubted() -> None:
    references = ["\n".join(STORY)]
    part = Body((STORY[0], STORY[1], STORY[5]))  # the opening and one later paragraph: long enough, on topic
    assert not doubtful(part, TITLE)
    assert doubtful(part, TITLE, references)
    assert not doubtful(Body(STORY), TITLE, references)


def test_the_body_that_carries_the_reference_is_the_story() -> None:
    references = ["\n".join(STORY)]
    part, whole = Body(STORY[:2]), Body(STORY)
    assert choose(part, whole, TITLE, references) is whole
    jobs = Body(JOBS * 3)
    assert choose(jobs, whole, None, references) is whole  # no headline to judge by
    assert choose(whole, jobs, None, references) is whole


def test_a_plain_body_padded_with_other_text_does_not_win_on_the_reference_alone() -> None:
    references = ["\n".join(STORY)]
    story, padded = Body(STORY), Body((*STORY, *JOBS))
    assert choose(story, padded, TITLE, references) is story


def test_paragraphs_each_in_a_box_of_their_own_make_one_block() -> None:
    boxed = "".join(f'<div class="text-block"><div class="inner"><p>{p}</p></div></div>' for p in STORY)
    aside = "".join(
        f'<div class="card"><p>{job}, apply by Friday with a letter and references.</p></div>' for job in JOBS
    )
    root = page_with(f'<aside class="jobs">{aside}</aside><article>{boxed}</article>')
    assert story_references(root, None) == ["\n".join(STORY)]


def test_a_reference_without_the_headlines_words_does_not_beat_the_headline() -> None:
    other_prose = ["\n".join(JOBS)]  # the page's largest block is not this story
    story, jobs = Body(STORY), Body(JOBS * 2)
    assert choose(story, jobs, TITLE, other_prose) is story


# --- paragraphs cut at a link: what is left opens mid-sentence --------------------------------------------

CUT = (
    STORY[0],
    "reportedthat the ferry operator had asked for a larger subsidy before agreeing to the winter timetable.",
    "kept its fares at the current levelfor students and pensioners who cross the harbour every day of the week.",
    "the harbour master's report,published on Monday, found the northern pier needs repairs before December.",
    STORY[3],
)
WHOLE = (
    STORY[0],
    "The Harbour Post reported that the ferry operator had asked for a larger subsidy before agreeing to the "
    "winter timetable.",
    "The council has kept its fares at the current level for students and pensioners who cross the harbour "
    "every day of the week.",
    "According to the harbour master's report, published on Monday, the northern pier needs repairs before December.",
    STORY[3],
)


def test_a_body_of_paragraphs_opening_mid_sentence_is_doubted_and_the_whole_one_taken() -> None:
    cut, whole = Body(CUT), Body(WHOLE)
    assert doubtful(cut, TITLE)
    assert not doubtful(whole, TITLE)
    assert choose(cut, whole, TITLE) is whole


def test_a_list_written_in_small_letters_in_both_bodies_keeps_ours() -> None:
    items = tuple(
        f"{word} crossings on winter evenings and on Sunday mornings" for word in ("extra", "later", "cheaper")
    )
    ours, plain = Body((STORY[0], *items)), Body((STORY[0], *items, "Share this article"))
    assert choose(ours, plain, TITLE) is ours
