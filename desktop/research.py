"""Reading as research, wired into the window: highlights and notes, Annotations, saved searches, the coverage
chart and citations.

The parts (`AnnotationController`, `SavedSearchController`, `CitationController`) and the panes
(`HighlightsPane`, `AnnotationsPage`, `CoverageChart`) each own their state; `wire` connects them to the
window and to each other, as `MainWindow._connect_parts` does for the older parts. The window keeps only
what decides between them: what Delete and N act on depends on where the focus is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QSplitter, QWidget

from desktop import settings
from desktop.panes.coverage import narrowed

if TYPE_CHECKING:
    from desktop.window import MainWindow


def wire(w: MainWindow) -> None:
    """Connect the research parts of `w` (built in `MainWindow._build` and `__init__`)."""
    notes, saved, cites = w.annotating, w.saved_searches, w.citations
    w.reader.extend_menu = notes.extend_menu
    w.article_shown.connect(lambda article: show_highlights(w, article))
    notes.changed.connect(lambda article: _annotations_changed(w, article))
    for part in (notes, saved, cites):
        part.status.connect(w.status_label.setText)
        part.warning.connect(w.show_error)
    notes.failed.connect(lambda message: w.show_error(message, dialog=True))

    pane = w.highlights_pane
    pane.list.chosen.connect(lambda _article, hid: w.reader.scroll_to_highlight(hid))
    pane.list.delete_requested.connect(notes.remove_by_id)

    page = w.annotations_page
    page.list.chosen.connect(lambda article, hid: open_highlight(w, article, hid))
    page.list.delete_requested.connect(lambda hid: _remove_listed(w, hid))

    w.chart.span_chosen.connect(lambda clause: narrow_to(w, clause))

    w.sidebar.saved_search_chosen.connect(lambda _name, query: run_saved(w, query))
    w.sidebar.rename_search_requested.connect(saved.ask_rename)
    w.sidebar.delete_search_requested.connect(saved.ask_delete)
    saved.changed.connect(w.flow.invalidate_totals)
    # The article went (deleted, another library opened): its list goes too.
    w.edits.deleted.connect(lambda _ids: _clear_if_closed(w))
    w.library_changed.connect(lambda _library: _clear_if_closed(w))


def _clear_if_closed(w: MainWindow) -> None:
    if w.current is None or w.current[0] != "article":
        w.annotating.records = []
        w.highlights_pane.show_records([])


def beside(reading: QWidget, pane: QWidget) -> QSplitter:
    """The reader (with its find bar) and the list of its highlights beside it, which can be hidden."""
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName("readerSplitter")
    splitter.addWidget(reading)
    splitter.addWidget(pane)
    splitter.setStretchFactor(0, 1)
    splitter.setStretchFactor(1, 0)
    splitter.setSizes([560, 220])
    return splitter


def restore_state(w: MainWindow) -> None:
    """The list beside the reader as it was left: its width, and whether it shows."""
    sizes = settings.get(settings.READER_SPLITTER)
    if not sizes.isEmpty():
        w.reader_splitter.restoreState(sizes)
    w.highlights_pane.setVisible(bool(settings.get(settings.HIGHLIGHTS_PANE)))
    w.actions_by_name["highlights_pane"].setChecked(w.highlights_pane.isVisibleTo(w))
    set_caret(w, bool(settings.get(settings.CARET)), remember=False)


def save_state(w: MainWindow) -> None:
    settings.put(settings.READER_SPLITTER, w.reader_splitter.saveState())


def show_highlights(w: MainWindow, article: int) -> None:
    """The open article's highlights: drawn in the reader and listed beside it."""
    w.highlights_pane.show_records(w.annotating.load(article))


def _annotations_changed(w: MainWindow, article: int) -> None:
    if w.current == ("article", article):
        show_highlights(w, article)
    if w.flow.kind == "annotations":
        w.flow.search_now()  # the Annotations list shows the change too


def open_highlight(w: MainWindow, article: int, hid: int) -> None:
    """From Annotations: open the article, scrolled to the highlight, the reader taking the keyboard."""
    if w.open_article(article):
        w.reader.scroll_to_highlight(hid)
        w.highlights_pane.select(hid)
        w.reader.setFocus()


def _remove_listed(w: MainWindow, hid: int) -> None:
    model = w.annotations_page.model
    record = model.record(model.row_of(hid))
    if record is not None:
        w.annotating.remove(record)


def narrow_to(w: MainWindow, clause: str) -> None:
    """The chart's bars chosen: the query's date clause becomes `clause`, and the search runs at once."""
    w.search_field.setText(narrowed(w.search_field.text(), clause))
    w.flow.search_now()


def run_saved(w: MainWindow, query: str) -> None:
    """A saved search chosen in the sidebar: its query in the search field, over every article."""
    w.sidebar.select_filter("all")
    w.flow.kind, w.flow.value = "all", ""
    w.search_field.setText(query)
    w.flow.search_now()


def note(w: MainWindow) -> None:
    """N: in the list beside the reader, the note of the highlight chosen there; else as the reader says."""
    focus = QApplication.focusWidget()
    if focus is w.highlights_pane.list and (record := w.highlights_pane.list.current_record()) is not None:
        w.annotating.note(record)
    else:
        w.annotating.note()


def delete_here(w: MainWindow) -> bool:
    """Delete where it means a highlight or a saved search; True when it was used up."""
    focus = QApplication.focusWidget()
    if focus is w.highlights_pane.list:
        record = w.highlights_pane.list.current_record()
        if record is not None:
            w.annotating.remove(record)
        return True
    if focus is w.annotations_page.list:
        record = w.annotations_page.list.current_record()
        if record is not None:
            w.annotating.remove(record)
        return True
    if focus is w.sidebar and (name := w.sidebar.current_saved_search()) is not None:
        w.saved_searches.ask_delete(name)
        return True
    return False


def set_caret(w: MainWindow, on: bool, remember: bool = True) -> None:
    """F7: caret browsing, a text cursor in the reader that Shift+arrows extend into a selection (to highlight
    with H or note with N, without a mouse)."""
    w.reader.set_caret(on)
    w.actions_by_name["caret"].setChecked(on)
    if remember:
        settings.put(settings.CARET, 1 if on else 0)
        on_text = "Caret browsing on: arrows move a cursor in the article, Shift+arrows select."
        w.status_label.setText(on_text if on else "Caret browsing off.")
        if on:
            w.focus_reader()


def toggle_highlights_pane(w: MainWindow, on: bool | None = None) -> None:
    visible = w.highlights_pane.isHidden() if on is None else on
    w.highlights_pane.setVisible(visible)
    settings.put(settings.HIGHLIGHTS_PANE, 1 if visible else 0)
    action: Any = w.actions_by_name.get("highlights_pane") if hasattr(w, "actions_by_name") else None
    if action is not None:
        action.setChecked(visible)
    if visible and w.right_stack.currentIndex() == 0:
        w.highlights_pane.list.setFocus()
    elif not visible and QApplication.focusWidget() is None:
        w.reader.setFocus()
