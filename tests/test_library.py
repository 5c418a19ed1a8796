"""Importing into a real library folder through the `Library` facade, and what the user gets back."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from indexer import Library, LibraryError
from tests.pages import LOREM, article_html, write


@pytest.fixture()
def library(library_dir: Path):
    lib = Library(library_dir)
    yield lib
    lib.close()


def test_imported_article_keeps_its_metadata_and_text(library: Library, tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "ferry.html", article_html())
    report = library.import_paths([page])
    assert report.ok and [o.status for o in report.outcomes] == ["imported"]
    record = library.article(report.outcomes[0].id)
    assert record.title == "Council extends winter ferry service"
    assert [(a.name, a.role) for a in record.authors] == [("Maren Holt", "Transport Reporter")]
    assert record.source == "The Harbour Ledger"
    assert record.url == "https://harbour-ledger.example/news/ferry-winter"
    assert record.published.startswith("2024-11-05")
    assert record.format == "html"
    assert record.text.split("\n\n") == LOREM
    assert "All rights reserved" not in record.text and "Sport" not in record.text


def test_library_layout_and_originals_survive_deleting_the_import(library: Library, tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "ferry.html", article_html())
    original = page.read_bytes()
    (outcome,) = library.import_paths([page]).outcomes
    page.unlink()
    folder = library.folder
    assert (folder / "library.sqlite3").is_file()
    assert (folder / "index").is_dir()
    stored = library.original_path(outcome.id)
    assert stored is not None and stored.parent.parent == folder / "files"
    assert stored.read_bytes() == original


def test_bad_inputs_get_one_line_reasons_and_the_batch_goes_on(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "a-good.html", article_html())
    write(folder / "empty.html", "")
    (folder / "binary.html").write_bytes(bytes(range(256)) * 40)
    (folder / "random.txt").write_bytes(os.urandom(4096))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(2000))
    write(folder / "menu-only.html", "<html><body><nav><a href='/'>Home</a><a href='/x'>World</a></nav></body></html>")
    write(folder / "z-good.txt", "Ferry news\n\n" + "\n\n".join(LOREM[::-1]) + "\n")
    report = library.import_paths([folder])
    by_name = {Path(o.path).name: o for o in report.outcomes}
    assert by_name["a-good.html"].status == "imported"
    assert by_name["z-good.txt"].status == "imported"
    for name in ("empty.html", "binary.html", "random.txt", "photo.jpg", "menu-only.html"):
        outcome = by_name[name]
        assert outcome.status == "failed", name
        assert outcome.error and "\n" not in outcome.error and len(outcome.error) < 300
    assert not report.ok
    assert library.count() == 2
    assert library.doctor() == []


def test_same_file_twice_is_a_duplicate_naming_the_first(library: Library, tmp_path: Path) -> None:
    page = write(tmp_path / "a.html", article_html())
    first = library.import_paths([page]).outcomes[0]
    copy = write(tmp_path / "renamed copy.html", page.read_text(encoding="utf-8"))
    again = library.import_paths([page, copy]).outcomes
    assert [(o.status, o.id) for o in again] == [("duplicate", first.id), ("duplicate", first.id)]
    assert library.count() == 1


def test_same_story_under_another_url_and_markup_is_a_duplicate(library: Library, tmp_path: Path) -> None:
    first = library.import_paths([write(tmp_path / "a.html", article_html())]).outcomes[0]
    other = article_html(url="https://harbour-ledger.example/amp/ferry-winter?utm_source=x", site="The Harbour Ledger")
    other = other.replace('<a href="/sport">Sport</a>', '<a href="/culture">Culture</a> <a href="/opinion">Opinion</a>')
    outcome = library.import_paths([write(tmp_path / "b.html", other)]).outcomes[0]
    assert (outcome.status, outcome.id) == ("duplicate", first.id)


def test_changed_story_at_the_same_url_is_a_new_version(library: Library, tmp_path: Path) -> None:
    first = library.import_paths([write(tmp_path / "v1.html", article_html())]).outcomes[0]
    updated = article_html(
        url="https://harbour-ledger.example/news/ferry-winter?utm_campaign=share#comments",
        paragraphs=[*LOREM, "Update: the council confirmed the timetable on Thursday evening after a second vote."],
    )
    second = library.import_paths([write(tmp_path / "v2.html", updated)]).outcomes[0]
    assert second.status == "imported" and second.id != first.id
    assert library.article(second.id).previous_version == first.id


def test_zip_import_reports_entries_as_archive_slash_entry(library: Library, tmp_path: Path) -> None:
    archive = tmp_path / "clips.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ferry.html", article_html())
        z.writestr("../evil.html", article_html(title="Evil"))
    report = library.import_paths([archive])
    statuses = {o.path: o.status for o in report.outcomes}
    assert statuses[f"{archive}/ferry.html"] == "imported"
    assert statuses[f"{archive}/../evil.html"] == "failed"


def test_tags_and_bookmarks_on_articles_and_authors(library: Library, tmp_path: Path) -> None:
    (outcome,) = library.import_paths([write(tmp_path / "a.html", article_html())]).outcomes
    article = outcome.id
    assert library.tag(article, ["Transport", "city/Harbour"]) == ["city/Harbour", "Transport"]
    assert library.tag(article, ["transport"]) == ["city/Harbour", "Transport"]  # case-insensitive
    library.bookmark(article)
    record = library.article(article)
    assert record.bookmarked and record.tags == ["city/Harbour", "Transport"]
    author = library.tag_author("maren holt", ["local"])
    assert author.name == "Maren Holt" and author.tags == ["local"]
    library.bookmark_author("Maren Holt")
    assert [a.name for a in library.bookmarked_authors()] == ["Maren Holt"]
    library.rename_tag("city", "places")
    assert library.article(article).tags == ["places/Harbour", "Transport"]
    library.rename_tag("Transport", "places/Harbour")  # into an existing tag: the two merge
    assert library.article(article).tags == ["places/Harbour"]
    library.tag(article, ["places/harbour"], remove=True)
    library.bookmark(article, on=False)
    record = library.article(article)
    assert record.tags == [] and not record.bookmarked
    with pytest.raises(LibraryError):
        library.tag(9999, ["x"])
    with pytest.raises(LibraryError):
        library.tag_author("Nobody At All", ["x"])


def test_tags_survive_reopening_the_library(library_dir: Path, tmp_path: Path) -> None:
    with Library(library_dir) as lib:
        (outcome,) = lib.import_paths([write(tmp_path / "a.html", article_html())]).outcomes
        lib.tag(outcome.id, ["kept"])
        lib.bookmark(outcome.id)
    with Library(library_dir) as lib:
        record = lib.article(outcome.id)
        assert record.tags == ["kept"] and record.bookmarked


def test_doctor_reports_a_missing_original(library: Library, tmp_path: Path) -> None:
    (outcome,) = library.import_paths([write(tmp_path / "a.html", article_html())]).outcomes
    assert library.doctor() == []
    library.original_path(outcome.id).unlink()
    problems = library.doctor()
    assert len(problems) == 1 and "missing or damaged" in problems[0]


def test_import_with_worker_processes_gives_the_same_articles(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for i in range(8):
        paragraphs = [f"Story number {i} begins with a distinct opening sentence about topic {i}.", *LOREM]
        write(folder / f"story-{i}.html", article_html(title=f"Story {i}", paragraphs=paragraphs, url=None))
    report = library.import_paths([folder], workers=2)
    assert [o.status for o in report.outcomes] == ["imported"] * 8
    titles = sorted(a.title for a in library.articles())
    assert titles == sorted(f"Story {i}" for i in range(8))


def test_searches_answer_while_an_import_runs(library: Library, tmp_path: Path) -> None:
    # Another thread searches the library the whole time an import of 12 stories runs: every search
    # answers, never fewer stories than the one before, and each found story is whole in the library.
    import threading

    folder = tmp_path / "batch"
    for i in range(12):
        paragraphs = [f"Harbour dispatch {i}: the ferry pier reopened after repairs to berth {i}.", *LOREM]
        write(folder / f"dispatch-{i}.html", article_html(title=f"Dispatch {i}", paragraphs=paragraphs, url=None))
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()
    answered = threading.Semaphore(0)

    def search_all_the_time() -> None:
        while not done.is_set():
            try:
                results = library.search("harbour ferry")
                for hit in results.hits:
                    assert library.article(hit.id).title.startswith("Dispatch ")
                seen.append(results.total)
            except BaseException as e:  # noqa: BLE001 - reported by the test below
                errors.append(e)
                return
            finally:
                answered.release()

    def after_each_article(progress: object) -> None:
        # The import goes on only once a search has answered since its last article: searches are
        # interleaved with the whole import however fast either side runs.
        assert answered.acquire(timeout=60)

    searcher = threading.Thread(target=search_all_the_time)
    searcher.start()
    try:
        report = library.import_paths([folder], workers=1, progress=after_each_article)
    finally:
        done.set()
        searcher.join()
    assert errors == []
    assert [o.status for o in report.outcomes] == ["imported"] * 12
    assert len(seen) >= 12 and seen == sorted(seen)  # searched throughout, and never went back
    assert library.search("harbour ferry").total == 12
