"""Deleting articles and renaming authors from the window: ask first, change on the writer thread, redraw after.

`WindowEdits` is mixed into `MainWindow` (as `LibrarySession` and `WindowImports` are); it uses the window's
writer thread, results, reader, author page and search flow. Its dialogs are opened window-modal with
`open()`, not `exec()`, so that the keyboard (and a test) drives them like any other window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QInputDialog, QListView, QMessageBox, QPushButton

from desktop.panes.results import ArticleIdRole

DELETED = "<div style='color:gray; margin-top:40px' align='center'><p>The article was deleted.</p></div>"


def confirm_delete(parent: Any, count: int, title: str | None) -> tuple[QMessageBox, QPushButton]:
    """The question before a delete: Cancel is the default (Enter) and the escape (Esc); Alt+D deletes."""
    box = QMessageBox(parent)
    box.setObjectName("confirmDelete")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Delete from the archive")
    what = f"“{title}”" if count == 1 and title else f"{count} article{'s' if count != 1 else ''}"
    box.setText(f"Delete {what} from the archive? This cannot be undone.")
    box.setInformativeText(
        "Tags and bookmarks go with it, and the saved files no other article uses. Authors you follow or tagged stay."
    )
    delete = box.addButton("&Delete", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box, delete


def selected_ids(view: QListView) -> list[int]:
    """The articles selected in a result list, in list order; the current row when nothing is selected."""
    model = view.selectionModel()
    indexes = sorted(model.selectedIndexes() if model is not None else [], key=lambda i: i.row())
    if not indexes and view.currentIndex().isValid():
        indexes = [view.currentIndex()]
    ids = [i.data(ArticleIdRole) for i in indexes]
    return [i for i in ids if i is not None]


class WindowEdits:
    """Delete articles and rename authors (a mixin for `MainWindow`)."""

    library: Any
    current: tuple[str, Any] | None
    history: list[tuple[str, Any]]

    # -- deleting ------------------------------------------------------------------------------

    def delete_targets(self) -> list[int]:
        """What Delete acts on: the selection of the list that has the focus, else the open article."""
        w: Any = self
        focus = QApplication.focusWidget()
        lists: list[QListView] = [w.results_view, w.author_page.list]
        for view in lists:
            chosen = selected_ids(view)
            if focus is view and chosen:
                return chosen
        if self.current is not None and self.current[0] == "article" and w.right_stack.currentIndex() == 0:
            return [self.current[1]]
        return selected_ids(w.results_view) if focus is not w.author_page.list else []

    def ask_delete(self) -> None:
        """Ask, then delete the target articles (see `delete_targets`)."""
        w: Any = self
        if self.library is None:
            return
        ids = self.delete_targets()
        if not ids:
            w.show_error("Select the articles to delete, or open one.")
            return
        if self.library.read_only:
            w.show_error(f"This library is open read-only ({self.library.read_only_reason}); nothing can be deleted.")
            return
        record = self.library.article(ids[0]) if len(ids) == 1 else None
        box, delete = confirm_delete(w, len(ids), record.title if record is not None else None)

        def answered(_result: int) -> None:
            if box.clickedButton() is delete:
                self.delete_now(ids)

        box.finished.connect(answered)
        self.delete_box = box
        box.open()

    def delete_now(self, ids: list[int]) -> None:
        """Delete without asking (the confirmation has been given)."""
        w: Any = self
        library = self.library
        if library is None:
            return
        w.status_label.setText(f"Deleting {len(ids)} article{'s' if len(ids) != 1 else ''}…")
        w.writer.run(
            lambda: library.delete_articles(ids),
            lambda count: self._deleted(library, ids, count),
            lambda exc: w.show_error(f"Could not delete: {exc or type(exc).__name__}", dialog=True),
        )

    def _deleted(self, library: Any, ids: list[int], count: int) -> None:
        w: Any = self
        if library is not self.library:
            return
        gone = set(ids)
        # Out of the lists at once, the selection moving to a neighbour; the search below redoes counts.
        w.results_model.remove_ids(ids)
        w.author_page.model.remove_ids(ids)
        self.history = [h for h in self.history if not (h[0] == "article" and h[1] in gone)]
        if self.current is not None and self.current[0] == "article" and self.current[1] in gone:
            self.current = None
            w.reader.show_message(DELETED)
        elif self.current is not None and self.current[0] == "author":
            self._reopen_author(self.current[1])
        w.flow.invalidate_totals()
        w.flow.search_now()
        w.status_label.setText(f"Deleted {count} article{'s' if count != 1 else ''}.")

    def _reopen_author(self, name: str) -> None:
        w: Any = self
        if self.library.author(name) is not None:
            w.open_author(name, remember=False)
        else:  # their last article went and nothing kept them (no follow, no tags)
            self.current = None
            w.right_stack.setCurrentIndex(0)
            w.reader.show_message(DELETED)

    # -- renaming authors ----------------------------------------------------------------------

    def ask_rename_author(self, name: str | None = None) -> None:
        """Ask for a new name for the author (the one whose page is open when `name` is None)."""
        w: Any = self
        if self.library is None:
            return
        if name is None:
            if self.current is None or self.current[0] != "author":
                w.show_error("Open an author's page to rename them (click their name in a byline).")
                return
            name = str(self.current[1])
        old = name
        dialog = QInputDialog(w)
        dialog.setObjectName("renameAuthorDialog")
        dialog.setWindowTitle("Rename author")
        dialog.setLabelText(f"New name for “{old}” (the name of another author merges the two):")
        dialog.setTextValue(old)
        dialog.textValueSelected.connect(lambda new: self.rename_author(old, new))
        self.rename_dialog = dialog
        dialog.open()

    def rename_author(self, old: str, new: str) -> None:
        """Rename (or merge) on the writer thread, then redraw what shows the name."""
        w: Any = self
        new = " ".join(new.split())
        library = self.library
        if library is None or not new or new == old:
            return
        before = library.author(old)
        w.writer.run(
            lambda: library.rename_author(old, new),
            lambda record: self._author_renamed(library, old, record, before is not None and before.id != record.id),
            lambda exc: w.show_error(f"Could not rename {old}: {exc or type(exc).__name__}", dialog=True),
        )

    def _author_renamed(self, library: Any, old: str, record: Any, merged: bool) -> None:
        w: Any = self
        if library is not self.library:
            return
        self.history = [("author", record.name) if h == ("author", old) else h for h in self.history]
        if self.current == ("author", old):
            self.current = ("author", record.name)
        w.results_model.forget()  # bylines in the list show the old name
        w.flow.invalidate_totals()
        w._changed()
        if w.flow.kind == "author" and w.flow.value == old:
            w.set_filter("author", record.name)
        else:
            w.flow.search_now()
        verb = "Merged" if merged else "Renamed"
        w.status_label.setText(f"{verb} {old} {'into' if merged else 'to'} {record.name}.")
