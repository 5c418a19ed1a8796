"""Help ▸ About: the version, the license, the library folder in use and where the log is written."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from indexer import app_version

LICENSE = "MIT License"


def about_html(library: Path | None, log: Path) -> str:
    def folder(path: Path | None, none: str) -> str:
        if path is None:
            return html.escape(none)
        return f"<a href='{QUrl.fromLocalFile(str(path)).toString()}'>{html.escape(str(path))}</a>"

    return (
        f"<h2>News Archive {html.escape(app_version())}</h2>"
        "<p>An offline archive for the news you save. It never connects to the network.</p>"
        f"<p>{LICENSE}. Built with Qt for Python (LGPL-3.0), Whoosh, lxml, trafilatura and other free software.</p>"
        "<table cellspacing='0' cellpadding='3'>"
        f"<tr><td><b>Library</b></td><td>{folder(library, 'none open')}</td></tr>"
        f"<tr><td><b>Log</b></td><td>{folder(log.parent, '')} — {html.escape(log.name)}</td></tr>"
        "</table>"
    )


class AboutDialog(QDialog):
    def __init__(self, library: Path | None, log: Path, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About News Archive")
        self.text = QLabel(about_html(library, log))
        self.text.setObjectName("aboutText")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setWordWrap(True)
        # Folders open in the system's file manager, only when clicked (nothing here is remote).
        self.text.setOpenExternalLinks(False)
        self.text.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(560, 260)
