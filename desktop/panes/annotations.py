"""Highlights and notes as lists: the open article's beside the reader, and every one (Annotations).

`AnnotationsModel` holds the records a library call returned (highlights with their article's title);
both lists show it in a `AnnotationList`, which turns Enter, a click and Delete into signals. A
highlight whose quote is not in this version of the article's text is kept, greyed and listed last.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

HighlightIdRole = Qt.ItemDataRole.UserRole + 1
ArticleRole = Qt.ItemDataRole.UserRole + 2
FoundRole = Qt.ItemDataRole.UserRole + 3

NOT_FOUND = "not found in this version"
QUOTE_CHARS = 240  # of a long quote, what a row shows (the reader shows the rest)
Index = QModelIndex | QPersistentModelIndex


def is_found(record: Any) -> bool:
    """Whether the highlight's quote is in the article's text as it is now (a note on the article always is)."""
    if not record.quote:
        return True
    found = getattr(record, "found", None)
    return bool(found) if found is not None else record.start is not None


def reading_order(records: list[Any]) -> list[Any]:
    """An article's annotations as the list beside the reader shows them: notes on the whole article, then
    highlights in reading order, then those not found in this version."""
    return sorted(records, key=lambda r: (bool(r.quote), not is_found(r), r.start or 0, r.id))


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def row_text(record: Any, title: str | None = None) -> str:
    """What a row says: the quote (or "Note on the article"), its note, where it was not found, the title."""
    lines = [f"“{_short(record.quote, QUOTE_CHARS)}”" if record.quote else "Note on the article"]
    if record.note:
        lines.append(f"✎ {_short(record.note, QUOTE_CHARS)}")
    if not is_found(record):
        lines.append(f"({NOT_FOUND})")
    if title is not None:
        lines.append(f"— {_short(title, 120)}, {(record.created or '')[:10]}".rstrip(", "))
    return "\n".join(lines)


class AnnotationsModel(QAbstractListModel):
    """Highlights (HighlightRecords), each with its article's title when the list spans articles."""

    def __init__(self, parent: Any = None, *, with_titles: bool = False) -> None:
        super().__init__(parent)
        self.with_titles = with_titles
        self.rows: list[tuple[Any, str | None]] = []

    def set_rows(self, rows: list[tuple[Any, str | None]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> Any | None:
        return self.rows[row][0] if 0 <= row < len(self.rows) else None

    def row_of(self, hid: int) -> int:
        return next((i for i, (r, _t) in enumerate(self.rows) if r.id == hid), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        record, title = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return row_text(record, title if self.with_titles else None)
        if role == HighlightIdRole:
            return record.id
        if role == ArticleRole:
            return record.article
        if role == FoundRole:
            return is_found(record)
        if role == Qt.ItemDataRole.ForegroundRole and not is_found(record):
            return QColor("#8a8f96")
        return None


class AnnotationList(QListView):
    """A list of annotations: Enter or a click chooses one, Delete asks to remove it."""

    chosen = Signal(int, int)  # article id, highlight id
    delete_requested = Signal(int)  # highlight id

    def __init__(self, model: AnnotationsModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setWordWrap(True)
        self.setSpacing(2)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.clicked.connect(self._choose)

    def current_record(self) -> Any | None:
        model = self.model()
        return model.record(self.currentIndex().row()) if isinstance(model, AnnotationsModel) else None

    def _choose(self, index: QModelIndex) -> None:
        if index.isValid():
            self.chosen.emit(int(index.data(ArticleRole)), int(index.data(HighlightIdRole)))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._choose(self.currentIndex())
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            record = self.current_record()
            if record is not None:
                self.delete_requested.emit(record.id)
            return
        super().keyPressEvent(event)


class HighlightsPane(QWidget):
    """Beside the reader: the open article's notes and highlights; hidden and shown with Ctrl+Shift+H."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("highlightsPane")
        self.model = AnnotationsModel(self)
        self.list = AnnotationList(self.model)
        self.list.setObjectName("highlightsList")
        self.list.setAccessibleName("Highlights and notes")
        heading = QLabel("Highlights and notes")
        heading.setObjectName("paneHeading")
        self.hint = QLabel("Select text and press H to highlight it; N adds a note.")
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)

    def show_records(self, records: list[Any]) -> None:
        current = self.list.current_record()
        self.model.set_rows([(r, None) for r in reading_order(records)])
        self.hint.setVisible(not records)
        if current is not None and (row := self.model.row_of(current.id)) >= 0:
            self.list.setCurrentIndex(self.model.index(row))

    def select(self, hid: int) -> None:
        row = self.model.row_of(hid)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))


class AnnotationsPage(QWidget):
    """Sidebar ▸ Annotations: every highlight and note, newest first, with the article's title, for the query."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationsPage")
        self.model = AnnotationsModel(self, with_titles=True)
        self.list = AnnotationList(self.model)
        self.list.setObjectName("annotationsList")
        self.list.setAccessibleName("Annotations")
        self.empty = QLabel("No highlights or notes match. Select text in the reader and press H to highlight it.")
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)

    def show_rows(self, rows: list[tuple[Any, str]]) -> None:
        current = self.list.current_record()
        self.model.set_rows(list(rows))
        self.empty.setVisible(not rows)
        row = self.model.row_of(current.id) if current is not None else -1
        if rows:
            self.list.setCurrentIndex(self.model.index(max(row, 0)))
