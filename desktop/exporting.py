"""File ▸ Export… from the window: the dialog, then `Library.export` on the writer thread, then the outcome.

`ExportController` is the window's exporting part: it owns the export dialog and the last export's report.
The window opens it with the search whose results are on screen and shows its `status` and `failed` messages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.citing import write_citations
from desktop.dialogs.export_dialog import ExportDialog
from desktop.worker import TaskRunner


class ExportController(QObject):
    """Exports every article of the open library, or the articles one search finds."""

    status = Signal(str)  # a line for the status bar
    failed = Signal(str)  # a problem the user must read: shown in a dialog

    def __init__(self, writer: TaskRunner, library: Callable[[], Any], window: QWidget) -> None:
        """`library` answers the window's open library (None when there is none); `window` parents the dialog."""
        super().__init__(window)
        self.writer = writer
        self._library = library
        self._window = window
        self.dialog: ExportDialog | None = None
        self.last_export: Any = None  # the ExportReport of the last export that finished

    def choose(self, query: str | None, results: int, selected: list[int] | None = None) -> None:
        """Open the dialog; `query` (with its `results` count) is the search it may narrow the export to, and
        `selected` the results selected (which the citation formats can export alone)."""
        if self._library() is None:
            return
        dialog = ExportDialog(self._window, query=query, results=results, selected=selected)
        dialog.accepted.connect(lambda: self.export(*dialog.chosen()))
        self.dialog = dialog
        dialog.open()

    def export(self, fmt: str, dest: Path, query: str | None, ids: list[int] | None = None) -> None:
        """Export on the writer thread; the outcome goes to the status bar (and a dialog if files were missing).
        With `ids`, those articles' citations (bibtex, ris or csl-json) are written to `dest`."""
        library = self._library()
        if library is None:
            return
        self.status.emit(f"Exporting to {dest}…")
        if ids:
            self.writer.run(
                lambda: write_citations(library, ids, fmt, dest),
                lambda count: self.status.emit(f"Exported {count:,} citation(s) to {dest}."),
                lambda exc: self.failed.emit(f"Could not export: {exc or type(exc).__name__}"),
            )
            return
        self.writer.run(
            lambda: library.export(dest, fmt, query=query),
            self._exported,
            lambda exc: self.failed.emit(f"Could not export: {exc or type(exc).__name__}"),
        )

    def _exported(self, report: Any) -> None:
        files = f" and {report.files:,} file(s)" if report.files else ""
        self.status.emit(f"Exported {report.articles:,} article(s){files} to {report.dest}.")
        self.last_export = report
        if report.missing:
            self.failed.emit(
                f"Exported to {report.dest}, but {len(report.missing)} file(s) were missing or damaged in the "
                "library and were left out (`newsarchive doctor` lists them)."
            )
