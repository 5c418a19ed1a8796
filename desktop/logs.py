"""The window's log: a file in the user's log folder (`indexer.paths.log_dir`), since a window started
from a menu has no terminal. Python's logging and Qt's own messages go there; Qt's messages still go to
stderr too, as Qt prints them by default, for whoever started the app from a terminal.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

from indexer import paths

LOG_NAME = "newsarchive.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 3
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def log_file() -> Path:
    return paths.log_dir() / LOG_NAME


def active() -> bool:
    """Whether this process writes the log file (the window started by `newsarchive` does)."""
    return any(getattr(h, "newsarchive", False) for h in logging.getLogger().handlers)


def start() -> Path | None:
    """Send warnings and errors to the log file; None (and logging as before) when it cannot be written."""
    root = logging.getLogger()
    if active():
        return log_file()
    try:
        log_file().parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_file(), maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        return None
    handler.newsarchive = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    own = logging.getLogger("newsarchive")
    own.setLevel(logging.INFO)  # the app's own notes; other libraries' only from warnings up
    own.info("started; log at %s", log_file())
    qInstallMessageHandler(_qt_message)
    return log_file()


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)
    if kind != QtMsgType.QtDebugMsg:
        print(message, file=sys.stderr, flush=True)
