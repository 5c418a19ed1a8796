"""Deleting articles and renaming (or merging) authors: through the facade and the CLI, and after a crash."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from indexer import Library, LibraryError
from tests.cli import run
from tests.pages import LOREM, article_html, write

PROJECT = Path(__file__).resolve().parents[1]
BIO = "Ilse Varga writes about numbers."


def png(green: int) -> bytes:
    """A real 1x1 PNG; its bytes depend on `green`."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes([0, 0, green, 0])))


def figure(page: str) -> str:
    return f'<figure><img src="{page}_files/dawn.png" alt="Dawn"><figcaption>First crossing</figcaption></figure>'


def write_pages(folder: Path) -> dict[str, Path]:
    """Four stories: a ferry story with a photo, its later version (same photo), a bridge story, a joint one."""
    for page in ("a-ferry", "c-ferry-update"):
        (folder / f"{page}_files").mkdir(parents=True)
        (folder / f"{page}_files" / "dawn.png").write_bytes(png(120))
    pages = {
        "ferry": write(folder / "a-ferry.html", article_html(extra_body=figure("a-ferry"))),
        "bridge": write(
            folder / "b-bridge.html",
            article_html(
                title="Old swing bridge to reopen in spring",
                site="Northfield Courier",
                authors=[{"name": "Tomas Reyes", "jobTitle": "City Editor"}],
                url="https://courier.example/bridge",
                paragraphs=[p.replace("ferry", "bridge") for p in LOREM],
            ),
        ),
        "update": write(
            folder / "c-ferry-update.html",
            article_html(
                paragraphs=[*LOREM, "Update: the council confirmed the new timetable on Friday evening."],
                extra_body=figure("c-ferry-update"),
            ),
        ),
        "joint": write(
            folder / "d-joint.html",
            article_html(
                title="Harbour board publishes its accounts",
                authors=[
                    {"name": "Ilse Varga", "jobTitle": "Data Editor", "description": BIO},
                    {"name": "Maren Holt"},
                ],
                url="https://harbour-ledger.example/news/accounts",
                paragraphs=[p.replace("council", "harbour board").replace("ferry", "ledger") for p in LOREM],
            ),
        ),
    }
    return pages


@pytest.fixture()
def library(library_dir: Path, tmp_path: Path):
    pages = write_pages(tmp_path / "in")
    lib = Library(library_dir)
    report = lib.import_paths(pages.values(), workers=1)
    assert report.ok and len(report.of("imported")) == 4, report
    lib.ids = {name: next(o.id for o in report.outcomes if Path(o.path) == path) for name, path in pages.items()}
    yield lib
    lib.close()


def index_write_dies(*args: object, **kwargs: object) -> None:
    """Stands in for an index write in a process that dies between the database commit and the index."""
    raise RuntimeError("the index write died")


def found(lib: Library, query: str) -> set[int]:
    return {h.id for h in lib.search(query, limit=100).hits}


def blob_path(lib: Library, record_path: str | None) -> Path:
    assert record_path is not None
    return lib.folder / record_path


def resource_blobs(lib: Library, article: int) -> set[str]:
    return {r[0] for r in lib.db.query("SELECT sha256 FROM article_files WHERE article_id = ?", (article,))}


# -- deleting -------------------------------------------------------------------------------------------


def test_delete_removes_the_article_its_links_unused_author_source_and_files(library: Library) -> None:
    bridge = library.ids["bridge"]
    library.tag(bridge, ["bridges"])
    original = blob_path(library, library.article(bridge).original)
    assert original.is_file()

    assert library.delete_articles([bridge]) == 1

    assert library.article(bridge) is None
    assert library.count() == 3
    assert found(library, "swing bridge") == set()
    assert found(library, "tag:bridges") == set()
    assert library.author("Tomas Reyes") is None
    assert "Northfield Courier" not in dict(library.sources())
    assert "bridges" not in [name for name, _a, _b in library.tags()]
    assert not original.exists()
    assert library.db.scalar("SELECT COUNT(*) FROM index_pending") == 0
    # What was imported stays in the import history, no longer pointing at an article.
    logged = [r for r in library.import_log() if Path(r["path"]).name == "b-bridge.html"]
    assert logged and logged[0]["article_id"] is None
    assert library.doctor() == []


