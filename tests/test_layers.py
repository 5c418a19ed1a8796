"""The core stays free of Qt, so it runs headless and the CLI works with no display."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_indexer_never_imports_qt_or_desktop() -> None:
    code = (
        "import sys, indexer, indexer.cli, indexer.library, indexer.ingest.importer, indexer.ingest.pipeline\n"
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


# What each part of indexer/ may import from indexer/ (besides itself). Imports point one way:
# the facade and the CLI sit on top; the pipeline and the exporters use the store; the store and
# the search index know nothing above them.
ALLOWED = {
    "cli": {"__init__", "library", "model", "paths", "ingest", "exchange", "store", "search"},
    "library": {"model", "paths", "ingest", "exchange", "store", "search"},
    "ingest": {"model", "paths", "store", "lifeline"},
    "exchange": {"model", "paths", "store", "ingest"},
    "store": {"model", "paths"},
    "search": {"lifeline"},
    "lifeline": set(),
    "model": set(),
    "paths": set(),
    "__init__": {"model", "library"},
}


def _indexer_imports(path: Path) -> set[str]:
    """The parts of indexer/ (first name under `indexer.`) that a module imports, wherever the import is."""
    import ast

    module = path.relative_to(PROJECT).with_suffix("").parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(module[: len(module) - node.level])
                target = base + (node.module.split(".") if node.module else [])
                names = [".".join(target)] if node.module else [".".join([*target, a.name]) for a in node.names]
            elif node.module:
                names = [node.module] if node.module != "indexer" else [f"indexer.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "indexer" and len(parts) > 1:
                # A name of the package itself (`from indexer import app_version`) is its __init__.
                exists = (PROJECT / "indexer" / f"{parts[1]}.py").is_file() or (PROJECT / "indexer" / parts[1]).is_dir()
                found.add(parts[1] if exists else "__init__")
    return found


def test_indexer_parts_import_only_downwards() -> None:
    offenders = []
    for path in sorted((PROJECT / "indexer").rglob("*.py")):
        parts = path.relative_to(PROJECT / "indexer").with_suffix("").parts
        part = parts[0]
        allowed = ALLOWED[part] | {part}
        for used in sorted(_indexer_imports(path) - allowed):
            offenders.append(f"{path.relative_to(PROJECT).as_posix()} imports indexer.{used}")
    assert offenders == []


def test_indexer_top_level_reads_like_the_architecture() -> None:
    top = sorted(p.stem for p in (PROJECT / "indexer").glob("*.py"))
    folders = sorted(p.name for p in (PROJECT / "indexer").iterdir() if (p / "__init__.py").is_file())
    assert set(top) <= set(ALLOWED), top
    assert folders == ["cli", "exchange", "ingest", "library", "search", "store"]
