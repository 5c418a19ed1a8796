"""A disk that fills up during an import: the import stops with one clear message, and everything
stored before that moment stays whole."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from indexer import cli
from indexer.library import Library
from indexer.model import LibraryError
from indexer.store.files import FileStore
from tests import crashkit, integrity


def fill_disk_after(monkeypatch: pytest.MonkeyPatch, stores: int) -> list[int]:
    """Let `stores` files into the file store, then fail every write with ENOSPC as a full disk does."""
    calls = [0]
    real = FileStore._stage

    def stage(self: FileStore, data: bytes, target: Path) -> Path:
        calls[0] += 1
        if calls[0] > stores:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data, target)

    monkeypatch.setattr(FileStore, "_stage", stage)
    return calls


def test_a_full_disk_stops_the_import_once_and_keeps_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = crashkit.generated_pages(tmp_path / "pages", 12)
    folder = tmp_path / "library"
    calls = fill_disk_after(monkeypatch, 5)
    with Library(folder) as lib:
        with pytest.raises(LibraryError, match=r"^the disk is full: the import stopped after 5 new article") as info:
            lib.import_paths(pages, workers=1)
        assert "those are kept" in str(info.value)
        assert calls[0] == 6  # stopped at the first failure, not once per remaining file
        assert lib.count() == 5
        assert lib.doctor() == []
        assert [r["status"] for r in lib.import_log()] == ["imported"] * 5
    assert integrity.problems(folder) == []
    monkeypatch.undo()
    with Library(folder) as lib:  # space freed: importing again adds the rest
        report = lib.import_paths(pages, workers=1)
        assert (len(report.of("imported")), len(report.of("duplicate"))) == (7, 5)
    assert integrity.problems(folder) == []


def test_a_full_disk_in_the_database_stops_the_import_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = crashkit.generated_pages(tmp_path / "pages", 6)
    folder = tmp_path / "library"
    with Library(folder) as lib:
        lib.import_paths(pages[:2], workers=1)
        from indexer.ingest import importer

        real = importer.insert_article
        calls = [0]

        def insert(*args: object, **kwargs: object) -> int:
            calls[0] += 1
            if calls[0] > 1:
                raise sqlite3.OperationalError("database or disk is full")
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(importer, "insert_article", insert)
        with pytest.raises(LibraryError, match="^the disk is full"):
            lib.import_paths(pages[2:], workers=1)
        assert lib.count() == 3 and lib.doctor() == []
    assert integrity.problems(folder) == []


def test_the_cli_prints_the_full_disk_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = crashkit.generated_pages(tmp_path / "pages", 4)
    fill_disk_after(monkeypatch, 2)
    code = cli.main(["--library", str(tmp_path / "library"), "import", "--workers", "1", *map(str, pages)])
    err = capsys.readouterr().err
    assert code == 1
    assert "newsarchive: the disk is full: the import stopped after 2 new article(s) of 4 file(s)" in err
    assert "Traceback" not in err
