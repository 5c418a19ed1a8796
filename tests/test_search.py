"""The query language on a small hand-made archive whose answers are known."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from indexer.search import IndexDoc, SearchIndex

NOW = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)


def doc(id: int, title: str, body: str, **kw: object) -> IndexDoc:
    values: dict[str, object] = {
        "authors": (),
        "source": None,
        "tags": (),
        "language": "en",
        "published": None,
        "saved": "2024-06-01T10:00:00+00:00",
        "bookmarked": False,
    }
    values.update(kw)
    return IndexDoc(id=id, title=title, body=body, **values)  # type: ignore[arg-type]


ARCHIVE = [
    doc(
        1,
        "Peace talks resume in Geneva",
        "Diplomats said the peace talks would resume next week.",
        authors=("Anna Kovalenko",),
        source="The Daily Planet",
        tags=("war/diplomacy",),
        published="2024-03-05",
        saved="2024-06-28T09:00:00+00:00",
        bookmarked=True,
    ),
    doc(
        2,
        "Elections in the city",
        "Voters elected a new council after the elections were held.",
        authors=("John Smith",),
        source="Evening Post",
        tags=("politics/elections",),
        published="2023-11-20",
    ),
    doc(
        3,
        "President Zelenskyy visits Kyiv front",
        "Zelenskyy met troops near the front line.",
        authors=("Anna Kovalenko", "Peter Brown"),
        source="The Daily Planet",
        tags=("war/frontline",),
        published="2024-06-15T08:30:00+00:00",
    ),
    doc(
        4,
        "Зеленський відвідав Харків",
        "Президент України Зеленський зустрівся з військовими у Харкові.",
        authors=("Олена Шевченко",),
        source="Українська правда",
        language="uk",
        tags=("war",),
        published="2024-06-20",
    ),
    doc(
        5,
        "Café culture returns",
        "The café on the corner reopened; talks about peace were not on the menu.",
        authors=("Marie Dubois",),
        source="Le Petit Journal",
        tags=("culture",),
        published="2019-08-01",
    ),
    doc(
        6,
        "Market report",
        "Inflation and interest rates worried the markets; no election this year.",
        authors=("John Smith",),
        source="Evening Post",
        published="2024-01-10",
        saved="2024-01-11T00:00:00+00:00",
    ),
    doc(
        7,
        "Football final",
        "The champions won the final match of the season.",
        source="Sports Daily",
        tags=("sport/football",),
        published="2024-05-30",
        language=None,
    ),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    folder: Path = tmp_path_factory.mktemp("search") / "index"
    ix = SearchIndex(folder, lambda: iter(ARCHIVE), now=lambda: NOW, procs=1)
    assert ix.open(len(ARCHIVE), "gen-1") is not None  # nothing on disk yet: it builds one
    yield ix
    ix.close()


def ids(index: SearchIndex, query: str, **kw: object) -> set[int]:
    return {h.id for h in index.search(query, **kw).hits}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("peace", {1, 5}),  # plain word, title or body
        ("peace talks", {1, 5}),  # words ANDed, anywhere
        ('"peace talks"', {1}),  # phrase: only where they stand together
        ("election", {2, 6}),  # English stemming: elections, elected, election
        ("ELECTIONS", {2, 6}),  # case folding
        ("cafe", {5}),  # accent folding
        ("peace OR football", {1, 5, 7}),
        ("peace NOT cafe", {1}),
        ("peace -cafe", {1}),
        ("(peace OR election) -market", {1, 2, 5}),
        ("elec*", {2, 6}),
        ("champ*", {7}),
        ("zelensky~", {3}),  # one typo / transliteration away from Zelenskyy
        ("title:peace", {1}),
        ("author:kovalenko", {1, 3}),
        ('author:"john smith"', {2, 6}),
        ("source:post", {2, 6}),
        ("tag:war", {1, 3, 4}),  # parent tag matches war/diplomacy and war/frontline
        ("tag:War/Diplomacy", {1}),
        ("lang:uk", {4}),
        ("lang:en", {1, 2, 3, 5, 6}),
        ("published:2024", {1, 3, 4, 6, 7}),
        ("published:2024-01..2024-03", {1, 6}),
        ("published:>2024-06-01", {3, 4}),
        ("published:<2020", {5}),
        ("saved:7d", {1}),
        ("is:bookmarked", {1}),
        ("tag:war published:2024-06", {3, 4}),
        ("зеленський", {4}),  # Cyrillic, case-folded
        ("харків", {4}),
        ("president", {3, 4} - {4}),  # the Ukrainian article says "Президент", not "president"
    ],
)
def test_query_forms(index: SearchIndex, query: str, expected: set[int]) -> None:
    results = index.search(query)
    assert {h.id for h in results.hits} == expected
    assert results.total == len(expected)


def test_unreadable_query_is_searched_as_plain_words(index: SearchIndex) -> None:
    # "is" is a stop word, so "is:peace talks" read as plain words is "peace talks".
    for query in ['"peace talks', "(peace talks", "peace) talks", "is:peace talks", "talks published:20x4"]:
        results = index.search(query)
        assert not results.parsed
        assert {h.id for h in results.hits} == ({1, 5} if "20x4" not in query else set()), query


def test_empty_query_lists_everything_newest_first(index: SearchIndex) -> None:
    results = index.search("", sort="newest")
    assert results.total == len(ARCHIVE)
    assert [h.id for h in results.hits][:3] == [4, 3, 7]


def test_sort_orders(index: SearchIndex) -> None:
    assert [h.id for h in index.search("tag:war", sort="newest").hits] == [4, 3, 1]
    assert [h.id for h in index.search("tag:war", sort="oldest").hits] == [1, 3, 4]
    ranked = index.search("peace")
    assert [h.id for h in ranked.hits][0] == 1  # in the title and the body beats body only
    assert ranked.hits[0].score > ranked.hits[1].score > 0


def test_paging(index: SearchIndex) -> None:
    everything = [h.id for h in index.search("", sort="oldest").hits]
    page = [h.id for h in index.search("", sort="oldest", limit=2, offset=2).hits]
    assert page == everything[2:4]


def test_only_ids_restricts(index: SearchIndex) -> None:
    assert ids(index, "peace", only_ids={5, 6}) == {5}


def test_facets_count_the_results(index: SearchIndex) -> None:
    facets = index.search("tag:war").facets
    assert facets["source"] == {"The Daily Planet": 2, "Українська правда": 1}
    assert facets["author"]["Anna Kovalenko"] == 2
    assert facets["tag"] == {"war/diplomacy": 1, "war/frontline": 1, "war": 1}
    assert facets["year"] == {"2024": 3}


def test_suggestion_from_the_archive_words(index: SearchIndex) -> None:
    results = index.search("fotball final")
    assert results.total == 0
    assert results.suggestion == "football final"
    assert index.search("football").suggestion is None


def test_snippets_mark_the_matched_words(index: SearchIndex) -> None:
    snippets = index.snippets("election", [2, 6])
    assert "<b>elected</b>" in snippets[2] and "<b>elections</b>" in snippets[2]
    assert "<b>election</b>" in snippets[6]
    assert "<b>Зеленський</b>" in index.snippets("зеленський", [4])[4]
    cafe = index.snippets("cafe", [5])[5]
    assert "<b>café</b>" in cafe
    assert "<b>reopened" not in cafe


def test_snippets_are_escaped(tmp_path: Path) -> None:
    docs = [doc(1, "Tags", "Use <script>alert(1)</script> & the <b> tag for bold text.")]
    ix = SearchIndex(tmp_path / "ix", lambda: iter(docs), procs=1)
    ix.open(1, "g")
    text = ix.snippets("bold", [1])[1]
    assert "<script>" not in text and "&lt;script&gt;" in text and "&amp;" in text
    assert "<b>bold</b>" in text
    ix.close()


def test_terms_to_mark(index: SearchIndex) -> None:
    marks = index.terms_to_mark('"peace talks" elec* -cafe')
    assert "peace" in marks and "talks" in marks and "elec*" in marks
    assert "cafe" not in marks


def test_a_word_the_archive_holds_is_only_corrected_to_a_far_more_common_one(tmp_path: Path) -> None:
    docs = [doc(1, "River flood warning", "The flood reached the old mill.")]
    docs += [doc(10 + i, f"Market report {i}", "Food prices rose again this week.") for i in range(20)]
    docs += [doc(100, "Budget row", "The goverment delayed the vote.")]
    docs += [doc(200 + i, f"Government plan {i}", "The council announced a plan.") for i in range(60)]
    ix = SearchIndex(tmp_path / "index", lambda: iter(docs), procs=1)
    try:
        ix.open(len(docs), "g")
        flood = ix.search("flood")
        assert flood.total == 1 and flood.suggestion is None  # "food" is commoner, but not by far
        typo = ix.search("goverment")
        assert typo.total == 1 and typo.suggestion == "government"
    finally:
        ix.close()
