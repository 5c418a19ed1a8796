"""The window as a user drives it: search, read, tag, bookmark, authors, drops and imports."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.desktop.conftest import STORIES, search, titles, write_story


def test_typing_a_query_shows_the_matching_articles(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "seawall")
    assert titles(window) == ["New seawall holds against the king tide"]
    assert window.count_label.text() == "1 article"

    search(qtbot, window, "harbour")
    assert set(titles(window)) == {"Council extends winter ferry service", "New seawall holds against the king tide"}


def test_empty_query_lists_everything_and_sort_changes_the_order(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "")
    assert len(titles(window)) == len(STORIES)
    before = window.flow.searches_done
    window.set_sort("oldest")
    qtbot.waitUntil(lambda: window.flow.searches_done > before)
    assert titles(window)[0] == "Community orchestra plays its fiftieth summer"
    before = window.flow.searches_done
    window.set_sort("newest")
    qtbot.waitUntil(lambda: window.flow.searches_done > before)
    assert titles(window)[0] == "Council extends winter ferry service"


def test_a_query_the_parser_cannot_read_shows_no_traceback(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, 'title:( "unclosed AND OR')
    assert "Traceback" not in window.status_label.text()
    assert window.isVisible()


def test_enter_typed_before_the_results_arrive_opens_the_new_first_result(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "")
    assert titles(window)[0] != "Community orchestra plays its fiftieth summer"  # what is on screen first
    window.search_field.setFocus()
    window.search_field.clear()
    # A fast typist: the query, then Enter, with no pause for the search to answer.
    qtbot.keyClicks(window.search_field, "orchestra")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current is not None)
    assert "Community orchestra plays its fiftieth summer" in window.reader.toPlainText()
    assert titles(window) == ["Community orchestra plays its fiftieth summer"]


def test_keyboard_only_search_open_tag_bookmark_back(qtbot, window) -> None:  # noqa: ANN001
    qtbot.keyClick(window.reader, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.hasFocus()
    search(qtbot, window, "orchestra")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    article = window.results_model.article_id(0)
    assert window.current == ("article", article)
    assert "Community orchestra plays its fiftieth summer" in window.reader.toPlainText()
    assert window.reader.hasFocus()

    qtbot.keyClick(window.reader, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: window.edits.tag_editor is not None and window.edits.tag_editor.isVisible())
    editor = window.edits.tag_editor
    qtbot.keyClicks(editor.field, "music/classical")
    qtbot.keyClick(editor.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.library.article(article).tags == ["music/classical"])
    qtbot.keyClick(editor.field, Qt.Key.Key_Escape)
    # The first Esc may go to the tag list's completion popup, which a stored tag can bring up; a user
    # presses it again.
    qtbot.waitUntil(lambda: not editor.isVisible() or not editor.field.completer().popup().isVisible())
    if editor.isVisible():
        qtbot.keyClick(editor.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())

    # Closing the editor hands activation back to the window (the offscreen platform needs a nudge).
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.library.article(article).bookmarked)
    qtbot.waitUntil(lambda: "★" in window.reader.toPlainText())
    assert "#music/classical" in window.reader.toPlainText()

    qtbot.keyClick(window.reader, Qt.Key.Key_Escape)
    assert window.search_field.hasFocus()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""

    # The tag is now a sidebar filter and a search field.
    search(qtbot, window, "tag:music")
    assert titles(window) == ["Community orchestra plays its fiftieth summer"]


def test_j_and_k_step_through_results_and_back_returns(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    first = window.current
    qtbot.keyClick(window.reader, Qt.Key.Key_J)
    second = window.current
    assert second != first and second[0] == "article"
    qtbot.keyClick(window.reader, Qt.Key.Key_K)
    assert window.current == first
    window.go_back()
    assert window.current == second


def test_author_page_lists_their_articles_and_follow_bookmarks_them(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "seawall")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    window.reader.author_clicked.emit("Priya Venkataraman")
    assert window.right_stack.currentWidget() is window.author_page
    page = window.author_page
    assert "Priya Venkataraman" in page.heading.text()
    assert page.bio.text() == "Priya Venkataraman covers the town."
    assert page.model.rowCount() == 1
    assert page.model.index(0).data() == "New seawall holds against the king tide"

    qtbot.keyClick(page.list, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: [a.name for a in window.library.bookmarked_authors()] == ["Priya Venkataraman"])
    qtbot.waitUntil(lambda: page.follow_button.isChecked())

    qtbot.keyClick(page.list, Qt.Key.Key_Return)
    assert window.current[0] == "article"
    window.go_back()
    assert window.current == ("author", "Priya Venkataraman")


def _drop(window, mime: QMimeData) -> bool:  # noqa: ANN001
    # QDragEnterEvent and QDragMoveEvent take integer points on every PySide6 version; QDropEvent either.
    center = window.rect().center()
    pos = center.toPointF()
    enter = QDragEnterEvent(
        center, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    move = QDragMoveEvent(
        center, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, move)
    if not (enter.isAccepted() and move.isAccepted()):
        return False
    drop = QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    return True


def test_dropping_files_imports_them_and_the_list_refreshes(qtbot, window, tmp_path: Path) -> None:  # noqa: ANN001
    new = write_story(
        tmp_path / "dropped",
        {
            "name": "lighthouse.html",
            "title": "Lighthouse keeper retires after forty winters",
            "author": "Ines Ferreira",
            "site": "Coastal Times",
            "published": "2021-01-10T10:00:00+00:00",
            "words": "lighthouse keeper lamp winters fog",
        },
    )
    search(qtbot, window, "")
    assert len(titles(window)) == 3
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(new))])
    before = window.flow.searches_done
    assert _drop(window, mime)
    qtbot.waitUntil(lambda: not window.imports.running and window.flow.searches_done > before)
    # The list refreshes by itself (a search may still be on its way when the import ends).
    qtbot.waitUntil(lambda: "Lighthouse keeper retires after forty winters" in titles(window))
    assert window.imports.reports and window.imports.reports[-1].summary.text().startswith("1 imported")


def test_a_browser_selection_dropped_becomes_an_article_with_its_url(qtbot, window) -> None:  # noqa: ANN001
    mime = QMimeData()
    paragraphs = "".join(
        f"<p>The marsh restoration project {w} drew volunteers from three villages along the estuary.</p>"
        for w in ("planting", "surveys", "fencing", "monitoring")
    )
    mime.setHtml(f"<h1>Volunteers replant the estuary marsh</h1>{paragraphs}")
    mime.setText("Volunteers replant the estuary marsh")
    mime.setData("chromium/x-source-url", b"https://estuary.example/marsh-volunteers")
    before = window.flow.searches_done
    assert _drop(window, mime)
    qtbot.waitUntil(lambda: not window.imports.running and window.flow.searches_done > before)
    report = window.imports.reports[-1].report
    imported = report.of("imported")
    assert len(imported) == 1, report
    record = window.library.article(imported[0].id)
    assert "marsh" in record.text
    assert record.url == "https://estuary.example/marsh-volunteers"


def test_a_dropped_web_link_is_refused_not_fetched(qtbot, window) -> None:  # noqa: ANN001
    mime = QMimeData()
    mime.setUrls([QUrl("https://news.example/story")])
    assert not _drop(window, mime)


def test_cancelling_a_running_import_leaves_a_consistent_library(qtbot, window, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / "many"
    for n in range(40):
        write_story(
            folder,
            {
                "name": f"story-{n:02}.html",
                "title": f"Harbour story number {n}",
                "author": f"Reporter {n % 5}",
                "site": "The Harbour Ledger",
                "published": f"2020-01-{n % 28 + 1:02}T10:00:00+00:00",
                "words": f"topic{n} pier boats nets",
            },
        )
    progressed: list[int] = []

    def cancel_on_first(progress) -> None:  # noqa: ANN001
        progressed.append(progress.done)
        window.imports.cancel()

    window.imports._bridge.progress.connect(cancel_on_first)
    assert window.imports.import_paths([folder])
    qtbot.waitUntil(lambda: not window.imports.running, timeout=60000)
    report = window.imports.reports[-1].report
    assert report.cancelled
    assert len(report.outcomes) < 40
    assert window.library.doctor() == []
    assert window.library.count() == 3 + len(report.of("imported"))


def test_results_model_passes_the_model_tester(qtbot, qtmodeltester, window) -> None:  # noqa: ANN001
    search(qtbot, window, "")
    qtmodeltester.check(window.results_model)
    search(qtbot, window, "harbour")
    qtmodeltester.check(window.results_model)


def test_shortcut_list_names_every_action(qtbot, window) -> None:  # noqa: ANN001
    from desktop import shortcuts
    from desktop.dialogs.shortcuts_help import help_html

    html = help_html()
    for s in shortcuts.SHORTCUTS:
        assert s.description in html
        assert shortcuts.label(s.name)
