"""The find-in-article bar under the reader."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop.panes.reader import ReaderView


class FindBar(QWidget):
    """Find in the article: Enter next, Shift+Enter previous, Esc closes."""

    def __init__(self, reader: ReaderView, parent: Any = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.field = QLineEdit()
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in article")
        self.field.returnPressed.connect(lambda: self.find())
        self.field.installEventFilter(self)
        self.status = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.status)
        self.hide()

    def open(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def find(self, backwards: bool = False) -> None:  # type: ignore[override]  # QWidget.find is a static lookup by window id
        found = self.reader.find_text(self.field.text(), backwards)
        self.status.setText("" if found or not self.field.text() else "Not found")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            if not isinstance(event, QKeyEvent):
                return False
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.hide()
                self.reader.setFocus()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.find(backwards=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
                return True
        return super().eventFilter(watched, event)
