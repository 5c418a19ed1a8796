"""Starting the window: the QApplication, the theme (following the system), and which library to open."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop import (
    logs,
    settings,
    theme,
)
from indexer import paths


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(paths.APP_NAME)
    app.setOrganizationName(paths.APP_AUTHOR)
    app.setApplicationDisplayName("News Archive")
    app.setWindowIcon(theme.icon("newsarchive"))
    apply_theme(app)
    hints = QGuiApplication.styleHints()
    changed = getattr(hints, "colorSchemeChanged", None)
    if changed is not None and not app.property("newsarchive_follows_system"):
        changed.connect(lambda *_: apply_theme(app))
        app.setProperty("newsarchive_follows_system", True)
    return app


def apply_theme(app: QApplication, choice: str | None = None) -> None:
    theme.apply(app, theme.wants_dark(choice or settings.get(settings.THEME)))


def library_to_open(library_dir: Path | None, demo: bool) -> Path:
    """--library, else NEWSARCHIVE_LIBRARY, else the library opened last, else the default one."""
    if demo:
        return paths.demo_library()
    if library_dir is not None:
        return library_dir
    last = settings.get(settings.LAST_LIBRARY)
    import os

    if not os.environ.get("NEWSARCHIVE_LIBRARY") and last and Path(last, paths.DATABASE_NAME).exists():
        return Path(last)
    return paths.default_library()


def start_window(folder: Path, *, demo: bool = False, files: list[Path] | None = None) -> Any:
    """The main window on `folder`, shown, its library opening on the writer thread; None when another
    window has that library (the user has been told). `files` are imported once the library is open;
    without them, with `demo`, an empty library gets the demo articles."""
    application()
    from desktop.window import MainWindow

    window = MainWindow()
    then: Any = None
    if files:
        then = lambda library: window.imports.import_paths(files)  # noqa: E731 - one call, named by its use
    elif demo:
        then = window.imports.import_demo_if_empty
    if not window.open_library(folder, then=then):
        window.close()
        return None
    window.show()
    return window


def run_app(library_dir: Path | None, demo: bool = False, files: list[Path] | None = None) -> int:
    """Open the window, unless a window has this library open already: then hand it `files` (or just
    bring it to the front) and end here."""
    from desktop import instance

    app = application()
    logs.start()
    folder = library_to_open(library_dir, demo)
    opened = instance.FileOpenEvents(app)
    app.installEventFilter(opened)
    # A window that has the library is asked first; one that is starting up gets a few seconds to listen.
    from desktop.lock import LibraryLock

    if instance.hand_over(folder, files or [], wait_s=0 if LibraryLock.free(folder) else 5):
        return 0
    window = start_window(folder, demo=demo, files=[*(files or []), *opened.deliver()])
    if window is None:
        return 1
    opened.files_opened.connect(window.receive_files)
    return app.exec()
