"""What the middle pane shows while the archive is empty: what can be dropped, an import button and the demo."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

TEXT = (
    "<h2>Your archive is empty</h2>"
    "<p>Drop saved articles here: web pages (.html, .mhtml), text files, whole folders or zips. "
    "A selection dragged out of a browser becomes an article too.</p>"
    "<p>Nothing is ever fetched from the internet.</p>"
)


class WelcomePage(QWidget):
    """The empty archive's page; its buttons come back as `import_requested` and `demo_requested`."""

    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        text = QLabel(TEXT)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        self.import_button = QPushButton("Import files…")
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button = QPushButton("Open the demo articles")
        self.demo_button.setObjectName("demoButton")
        self.demo_button.clicked.connect(self.demo_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(text)
        layout.addWidget(self.import_button)
        layout.addWidget(self.demo_button)
        layout.addStretch(1)
