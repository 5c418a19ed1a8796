"""Single-file formats beyond saved pages: Safari web archives, Markdown clippings and PDFs printed from a browser."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from indexer.ingest.read import read_saved
from indexer.library import Library
from indexer.model import ImportFailure
from tests import formats_kit as kit
from tests.pages import LOREM, article_html


def import_file(lib: Library, path: Path) -> int:
    report = lib.import_paths([path], workers=1)
    assert report.ok, report.outcomes
    [outcome] = report.of("imported")
    assert outcome.id is not None
    return outcome.id


# -- Safari web archives ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["binary", "xml"])
def test_a_safari_web_archive_gives_its_page_url_and_images(tmp_path: Path, fmt: str) -> None:
    page = article_html(extra_body='<figure><img src="/img/quay.png" alt=""><figcaption>The quay</figcaption></figure>')
    images = {"https://harbour-ledger.example/img/quay.png": kit.PNG}
    path = tmp_path / "ferry.webarchive"
    path.write_bytes(kit.webarchive(page.encode(), kit.STORY_URL, images=images, fmt=fmt))
    with Library(tmp_path / "lib") as lib:
        a = lib.article(import_file(lib, path))
        assert a is not None and a.title == "Council extends winter ferry service"
        assert a.url == kit.STORY_URL and a.origin == "web archive"
        assert [x.name for x in a.authors] == ["Maren Holt"]
        assert 'src="files/' in a.reader_html


def test_a_web_archive_names_its_text_encoding(tmp_path: Path) -> None:
    page = article_html(title="Überfahrt im Winter", paragraphs=[p.replace("the", "die Fähre") for p in LOREM])
    data = kit.webarchive(
        page.replace('<meta charset="utf-8">', "").encode("cp1252"), kit.STORY_URL, encoding="windows-1252"
    )
    saved = read_saved(data, "a.webarchive")
    assert saved.charset == "windows-1252" and saved.format == "webarchive"


@pytest.mark.parametrize("kind", ["xml", "binary"])
def test_a_web_archive_nested_500_deep_is_refused_in_one_line(kind: str) -> None:
    data = kit.deep_webarchive_xml(500) if kind == "xml" else kit.deep_webarchive_binary(500)
    if kind == "binary":
        assert isinstance(plistlib.loads(kit.deep_webarchive_binary(3)), dict)  # a well-formed property list
    with pytest.raises(ImportFailure, match="nest") as refused:
        read_saved(data, "deep.webarchive")
    assert "\n" not in str(refused.value)


# -- Markdown clippings -----------------------------------------------------------------------------------

FRONT = """
title: "Council extends winter ferry service"
source: "https://harbour-ledger.example/news/ferry-winter"
author:
  - "[[Maren Holt]]"
  - "[[Ola Strand|O. Strand]]"
published: 2024-11-05
created: 2024-11-06T08:00:00+01:00
tags:
  - clippings
  - "#transport"
