"""F1: every keyboard shortcut, grouped as the table in `desktop.shortcuts` declares them."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from desktop.shortcuts import SHORTCUTS, label


def help_html() -> str:
    parts = []
    group = None
    for s in SHORTCUTS:
        if s.group != group:
            if group is not None:
                parts.append("</table>")
            group = s.group
            parts.append(f"<h3>{html.escape(group)}</h3><table cellspacing='0' cellpadding='3'>")
        parts.append(
            f"<tr><td width='170'><b>{html.escape(label(s.name))}</b></td><td>{html.escape(s.description)}</td></tr>"
        )
    parts.append("</table>")
    parts.append("<p>Drop files, folders, zips or a selection from a browser anywhere on the window to import.</p>")
    return "".join(parts)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsHelp")
        self.setWindowTitle("Keyboard shortcuts")
        view = QTextBrowser()
        view.setHtml(help_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
        self.resize(520, 640)
