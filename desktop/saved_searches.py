"""Saved searches from the window: Ctrl+S names the query in the search field; F2 renames, Delete deletes.

`SavedSearchController` owns the dialogs (a name to save under, a new name, the question before a delete) and
runs each change on the writer thread; `changed` follows and the window counts the sidebar again, which is
where the saved searches and their counts are listed (`desktop.search_flow.count_totals`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from desktop.worker import TaskRunner


class SavedSearchController(QObject):
    changed = Signal()
    status = Signal(str)
    warning = Signal(str)

    def __init__(self, writer: TaskRunner, library: Callable[[], Any], window: QWidget) -> None:
        super().__init__(window)
        self.writer = writer
        self._library = library
        self._window = window
        self.dialog: QInputDialog | None = None
        self.delete_box: QMessageBox | None = None

    def _name_dialog(self, title: str, label: str, text: str, then: Callable[[str], None]) -> None:
        dialog = QInputDialog(self._window)
        dialog.setObjectName("savedSearchName")
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.textValueSelected.connect(lambda name: then(" ".join(name.split())))
        self.dialog = dialog
        dialog.open()

    def ask_save(self, query: str) -> None:
        """Ask for a name, then save `query` under it (a name in use is replaced: the dialog says so)."""
        if self._library() is None:
            return
        query = query.strip()
        if not query:
            self.warning.emit("Type a search first, then Ctrl+S saves it.")
            return
        self._name_dialog(
            "Save search",
            f"Save “{query}” as (a saved search of the same name is replaced):",
            query[:60],
            lambda name: self.save(name, query),
        )

    def save(self, name: str, query: str) -> None:
        if name:
            self._run(lambda library: library.save_search(name, query), f"Saved the search “{name}”.")

    def ask_rename(self, old: str) -> None:
        if self._library() is None:
            return
        self._name_dialog("Rename saved search", f"New name for “{old}”:", old, lambda new: self.rename(old, new))

    def rename(self, old: str, new: str) -> None:
        if new and new != old:
            self._run(lambda library: library.rename_search(old, new), f"Renamed “{old}” to “{new}”.")

    def ask_delete(self, name: str) -> None:
        """Ask, then delete the saved search (the articles it finds stay, of course)."""
        if self._library() is None:
            return
        box = QMessageBox(self._window)
        box.setObjectName("confirmDeleteSearch")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Delete saved search")
        box.setText(f"Delete the saved search “{name}”? The articles it finds stay in the archive.")
        delete = box.addButton("&Delete", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.finished.connect(lambda _r: self.delete(name) if box.clickedButton() is delete else None)
        self.delete_box = box
        box.open()

    def delete(self, name: str) -> None:
        self._run(lambda library: library.delete_search(name), f"Deleted the saved search “{name}”.")

    def _run(self, change: Callable[[Any], Any], done: str) -> None:
        library = self._library()
        if library is None:
            return
        if getattr(library, "read_only", False):
            self.warning.emit(f"This library is open read-only ({library.read_only_reason}).")
            return

        def finished(_result: Any) -> None:
            if library is self._library():
                self.changed.emit()
                self.status.emit(done)

        def failed(exc: BaseException) -> None:
            self.warning.emit(f"Could not change the saved searches: {exc or type(exc).__name__}".splitlines()[0])

        self.writer.run(lambda: change(library), finished, failed)
