"""desktop/ reads like the window: the window and its parts on top, the widgets they show in panes/ and dialogs/."""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DESKTOP = PROJECT / "desktop"

# What a pane or a dialog may import from desktop/ besides its own folder: the shortcut table and the theme.
# Nothing that opens, changes or searches a library: that is the window's and its parts' to do.
BELOW_THE_WINDOW = {"shortcuts", "theme"}


def _desktop_imports(path: Path) -> set[str]:
    """The parts of desktop/ (first name under `desktop.`) that a module imports, wherever the import is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.module != "desktop" else [f"desktop.{a.name}" for a in node.names]
        found |= {n.split(".")[1] for n in names if n.startswith("desktop.")}
    return found


def test_panes_and_dialogs_import_nothing_above_them() -> None:
    offenders = []
    for folder in ("panes", "dialogs"):
        for path in sorted((DESKTOP / folder).rglob("*.py")):
            for used in sorted(_desktop_imports(path) - BELOW_THE_WINDOW - {folder}):
                offenders.append(f"{path.relative_to(PROJECT).as_posix()} imports desktop.{used}")
    assert offenders == []


def test_desktop_folders_are_panes_and_dialogs() -> None:
    folders = sorted(p.name for p in DESKTOP.iterdir() if (p / "__init__.py").is_file())
    assert folders == ["dialogs", "panes"]
