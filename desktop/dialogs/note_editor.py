"""The note editor: a small window-modal dialog with a multi-line field; Ctrl+Enter saves, Esc cancels.

Opened with `open()`, not `exec()`, so the keyboard (and a test) drives it like any other window; the
note comes back through `saved(text)`, where an emptied field means "no note".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

SAVE_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class NoteEditor(QDialog):
    saved = Signal(str)

    def __init__(self, about: str, text: str = "", parent: Any = None) -> None:
        """`about` says what the note is on (a quote, or the article's title)."""
        super().__init__(parent)
        self.setObjectName("noteEditor")
        self.setWindowTitle("Note")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        label = QLabel(about)
        label.setObjectName("noteAbout")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        self.field = QPlainTextEdit(text)
        self.field.setObjectName("noteField")
        self.field.setAccessibleName("Note")
        self.field.setTabChangesFocus(True)
        self.field.installEventFilter(self)
        hint = QLabel("Ctrl+Enter saves, Esc cancels. An empty note removes it.")
        hint.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.field, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(460, 260)
        self.field.setFocus()
        self.field.moveCursor(self.field.textCursor().MoveOperation.End)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in SAVE_KEYS
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        self.saved.emit(self.field.toPlainText().strip())
        super().accept()
