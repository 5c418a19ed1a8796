"""Light and dark appearance, and the one way to find the stylesheets and icons in `resources/`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from indexer import paths


def resource(*parts: str) -> Path:
    """A file under resources/, from the source tree or a frozen bundle alike."""
    return paths.resources_dir().joinpath(*parts)


def icon(name: str) -> QIcon:
    path = resource("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None:
        value = scheme()
        if value == Qt.ColorScheme.Dark:
            return True
        if value == Qt.ColorScheme.Light:
            return False
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def wants_dark(choice: str) -> bool:
    if choice == "dark":
        return True
    if choice == "light":
        return False
    return system_is_dark()


def _palette(dark: bool) -> QPalette:
    if dark:
        colours = {
            QPalette.ColorRole.Window: "#1f2124",
            QPalette.ColorRole.WindowText: "#e6e6e6",
            QPalette.ColorRole.Base: "#17181a",
            QPalette.ColorRole.AlternateBase: "#222427",
            QPalette.ColorRole.Text: "#e6e6e6",
            QPalette.ColorRole.Button: "#2a2d31",
            QPalette.ColorRole.ButtonText: "#e6e6e6",
            QPalette.ColorRole.Highlight: "#3d6fb4",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2a2d31",
            QPalette.ColorRole.ToolTipText: "#e6e6e6",
            QPalette.ColorRole.PlaceholderText: "#8a8f96",
            QPalette.ColorRole.Link: "#8ab4f8",
            QPalette.ColorRole.Mid: "#3a3d42",
        }
    else:
        colours = {
            QPalette.ColorRole.Window: "#f4f4f2",
            QPalette.ColorRole.WindowText: "#1d1d1f",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#f7f7f5",
            QPalette.ColorRole.Text: "#1d1d1f",
            QPalette.ColorRole.Button: "#ececea",
            QPalette.ColorRole.ButtonText: "#1d1d1f",
            QPalette.ColorRole.Highlight: "#2f6fd0",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#ffffe8",
            QPalette.ColorRole.ToolTipText: "#1d1d1f",
            QPalette.ColorRole.PlaceholderText: "#7a7a7a",
            QPalette.ColorRole.Link: "#1a5fb4",
            QPalette.ColorRole.Mid: "#c8c8c4",
        }
    palette = QPalette()
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#808080"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#808080"))
    return palette


def apply(app: QApplication, dark: bool) -> None:
    """Fusion with our palette everywhere, so light and dark look the same on every platform."""
    app.setStyle("Fusion")
    app.setPalette(_palette(dark))
    sheet = resource("style", "dark.qss" if dark else "light.qss")
    app.setStyleSheet(sheet.read_text(encoding="utf-8") if sheet.exists() else "")
    app.setProperty("newsarchive_dark", dark)


def is_dark(app: QApplication | None = None) -> bool:
    app = app or QApplication.instance()  # type: ignore[assignment]
    return bool(app.property("newsarchive_dark")) if app is not None else False


def mark_colours(dark: bool) -> tuple[str, str]:
    """Background and text colour of a marked query word."""
    return ("#7a5c00", "#ffffff") if dark else ("#ffe08a", "#000000")


def highlight_colours(dark: bool) -> tuple[str, str]:
    """Background and text colour of a highlight the user made: green, so it is not mistaken for a
    marked query word (yellow); both pairs keep the text at a contrast above 7:1."""
    return ("#1f5f3f", "#ffffff") if dark else ("#bfe8c8", "#000000")


def chart_colours(dark: bool) -> tuple[str, str, str]:
    """Bars, the bars of the span chosen (or under the keyboard), and the axis line of the coverage chart."""
    return ("#5b8fd6", "#f0b840", "#4a4d52") if dark else ("#7fa6dc", "#d9901a", "#c8c8c4")
