"""Every keyboard shortcut, declared once: the window binds them and F1 lists them from this table
(`desktop.dialogs.shortcuts_help`).

Qt's standard keys are used where one exists, so each platform gets its own convention (Cmd on macOS),
except where a platform's standard bindings would take a key another action uses (tests/desktop/
test_key_bindings.py checks every platform's bindings for such clashes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QKeySequence

Std = QKeySequence.StandardKey


@dataclass(frozen=True)
class Shortcut:
    name: str
    keys: tuple[Any, ...]  # QKeySequence.StandardKey values or portable strings
    description: str
    group: str


SHORTCUTS = (
    Shortcut("search", ("Ctrl+K", "/"), "Go to the search field", "Search"),
    Shortcut("find", (Std.Find,), "Search field; find in the article when the reader has focus", "Search"),
    Shortcut("suggestion", ("Ctrl+Return",), "Search for the “did you mean” suggestion", "Search"),
    Shortcut("sort_relevance", ("Ctrl+1",), "Sort by relevance", "Search"),
    Shortcut("sort_newest", ("Ctrl+2",), "Sort newest first", "Search"),
    Shortcut("sort_oldest", ("Ctrl+3",), "Sort oldest first", "Search"),
    Shortcut("results_keys", ("Up", "Down"), "From the search field: move through the results", "Search"),
    Shortcut("open", ("Return",), "Open the selected result", "Search"),
    Shortcut("escape", ("Esc",), "Back to the search field; again to clear it", "Search"),
    Shortcut("save_search", ("Ctrl+S",), "Save the current search under a name…", "Search"),
    Shortcut("saved_search_keys", ("F2", "Del"), "On a saved search in the sidebar: rename, delete", "Search"),
    Shortcut(
        "chart_keys",
        ("Left", "Right", "Return"),
        "On the coverage chart: choose a bar (Shift extends the span), narrow the search to it",
        "Search",
    ),
    Shortcut("next_result", ("J",), "Open the next result", "Reading"),
    Shortcut("previous_result", ("K",), "Open the previous result", "Reading"),
    Shortcut("next_mark", (Std.FindNext,), "Next marked search word in the article", "Reading"),
    Shortcut("previous_mark", (Std.FindPrevious,), "Previous marked search word", "Reading"),
    Shortcut("zoom_in", (Std.ZoomIn, "Ctrl+="), "Larger text", "Reading"),
    Shortcut("zoom_out", (Std.ZoomOut,), "Smaller text", "Reading"),
    Shortcut("zoom_reset", ("Ctrl+0",), "Default text size", "Reading"),
    Shortcut("caret", ("F7",), "Caret browsing: a text cursor in the reader; Shift+arrows select", "Reading"),
    Shortcut("original", ("Ctrl+E",), "Open the original file", "Reading"),
    Shortcut("back", (Std.Back,), "Back to the previous article or page", "Reading"),
    Shortcut("highlight", ("H",), "In the reader: highlight the selected text", "Notes"),
    Shortcut("note", ("N",), "Note on the highlight at the cursor, on the selection, or on the article…", "Notes"),
    Shortcut("highlights_pane", ("Ctrl+Shift+H",), "Show or hide the highlights and notes beside the reader", "Notes"),
    Shortcut("delete_highlight", ("Del",), "In a list of highlights: remove the chosen one", "Notes"),
    Shortcut("copy_citation", ("Ctrl+Shift+C",), "Copy a citation of the open article (style: View menu)", "Notes"),
    Shortcut("tag", ("T",), "Tag the current story or author", "Organise"),
    Shortcut("bookmark", ("Ctrl+D",), "Bookmark the current story / follow the author", "Organise"),
    Shortcut("rename_tag", ("F2",), "In the sidebar: rename or merge the selected tag", "Organise"),
    Shortcut("rename_author", ("F2",), "On an author page: rename the author, or merge into another", "Organise"),
    # Not the standard Delete key: on Linux desktops its bindings include Ctrl+D, which bookmarks here.
    Shortcut("delete", ("Del", "Ctrl+Backspace"), "Delete the selected results or the open article…", "Organise"),
    Shortcut("sidebar", ("Alt+1",), "Go to the sidebar", "Panes"),
    Shortcut("results", ("Alt+2",), "Go to the results", "Panes"),
    Shortcut("reader", ("Alt+3",), "Go to the reader", "Panes"),
    Shortcut("import", (Std.Open,), "Import files, folders or zips…", "Library"),
    Shortcut("import_folder", ("Ctrl+Shift+I",), "Import a folder…", "Library"),
    Shortcut("open_library", ("Ctrl+Shift+O",), "Open another library…", "Library"),
    Shortcut("cancel_import", ("Ctrl+.",), "Cancel the running import", "Library"),
    Shortcut("export", ("Ctrl+Shift+E",), "Export as JSON, CSV, Markdown, HTML, BibTeX, RIS or CSL-JSON…", "Library"),
    Shortcut("help", (Std.HelpContents, "?"), "This list", "Help"),
    Shortcut("quit", (Std.Quit, "Ctrl+Q"), "Quit", "Help"),
)

BY_NAME = {s.name: s for s in SHORTCUTS}

# Shown in the list but handled by the widgets themselves (not bound as actions).
HANDLED_BY_WIDGETS = {"results_keys", "open", "escape", "rename_tag", "rename_author"}
HANDLED_BY_WIDGETS |= {"delete_highlight", "saved_search_keys", "chart_keys"}


def sequences(name: str) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for key in BY_NAME[name].keys:
        if isinstance(key, str):
            out.append(QKeySequence(key))
        else:
            out.extend(QKeySequence.keyBindings(key))
    unique: list[QKeySequence] = []
    for seq in out:
        if not seq.isEmpty() and seq not in unique:
            unique.append(seq)
    return unique


def _is_media_key(text: str) -> bool:
    """Keyboard "Back", "Zoom In" and similar keys some bindings include: bound, but not worth listing."""
    return "+" not in text and not re.fullmatch(
        r"F\d+|Esc|Return|Enter|Up|Down|Left|Right|Del|Delete|[^A-Za-z]|[A-Z]", text
    )


def label(name: str) -> str:
    texts: list[str] = []
    for seq in sequences(name):
        text = seq.toString(QKeySequence.SequenceFormat.NativeText)
        if text not in texts and not _is_media_key(text):
            texts.append(text)
    return " or ".join(texts)
