"""Choosing the story between the precision-first body and trafilatura's plain one."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.ingest.extract.choose import choose, doubtful, headline_coverage
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
