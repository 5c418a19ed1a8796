"""No two actions share a key, under the key bindings of every platform Qt knows.

Qt's standard keys (Delete, Find next, Back…) mean different sequences on Windows, macOS, KDE and
GNOME, and the bindings in force come from the platform the app runs on: the offscreen platform of
the tests has Windows' bindings, so a clash that exists only on Linux (the standard Delete includes
Ctrl+D there, which bookmarks) is invisible to every other test. BINDINGS spells out, for each
standard key the app uses, what each platform binds it to (Qt's own table of platform key
bindings); the test expands every shortcut with them and fails on any sequence two actions share.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from PySide6.QtGui import QKeySequence

from desktop import shortcuts

Std = QKeySequence.StandardKey
PLATFORMS = ("windows", "macos", "x11", "kde", "gnome")


def _all(*keys: str) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(PLATFORMS, keys)


def _unix(*keys: str) -> dict[str, tuple[str, ...]]:
    return {"x11": keys, "kde": keys, "gnome": keys}


# In Qt's portable notation: "Ctrl" is Command on macOS and "Meta" is its Control key.
BINDINGS: dict[Std, dict[str, tuple[str, ...]]] = {
    Std.HelpContents: {"windows": ("F1",), "macos": ("Ctrl+?",), **_unix("F1")},
    Std.Open: _all("Ctrl+O"),
    Std.Delete: {"windows": ("Del",), "macos": ("Del", "Meta+D"), **_unix("Del", "Ctrl+D")},
    Std.Find: _all("Ctrl+F"),
    Std.FindNext: {
        "windows": ("F3", "Ctrl+G"),
        "macos": ("Ctrl+G",),
        "x11": ("F3",),
        "kde": ("F3",),
        "gnome": ("Ctrl+G", "F3"),
    },
    Std.FindPrevious: {
        "windows": ("Shift+F3", "Ctrl+Shift+G"),
        "macos": ("Ctrl+Shift+G",),
        "x11": ("Shift+F3",),
        "kde": ("Shift+F3",),
        "gnome": ("Ctrl+Shift+G", "Shift+F3"),
    },
    Std.ZoomIn: _all("Ctrl++"),
    Std.ZoomOut: _all("Ctrl+-"),
    Std.Back: {"windows": ("Alt+Left", "Backspace"), "macos": ("Ctrl+[", "Ctrl+Left"), **_unix("Alt+Left")},
    Std.Quit: {"windows": (), "macos": ("Ctrl+Q",), **_unix("Ctrl+Q")},
}


def expanded(name: str, platform: str) -> set[str]:
    """The sequences an action's shortcut means on `platform`, in portable notation."""
    out: set[str] = set()
    for key in shortcuts.BY_NAME[name].keys:
        if isinstance(key, str):
            out.add(QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText))
        else:
            assert key in BINDINGS, f"{name} uses {key}; add its bindings per platform to BINDINGS"
            out |= {QKeySequence(k).toString(QKeySequence.SequenceFormat.PortableText) for k in BINDINGS[key][platform]}
    return out


@pytest.mark.parametrize("platform", PLATFORMS)
def test_no_two_actions_share_a_key(platform: str, qapp) -> None:  # noqa: ANN001
    users: dict[str, list[str]] = defaultdict(list)
    for shortcut in shortcuts.SHORTCUTS:
        if shortcut.name in shortcuts.HANDLED_BY_WIDGETS:
            continue  # keys a widget handles where it has focus (F2 in the sidebar, on an author page)
        for sequence in expanded(shortcut.name, platform):
            users[sequence].append(shortcut.name)
    shared = {seq: names for seq, names in users.items() if len(names) > 1}
    assert shared == {}


def test_bookmark_and_delete_keys_on_linux(qapp) -> None:  # noqa: ANN001
    # The clash users met on X11: Ctrl+D bookmarks; Delete is the Delete key and Ctrl+Backspace.
    assert "Ctrl+D" in expanded("bookmark", "x11")
    assert "Ctrl+D" not in expanded("delete", "x11") and "Del" in expanded("delete", "x11")


def test_the_table_agrees_with_qt_here(qapp) -> None:  # noqa: ANN001
    """Under the tests' offscreen platform Qt uses Windows' bindings: the table must say the same."""
    for key, per_platform in BINDINGS.items():
        here = {s.toString(QKeySequence.SequenceFormat.PortableText) for s in QKeySequence.keyBindings(key)}
        listed = {QKeySequence(k).toString(QKeySequence.SequenceFormat.PortableText) for k in per_platform["windows"]}
        assert listed <= here, (key, listed, here)
