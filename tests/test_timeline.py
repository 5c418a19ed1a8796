"""Coverage over time: matches per month with every search, and `newsarchive timeline` on a real library."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from indexer.search import IndexDoc, SearchIndex
from indexer.search.timeline import periods
from tests.cli import run
from tests.pages import LOREM, article_html, write

NOW = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)


def doc(id: int, title: str, published: str | None, **kw: object) -> IndexDoc:
    values: dict[str, object] = {
        "body": f"{title}. More on this story as it develops.",
        "authors": (),
        "source": "The Harbour Ledger",
        "tags": (),
        "language": "en",
        "saved": "2024-06-01T10:00:00+00:00",
        "bookmarked": False,
    }
    values.update(kw)
    return IndexDoc(id=id, title=title, published=published, **values)  # type: ignore[arg-type]


ARCHIVE = [
    doc(1, "Ferry fares frozen", "2023-11-05"),
    doc(2, "Ferry timetable for winter", "2024-01-20"),
    doc(3, "Bridge works begin", "2024-01-31T23:30:00+00:00"),
    # 23:30 on the last day of February in New York is March in UTC, where the archive counts months.
    doc(4, "Ferry strike called off", "2024-02-29T23:30:00-05:00"),
    doc(5, "Ferry museum opens", None),  # undated: found, in no month
    doc(6, "Harbour history", "1899-12-31"),  # outside 1900-2100: counted as undated, like the year facet
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    folder: Path = tmp_path_factory.mktemp("timeline") / "index"
    ix = SearchIndex(folder, lambda: iter(ARCHIVE), now=lambda: NOW, procs=1)
    ix.open(len(ARCHIVE), "gen-1")
    yield ix
    ix.close()


def test_every_search_counts_its_matches_per_month(index: SearchIndex) -> None:
    results = index.search("ferry", limit=1)
    assert results.total == 4
    assert results.months == {"2023-11": 1, "2024-01": 1, "2024-03": 1}  # the museum has no date
    assert list(results.months) == sorted(results.months)
    assert len(results.hits) == 1  # the months count every match, not the page of hits


def test_months_agree_with_the_year_facet_and_the_date_filter(index: SearchIndex) -> None:
    everything = index.search("", limit=0)
    assert everything.total == 6
    assert everything.months == {"2023-11": 1, "2024-01": 2, "2024-03": 1}
    years: dict[str, int] = {}
    for month, count in everything.months.items():
        years[month[:4]] = years.get(month[:4], 0) + count
    assert years == everything.facets["year"]
    # What a click on a bar adds to the query finds exactly that bar's articles.
    for month, count in everything.months.items():
        assert index.search(f"published:{month}..{month}").total == count


def test_a_search_that_finds_nothing_has_no_months(index: SearchIndex) -> None:
    assert index.search("zeppelin").months == {}


def test_periods_fill_the_gaps_with_zeros() -> None:
    months = {"2023-11": 1, "2024-01": 2, "2024-03": 1}
    assert periods(months) == {"2023-11": 1, "2023-12": 0, "2024-01": 2, "2024-02": 0, "2024-03": 1}
    assert periods(months, "year") == {"2023": 1, "2024": 3}
    assert periods({"2019-05": 2, "2022-01": 1}, "year") == {"2019": 2, "2020": 0, "2021": 0, "2022": 1}
    assert periods({}) == {} and periods({}, "year") == {}
    with pytest.raises(ValueError, match="month or year"):
        periods(months, "week")


# -- the command, on a real library -----------------------------------------------------------------


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("timeline-cli")
    pages = root / "pages"
    stories = [
        ("Council extends winter ferry service", "2023-11-05T09:30:00+00:00", "ferry"),
        ("Ferry operator adds evening crossings", "2024-01-20T09:30:00+00:00", "ferry"),
        ("Swing bridge reopens after repairs", "2024-01-25T09:30:00+00:00", "bridge"),
        ("Ferry fares stay the same next year", "2024-03-02T09:30:00+00:00", "ferry"),
        ("Harbour museum opens a ferry gallery", None, "museum"),
    ]
    for number, (title, published, word) in enumerate(stories):
        write(
            pages / f"story{number}.html",
            article_html(
                title=title,
                published=published,
                url=f"https://harbour-ledger.example/news/{word}-{number}",
                paragraphs=[p.replace("ferry", word) + f" Story {number}." for p in LOREM],
            ),
        )
    folder = root / "lib"
    result = run(folder, "import", str(pages), "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["imported"]) == len(stories)
    return folder


def timeline_json(library: Path, *args: str) -> dict:
    result = run(library, "timeline", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_timeline_json_is_every_month_from_first_to_last(library: Path) -> None:
    assert timeline_json(library, "") == {"2023-11": 1, "2023-12": 0, "2024-01": 2, "2024-02": 0, "2024-03": 1}
    ferry = {"2023-11": 1, "2023-12": 0, "2024-01": 1, "2024-02": 0, "2024-03": 1}
    assert timeline_json(library, "title:ferry") == ferry


def test_cli_timeline_by_year_and_for_a_search_that_finds_nothing(library: Path) -> None:
    assert timeline_json(library, "", "--by", "year") == {"2023": 1, "2024": 3}
    assert timeline_json(library, "title:bridge", "--by", "year") == {"2024": 1}
    assert timeline_json(library, "zeppelin") == {}


def test_cli_timeline_text_is_a_bar_per_month_and_names_the_undated(library: Path) -> None:
    result = run(library, "timeline", "")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "4 found from 2023-11 to 2024-03"
    bars = {line.split()[0]: line for line in lines[1:6]}
    assert list(bars) == ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]
    assert bars["2024-01"].split()[1] == "2" and bars["2024-01"].count("█") == 40  # the busiest month is full
    assert bars["2023-11"].count("█") == 20  # half as many, half as long
    assert "█" not in bars["2023-12"] and bars["2023-12"].split()[1] == "0"
    assert lines[6] == "1 more without a date (not shown)"
