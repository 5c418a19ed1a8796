"""A real window over a real library in tmp_path, offscreen; settings in a temporary folder too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.pages import article_html, write

# pytest-qt waits 5 s by default for a condition or a signal. Tests here wait for work to be done (a
# search answered, an import stored), and a loaded machine may take longer than that without anything
# being wrong: only a wait this long means the work will not come.
WAIT_MS = 60_000
for _wait in (QtBot.waitUntil, QtBot.waitSignal, QtBot.waitSignals, QtBot.waitCallback):
    if _wait.__kwdefaults__ and "timeout" in _wait.__kwdefaults__:
        _wait.__kwdefaults__["timeout"] = WAIT_MS

# The offscreen platform says these (once per top-level window, and when a window is brought to the
# front); they are about the platform, not the app.
OFFSCREEN_NOISE = "This plugin does not support (propagateSizeHints|raise)"

STORIES = [
    {
        "name": "ferry.html",
        "title": "Council extends winter ferry service",
        "author": "Maren Holt",
        "site": "The Harbour Ledger",
        "published": "2024-11-05T09:30:00+00:00",
        "words": "ferry crossings commuters harbour timetable",
    },
    {
        "name": "seawall.html",
        "title": "New seawall holds against the king tide",
        "author": "Priya Venkataraman",
        "site": "The Harbour Ledger",
        "published": "2023-02-14T07:00:00+00:00",
        "words": "seawall tide gauge basements flooding",
    },
    {
        "name": "orchestra.html",
        "title": "Community orchestra plays its fiftieth summer",
        "author": "Tomas Brandt",
        "site": "Northfield Courier",
        "published": "2022-07-01T18:00:00+00:00",
        "words": "orchestra bandshell violin summer concerts",
    },
]


def story_paragraphs(words: str, title: str) -> list[str]:
    return [
        f"{title}: the story begins with {words} and what they meant for the town this year.",
        f"Residents spoke at length about {words}, and several said the change came later than promised.",
        "Officials said a review would follow in the spring, with figures published for anyone to read.",
        "Local businesses were divided, with some expecting more visitors and others worried about costs.",
    ]


def write_story(folder: Path, story: dict) -> Path:
    page = article_html(
        title=story["title"],
        site=story["site"],
        authors=[
            {"name": story["author"], "jobTitle": "Reporter", "description": f"{story['author']} covers the town."}
        ],
        published=story["published"],
        url=f"https://news.example/{story['name'].removesuffix('.html')}",
        paragraphs=story_paragraphs(story["words"], story["title"]),
    )
    return write(folder / story["name"], page)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/desktop" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSARCHIVE_CONFIG", str(tmp_path / "config"))


@pytest.fixture()
def stories(tmp_path: Path) -> list[Path]:
    return [write_story(tmp_path / "pages", s) for s in STORIES]


@pytest.fixture()
def library(library_dir: Path, stories: list[Path]) -> Iterator[object]:
    from indexer.library import Library

    lib = Library(library_dir)
    report = lib.import_paths(stories, workers=1)
    assert len(report.of("imported")) == len(STORIES), report
    lib.close()
    yield library_dir


@pytest.fixture()
def window(qtbot, library: Path):  # noqa: ANN001, ANN201 - pytest-qt fixture
    from desktop.app import application
    from desktop.window import MainWindow

    application()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    assert win.open_library(library)
    # Hits first, then the sidebar's counts (counted on their own thread): the tests see both.
    qtbot.waitUntil(lambda: win.library is not None and win.flow.searches_done > 0 and not win.flow.busy)
    yield win
    win.close()


def search(qtbot, win, text: str) -> None:  # noqa: ANN001
    """Type into the search field like a user and wait for the hits to be on screen."""
    before = win.flow.searches_done
    win.search_field.setFocus()
    win.search_field.clear()
    qtbot.keyClicks(win.search_field, text)
    if not win.flow.timer.isActive():
        win.flow.search_now()  # the text did not change (an empty query again): search anyway
    qtbot.waitUntil(lambda: win.flow.searches_done > before and not win.flow.busy)


def titles(win) -> list[str]:  # noqa: ANN001
    model = win.results_model
    return [model.index(r).data() for r in range(model.rowCount())]