"""


def test_a_clipping_takes_its_front_matter_and_shows_rendered_markdown(tmp_path: Path) -> None:
    path = tmp_path / "Council extends winter ferry service.md"
    path.write_text(kit.clipping(FRONT), encoding="utf-8")
    with Library(tmp_path / "lib") as lib:
        a = lib.article(import_file(lib, path))
        assert a is not None
        assert a.title == "Council extends winter ferry service"
        assert a.url == kit.STORY_URL and a.published == "2024-11-05"
        assert a.saved_at == "2024-11-06T08:00:00+01:00"
        assert [x.name for x in a.authors] == ["Maren Holt", "O. Strand"]
        assert a.tags == ["clippings", "transport"] and a.origin == "clipping"
        assert "<h2>What comes next</h2>" in a.reader_html and "<h1>" not in a.reader_html
        for syntax in ("##", "- [x]", "[[", "---", "title:"):
            assert syntax not in a.text
        assert "What comes next" in a.text
        [hit] = lib.search("tag:transport congested").hits
        snippet = lib.snippets("congested", [hit.id])[hit.id]
        assert "congested" in snippet and "#" not in snippet


def test_author_as_a_string_and_tags_as_words(tmp_path: Path) -> None:
    text = kit.clipping(
        'title: Ferry\nurl: https://harbour-ledger.example/f\nauthor: "Maren Holt, Ola Strand"\ntags: a b'
    )
    saved = read_saved(text.encode(), "ferry.md")
    assert saved.ready is not None
    assert [x.name for x in saved.ready.authors] == ["Maren Holt", "Ola Strand"]
    assert saved.tags == ("a", "b") and saved.url == "https://harbour-ledger.example/f"


def test_a_yaml_alias_bomb_is_refused_in_one_line() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    with pytest.raises(ImportFailure, match="aliases") as refused:
        read_saved(kit.clipping(bomb).encode(), "bomb.md")
    assert "\n" not in str(refused.value)


def test_a_markdown_file_without_front_matter_and_one_with_broken_yaml_still_import() -> None:
    plain = read_saved(("# Ferry notes\n\n" + "\n\n".join(LOREM)).encode(), "notes.md")
    assert plain.format == "markdown" and plain.ready is not None and plain.ready.title == "Ferry notes"
    broken = read_saved(kit.clipping("title: [unclosed\nauthor: : :").encode(), "broken.md")
    assert broken.format == "markdown" and broken.ready is not None
    assert broken.ready.title == "Council extends winter ferry service"  # from the first heading


def test_raw_html_in_a_clipping_is_shown_as_text_never_run(tmp_path: Path) -> None:
    body = "# Ferry\n\n" + LOREM[0] + "\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n"
    saved = read_saved(kit.clipping("title: Ferry", body).encode(), "x.md")
    assert saved.ready is not None and "<script" not in saved.ready.body_html


# -- PDFs printed from a browser ------------------------------------------------------------------------------


def test_a_printed_story_has_headline_byline_date_url_and_no_running_lines(tmp_path: Path) -> None:
    data = kit.browser_print()
    path = tmp_path / "Council extends winter ferry service.pdf"
    path.write_bytes(data)
    with Library(tmp_path / "lib") as lib:
        article_id = import_file(lib, path)
        a = lib.article(article_id)
        assert a is not None
        assert a.title == "Council extends winter ferry service"
        assert [x.name for x in a.authors] == ["Maren Holt"]
        assert a.published == "2024-11-05"
        assert a.url == kit.STORY_URL  # from the printed footer
        assert a.origin == "PDF"
        assert a.text.split("\n\n") == LOREM  # in reading order, lines joined into paragraphs
        for running in ("1/2", "2/2", "8:15 AM", "https://", "| The Harbour Ledger"):
            assert running not in a.text
        original = lib.original_path(article_id)
        assert original is not None and original.read_bytes() == data


def test_pdf_metadata_fills_in_what_the_page_does_not_say(tmp_path: Path) -> None:
    lines = [(50.0, 780.0 - 14 * i, 11.0, line) for i, line in enumerate(kit._wrap(" ".join(LOREM)))]
    data = kit.pdf(
        [lines], {"Title": "Winter ferry timetable", "Author": "Maren Holt", "CreationDate": "D:20241105093000Z"}
    )
    saved = read_saved(data, "scan.pdf")
    assert saved.ready is not None
    assert saved.ready.title == "Winter ferry timetable"
    assert [x.name for x in saved.ready.authors] == ["Maren Holt"]
    assert saved.ready.published == "2024-11-05T09:30:00+00:00"


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_a_truncated_pdf_is_refused_in_one_line(cut: float) -> None:
    data = kit.browser_print()
    with pytest.raises(ImportFailure) as refused:
        read_saved(data[: int(len(data) * cut)], "cut.pdf")
    assert "PDF" in str(refused.value) and "\n" not in str(refused.value)


def test_a_pdf_whose_stream_unpacks_to_100_mb_is_refused_in_one_line() -> None:
    with pytest.raises(ImportFailure, match="75 MB") as refused:
        read_saved(kit.pdf_bomb(), "bomb.pdf")
    assert "\n" not in str(refused.value)
