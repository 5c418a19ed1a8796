"""The core stays free of Qt, so it runs headless and the CLI works with no display."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_indexer_never_imports_qt_or_desktop() -> None:
    code = (
        "import sys, indexer, indexer.cli, indexer.library, indexer.importer, indexer.pipeline\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'desktop'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_indexer_module_names_qt_in_its_imports() -> None:
    offenders = []
    for path in (PROJECT / "indexer").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import PySide6", "from PySide6", "import desktop", "from desktop")):
                offenders.append(f"{path.relative_to(PROJECT)}: {stripped}")
    assert offenders == []


def test_only_one_module_imports_appdirs() -> None:
    users = [
        path.relative_to(PROJECT).as_posix()
        for folder in ("indexer", "desktop")
        for path in (PROJECT / folder).rglob("*.py")
        if any(
            line.strip().startswith(("import appdirs", "from appdirs"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert users == ["indexer/paths.py"]
