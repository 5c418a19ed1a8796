"""The small tag editor `T` opens, for a story or an author: type with completion, Enter adds, Delete removes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
)


class TagEditor(QDialog):
    """Edits the tags of one subject; emits `added(name)` / `removed(name)` as the user goes."""

    added = Signal(str)
    removed = Signal(str)

    def __init__(self, subject: str, current: list[str], known: list[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagEditor")
        self.setWindowTitle("Tags")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.known = sorted(set(known), key=str.casefold)
        label = QLabel(f"Tags of <b>{subject}</b>")
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setObjectName("tagField")
        self.field.setPlaceholderText("Add a tag (nest with /) and press Enter")
        self.completer_model = QStringListModel(self.known, self)
        completer = QCompleter(self.completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.field.setCompleter(completer)
        self.field.returnPressed.connect(self._add_from_field)
        self.list = QListWidget()
        self.list.setObjectName("tagList")
        self.list.setAccessibleName("Current tags; Delete removes the selected one")
        for name in current:
            self.list.addItem(name)
        self.list.installEventFilter(self)
        hint = QLabel("Enter adds · Delete removes the selected tag · Esc closes")
        hint.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter adds a tag; it must not close the editor
                button.setDefault(False)
        layout = QVBoxLayout(self)
        for widget in (label, self.field, self.list, hint, buttons):
            layout.addWidget(widget)
        self.resize(360, 300)
        self.field.setFocus()

    def tags(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _add_from_field(self) -> None:
        popup = self.field.completer().popup()
        if popup is not None and popup.isVisible():
            popup.hide()
        names = [n.strip() for n in self.field.text().split(",") if n.strip()]
        self.field.clear()
        for name in names:
            existing = next((k for k in self.known if k.casefold() == name.casefold()), name)
            if existing.casefold() in (t.casefold() for t in self.tags()):
                continue
            self.list.addItem(existing)
            self.added.emit(existing)

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        name = item.text()
        self.list.takeItem(self.list.row(item))
        self.removed.emit(name)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802
        if watched is self.list and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)
