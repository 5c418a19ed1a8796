"""Reading as research, from the window as a user does it: highlights and notes in the reader, Annotations,
saved searches, the coverage chart and citations."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from desktop import settings, theme
from desktop.panes.annotations import NOT_FOUND
from desktop.panes.reader_highlights import body_start
from tests.desktop.conftest import search, titles, write_story

SEAWALL = "New seawall holds against the king tide"
FERRY = "Council extends winter ferry service"
PASSAGE = "several said the change came later than promised"


def open_story(qtbot, window, title: str) -> int:  # noqa: ANN001
    """Find the story by its title in the results and open it with Enter, the reader taking the keyboard."""
    search(qtbot, window, f'title:"{title}"')
    assert titles(window) == [title]
    window.results_view.setFocus()
    qtbot.keyClick(window.results_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current is not None and window.reader.hasFocus())
    return int(window.current[1])


def select(window, phrase: str) -> None:  # noqa: ANN001
    """Select a passage in the reader as Ctrl+F does."""
    window.reader.moveCursor(window.reader.textCursor().MoveOperation.Start)
    assert window.reader.find_text(phrase)
    assert window.reader.textCursor().selectedText() == phrase


def pane_rows(window) -> list[str]:  # noqa: ANN001
    model = window.highlights_pane.model
    return [model.index(r).data() for r in range(model.rowCount())]


def drawn(window) -> list[tuple[str, str]]:  # noqa: ANN001
    """The passages the reader draws as highlights: (text, background colour)."""
    back, _fore = theme.highlight_colours(theme.is_dark())
    out = []
    for selection in window.reader.extraSelections():
        colour = selection.format.background().color().name()
        if colour == QColor(back).name():
            out.append((selection.cursor.selectedText(), colour))
    return out


def highlight(qtbot, window, phrase: str) -> object:  # noqa: ANN001
    """Select `phrase` and press H; return the new highlight once the library has it."""
    article = window.current[1]
    before = len(window.library.highlights(article))
    select(window, phrase)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: len(window.library.highlights(article)) == before + 1)
    qtbot.waitUntil(lambda: len(pane_rows(window)) == before + 1)
    return max(window.library.highlights(article), key=lambda h: h.id)


def note_editor(qtbot, window):  # noqa: ANN001, ANN201
    qtbot.waitUntil(lambda: window.annotating.editor is not None and window.annotating.editor.isVisible())
    editor = window.annotating.editor
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    return editor


def back_to_window(qtbot, window) -> None:  # noqa: ANN001
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


# -- highlights and notes --------------------------------------------------------------------------


def test_select_and_press_h_highlights_in_the_reader_and_the_list(qtbot, window) -> None:  # noqa: ANN001
    article = open_story(qtbot, window, SEAWALL)
    record = window.library.article(article)

    h = highlight(qtbot, window, PASSAGE)
    assert h.quote == PASSAGE
    assert record.text[h.start : h.start + len(h.quote)] == PASSAGE  # an offset in the article's own text
    assert pane_rows(window) == [f"“{PASSAGE}”"]
    assert [text for text, _c in drawn(window)] == [PASSAGE]
    # The selection gave way to the highlight's colour; the cursor is at its start, for N.
    assert not window.reader.textCursor().hasSelection()
    assert window.reader.highlight_under_cursor().id == h.id

    # H typed in the search field is a letter of the query, not a highlight.
    select(window, "Officials said a review")
    window.search_field.setFocus()
    qtbot.keyClick(window.search_field, Qt.Key.Key_H)
    assert window.search_field.text().endswith("h")
    window.writer.wait_idle(30)
    assert len(window.library.highlights(article)) == 1


def test_caret_browsing_selects_a_passage_by_keyboard_for_h(qtbot, window) -> None:  # noqa: ANN001
    article = open_story(qtbot, window, SEAWALL)
    reader = window.reader

    def caret_at_passage() -> None:
        select(window, PASSAGE)
        cursor = reader.textCursor()
        cursor.setPosition(cursor.selectionStart())  # the caret just before the passage, nothing selected
        reader.setTextCursor(cursor)

    def shift_right(times: int) -> None:
        for _ in range(times):
            qtbot.keyClick(reader, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)

    # Without caret browsing the arrows scroll; Shift+arrows select nothing.
    caret_at_passage()
    shift_right(5)
    assert not reader.textCursor().hasSelection()

    qtbot.keyClick(reader, Qt.Key.Key_F7)
    assert window.actions_by_name["caret"].isChecked() and reader.hasFocus()
    assert settings.get(settings.CARET) == 1  # remembered for the next start
    # In an article opened now the caret starts where its text begins, past the header (title, byline, address).
    ferry = open_story(qtbot, window, FERRY)
    qtbot.keyClick(reader, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    assert reader.textCursor().selectionStart() == body_start(reader.document()) > 0
    assert reader.textCursor().selectedText().strip() in window.library.article(ferry).text

    article = open_story(qtbot, window, SEAWALL)
    caret_at_passage()
    shift_right(len(PASSAGE))
    assert reader.textCursor().selectedText() == PASSAGE
    qtbot.keyClick(reader, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: len(window.library.highlights(article)) == 1)
    assert window.library.highlights(article)[0].quote == PASSAGE

    qtbot.keyClick(reader, Qt.Key.Key_F7)
    assert not window.actions_by_name["caret"].isChecked() and settings.get(settings.CARET) == 0


def test_a_selection_outside_the_text_is_refused_with_a_reason(qtbot, window) -> None:  # noqa: ANN001
    article = open_story(qtbot, window, SEAWALL)
    select(window, "The Harbour Ledger")  # the byline in the reader's header, not the article's text
    qtbot.keyClick(window.reader, Qt.Key.Key_H)
    assert "not in the article's text" in window.status_label.text()
    window.writer.wait_idle(30)
    assert window.library.highlights(article) == []


def test_n_notes_the_highlight_under_the_cursor_then_the_whole_article(qtbot, window) -> None:  # noqa: ANN001
    article = open_story(qtbot, window, SEAWALL)
    h = highlight(qtbot, window, PASSAGE)

    assert window.reader.scroll_to_highlight(h.id)  # the cursor on the highlight, nothing selected
    qtbot.keyClick(window.reader, Qt.Key.Key_N)
    editor = note_editor(qtbot, window)
    qtbot.keyClicks(editor.field, "Check the council minutes")
    qtbot.keyClick(editor.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.library.highlights(article)[0].note == "Check the council minutes")
    qtbot.waitUntil(lambda: pane_rows(window) == [f"“{PASSAGE}”\n✎ Check the council minutes"])

    back_to_window(qtbot, window)
    window.reader.setFocus()
    window.reader.moveCursor(window.reader.textCursor().MoveOperation.Start)  # the title: no highlight there
    qtbot.keyClick(window.reader, Qt.Key.Key_N)
    editor = note_editor(qtbot, window)
    qtbot.keyClicks(editor.field, "Follow up in spring")
    qtbot.keyClick(editor.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(pane_rows(window)) == 2)
    assert pane_rows(window)[0] == "Note on the article\n✎ Follow up in spring"
    notes = [x for x in window.library.highlights(article) if x.quote == ""]
    assert [x.note for x in notes] == ["Follow up in spring"]


def test_n_with_a_selection_highlights_it_with_the_note_and_esc_cancels(qtbot, window) -> None:  # noqa: ANN001
    article = open_story(qtbot, window, FERRY)
    select(window, "Officials said a review would follow")
    qtbot.keyClick(window.reader, Qt.Key.Key_N)
    editor = note_editor(qtbot, window)
    qtbot.keyClicks(editor.field, "nothing")
    qtbot.keyClick(editor.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())
    window.writer.wait_idle(30)
    assert window.library.highlights(article) == []

    back_to_window(qtbot, window)
    select(window, "Officials said a review would follow")
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_N)
    editor = note_editor(qtbot, window)
    qtbot.keyClicks(editor.field, "Which review?")
    qtbot.keyClick(editor.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.library.highlights(article)) == 1)
    h = window.library.highlights(article)[0]
    assert (h.quote, h.note) == ("Officials said a review would follow", "Which review?")


def test_clicking_a_listed_highlight_scrolls_the_reader_to_it_and_del_removes_it(qtbot, window) -> None:  # noqa: ANN001
    open_story(qtbot, window, SEAWALL)
    h = highlight(qtbot, window, "others worried about costs")  # the last paragraph
    window.reader.set_font_size(40)  # the article is taller than the reader now
    bar = window.reader.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(0)

    view = window.highlights_pane.list
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.model().index(0)).center())
    start, end = window.reader.highlights.spans[h.id]
    assert window.reader.textCursor().position() == start
    assert bar.value() > 0
    assert window.reader.viewport().rect().contains(window.reader.cursorRect())

    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # no note on it: removed without a question
    qtbot.waitUntil(lambda: window.library.highlights(h.article) == [])
    qtbot.waitUntil(lambda: pane_rows(window) == [] and drawn(window) == [])
    assert window.status_label.text() == "Removed the highlight."


def test_a_highlight_not_in_this_version_is_kept_greyed_and_listed_last(qtbot, window) -> None:  # noqa: ANN001
    article = open_story(qtbot, window, SEAWALL)
    highlight(qtbot, window, PASSAGE)
    window.writer.run(lambda: window.library.add_highlight(article, "Officials said a review would follow"))
    window.writer.wait_idle(30)
    # A new version of the text (extracted again) without that sentence: the highlight is kept, not found.
    conn = window.library.db.conn
    for column in ("text", "reader_html"):
        conn.execute(
            f"UPDATE articles SET {column} = replace({column}, 'Officials said a review would follow', "
            "'A review is due') WHERE id = ?",
            (article,),
        )
    conn.commit()
    window.open_article(article, remember=False)
    rows = pane_rows(window)
    assert rows[-1] == f"“Officials said a review would follow”\n({NOT_FOUND})"
    last = window.highlights_pane.model.index(len(rows) - 1)
    assert last.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert [text for text, _c in drawn(window)] == [PASSAGE]


# -- Annotations --------------------------------------------------------------------------------


def test_annotations_lists_every_highlight_newest_first_filtered_by_the_query(qtbot, window) -> None:  # noqa: ANN001
    seawall = open_story(qtbot, window, SEAWALL)
    highlight(qtbot, window, PASSAGE)
    ferry = open_story(qtbot, window, FERRY)
    h = highlight(qtbot, window, "Officials said a review would follow")

    search(qtbot, window, "")
    window.sidebar.setFocus()
    window.set_filter("annotations")
    qtbot.waitUntil(lambda: window.middle_stack.currentWidget() is window.annotations_page and not window.flow.busy)
    model = window.annotations_page.model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    rows = [model.index(r).data() for r in range(model.rowCount())]
    assert rows[0].startswith("“Officials said a review would follow”\n— " + FERRY)
    assert rows[1].startswith(f"“{PASSAGE}”\n— {SEAWALL}")

    search(qtbot, window, "ferry")
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.index(0).data().startswith("“Officials said a review would follow”")

    view = window.annotations_page.list
    view.setFocus()
    view.setCurrentIndex(model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current == ("article", ferry) and window.reader.hasFocus())
    assert window.reader.textCursor().position() == window.reader.highlights.spans[h.id][0]

    # From the search field, as with results: Down chooses, Enter opens.
    search(qtbot, window, "")
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current == ("article", seawall) and window.reader.hasFocus())


# -- saved searches -----------------------------------------------------------------------------


def saved_entries(window) -> list[str]:  # noqa: ANN001
    group = window.sidebar.groups["saved_searches"]
    return [group.child(r).text() for r in range(group.rowCount())]


def test_save_a_search_counts_follow_imports_rename_and_delete(qtbot, window, tmp_path: Path) -> None:  # noqa: ANN001
    search(qtbot, window, "tide")
    assert titles(window) == [SEAWALL]
    qtbot.keyClick(window.search_field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.saved_searches.dialog is not None and window.saved_searches.dialog.isVisible())
    dialog = window.saved_searches.dialog
    dialog.setTextValue("Tides")
    dialog.accept()
    qtbot.waitUntil(lambda: saved_entries(window) == ["Tides  (1)"])

    story = {
        "name": "tides.html",
        "title": "Spring tides flood the lower quay again",
        "author": "Maren Holt",
        "site": "The Harbour Ledger",
        "published": "2025-03-02T08:00:00+00:00",
        "words": "tide quay sandbags",
    }
    before = window.flow.searches_done
    assert window.imports.import_paths([write_story(tmp_path / "more", story)])
    qtbot.waitUntil(lambda: not window.imports.running and window.flow.searches_done > before)
    qtbot.waitUntil(lambda: saved_entries(window) == ["Tides  (2)"])

    back_to_window(qtbot, window)
    entry = window.sidebar.groups["saved_searches"].child(0)
    window.sidebar.setFocus()
    window.sidebar.setCurrentIndex(entry.index())
    qtbot.keyClick(window.sidebar, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.saved_searches.dialog is not dialog and window.saved_searches.dialog.isVisible())
    window.saved_searches.dialog.setTextValue("King tides")
    window.saved_searches.dialog.accept()
    qtbot.waitUntil(lambda: saved_entries(window) == ["King tides  (2)"])

    # Enter on it runs it.
    search(qtbot, window, "orchestra")
    back_to_window(qtbot, window)
    window.sidebar.setFocus()
    window.sidebar.setCurrentIndex(window.sidebar.groups["saved_searches"].child(0).index())
    before = window.flow.searches_done
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.flow.searches_done > before and not window.flow.busy)
    assert window.search_field.text() == "tide"
    assert sorted(titles(window)) == sorted([SEAWALL, story["title"]])

    window.sidebar.setCurrentIndex(window.sidebar.groups["saved_searches"].child(0).index())
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Delete)
    qtbot.waitUntil(
        lambda: window.saved_searches.delete_box is not None and window.saved_searches.delete_box.isVisible()
    )
    box = window.saved_searches.delete_box
    assert "King tides" in box.text()
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    qtbot.keyClick(box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: saved_entries(window) == [])
    assert window.library.saved_searches() == []
    assert window.library.count() == 4  # deleting the search deleted no article


def test_ctrl_s_saves_the_sidebar_filter_with_the_typed_words(qtbot, window) -> None:  # noqa: ANN001
    window.set_filter("source", "The Harbour Ledger")
    search(qtbot, window, "officials")
    assert sorted(titles(window)) == sorted([SEAWALL, FERRY])
    qtbot.keyClick(window.search_field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.saved_searches.dialog is not None and window.saved_searches.dialog.isVisible())
    window.saved_searches.dialog.setTextValue("Ledger officials")
    window.saved_searches.dialog.accept()
    qtbot.waitUntil(lambda: saved_entries(window) == ["Ledger officials  (2)"])
    assert [s.query for s in window.library.saved_searches()] == ['(officials) source:"The Harbour Ledger"']


# -- coverage chart -----------------------------------------------------------------------------


def test_the_chart_counts_matches_per_month_and_hides_without_dates(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "")
    chart = window.chart
    assert chart.isVisible()
    assert chart.unit == "month"
    # The stories: 2022-07, 2023-02 and 2024-11; the months between are there with nothing in them.
    assert len(chart.bins) == 29
    assert chart.bins[0] == ("2022-07", 1) and chart.bins[-1] == ("2024-11", 1)
    assert dict(chart.bins)["2023-02"] == 1 and sum(c for _p, c in chart.bins) == 3
    assert chart.tooltip_for(7) == "2023-02: 1 article"
    # Hovering a bar names its period and count.
    where = chart.bar_centre(7)
    QApplication.sendEvent(chart, QHelpEvent(QEvent.Type.ToolTip, where, chart.mapToGlobal(where)))
    assert QToolTip.text() == "2023-02: 1 article"
    QToolTip.hideText()

    search(qtbot, window, "seawall")
    assert chart.bins == [("2023-02", 1)]
    search(qtbot, window, "zzzznothing")
    assert not chart.isVisible()


def test_clicking_or_dragging_over_bars_narrows_the_query(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "officials")
    chart = window.chart
    february = [p for p, _c in chart.bins].index("2023-02")

    before = window.flow.searches_done
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.bar_centre(february))
    qtbot.waitUntil(lambda: window.flow.searches_done > before and not window.flow.busy)
    assert window.search_field.text() == "officials published:2023-02"
    assert titles(window) == [SEAWALL]

    search(qtbot, window, "officials")
    before = window.flow.searches_done
    qtbot.mousePress(chart, Qt.MouseButton.LeftButton, pos=chart.bar_centre(0))
    qtbot.mouseMove(chart, chart.bar_centre(february // 2))
    qtbot.mouseMove(chart, chart.bar_centre(february))
    qtbot.mouseRelease(chart, Qt.MouseButton.LeftButton, pos=chart.bar_centre(february))
    qtbot.waitUntil(lambda: window.flow.searches_done > before and not window.flow.busy)
    assert window.search_field.text() == "officials published:2022-07..2023-02"
    assert len(titles(window)) == 2

    # From the keyboard, on the narrowed chart: the last bar, Shift+Left to widen, Enter; the clause is replaced.
    search(qtbot, window, "officials")
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_End)
    for _ in range(len(chart.bins) - 1 - february):
        qtbot.keyClick(chart, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    before = window.flow.searches_done
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.flow.searches_done > before and not window.flow.busy)
    assert window.search_field.text() == "officials published:2023-02..2024-11"
    assert sorted(titles(window)) == sorted([SEAWALL, FERRY])


# -- citations ----------------------------------------------------------------------------------


def test_ctrl_shift_c_copies_the_citation_in_the_chosen_style(qtbot, window) -> None:  # noqa: ANN001
    article = open_story(qtbot, window, SEAWALL)
    window.actions_by_name["cite_mla"].trigger()
    assert settings.get(settings.CITATION_STYLE) == "mla"
    qtbot.keyClick(window.reader, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    data = QApplication.clipboard().mimeData()
    expected = window.library.cite([article], "mla").strip()
    assert data.text() == expected
    assert SEAWALL.casefold() in data.text().casefold()
    assert data.text().startswith("Venkataraman, Priya.")  # MLA's author first, the given name in full
    assert data.hasHtml() and "Venkataraman" in data.html()
    assert expected != window.library.cite([article], "apa").strip()  # the style chosen, not the default
    assert window.status_label.text().startswith("Copied the MLA citation")
    # The offscreen platform's clipboard crashes at exit while it holds rich data (X11 does not): empty it.
    QApplication.clipboard().clear()


def test_export_the_selected_results_as_bibtex(qtbot, window, tmp_path: Path) -> None:  # noqa: ANN001
    search(qtbot, window, "")
    view = window.results_view
    view.setFocus()
    view.setCurrentIndex(window.results_model.index(0))
    view.selectionModel().select(window.results_model.index(1), view.selectionModel().SelectionFlag.Select)
    window.choose_export()
    dialog = window.exports.dialog
    qtbot.waitUntil(lambda: dialog.isVisible())
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("bibtex"))
    assert dialog.dest_field.text().endswith(".bib")
    assert dialog.only_selected.isEnabled()
    dialog.only_selected.setChecked(True)
    dest = tmp_path / "picked.bib"
    dialog.dest_field.setText(str(dest))
    qtbot.keyClick(dialog.dest_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dest.exists() and "Exported 2 citation" in window.status_label.text())
    text = dest.read_text(encoding="utf-8")
    assert text.count("@") == 2
    assert all(window.results_model.index(r).data() in text for r in (0, 1))


def test_the_keys_are_in_the_menus_and_the_shortcut_list(qtbot, window) -> None:  # noqa: ANN001
    from desktop.dialogs.shortcuts_help import help_html

    listed = help_html()
    for key in ("H", "N", "Ctrl+Shift+C", "Ctrl+S", "Ctrl+Shift+H"):
        assert f"<b>{key}</b>" in listed
    for name in ("highlight", "note", "copy_citation", "save_search", "highlights_pane"):
        assert window.actions_by_name[name].shortcut().toString() != ""


def test_annotation_models_pass_the_model_tester(qtbot, qtmodeltester, window) -> None:  # noqa: ANN001
    open_story(qtbot, window, SEAWALL)
    highlight(qtbot, window, PASSAGE)
    qtmodeltester.check(window.highlights_pane.model)


def test_chart_point_helper_is_inside_the_widget(qtbot, window) -> None:  # noqa: ANN001
    search(qtbot, window, "")
    chart = window.chart
    for i in range(len(chart.bins)):
        assert chart.rect().contains(chart.bar_centre(i))
        assert chart.bar_at(chart.bar_centre(i).x()) == i
    assert chart.bar_at(QPoint(-5, 0).x()) == 0


def test_the_readers_context_menu_highlights_notes_and_removes(qtbot, window) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMenu

    article = open_story(qtbot, window, FERRY)
    select(window, PASSAGE)
    menu = QMenu(window)
    window.annotating.extend_menu(menu, window.reader.textCursor().selectionStart())
    actions = {a.text().split("\t")[0]: a for a in menu.actions() if a.text()}
    assert set(actions) == {"Highlight", "Add Note…"}
    assert actions["Highlight"].isEnabled()
    actions["Highlight"].trigger()
    qtbot.waitUntil(lambda: len(window.library.highlights(article)) == 1)
    h = window.library.highlights(article)[0]
    qtbot.waitUntil(lambda: h.id in window.reader.highlights.spans)

    # Right-clicked over the highlight (nothing selected): it can be removed.
    start, _end = window.reader.highlights.spans[h.id]
    menu = QMenu(window)
    window.annotating.extend_menu(menu, start + 2)
    actions = {a.text().split("\t")[0]: a for a in menu.actions() if a.text()}
    assert not actions["Highlight"].isEnabled()
    actions["Remove Highlight"].trigger()
    qtbot.waitUntil(lambda: window.library.highlights(article) == [] and pane_rows(window) == [])


def test_ctrl_shift_h_hides_and_shows_the_list_beside_the_reader(qtbot, window) -> None:  # noqa: ANN001
    open_story(qtbot, window, SEAWALL)
    pane = window.highlights_pane
    assert pane.isVisible()
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.reader, Qt.Key.Key_H, keys)
    assert not pane.isVisible() and settings.get(settings.HIGHLIGHTS_PANE) == 0
    assert not window.actions_by_name["highlights_pane"].isChecked()
    window.writer.wait_idle(30)
    assert window.library.highlights(window.current[1]) == []  # Ctrl+Shift+H is not H
    qtbot.keyClick(window.reader, Qt.Key.Key_H, keys)
    assert pane.isVisible() and pane.list.hasFocus()
    assert settings.get(settings.HIGHLIGHTS_PANE) == 1