def test_delete_keeps_shared_files_and_later_versions(library: Library) -> None:
    ferry, update = library.ids["ferry"], library.ids["update"]
    assert library.article(update).previous_version == ferry
    shared = resource_blobs(library, ferry)
    assert shared and shared == resource_blobs(library, update)  # the same photo, stored once
    original = blob_path(library, library.article(ferry).original)

    assert library.delete_articles([ferry]) == 1

    later = library.article(update)
    assert later is not None and later.previous_version is None
    assert not original.exists()
    assert all(library.files.has(b) for b in shared)
    assert library.author("Maren Holt").articles == 2  # the update and the joint story
    assert found(library, "ferry") == {update}

    # Deleting the later version too: now nothing uses the photo.
    assert library.delete_articles([update]) == 1
    assert not any(library.files.has(b) for b in shared)
    assert library.doctor() == []


@pytest.mark.parametrize("keep", ["followed", "tagged"])
def test_an_author_the_user_follows_or_tagged_stays_without_articles(library: Library, keep: str) -> None:
    if keep == "followed":
        library.bookmark_author("Tomas Reyes")
    else:
        library.tag_author("Tomas Reyes", ["city hall"])
    library.delete_articles([library.ids["bridge"]])
    author = library.author("Tomas Reyes")
    assert author is not None and author.articles == 0
    assert author.role == "City Editor"
    assert (author.bookmarked, author.tags) == ((True, []) if keep == "followed" else (False, ["city hall"]))
    assert library.doctor() == []


def test_unknown_and_repeated_ids_are_passed_over(library: Library) -> None:
    ferry = library.ids["ferry"]
    assert library.delete_articles([]) == 0
    assert library.delete_articles([987654]) == 0
    assert library.delete_articles([ferry, ferry, 987654]) == 1
    assert library.delete_articles([ferry]) == 0
    assert library.count() == 3


def test_deleting_everything_leaves_an_empty_healthy_library(library: Library) -> None:
    assert library.delete_articles(list(library.ids.values())) == 4
    assert library.count() == 0
    assert library.authors() == [] and library.sources() == []
    assert list(library.files.all_blobs()) == []
    assert library.search("", limit=10).total == 0
    assert library.doctor() == []


