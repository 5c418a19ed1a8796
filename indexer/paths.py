"""Every location the application uses, in one place; the only module that imports appdirs.

`NEWSARCHIVE_LIBRARY` (or `--library DIR`) moves the library; `NEWSARCHIVE_CONFIG` moves settings and
`NEWSARCHIVE_LOG_DIR` the window's log.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import appdirs

APP_NAME = "NewsArchive"
APP_AUTHOR = "NewsArchive"

DATABASE_NAME = "library.sqlite3"
INDEX_DIR = "index"
FILES_DIR = "files"
BACKUPS_DIR = "backups"


def default_library() -> Path:
    """The library folder used when no --library is given."""
    override = os.environ.get("NEWSARCHIVE_LIBRARY")
    if override:
        return Path(override).expanduser()
    return Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR)) / "Library"


def demo_library() -> Path:
    """Where the bundled demo articles are imported when the user asks for the demo."""
    override = os.environ.get("NEWSARCHIVE_LIBRARY")
    if override:
        return Path(override).expanduser()
    return Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR)) / "Demo Library"


def config_dir() -> Path:
    override = os.environ.get("NEWSARCHIVE_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(appdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    """Where the window writes its log (`NEWSARCHIVE_LOG_DIR` moves it)."""
    override = os.environ.get("NEWSARCHIVE_LOG_DIR")
    if override:
        return Path(override).expanduser()
    return Path(appdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def resources_dir() -> Path:
    """The resources/ folder, from the source tree or an installed/frozen package alike."""
    frozen = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle unpacks data here
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def demo_articles_dir() -> Path:
    return resources_dir() / "demo"


def demo_article_paths() -> list[Path]:
    """The demo articles to import: resources/demo without its README (the walker finds the rest)."""
    folder = demo_articles_dir()
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.casefold() != "readme.md" and not p.name.startswith(".") and not p.name.endswith("_files")
    )
