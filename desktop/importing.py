"""Imports from the window: one at a time on the writer thread, progress in the status bar, a report at the end.

`ImportController` is the window's importing part. It owns the status-bar progress widget, the running
import, the report dialogs, the file choosers and what a drag may drop. The window puts `bar` in its status
bar, hands its drag-and-drop events here (Qt delivers them to the window, so the overrides stay there) and
redraws its lists on `articles_arrived` and `finished`.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop import drops
from desktop.dialogs.import_report import ImportReportDialog, summary_line
from desktop.worker import TaskRunner

REFRESH_SECONDS = 3  # a long import shows the articles stored so far this often, not only at the end
# What the file chooser offers; every format is known by its content, so "All files" works as well.
IMPORT_FILTER = ";;".join(
    [
        "Everything News Archive reads (*.html *.htm *.xhtml *.mhtml *.mht *.txt *.zip *.warc *.gz *.wacz"
        " *.webarchive *.eml *.mbox *.md *.markdown *.pdf *.json *.csv)",
        "Saved pages (*.html *.htm *.xhtml *.mhtml *.mht *.txt *.zip)",
        "Web archives (*.warc *.gz *.wacz *.webarchive)",
        "Newsletters (*.eml *.mbox)",
        "Clippings and PDFs (*.md *.markdown *.pdf)",
        "Read-later exports (*.json *.zip *.csv)",
        "All files (*)",
    ]
)


class ImportProgressBar(QWidget):
    """Status-bar widget: a bar with the count, the current file and a Cancel button."""

    cancel_requested = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("importProgress")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(True)
        self.label = QLabel()
        self.label.setMinimumWidth(160)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the current article (Ctrl+.)")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def start(self) -> None:
        self.bar.setRange(0, 0)
        self.label.setText("Looking at what was dropped…")
        self.cancel_button.setEnabled(True)
        self.show()

    def update_progress(self, progress: Any) -> None:
        total = max(progress.total, progress.done)
        self.bar.setRange(0, total)
        self.bar.setValue(progress.done)
        self.bar.setFormat(f"{progress.done:,} / {total:,}")
        name = Path(progress.current).name
        self.label.setText(f"Importing {name[-60:]}")

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText("Stopping after the current article…")


class _Bridge(QObject):
    """Carries progress from the writer thread to the UI thread (queued, since it lives on the UI thread)."""

    progress = Signal(object)


class ImportController(QObject):
    """One import at a time, on the library's writer thread, and the reports the imports end with."""

    started = Signal()
    articles_arrived = Signal()  # a running import has stored articles since the last time: show them
    finished = Signal(object)  # ImportReport, before its report opens
    article_opened = Signal(int)  # an article chosen in a report
    status = Signal(str)  # a line for the status bar
    warning = Signal(str)  # a problem to show in the status bar

    def __init__(self, writer: TaskRunner, library: Callable[[], Any], window: QWidget) -> None:
        """`library` answers the window's open library (None when there is none); `window` parents the dialogs."""
        super().__init__(window)
        self.writer = writer
        self._library = library
        self._window = window
        self.bar = ImportProgressBar()
        self.reports: list[ImportReportDialog] = []
        self._cancel = threading.Event()
        self._running = False
        self._quiet = False  # the demo's own import: a report only when something went wrong
        self._last_refresh = 0.0
        self._waiting: list[tuple[list[Path], list[Path] | None]] = []  # imports asked for while one ran
        self._bridge = _Bridge(self)
        self._bridge.progress.connect(self.bar.update_progress)
        self._bridge.progress.connect(self._progressed)
        self.bar.cancel_requested.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self._running

    # -- where imports come from ---------------------------------------------------------------

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self._window,
            "Import saved articles",
            "",
            IMPORT_FILTER,
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._window, "Import a folder of saved articles")
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path], cleanup: list[Path] | None = None) -> bool:
        """Import into the open library; while an import runs, these wait for it (False when no library)."""
        library = self._library()
        if library is None:
            return False
        if not self.start(library, paths, cleanup):
            self._waiting.append((paths, cleanup))
            count = sum(len(p) for p, _ in self._waiting)
            self.status.emit(f"{count} more item(s) will be imported when the running import has finished.")
        return True

    def import_demo_if_empty(self, library: Any) -> None:
        from indexer import paths

        if library.count() == 0 and paths.demo_articles_dir().is_dir():
            # The demo's own import needs no report: the articles appearing say it all.
            self._quiet = self.start(library, paths.demo_article_paths())

    def consider_drag(self, event: QDragMoveEvent) -> None:
        """Accept a drag (entering or moving over the window) that carries something to import."""
        if self._library() is not None and drops.read_drop(event.mimeData()).importable:
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        contents = drops.read_drop(event.mimeData())
        if contents.paths:
            self.import_paths(contents.paths)
        elif contents.selection is not None:
            path = drops.write_selection(contents.selection)
            self.import_paths([path], cleanup=[path.parent])
        elif contents.links:
            self.warning.emit(
                "Links are not downloaded (the archive works offline): save the page, then drop the file."
            )
            event.ignore()
            return
        event.acceptProposedAction()

    # -- running -------------------------------------------------------------------------------

    def start(self, library: Any, paths: list[Path], cleanup: list[Path] | None = None) -> bool:
        """Import these paths; temporary folders in `cleanup` are removed afterwards. False if one is running."""
        if self._running or library is None:
            return False
        self._running = True
        self._cancel.clear()
        self.bar.start()
        self.started.emit()
        last = [0.0]

        def progress(p: Any) -> None:
            # At most ~20 updates a second reach the UI, and always the last one.
            now = time.monotonic()
            if now - last[0] >= 0.05 or p.done >= p.total:
                last[0] = now
                self._bridge.progress.emit(p)

        def work() -> Any:
            try:
                return library.import_paths([str(p) for p in paths], progress=progress, cancel=self._cancel.is_set)
            finally:
                for folder in cleanup or []:
                    shutil.rmtree(folder, ignore_errors=True)

        self.writer.run(work, self._done, self._error)
        return True

    def cancel(self) -> None:
        if self._running:
            self._cancel.set()
            self.bar.cancelling()

    def shutdown(self) -> None:
        """The window is closing: stop the running import after its current article and close the reports."""
        self.cancel()
        for dialog in list(self.reports):
            dialog.close()

    def _progressed(self, progress: Any) -> None:
        now = time.monotonic()
        if now - self._last_refresh > REFRESH_SECONDS and progress.imported:
            self._last_refresh = now
            self.articles_arrived.emit()

    def _done(self, report: Any) -> None:
        self._running = False
        self.bar.hide()
        self.status.emit(summary_line(report))
        self.finished.emit(report)
        self._show_report(report)
        self._next()

    def _next(self) -> None:
        """Start the import that waited for the one just ended (none after a cancel: the user said stop)."""
        if self._cancel.is_set():
            for _, cleanup in self._waiting:
                for folder in cleanup or []:
                    shutil.rmtree(folder, ignore_errors=True)
            self._waiting.clear()
        elif self._waiting:
            paths, cleanup = self._waiting.pop(0)
            self.start(self._library(), paths, cleanup)

    def _show_report(self, report: Any) -> None:
        if self._quiet and report.ok:
            self._quiet = False
            return
        self._quiet = False
        dialog = ImportReportDialog(report, self._window)
        dialog.article_opened.connect(self.article_opened)
        dialog.destroyed.connect(lambda *_: self.reports.remove(dialog) if dialog in self.reports else None)
        self.reports.append(dialog)
        dialog.show()

    def _error(self, exc: BaseException) -> None:
        self._running = False
        self.bar.hide()
        self.warning.emit(f"Import stopped: {exc}".splitlines()[0])
        self._next()