def test_a_crash_between_the_database_and_the_index_is_caught_up_on_open(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    bridge = library.ids["bridge"]

    monkeypatch.setattr(library.index, "delete", index_write_dies)
    with pytest.raises(RuntimeError):
        library.delete_articles([bridge])
    assert library.article(bridge) is None  # the database change is committed
    assert found(library, "swing bridge") == {bridge}  # the index still holds it
    assert library.db.scalar("SELECT COUNT(*) FROM index_pending") == 1
    monkeypatch.undo()
    library.close()

    with Library(library.folder) as again:
        assert again.repairs, "the open should say it repaired the index"
        assert not [r for r in again.repairs if "rebuilt" in r], again.repairs  # caught up, not rebuilt
        assert found(again, "swing bridge") == set()
        assert again.search("", limit=10).total == 3
        assert again.db.scalar("SELECT COUNT(*) FROM index_pending") == 0
        assert again.doctor() == []


def test_a_tag_change_cut_short_is_caught_up_on_open_without_a_rebuild(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    bridge = library.ids["bridge"]

    monkeypatch.setattr(library.index, "update", index_write_dies)
    with pytest.raises(RuntimeError):
        library.tag(bridge, ["infrastructure"])
    assert found(library, "tag:infrastructure") == set()  # only the database has it
    monkeypatch.undo()
    library.close()

    with Library(library.folder) as again:
        assert not [r for r in again.repairs if "rebuilt" in r], again.repairs
        assert any("up to date" in r for r in again.repairs), again.repairs
        assert found(again, "tag:infrastructure") == {bridge}
        assert again.search("", limit=10).total == 4
        assert again.doctor() == []


def test_bookmarks_and_author_tags_cut_short_are_caught_up_without_touching_the_rest_of_the_index(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    bridge = library.ids["bridge"]
    author = library.article(bridge).authors[0].name
    live = (library.folder / "index" / "CURRENT").read_text()
    before = {leaf[0].segment().segment_id() for leaf in library.index._snap.leaves}

    monkeypatch.setattr(library.index, "update", index_write_dies)
    with pytest.raises(RuntimeError):
        library.bookmark(bridge)
    with pytest.raises(RuntimeError):
        library.tag_author(author, ["beat/transport"])
    pending = library.db.scalar("SELECT COUNT(*) FROM index_pending")
    assert pending >= 1
    monkeypatch.undo()
    library.close()

    with Library(library.folder) as again:
        assert not [r for r in again.repairs if "rebuilt" in r], again.repairs
        assert any(f"{pending} article(s) up to date" in r for r in again.repairs), again.repairs
        # The same index folder, its segments all still there: only the owed articles were written.
        assert (again.folder / "index" / "CURRENT").read_text() == live
        after = {leaf[0].segment().segment_id() for leaf in again.index._snap.leaves}
        assert before <= after and len(after - before) == 1
        assert bridge in found(again, "tag:beat/transport")
        assert again.db.scalar("SELECT COUNT(*) FROM index_pending") == 0
        assert again.doctor() == []


def test_a_crash_between_the_commit_and_the_file_removal_leaves_orphans_the_next_open_sweeps(
    library: Library,
) -> None:
    bridge = library.ids["bridge"]
    original = blob_path(library, library.article(bridge).original)
    library.close()
    # A real process killed at the moment it starts removing files, after the database committed.
    script = textwrap.dedent(
        f"""
        import os
        from indexer import Library
        lib = Library({str(library.folder)!r})
        lib.files.remove = lambda sha256: os._exit(9)
        lib.delete_articles([{bridge}])
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert killed.returncode == 9, killed.stderr
    assert original.exists()  # the orphan

    with Library(library.folder) as again:
        assert again.article(bridge) is None
        assert not original.exists()
        assert any("interrupted import or deletion" in r for r in again.repairs), again.repairs
        assert found(again, "swing bridge") == set()
        assert again.doctor() == []
        assert again.count() == 3


def test_files_stay_while_an_import_runs_and_go_on_a_later_open(library: Library) -> None:
    from indexer.store import markers

    bridge = library.ids["bridge"]
    original = blob_path(library, library.article(bridge).original)
    with markers.running(library.folder, "import"):  # as another process's running import holds it
        library.delete_articles([bridge])
        assert original.exists()
    library.close()
    with Library(library.folder) as again:
        assert not original.exists()
        assert again.doctor() == []


def test_a_read_only_library_refuses_deletes_and_renames(library: Library) -> None:
    library.close()
    with Library(library.folder, read_only=True) as ro:
        with pytest.raises(LibraryError, match="read-only"):
            ro.delete_articles([library.ids["ferry"]])
        with pytest.raises(LibraryError, match="read-only"):
            ro.rename_author("Maren Holt", "Maren Holt-Berg")
        assert ro.count() == 4


# -- renaming and merging authors -----------------------------------------------------------------------


def test_rename_changes_the_byline_and_the_author_search(library: Library) -> None:
    bridge = library.ids["bridge"]
    assert found(library, "author:reyes") == {bridge}
    record = library.rename_author("tomas reyes", "  Tomasz   Rey ")
    assert (record.name, record.role, record.articles) == ("Tomasz Rey", "City Editor", 1)
    assert [a.name for a in library.article(bridge).authors] == ["Tomasz Rey"]
    assert library.author("Tomas Reyes") is None
    assert found(library, "author:rey") == {bridge}
    assert found(library, 'author:"Tomasz Rey"') == {bridge}
    assert found(library, "author:reyes") == set()
    assert library.search("bridge", limit=5).facets["author"] == {"Tomasz Rey": 1}
    assert library.doctor() == []


def test_a_change_of_spelling_only_is_a_rename_not_a_merge(library: Library) -> None:
    before = library.author("Maren Holt")
    record = library.rename_author("Maren Holt", "MAREN HOLT")
    assert record.id == before.id and record.name == "MAREN HOLT" and record.articles == before.articles


def test_rename_into_an_existing_author_merges_them(library: Library) -> None:
    joint, ferry = library.ids["joint"], library.ids["ferry"]
    library.tag_author("Ilse Varga", ["economy"])
    library.bookmark_author("Ilse Varga")
    maren = library.author("Maren Holt")
    assert maren.bio is None and maren.role == "Transport Reporter"

    record = library.rename_author("Ilse Varga", "maren holt")

    assert record.id == maren.id and record.name == "Maren Holt"  # the existing author's spelling
    assert record.role == "Transport Reporter"  # kept
    assert record.bio == BIO  # taken from the merged author
    assert record.tags == ["economy"] and record.bookmarked
    assert record.articles == 3
    assert library.author("Ilse Varga") is None
    assert [a.name for a in library.article(joint).authors] == ["Maren Holt"]  # once, not twice
    assert found(library, "author:varga") == set()
    assert found(library, "author:holt") == {ferry, library.ids["update"], joint}
    # The merged author's tag reaches every article of the author it merged into.
    assert found(library, "tag:economy") == {ferry, library.ids["update"], joint}
    assert [a.name for a in library.bookmarked_authors()] == ["Maren Holt"]
    assert library.doctor() == []


def test_rename_errors_are_one_line(library: Library) -> None:
    with pytest.raises(LibraryError, match="no author named"):
        library.rename_author("Nobody Atall", "Somebody")
    with pytest.raises(LibraryError, match="not a usable author name"):
        library.rename_author("Maren Holt", " !! ")
    assert library.author("Maren Holt") is not None


# -- the command line -----------------------------------------------------------------------------------


@pytest.fixture()
def cli_library(library: Library) -> tuple[Path, dict[str, int]]:
    library.close()
    return library.folder, library.ids


def test_cli_delete_json_then_the_article_is_gone(cli_library: tuple[Path, dict[str, int]]) -> None:
    folder, ids = cli_library
    result = run(folder, "delete", str(ids["bridge"]), str(ids["joint"]), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["count"] == 2
    assert {d["id"]: d["title"] for d in data["deleted"]} == {
        ids["bridge"]: "Old swing bridge to reopen in spring",
        ids["joint"]: "Harbour board publishes its accounts",
    }
    shown = run(folder, "show", str(ids["bridge"]))
    assert shown.returncode == 1 and f"no article with id {ids['bridge']}" in shown.stderr
    listed = json.loads(run(folder, "list", "--json").stdout)
    assert sorted(r["id"] for r in listed) == sorted([ids["ferry"], ids["update"]])


def test_cli_delete_with_an_unknown_id_deletes_nothing(cli_library: tuple[Path, dict[str, int]]) -> None:
    folder, ids = cli_library
    result = run(folder, "delete", str(ids["ferry"]), "424242")
    assert result.returncode == 1
    assert result.stderr.strip() == "newsarchive: no article with id 424242; nothing deleted"
    assert "Traceback" not in result.stderr
    assert len(json.loads(run(folder, "list", "--json").stdout)) == 4

    usage = run(folder, "delete")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
    usage = run(folder, "delete", "seven")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_cli_author_rename_and_merge(cli_library: tuple[Path, dict[str, int]]) -> None:
    folder, ids = cli_library
    result = run(folder, "author", "rename", "Tomas Reyes", "Tomasz Rey")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Tomas Reyes renamed to Tomasz Rey (1 article(s))"
    hits = json.loads(run(folder, "search", "author:rey", "--json").stdout)["hits"]
    assert [(h["id"], h["authors"]) for h in hits] == [(ids["bridge"], ["Tomasz Rey"])]
    assert json.loads(run(folder, "search", "author:reyes", "--json").stdout)["total"] == 0

    merged = run(folder, "author", "rename", "Ilse Varga", "Maren Holt")
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.strip() == "Ilse Varga merged into Maren Holt (3 article(s))"

    unknown = run(folder, "author", "rename", "Nobody Atall", "X Y")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "newsarchive: no author named 'Nobody Atall'"
    usage = run(folder, "author", "rename", "Maren Holt")
    assert usage.returncode == 2 and "usage: author rename OLD NEW" in usage.stderr
