"""Imports from the window: run on the writer thread, progress in the status bar, a report at the end.

`ImportController` runs one import at a time; `WindowImports`, mixed into `MainWindow`, is where imports come
from (the File menu, drops) and what the window does when one progresses and finishes.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop import drops
from desktop.dialogs.import_report import ImportReportDialog, summary_line
from desktop.worker import TaskRunner


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
    """One import at a time, on the library's writer thread."""

    started = Signal()
    finished = Signal(object)  # ImportReport
    failed = Signal(str)
    progressed = Signal(object)  # ImportProgress, on the UI thread

    def __init__(self, writer: TaskRunner, progress_bar: ImportProgressBar, parent: Any = None) -> None:
        super().__init__(parent)
        self.writer = writer
        self.bar = progress_bar
        self._cancel = threading.Event()
        self._running = False
        self._bridge = _Bridge(self)
        self._bridge.progress.connect(self.bar.update_progress)
        self._bridge.progress.connect(self.progressed)
        self.bar.cancel_requested.connect(self.cancel)

    @property
    def running(self) -> bool:
        return self._running

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

    def _done(self, report: Any) -> None:
        self._running = False
        self.bar.hide()
        self.finished.emit(report)

    def _error(self, exc: BaseException) -> None:
        self._running = False
        self.bar.hide()
        self.failed.emit(f"Import stopped: {exc}".splitlines()[0])


if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from desktop.panes.results import ResultsModel
    from desktop.search_flow import SearchFlow

    _Window = QMainWindow
else:
    _Window = object


class WindowImports(_Window):
    """The window's side of importing (a mixin for `MainWindow`): choosing files, drops, progress, the report."""

    library: Any
    imports: ImportController
    reports: list[ImportReportDialog]
    _last_refresh: float
    _quiet_import: bool
    if TYPE_CHECKING:  # what `MainWindow` provides
        flow: SearchFlow
        results_model: ResultsModel
        status_label: QLabel

        def show_error(self, message: str, dialog: bool = False) -> None: ...
        def open_article(self, article: int, *, remember: bool = True) -> bool: ...

    def choose_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import saved articles", "", "Saved pages (*.html *.htm *.mhtml *.mht *.txt *.zip);;All files (*)"
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def choose_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of saved articles")
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path], cleanup: list[Path] | None = None) -> bool:
        if self.library is None:
            return False
        if not self.imports.start(self.library, paths, cleanup):
            self.show_error("An import is already running; drop again when it has finished.")
            return False
        return True

    def _import_progressed(self, progress: Any) -> None:
        # A long import shows its articles as they arrive, every few seconds, not only at the end.
        now = time.monotonic()
        if now - self._last_refresh > 3 and progress.imported:
            self._last_refresh = now
            self.flow.search_now()

    def _import_finished(self, report: Any) -> None:
        self.status_label.setText(summary_line(report))
        self.flow.invalidate_totals()
        self.results_model.forget()
        self.flow.refresh_sidebar()
        self.flow.search_now()
        if self._quiet_import and report.ok:
            self._quiet_import = False
            return
        self._quiet_import = False
        dialog = ImportReportDialog(report, self)
        dialog.article_opened.connect(self.open_article)
        dialog.destroyed.connect(lambda *_: self.reports.remove(dialog) if dialog in self.reports else None)
        self.reports.append(dialog)
        dialog.show()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        self._consider_drag(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        # Some platforms ask again on every move; without accepting here the drop is refused.
        self._consider_drag(event)

    def _consider_drag(self, event: QDragMoveEvent) -> None:
        if self.library is not None and drops.read_drop(event.mimeData()).importable:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        contents = drops.read_drop(event.mimeData())
        if contents.paths:
            self.import_paths(contents.paths)
        elif contents.selection is not None:
            path = drops.write_selection(contents.selection)
            self.import_paths([path], cleanup=[path.parent])
        elif contents.links:
            self.show_error("Links are not downloaded (the archive works offline): save the page, then drop the file.")
            event.ignore()
            return
        event.acceptProposedAction()
