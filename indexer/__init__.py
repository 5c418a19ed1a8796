"""News Archive's core: import, store and search saved news articles, with no Qt.

The public API is the `Library` facade and the records it returns. `Library` is loaded on first use
so that worker processes and small tools importing one stage do not pay for the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import (
    ArticleRecord,
    Author,
    AuthorRecord,
    ImportFailure,
    ImportOutcome,
    ImportReport,
    LibraryError,
)

if TYPE_CHECKING:
    from .library import Library

__all__ = [
    "ArticleRecord",
    "Author",
    "AuthorRecord",
    "ImportFailure",
    "ImportOutcome",
    "ImportReport",
    "Library",
    "LibraryError",
    "app_version",
]


def app_version() -> str:
    """The version of News Archive, as pyproject.toml states it (its one source)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsarchive")
    except PackageNotFoundError:  # a source tree used without installing it
        import re
        from pathlib import Path

        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        found = (
            re.search(r'^version = "([^"]+)"', pyproject.read_text(encoding="utf-8"), re.M)
            if pyproject.is_file()
            else None
        )
        return found.group(1) if found else "unknown"


def __getattr__(name: str) -> Any:
    if name == "Library":
        from .library import Library

        return Library
    raise AttributeError(f"module 'indexer' has no attribute {name!r}")
