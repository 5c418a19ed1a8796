"""Shared fixtures. Tests that read ../shared (the seed and the evaluation corpus) skip without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared (seed and evaluation corpus) is not beside this clone")
    return SHARED


@pytest.fixture()
def library_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh library folder; NEWSARCHIVE_LIBRARY points at it so nothing touches the user's own."""
    folder = tmp_path / "library"
    monkeypatch.setenv("NEWSARCHIVE_LIBRARY", str(folder))
    return folder
