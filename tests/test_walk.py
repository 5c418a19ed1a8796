"""The walk stage: what a dropped set of files, folders and zips turns into."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from indexer.ingest.walk import Refused, Source, walk


def _displays(items: list) -> list[str]:
    return [Path(i.display).name if isinstance(i, Source) and i.entry is None else i.display for i in items]


def test_folder_is_walked_recursively_in_name_order_skipping_hidden_and_system_files(tmp_path: Path) -> None:
    (tmp_path / "b.html").write_text("<p>b</p>")
    (tmp_path / "A.txt").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.mhtml").write_text("c")
    (tmp_path / ".hidden.html").write_text("x")
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.html").write_text("x")
    items = list(walk([tmp_path]))
    assert all(isinstance(i, Source) for i in items)
    assert [Path(i.path).name for i in items] == ["A.txt", "b.html", "c.mhtml"]


def test_web_page_complete_resource_folder_is_not_walked_but_readable_as_siblings(tmp_path: Path) -> None:
    (tmp_path / "story.html").write_text('<img src="story_files/pic.png">')
    (tmp_path / "story_files").mkdir()
    (tmp_path / "story_files" / "pic.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "other_files").mkdir()  # no other.html beside it: an ordinary folder
    (tmp_path / "other_files" / "note.txt").write_text("note")
    items = list(walk([tmp_path]))
    assert sorted(Path(i.path).name for i in items) == ["note.txt", "story.html"]
    page = next(i for i in items if i.name == "story.html")
    assert page.sibling("story_files/pic.png") == b"\x89PNG fake"
    assert page.sibling("../outside.txt") is None
    assert page.sibling("/etc/passwd") is None
    assert page.sibling("story_files/missing.png") is None


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_symlink_loops_end(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text("<p>x</p>")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    items = list(walk([tmp_path]))
    assert [Path(i.path).name for i in items] == ["page.html"]


def test_missing_path_is_refused_with_a_reason(tmp_path: Path) -> None:
    (item,) = list(walk([tmp_path / "nope.html"]))
    assert isinstance(item, Refused) and "no such file" in item.reason


def test_zip_entries_are_reported_as_archive_slash_entry(tmp_path: Path) -> None:
    archive = tmp_path / "saved.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("one.html", "<p>one</p>")
        z.writestr("dir/two.txt", "two")
        z.writestr("dir/", "")
        z.writestr("__MACOSX/._one.html", "junk")
    items = list(walk([archive]))
    assert [i.display for i in items] == [f"{archive}/dir/two.txt", f"{archive}/one.html"]
    assert items[1].read() == b"<p>one</p>"


def test_zip_slip_entries_are_refused_and_the_rest_goes_on(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../escape.html", "<p>x</p>")
        z.writestr("/abs.html", "<p>x</p>")
        z.writestr("fine.html", "<p>fine</p>")
    items = list(walk([archive]))
    refused = [i for i in items if isinstance(i, Refused)]
    assert len(refused) == 2 and all("unsafe path" in r.reason for r in refused)
    assert [i.entry for i in items if isinstance(i, Source)] == ["fine.html"]


def test_zip_bomb_entry_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.html", b"\0" * (50 * 1024 * 1024))
        z.writestr("ok.txt", "a normal page of text " * 20)
    items = {i.display.rsplit("/", 1)[-1]: i for i in walk([archive])}
    assert isinstance(items["bomb.html"], Refused) and "zip bomb" in items["bomb.html"].reason
    assert isinstance(items["ok.txt"], Source)


def test_web_page_complete_inside_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "pages.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("news/story.html", '<img src="story_files/a.png">')
        z.writestr("news/story_files/a.png", b"PNGDATA")
    (page,) = list(walk([archive]))
    assert page.entry == "news/story.html"
    assert page.sibling("story_files/a.png") == b"PNGDATA"
    assert page.sibling("../story.html") is None


def test_damaged_zip_is_refused_with_a_reason(tmp_path: Path) -> None:
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")
    (item,) = list(walk([archive]))
    assert isinstance(item, Refused) and "zip" in item.reason
