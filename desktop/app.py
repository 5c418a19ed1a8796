"""Starting the window: the QApplication, the theme (following the system), and which library to open."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop import (
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


def start_window(folder: Path, *, demo: bool = False) -> Any:
    """The main window on `folder`, shown, its library opening on the writer thread; None when another
    window has that library (the user has been told). With `demo`, an empty library gets the demo articles."""
    application()
    from desktop.window import MainWindow

    window = MainWindow()
    then = window.imports.import_demo_if_empty if demo else None
    if not window.open_library(folder, then=then):
        window.close()
        return None
    window.show()
    return window


def run_app(library_dir: Path | None, demo: bool = False) -> int:
    app = application()
    window = start_window(library_to_open(library_dir, demo), demo=demo)
    if window is None:
        return 1
    return app.exec()
