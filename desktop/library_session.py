"""Which library the window has open: lock, open on the writer thread, show, close; the demo library.

`LibrarySession` is mixed into `MainWindow` rather than being a part of its own: the open library
(`window.library`) is the state every part of the window reads (the parts are handed `lambda: window.library`),
and showing another library resets every pane, the search and the way back (`current`, `history`), so a
separate object would hand each of those steps back to the window. It keeps `window.library` and `window.lock`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from desktop import settings
from desktop.instance import InstanceServer
from desktop.lock import LibraryInUse, LibraryLock

PLACEHOLDER = (
    "<div style='color:gray; margin-top:40px' align='center'><p>Type to search; ↓ and ↑ choose a result, "
    "Enter opens it.</p><p>F1 lists every shortcut.</p></div>"
)


if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget

    from desktop.importing import ImportController
    from desktop.panes.author_page import AuthorPage
    from desktop.panes.reader import ReaderView
    from desktop.panes.results import ResultsModel
    from desktop.search_flow import SearchFlow
    from desktop.worker import TaskRunner

    _Window = QMainWindow
else:
    _Window = object


class LibrarySession(_Window):
    """Opening and closing the window's library (a mixin for `MainWindow`: see the module's docstring)."""

    library: Any
    lock: LibraryLock | None
    instance: InstanceServer | None  # where a second `newsarchive` hands its files over
    files_waiting: list[Path]  # handed over before the library was open: imported once it is
    current: tuple[str, Any] | None
    if TYPE_CHECKING:  # what `MainWindow` provides
        writer: TaskRunner
        flow: SearchFlow
        results_model: ResultsModel
        reader: ReaderView
        author_page: AuthorPage
        right_stack: QStackedWidget
        status_label: QLabel
        imports: ImportController
        history: list[tuple[str, Any]]
        library_changed: SignalInstance

        def show_error(self, message: str, dialog: bool = False) -> None: ...

        def receive_files(self, files: list[Path]) -> None: ...

    def open_library(self, folder: Path, *, then: Any = None) -> bool:
        """Lock and open a library on the writer thread; False (with a message) when another window has it."""
        folder = Path(folder)
        lock = LibraryLock(folder)
        try:
            lock.acquire()
        except LibraryInUse as exc:
            self.show_error(str(exc), dialog=True)
            return False
        self._close_library()
        self.lock = lock
        # Listening while holding the lock: a socket of this name can only be left by a crashed window.
        self.instance = InstanceServer(folder, self)
        if self.instance.listen():
            self.instance.files_received.connect(self.receive_files)
        self.status_label.setText(f"Opening {folder}…")

        def open_it() -> Any:
            # On the writer thread, the import too: the UI thread stays free to paint the window meanwhile.
            from indexer.library import Library

            # The day's database snapshot (seconds on a large library) waits until the first results are up.
            return Library(folder, defer_snapshot=True)

        def opened(library: Any) -> None:
            self.set_library(library)
            if then is not None:
                then(library)

        def failed(exc: BaseException) -> None:
            self._stop_listening()
            lock.release()
            self.lock = None
            self.show_error(f"Could not open the library at {folder}: {exc or type(exc).__name__}", dialog=True)

        self.writer.run(open_it, opened, failed)
        return True

    def set_library(self, library: Any) -> None:
        self.library = library
        self.reader.library_folder = Path(library.folder)
        self.results_model.set_library(library)
        self.author_page.model.library = library
        settings.put(settings.LAST_LIBRARY, str(library.folder))
        # Qt adds " — News Archive" (the application's display name) where the system shows titles that way.
        self.setWindowTitle(Path(library.folder).name)
        self.history.clear()
        self.current = None
        self.reader.show_message(PLACEHOLDER)
        self.right_stack.setCurrentIndex(0)
        self.status_label.setText("; ".join(library.repairs) if library.repairs else "")
        self.library_changed.emit(library)
        self.flow.library_opened(then=lambda: self._snapshot(library))
        waiting, self.files_waiting = self.files_waiting, []
        if waiting:
            self.imports.import_paths(waiting)

    def _snapshot(self, library: Any) -> None:
        """The day's database snapshot, on the writer thread, once the first results are on screen."""

        def failed(exc: BaseException) -> None:
            self.show_error(f"Could not write today's backup snapshot: {exc or type(exc).__name__}")

        if library is self.library:
            self.writer.run(library.daily_snapshot, None, failed)

    def _close_library(self) -> None:
        library, self.library = self.library, None
        self.flow.cancel()
        if library is not None:
            self.writer.run(library.close)
            self.writer.wait_idle(30)
        self._stop_listening()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def _stop_listening(self) -> None:
        if self.instance is not None:
            self.instance.close()
            self.instance = None

    def choose_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open or create a library folder")
        if folder:
            self.open_library(Path(folder))

    def open_demo(self) -> None:
        from indexer import paths

        folder = paths.demo_library()
        if self.library is not None and Path(self.library.folder) == folder:
            self.imports.import_demo_if_empty(self.library)
            return
        self.open_library(folder, then=self.imports.import_demo_if_empty)
