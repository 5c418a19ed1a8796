"""Deleting articles, renaming an author and exporting, from the window, as a user does it with the keyboard."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from tests.desktop.conftest import STORIES, search, titles

SEAWALL = "New seawall holds against the king tide"


def sidebar_children(window, group: str) -> list[str]:  # noqa: ANN001
    item = window.sidebar.groups[group]
    return [item.child(r).text() for r in range(item.rowCount())]


def press_delete(qtbot, window, widget) -> QMessageBox:  # noqa: ANN001
    """Press Delete where the user is, and return the question that comes up."""
    window.edits.delete_box = None
    # After a dialog closes a desktop hands activation back to the window; offscreen needs a nudge.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.edits.delete_box is not None and window.edits.delete_box.isVisible())
    box = window.edits.delete_box
    # A new dialog is the active window on a desktop; the offscreen platform needs a nudge.
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    return box


def select_rows(window, rows: list[int]) -> None:  # noqa: ANN001
    view = window.results_view
    view.setFocus()
    view.clearSelection()
    view.setCurrentIndex(window.results_model.index(rows[0]))
    for row in rows[1:]:
        view.selectionModel().select(window.results_model.index(row), view.selectionModel().SelectionFlag.Select)


def test_delete_a_selected_result_after_confirming(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "seawall")
    assert titles(window) == [SEAWALL]
    article = window.results_model.article_id(0)
    select_rows(window, [0])

    box = press_delete(qtbot, window, window.results_view)
    assert box.text() == f"Delete “{SEAWALL}” from the archive? This cannot be undone."
    assert box.defaultButton() is box.escapeButton()  # Enter and Esc both cancel
    qtbot.keyClick(box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # the Delete button's mnemonic

    qtbot.waitUntil(lambda: window.library.article(article) is None)
    qtbot.waitUntil(lambda: titles(window) == [] and not window.flow.searcher.busy)
    assert window.status_label.text() == "Deleted 1 article."
    search(qtbot, window, "")
    assert SEAWALL not in titles(window) and len(titles(window)) == len(STORIES) - 1
    assert window.sidebar.groups["all"].text() == "All articles  (2)"
    assert not any("Priya Venkataraman" in entry for entry in sidebar_children(window, "authors"))


def test_enter_or_escape_at_the_question_keeps_the_article(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "")
    select_rows(window, [0])
    first = titles(window)[0]
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        box = press_delete(qtbot, window, window.results_view)
        qtbot.keyClick(box, key)
        qtbot.waitUntil(lambda box=box: not box.isVisible())
        window.writer.wait_idle(10)
        qtbot.wait(50)
        assert titles(window)[0] == first
        assert window.library.count() == len(STORIES)


def test_several_selected_results_go_in_one_delete(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "")
    select_rows(window, [0, 2])
    keep = titles(window)[1]
    box = press_delete(qtbot, window, window.results_view)
    assert box.text() == "Delete 2 articles from the archive? This cannot be undone."
    delete = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    delete.setFocus()
    qtbot.keyClick(delete, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.library.count() == 1)
    qtbot.waitUntil(lambda: titles(window) == [keep] and not window.flow.searcher.busy)
    # The keyboard stays in the list, on what is left.
    assert window.results_view.currentIndex().row() == 0


def test_delete_in_the_reader_deletes_the_open_article(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "orchestra")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    article = window.current[1]
    assert window.reader.hasFocus()
    box = press_delete(qtbot, window, window.reader)
    assert "Community orchestra plays its fiftieth summer" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.library.article(article) is None)
    qtbot.waitUntil(lambda: "The article was deleted." in window.reader.toPlainText())
    assert window.current is None
    window.go_back()  # nothing to go back to: no error about a missing article
    assert "no longer in the archive" not in window.status_label.text()


def test_delete_key_in_the_search_field_edits_the_text(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "harbour")
    window.search_field.setCursorPosition(0)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Delete)
    assert window.search_field.text() == "arbour"
    assert window.edits.delete_box is None
    assert window.library.count() == len(STORIES)


def test_rename_an_author_from_their_page(qtbot, window) -> None:  # noqa: ANN001
    window.open_author("Tomas Brandt")
    page = window.author_page
    qtbot.keyClick(page.list, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.edits.rename_dialog is not None and window.edits.rename_dialog.isVisible())
    dialog = window.edits.rename_dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.textValue() == "Tomas Brandt"
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit) and field.window() is dialog
    field.selectAll()
    qtbot.keyClicks(field, "Tomasz Brandtner")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Tomasz Brandtner" in page.heading.text())
    assert window.current == ("author", "Tomasz Brandtner")
    assert window.library.author("Tomas Brandt") is None
    search(qtbot, window, "author:brandtner")
    assert titles(window) == ["Community orchestra plays its fiftieth summer"]
    search(qtbot, window, "author:brandt")
    assert titles(window) == []


def test_export_writes_a_file_for_every_article_or_only_the_results(qtbot, window, tmp_path: Path) -> None:  # noqa: ANN001
    def export(dest: Path, only_results: bool) -> list[dict]:
        window.choose_export()
        dialog = window.exports.dialog
        qtbot.waitUntil(dialog.isVisible)
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("csv"))
        dialog.dest_field.setText(str(dest))
        if dialog.only_results.isEnabled():
            dialog.only_results.setChecked(only_results)
        qtbot.keyClick(dialog.dest_field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dest.exists() and window.status_label.text().startswith("Exported"))
        with dest.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    search(qtbot, window, "")
    everything = export(tmp_path / "all.csv", only_results=True)  # no search: the option is off
    assert sorted(r["title"] for r in everything) == sorted(s["title"] for s in STORIES)

    search(qtbot, window, "harbour")
    results = export(tmp_path / "harbour.csv", only_results=True)
    assert sorted(r["title"] for r in results) == sorted(titles(window))
    assert len(results) == 2
    assert window.status_label.text() == f"Exported 2 article(s) to {tmp_path / 'harbour.csv'}."


def test_export_refuses_a_destination_that_is_in_use(qtbot, window, tmp_path: Path) -> None:  # noqa: ANN001
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine", encoding="utf-8")
    window.choose_export()
    dialog = window.exports.dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.dest_field.setText(str(taken))
    qtbot.keyClick(dialog.dest_field, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "not empty" in dialog.error_label.text()
    assert sorted(p.name for p in taken.iterdir()) == ["notes.txt"]
    qtbot.keyClick(dialog.dest_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_f1_lists_delete_export_and_rename(qtbot, window) -> None:  # noqa: ANN001
    from desktop import shortcuts
    from desktop.dialogs.shortcuts_help import help_html

    html = help_html()
    for name in ("delete", "export", "rename_author"):
        assert shortcuts.BY_NAME[name].description in html
    assert "Del" in shortcuts.label("delete")
    assert window.actions_by_name["delete"].shortcuts()[0].toString() == "Del"
    assert window.actions_by_name["export"].shortcuts()[0].toString() == "Ctrl+Shift+E"


def test_f2_on_an_author_in_the_sidebar_asks_to_rename_that_author(qtbot, window) -> None:  # noqa: ANN001
    from desktop.panes.sidebar import FilterRole, _key

    sidebar = window.sidebar
    model = sidebar.model()
    found = model.match(model.index(0, 0), FilterRole, _key("author", "Tomas Brandt"), 1, Qt.MatchFlag.MatchRecursive)
    assert found, "the author should be listed in the sidebar"
    sidebar.setFocus()
    sidebar.setCurrentIndex(found[0])
    qtbot.keyClick(sidebar, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.edits.rename_dialog is not None and window.edits.rename_dialog.isVisible())
    assert window.edits.rename_dialog.textValue() == "Tomas Brandt"
    window.edits.rename_dialog.reject()


def test_the_rename_author_menu_item_asks_about_the_author_whose_page_is_open(qtbot, window) -> None:  # noqa: ANN001
    window.open_author("Tomas Brandt")
    window.actions_by_name["rename_author_menu"].trigger()  # as a click on Article ▸ Rename Author… does
    qtbot.waitUntil(lambda: window.edits.rename_dialog is not None and window.edits.rename_dialog.isVisible())
    assert window.edits.rename_dialog.textValue() == "Tomas Brandt"
    window.edits.rename_dialog.reject()
