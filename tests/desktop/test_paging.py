"""Scrolling past the first page of results: more ids arrive from a worker thread, never the UI thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from tests.benchmarks.desktop import build_library
from tests.desktop.conftest import search

ARTICLES = 450  # more than two pages of results


@pytest.fixture()
def big_window(qtbot, tmp_path: Path):  # noqa: ANN001, ANN201 - pytest-qt fixture
    from desktop.app import application
    from desktop.window import MainWindow

    folder = tmp_path / "big"
    build_library(folder, ARTICLES)
    application()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_library(folder)
    qtbot.waitUntil(lambda: win.library is not None and win.flow.searches_done > 0 and not win.flow.busy)
    yield win
    win.close()


def test_scrolling_to_the_end_brings_every_result_off_the_ui_thread(qtbot, big_window, monkeypatch) -> None:  # noqa: ANN001
    win = big_window
    model = win.results_model
    ui = threading.current_thread()
    searched_on: list[threading.Thread] = []
    real = win.library.search

    def watched(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        searched_on.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(win.library, "search", watched)
    search(qtbot, win, "")  # every article, newest first
    assert model.total == ARTICLES and model.rowCount() < ARTICLES
    view = win.results_view
    view.setFocus()
    for _ in range(20):  # End, as a user would press it, until the last article is loaded
        if model.rowCount() == ARTICLES:
            break
        qtbot.keyClick(view, Qt.Key.Key_End)
        qtbot.waitUntil(lambda: not model.fetching)
    assert model.rowCount() == ARTICLES
    assert len(set(model.ids())) == ARTICLES  # every article once, none missing
    assert searched_on and ui not in searched_on


def test_a_page_asked_for_an_earlier_query_is_dropped(qtbot, big_window) -> None:  # noqa: ANN001
    win = big_window
    model = win.results_model
    search(qtbot, win, "")
    first = model.rowCount()
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # a page is on its way ...
    assert model.fetching and model.rowCount() == first  # ... and nothing waited for it
    search(qtbot, win, "nothing-matches-this-zzzz")  # ... when the query changes
    qtbot.waitUntil(lambda: not win.flow.snippet_runner.busy)
    assert model.rowCount() == 0 and model.ids() == []  # the late page of the old query did not land
