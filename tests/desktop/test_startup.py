"""Starting the window and typing into it: what comes first, what follows, and what is never loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.desktop.conftest import STORIES, search, titles

PROJECT = Path(__file__).resolve().parents[2]

# Run in a fresh process: the window as `newsarchive` starts it, then which modules it loaded.
START_AND_LIST_MODULES = """
import json, sys, time
from pathlib import Path
from desktop.launch import load_backend
load_backend()
from desktop.app import application, start_window
app = application()
window = start_window(Path(sys.argv[1]))
deadline = time.monotonic() + 60
while not (window.library is not None and window.flow.searches_done > 0 and not window.flow.busy):
    app.processEvents()
    time.sleep(0.005)
    assert time.monotonic() < deadline, "no results within a minute"
rows = [window.results_model.index(r).data() for r in range(window.results_model.rowCount())]
print(json.dumps({"rows": rows, "all": window.sidebar.groups["all"].text(), "modules": sorted(sys.modules)}))
window.close()
"""


def test_the_window_starts_without_loading_the_import_pipeline(library: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NEWSARCHIVE_CONFIG=str(tmp_path / "config"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", START_AND_LIST_MODULES, str(library)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(shown["rows"]) == sorted(s["title"] for s in STORIES)
    assert shown["all"] == f"All articles  ({len(STORIES)})"
    # Extraction and exports load when an import or export runs, not to show what is already there.
    loaded = set(shown["modules"])
    pipeline = (
        "indexer.ingest.importer",
        "indexer.ingest.pipeline",
        "indexer.exchange.export",
        "lxml",
        "trafilatura",
        "chardet",
        "courlan",
    )
    for module in pipeline:
        assert module not in loaded, f"{module} was imported at start-up"


def test_the_days_snapshot_is_written_after_the_first_results(qtbot, window) -> None:  # noqa: ANN001
    backups = Path(window.library.folder) / "backups"
    qtbot.waitUntil(lambda: any(backups.glob("library-*-daily.sqlite3")))
    window.writer.wait_idle(10)
    assert len(list(backups.glob("library-*-daily.sqlite3"))) == 1
    assert window.library.daily_snapshot() is None  # one a day


def test_sidebar_counts_follow_the_query(qtbot, window) -> None:  # noqa: ANN001
    sources = window.sidebar.groups["sources"]

    def source_labels() -> list[str]:
        return sorted(sources.child(r).text() for r in range(sources.rowCount()))

    assert source_labels() == ["Northfield Courier  (1)", "The Harbour Ledger  (2)"]
    search(qtbot, window, "seawall")
    assert source_labels() == ["The Harbour Ledger  (1)"]
    assert window.sidebar.groups["all"].text() == "All articles  (1)"
    search(qtbot, window, "")
    assert source_labels() == ["Northfield Courier  (1)", "The Harbour Ledger  (2)"]
    assert window.sidebar.groups["all"].text() == f"All articles  ({len(STORIES)})"


def test_a_chosen_filter_stays_selected_while_its_counts_change(qtbot, window) -> None:  # noqa: ANN001
    window.set_filter("source", "The Harbour Ledger")
    qtbot.waitUntil(lambda: not window.flow.busy)
    assert len(titles(window)) == 2
    for text in ("seawall", "tide", ""):
        search(qtbot, window, text)
        current = window.sidebar.currentIndex()
        assert current.isValid() and current.data().startswith("The Harbour Ledger")


def test_snippets_are_those_of_the_last_query_typed(qtbot, window) -> None:  # noqa: ANN001
    from desktop.panes.results import SnippetRole

    window.search_field.setFocus()
    for text in ("ferry", "orchestra", "seawall"):
        window.search_field.setText(text)
        window.flow.search_now()
    qtbot.waitUntil(lambda: not window.flow.busy and titles(window) == ["New seawall holds against the king tide"])
    window.results_view.viewport().repaint()  # painting a row asks for its snippet
    qtbot.waitUntil(lambda: window.results_model.index(0).data(SnippetRole) is not None)
    marked = [text.lower() for text, mark in window.results_model.index(0).data(SnippetRole) if mark]
    assert marked and all("seawall" in word for word in marked)


def test_opening_an_article_never_waits_on_the_index_in_the_ui_thread(qtbot, window, monkeypatch) -> None:  # noqa: ANN001
    import threading

    index = window.library.index
    asked_on: list[threading.Thread] = []
    real = index.terms_to_mark

    def terms_to_mark(query: str) -> list[str]:
        asked_on.append(threading.current_thread())
        return real(query)

    monkeypatch.setattr(index, "terms_to_mark", terms_to_mark)
    search(qtbot, window, "seawall")
    assert window.open_article(window.results_model.article_id(0))
    assert asked_on and threading.main_thread() not in asked_on
    assert window.reader.mark_count >= 1
    assert "seawall" in window.flow.terms_to_mark()


def test_a_bookmark_made_while_a_search_runs_shows_in_its_results(qtbot, window, monkeypatch) -> None:  # noqa: ANN001
    import threading

    from desktop.panes.results import BookmarkedRole

    search(qtbot, window, "seawall")
    article = window.results_model.article_id(0)
    window.open_article(article)
    library = window.library
    real = library.summaries
    read, release = threading.Event(), threading.Event()

    def summaries_then_wait(ids):  # noqa: ANN001, ANN202
        found = real(ids)
        if threading.current_thread() is not threading.main_thread():
            read.set()  # the search thread has read the rows as they were before the bookmark
            release.wait(10)
        return found

    monkeypatch.setattr(library, "summaries", summaries_then_wait)
    before = window.flow.searches_done
    window.flow.search_now()
    assert read.wait(10)
    window.toggle_bookmark()
    qtbot.waitUntil(lambda: library.article(article).bookmarked)
    qtbot.waitUntil(lambda: not window.writer.busy)
    release.set()
    qtbot.waitUntil(lambda: window.flow.searches_done > before)
    assert window.results_model.index(0).data(BookmarkedRole) is True


def test_the_fuzzy_vocabulary_is_loaded_after_the_first_results(qtbot, window) -> None:  # noqa: ANN001
    from indexer.search import snapshot

    snap = window.library.index._snap
    wanted = {(key, field) for _, _, _, key in snap.leaves for field in snapshot.FUZZY_FIELDS}
    qtbot.waitUntil(lambda: wanted <= set(snapshot._GROUPS))
    qtbot.waitUntil(lambda: not window.flow.snippet_runner.busy)
    assert window.library.warm_search() is False  # nothing was left for a search to load


def test_with_nothing_typed_rows_show_the_opening_lines(qtbot, window) -> None:  # noqa: ANN001
    from desktop.panes.results import SnippetRole

    model = window.results_model
    assert window.search_field.text() == "" and model.rowCount() > 1
    window.results_view.viewport().update()  # painting asks for the rows' snippets
    qtbot.waitUntil(lambda: all(model.index(r).data(SnippetRole) for r in range(2)))
    for row in range(2):
        shown = "".join(text for text, _mark in model.index(row).data(SnippetRole))
        opening = window.library.article(model.article_id(row)).text
        assert shown.rstrip("…").strip()[:40] == " ".join(opening.split())[:40]
        assert not any(mark for _text, mark in model.index(row).data(SnippetRole))
