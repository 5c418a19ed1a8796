"""Citations from the window: Ctrl+Shift+C copies the open article's citation; the style is a setting.

The citation is the library's (`Library.cite`); this part only chooses the style, puts the plain text and the
HTML (italic titles survive a paste into a word processor) on the clipboard together, and says so.
Writing the selected articles' citations to a file for File ▸ Export is here too (`write_citations`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop import settings

STYLES = (("apa", "APA"), ("chicago", "Chicago"), ("mla", "MLA"))
STYLE_NAMES = dict(STYLES)


def citation_style() -> str:
    style = str(settings.get(settings.CITATION_STYLE)).lower()
    return style if style in STYLE_NAMES else settings.CITATION_STYLE.default


def write_citations(library: Any, ids: list[int], fmt: str, dest: Path) -> int:
    """Write the citations of `ids` (bibtex, ris or csl-json) to `dest` whole or not at all; returns how many.
    Runs on the writer thread."""
    text = library.cite(ids, fmt)
    dest = Path(dest)
    if dest.exists():
        from indexer.model import LibraryError

        raise LibraryError(f"{dest} already exists; choose a new name")
    fd, tmp = tempfile.mkstemp(prefix=".citations-", dir=dest.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text if text.endswith("\n") else text + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return len(ids)


class CitationController(QObject):
    """Copies the citation of the article the window shows, in the style chosen under View ▸ Citation Style."""

    status = Signal(str)
    warning = Signal(str)
    style_changed = Signal(str)

    def __init__(self, library: Callable[[], Any], window: QWidget) -> None:
        super().__init__(window)
        self._library = library
        self.style = citation_style()

    def set_style(self, style: str) -> None:
        if style in STYLE_NAMES:
            self.style = style
            settings.put(settings.CITATION_STYLE, style)
            self.style_changed.emit(style)
            self.status.emit(f"Ctrl+Shift+C now copies {STYLE_NAMES[style]} citations.")

    def copy(self, article: int | None) -> bool:
        """Put the article's citation on the clipboard as plain text and HTML; False when there is none."""
        library = self._library()
        if library is None or article is None:
            self.warning.emit("Open an article to copy its citation.")
            return False
        try:
            # One article read, like opening it: on the UI thread, so the copy never queues behind an import.
            text = library.cite([article], self.style)
            rich = library.cite([article], self.style, html=True)
        except Exception as exc:  # noqa: BLE001 - any failure is one line in the status bar
            self.warning.emit(f"Could not cite the article: {exc or type(exc).__name__}".splitlines()[0])
            return False
        data = QMimeData()
        data.setText(text.strip())
        data.setHtml(rich.strip())
        QApplication.clipboard().setMimeData(data)
        self.status.emit(f"Copied the {STYLE_NAMES[self.style]} citation: {text.strip()[:120]}")
        return True
