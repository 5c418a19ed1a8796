"""Highlights and notes from the window: H highlights the reader's selection, N writes a note, Delete removes.

`AnnotationController` is the window's annotating part. It reads what the reader shows (the selection as a
passage of the article's text, the highlight under the cursor), owns the note editor, and runs every change
on the writer thread; `changed(article)` follows, and the window redraws the reader and the list beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from desktop import shortcuts
from desktop.dialogs.note_editor import NoteEditor
from desktop.panes.annotations import AnnotationList
from desktop.panes.reader import ReaderView
from desktop.panes.reader_highlights import Passage
from desktop.worker import TaskRunner

OUTSIDE_TEXT = "That passage is not in the article's text (a heading, caption or the header): select within the body."


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AnnotationController(QObject):
    """Highlights and notes on the article in `reader`, in the window's open library."""

    changed = Signal(int)  # the article whose highlights or notes changed
    status = Signal(str)
    warning = Signal(str)
    failed = Signal(str)

    def __init__(self, writer: TaskRunner, library: Callable[[], Any], reader: ReaderView, window: QWidget) -> None:
        super().__init__(window)
        self.writer = writer
        self._library = library
        self.reader = reader
        self._window = window
        self.editor: NoteEditor | None = None
        self.remove_box: QMessageBox | None = None
        self.records: list[Any] = []  # the open article's highlights, as last read

    # -- reading -------------------------------------------------------------------------------

    def load(self, article: int | None) -> list[Any]:
        """The article's highlights and notes (one indexed lookup, like reading the article itself)."""
        library = self._library()
        if library is None or article is None:
            self.records = []
        else:
            self.records = list(library.highlights(article))
        self.reader.set_highlights(self.records)
        return self.records

    def _writable(self) -> Any | None:
        library = self._library()
        if library is None or self.reader.article_id is None:
            self.warning.emit("Open an article first.")
            return None
        if getattr(library, "read_only", False):
            self.warning.emit(f"This library is open read-only ({library.read_only_reason}).")
            return None
        return library

    # -- changing ------------------------------------------------------------------------------

    def highlight_selection(self) -> None:
        """H: highlight the reader's selection."""
        if self._writable() is None:
            return
        if not self.reader.textCursor().hasSelection():
            self.warning.emit("Select text in the article to highlight it (Ctrl+F finds a passage and selects it).")
            return
        passage = self.reader.selected_passage()
        if passage is None:
            self.warning.emit(OUTSIDE_TEXT)
            return
        self._add(passage, None)

    def _add(self, passage: Passage, note: str | None) -> None:
        article = self.reader.article_id
        assert article is not None
        self._run(
            lambda library: library.add_highlight(article, passage.quote, note=note, start=passage.start),
            article,
            "Highlighted “" + _short(passage.quote, 60) + "”" + (" with a note." if note else "."),
            after=self._unselect,
        )

    def _unselect(self) -> None:
        """The selection goes once it is a highlight, so the highlight's colour shows; the cursor stays on it."""
        cursor = self.reader.textCursor()
        if cursor.hasSelection():
            cursor.setPosition(cursor.selectionStart())
            self.reader.setTextCursor(cursor)

    def note(self, chosen: Any | None = None) -> None:
        """N: a note on the highlight `chosen` or under the cursor; on a new highlight of the selection; or
        on the whole article when nothing is selected."""
        if self._writable() is None:
            return
        article = self.reader.article_id
        assert article is not None
        record = chosen or self.reader.highlight_under_cursor()
        if record is not None:
            about = f"On “{_short(record.quote)}”" if record.quote else "On the whole article"
            self._edit(about, record.note or "", lambda text: self.set_note(record, text))
            return
        if self.reader.textCursor().hasSelection():
            passage = self.reader.selected_passage()
            if passage is None:
                self.warning.emit(OUTSIDE_TEXT)
                return
            self._edit(f"On “{_short(passage.quote)}”", "", lambda text: self._add(passage, text or None))
            return
        title = getattr(getattr(self._window, "current_record", None), "title", "") or "the article"
        self._edit(f"On the whole article: {_short(title)}", "", lambda text: self._article_note(article, text))

    def _edit(self, about: str, text: str, then: Callable[[str], None]) -> None:
        editor = NoteEditor(about, text, self._window)
        editor.saved.connect(then)
        self.editor = editor
        editor.open()
        editor.activateWindow()
        editor.field.setFocus()

    def set_note(self, record: Any, text: str) -> None:
        if text == (record.note or ""):
            return
        if not text and not record.quote:
            self.remove(record, ask=False)  # an emptied note on the article is no note at all
            return
        self._run(
            lambda library: library.set_note(record.id, text or None),
            record.article,
            "Note saved." if text else "Note removed.",
        )

    def _article_note(self, article: int, text: str) -> None:
        if text:
            self._run(lambda library: library.add_note(article, text), article, "Note added to the article.")

    def remove(self, record: Any, *, ask: bool = True) -> None:
        """Remove a highlight; one with a note asks first, since the note goes with it."""
        if self._writable() is None:
            return
        if ask and record.note:
            box = QMessageBox(self._window)
            box.setObjectName("confirmRemoveHighlight")
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle("Remove highlight")
            box.setText("Remove this highlight and its note?")
            box.setInformativeText(_short(record.note, 200))
            remove = box.addButton("&Remove", QMessageBox.ButtonRole.DestructiveRole)
            cancel = box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(cancel)
            box.setEscapeButton(cancel)
            box.finished.connect(lambda _r: self.remove(record, ask=False) if box.clickedButton() is remove else None)
            self.remove_box = box
            box.open()
            return
        what = "note" if not record.quote else "highlight"
        self._run(lambda library: library.remove_highlight(record.id), record.article, f"Removed the {what}.")

    def remove_by_id(self, hid: int) -> None:
        record = next((r for r in self.records if r.id == hid), None)
        if record is not None:
            self.remove(record)

    def _run(
        self, change: Callable[[Any], Any], article: int, done: str, after: Callable[[], None] | None = None
    ) -> None:
        library = self._library()
        if library is None:
            return

        def finished(_result: Any) -> None:
            if library is self._library():
                if after is not None and self.reader.article_id == article:
                    after()
                self.changed.emit(article)
                self.status.emit(done)

        def failed(exc: BaseException) -> None:
            # A quote the library cannot find, a highlight gone meanwhile: one line, nothing half-done.
            self.warning.emit(f"Could not change the highlights: {exc or type(exc).__name__}".splitlines()[0])

        self.writer.run(lambda: change(library), finished, failed)

    # -- menus ---------------------------------------------------------------------------------

    def extend_menu(self, menu: QMenu, position: int) -> None:
        """The reader's context menu: highlight the selection, note, remove the highlight under the mouse."""
        menu.addSeparator()
        has_selection = self.reader.textCursor().hasSelection()
        add = menu.addAction(f"Highlight\t{shortcuts.label('highlight')}", self.highlight_selection)
        add.setEnabled(has_selection)
        under = self.reader.highlight_under_cursor(position)
        label = "Edit Note…" if under is not None and under.note else "Add Note…"
        menu.addAction(f"{label}\t{shortcuts.label('note')}", lambda: self.note(under))
        if under is not None:
            menu.addAction("Remove Highlight", lambda: self.remove(under))

    def list_keys(self, view: AnnotationList) -> None:
        """Delete in the list beside the reader removes the highlight chosen there."""
        view.delete_requested.connect(self.remove_by_id)
