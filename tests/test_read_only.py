"""A library that cannot be written (a locked USB stick, a folder without write permission) opens
read-only: searching and reading work, changes are refused with a message saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.library import Library
from indexer.library import facade as library_module
from indexer.model import LibraryError
from tests import crashkit


@pytest.fixture()
def filled(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    pages = crashkit.generated_pages(tmp_path / "pages", 3)
    with Library(folder) as lib:
        assert len(lib.import_paths(pages).of("imported")) == 3
    return folder


def no_write_permission(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """What `chmod -w` does for a normal user (root, as in CI, writes regardless of permissions)."""
    real = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        inside = Path(str(path)).resolve().is_relative_to(folder.resolve())
        return False if inside and mode & os.W_OK else real(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(library_module.os, "access", access)


def written(folder: Path) -> list[str]:
    """What the library holds: database, files, backups, locks and markers.

    Left out: SQLite's -wal/-shm files (a read-only WAL connection makes them where it can, as root
    can, and does without them where it cannot) and the search index's read caches inside index/
    (written where possible, skipped on a read-only disk).
    """
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if not p.name.endswith(("-wal", "-shm")) and p.relative_to(folder).parts[0] != "index"
    )


def test_a_library_without_write_permission_opens_read_only(filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_write_permission(monkeypatch, filled)
    before = written(filled)
    with Library(filled) as lib:
        assert lib.read_only
        assert lib.read_only_reason is not None and "no permission to write" in lib.read_only_reason
        assert lib.count() == 3
        hits = lib.search("ferry").hits
        assert hits and lib.article(hits[0].id) is not None
        assert lib.snippets("ferry", [hits[0].id])
        for change in (
            lambda: lib.tag(hits[0].id, ["kept"]),
            lambda: lib.bookmark(hits[0].id),
            lambda: lib.rename_tag("a", "b"),
            lambda: lib.import_paths([filled]),
            lambda: lib.reindex(),
        ):
            with pytest.raises(LibraryError, match="read-only .*no permission to write"):
                change()
    assert written(filled) == before  # not even a lock or a snapshot


def test_a_read_only_library_whose_index_is_gone_still_searches(filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(filled / "index")
    (filled / "index").mkdir()
    (filled / "index").chmod(0o555)
    no_write_permission(monkeypatch, filled)
    real_mkdir = Path.mkdir

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        if self.resolve().is_relative_to(filled.resolve()):
            raise PermissionError(13, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refuse)
    with Library(filled) as lib:
        assert lib.read_only
        assert any("temporary folder" in r for r in lib.repairs)
        assert lib.search("ferry").total >= 1
    assert list((filled / "index").iterdir()) == []


def _can_mount_read_only(tmp_path: Path) -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    src, mnt = tmp_path / "probe-src", tmp_path / "probe-mnt"
    src.mkdir()
    mnt.mkdir()
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount --bind '{src}' '{mnt}' && mount -o remount,bind,ro '{mnt}'"],
        capture_output=True,
    )
    return probe.returncode == 0


def test_the_cli_on_a_read_only_disk_searches_and_says_why_it_cannot_change(filled: Path, tmp_path: Path) -> None:
    if not _can_mount_read_only(tmp_path):
        pytest.skip("needs a private read-only bind mount (Linux, root or user namespaces)")
    shutil.rmtree(filled / "index")  # and its index must be rebuilt somewhere else
    mount = tmp_path / "stick"
    mount.mkdir()
    cli = f"'{sys.executable}' -m desktop --library '{mount}'"
    script = (
        f"mount --bind '{filled}' '{mount}' && mount -o remount,bind,ro '{mount}' || exit 99\n"
        f"{cli} search ferry; echo search=$?\n"
        f"{cli} show 1 >/dev/null; echo show=$?\n"
        f"{cli} tag add 1 kept; echo tag=$?\n"
        f"{cli} doctor; echo doctor=$?\n"
    )
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        cwd=crashkit.PROJECT,
        capture_output=True,
        text=True,
        env=crashkit.child_env(),
        timeout=120,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "search=0" in out and "show=0" in out and "doctor=0" in out, out
    assert "The ferry question, part 0" in out
    assert "tag=1" in out and "read-only" in out and "is on a read-only disk" in out, out
    assert not (filled / "index").exists()
