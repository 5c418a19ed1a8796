"""Changes the user makes from the window: tags, bookmarks, follows, renames and deletes; ask first where a
change cannot be undone, change on the writer thread, then say what changed.

`EditController` is the window's editing part. It owns the dialogs (the delete question, the renames, the tag
editor) and runs each change; the window says what a change acts on (the article or author shown, the
results selected) and redraws on `changed`, `deleted` and `author_renamed`. The delete question and the author
rename are opened window-modal with `open()`, not `exec()`, so that the keyboard (and a test) drives them like
any other window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton, QWidget

from desktop.dialogs.tag_editor import TagEditor
from desktop.worker import TaskRunner

Shown = tuple[str, Any]  # what the window shows: ("article", id) or ("author", name)


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


class EditController(QObject):
    """Tags, bookmarks, follows, tag and author renames and deletes, on the window's open library."""

    changed = Signal()  # a tag, bookmark or follow changed: redraw what shows it
    deleted = Signal(object)  # the ids of the articles deleted from the open library
    author_renamed = Signal(str, object)  # the old name and the author's record now (the one kept, after a merge)
    status = Signal(str)  # a line for the status bar
    warning = Signal(str)  # a problem to show in the status bar
    failed = Signal(str)  # a problem the user must read: shown in a dialog

    def __init__(self, writer: TaskRunner, library: Callable[[], Any], window: QWidget) -> None:
        """`library` answers the window's open library (None when there is none); `window` parents the dialogs."""
        super().__init__(window)
        self.writer = writer
        self._library = library
        self._window = window
        self.tag_editor: TagEditor | None = None
        self.delete_box: QMessageBox | None = None
        self.rename_dialog: QInputDialog | None = None

    # -- tags and bookmarks --------------------------------------------------------------------

    def edit_tags(self, shown: Shown | None) -> None:
        """Open the tag editor on the article or author shown."""
        library = self._library()
        if library is None or shown is None:
            return
        kind, value = shown
        known = [name for name, _a, _b in library.tags()]
        if kind == "article":
            record = library.article(value)
            if record is None:
                return
            subject, current = record.title, record.tags

            def change(names: list[str], remove: bool) -> Any:
                return lambda: self._library().tag(value, names, remove=remove)
        else:
            author = library.author(value)
            if author is None:
                return
            subject, current = author.name, author.tags

            def change(names: list[str], remove: bool) -> Any:
                return lambda: self._library().tag_author(value, names, remove=remove)

        editor = TagEditor(subject, current, known, self._window)
        editor.added.connect(lambda name: self.writer.run(change([name], False), self._changed))
        editor.removed.connect(lambda name: self.writer.run(change([name], True), self._changed))
        self.tag_editor = editor
        editor.show()
        # Ask for the keyboard: typed letters must reach the editor, not the window behind it.
        editor.activateWindow()
        editor.field.setFocus()

    def toggle_bookmark(self, shown: Shown | None) -> None:
        """Bookmark the article shown, or follow the author shown; again to undo."""
        library = self._library()
        if library is None or shown is None:
            return
        kind, value = shown
        if kind == "article":
            record = library.article(value)
            if record is not None:
                self.writer.run(lambda: self._library().bookmark(value, not record.bookmarked), self._changed)
        else:
            author = library.author(value)
            if author is not None:
                self.follow(author.name, not author.bookmarked)

    def follow(self, name: str, on: bool) -> None:
        self.writer.run(lambda: self._library().bookmark_author(name, on), self._changed)

    def rename_tag(self, old: str) -> None:
        if self._library() is None:
            return
        new, ok = QInputDialog.getText(
            self._window, "Rename tag", f"New name for “{old}” (an existing name merges the two):", text=old
        )
        if ok and new.strip() and new.strip() != old:
            self.writer.run(lambda: self._library().rename_tag(old, new.strip()), self._changed)

    def _changed(self, _result: Any) -> None:
        self.changed.emit()

    # -- deleting ------------------------------------------------------------------------------

    def ask_delete(self, ids: list[int]) -> None:
        """Ask, then delete these articles (the window says which: see `MainWindow.delete_targets`)."""
        library = self._library()
        if library is None:
            return
        if not ids:
            self.warning.emit("Select the articles to delete, or open one.")
            return
        if library.read_only:
            self.warning.emit(f"This library is open read-only ({library.read_only_reason}); nothing can be deleted.")
            return
        record = library.article(ids[0]) if len(ids) == 1 else None
        box, delete = confirm_delete(self._window, len(ids), record.title if record is not None else None)

        def answered(_result: int) -> None:
            if box.clickedButton() is delete:
                self.delete_now(ids)

        box.finished.connect(answered)
        self.delete_box = box
        box.open()

    def delete_now(self, ids: list[int]) -> None:
        """Delete without asking (the confirmation has been given)."""
        library = self._library()
        if library is None:
            return
        self.status.emit(f"Deleting {len(ids)} article{'s' if len(ids) != 1 else ''}…")
        self.writer.run(
            lambda: library.delete_articles(ids),
            lambda count: self._deleted(library, ids, count),
            lambda exc: self.failed.emit(f"Could not delete: {exc or type(exc).__name__}"),
        )

    def _deleted(self, library: Any, ids: list[int], count: int) -> None:
        if library is not self._library():
            return
        self.deleted.emit(ids)
        self.status.emit(f"Deleted {count} article{'s' if count != 1 else ''}.")

    # -- renaming authors ----------------------------------------------------------------------

    def ask_rename_author(self, name: str | None, shown: Shown | None = None) -> None:
        """Ask for a new name for the author `name`; when it is None, for the author whose page is `shown`."""
        if self._library() is None:
            return
        if name is None:
            if shown is None or shown[0] != "author":
                self.warning.emit("Open an author's page to rename them (click their name in a byline).")
                return
            name = str(shown[1])
        old = name
        dialog = QInputDialog(self._window)
        dialog.setObjectName("renameAuthorDialog")
        dialog.setWindowTitle("Rename author")
        dialog.setLabelText(f"New name for “{old}” (the name of another author merges the two):")
        dialog.setTextValue(old)
        dialog.textValueSelected.connect(lambda new: self.rename_author(old, new))
        self.rename_dialog = dialog
        dialog.open()

    def rename_author(self, old: str, new: str) -> None:
        """Rename (or merge) on the writer thread; `author_renamed` follows."""
        new = " ".join(new.split())
        library = self._library()
        if library is None or not new or new == old:
            return
        before = library.author(old)
        self.writer.run(
            lambda: library.rename_author(old, new),
            lambda record: self._author_renamed(library, old, record, before is not None and before.id != record.id),
            lambda exc: self.failed.emit(f"Could not rename {old}: {exc or type(exc).__name__}"),
        )

    def _author_renamed(self, library: Any, old: str, record: Any, merged: bool) -> None:
        if library is not self._library():
            return
        self.author_renamed.emit(old, record)
        verb = "Merged" if merged else "Renamed"
        self.status.emit(f"{verb} {old} {'into' if merged else 'to'} {record.name}.")
