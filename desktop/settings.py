"""Every setting the window remembers, declared once: key, type, default and what it is for.

They live in an INI file in `indexer.paths.config_dir()`, so `NEWSARCHIVE_CONFIG` moves them (the
tests point it at a temporary folder and never touch the user's own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from indexer import paths


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    description: str


GEOMETRY = Setting("window/geometry", QByteArray, QByteArray(), "Main window position and size")
WINDOW_STATE = Setting("window/state", QByteArray, QByteArray(), "Main window toolbars and docks")
SPLITTER = Setting("window/splitter", QByteArray, QByteArray(), "Sizes of the sidebar, results and reader panes")
FONT_SIZE = Setting("reader/font_size", int, 12, "Reader font size in points (Ctrl+= / Ctrl+-)")
SORT = Setting("results/sort", str, "relevance", "Result order: relevance, newest or oldest")
LAST_LIBRARY = Setting("library/last", str, "", "The library folder opened last")
THEME = Setting("appearance/theme", str, "system", "system, light or dark")
CITATION_STYLE = Setting("citation/style", str, "apa", "Style of the citation Ctrl+Shift+C copies: apa, chicago or mla")
HIGHLIGHTS_PANE = Setting("reader/highlights_pane", int, 1, "1: the highlights and notes list shows beside the reader")
CARET = Setting("reader/caret", int, 0, "1: a text cursor in the reader, so Shift+arrows select (F7)")
READER_SPLITTER = Setting("reader/splitter", QByteArray, QByteArray(), "Sizes of the reader and its highlights list")

ALL = (
    GEOMETRY,
    WINDOW_STATE,
    SPLITTER,
    FONT_SIZE,
    SORT,
    LAST_LIBRARY,
    THEME,
    CITATION_STYLE,
    HIGHLIGHTS_PANE,
    CARET,
    READER_SPLITTER,
)


def store() -> QSettings:
    folder = paths.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def get(setting: Setting) -> Any:
    value = store().value(setting.key, setting.default)
    if value is None:
        return setting.default
    if setting.type is int:
        try:
            return int(value)  # type: ignore[call-overload]  # QSettings gives str or int back
        except (TypeError, ValueError):
            return setting.default
    if setting.type is QByteArray and not isinstance(value, QByteArray):
        return setting.default
    if setting.type is str:
        return str(value)
    return value


def put(setting: Setting, value: Any) -> None:
    s = store()
    s.setValue(setting.key, value)
    s.sync()
