"""Web archives: WARC (gzipped or not) and WACZ files import their HTML pages, with URL, date and images."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from indexer.library import Library
from tests import formats_kit as kit
from tests.pages import article_html

CRAWL_DATE = "2024-11-06T08:15:00Z"


def crawl_records() -> list[dict]:
    page = article_html(
        extra_body='<figure><img src="/img/ferry.png" alt=""><figcaption>The ferry</figcaption></figure>'
    )
    # Only the HTTP header names the charset; the page itself declares none.
    cyrillic = (
        "<html><head><title>Пором</title></head><body><article><h1>Пором курсуватиме взимку</h1>"
        + "".join(f"<p>{'Міська рада продовжила зимовий розклад порома до лютого. ' * 4}{n}</p>" for n in range(4))
        + "</article></body></html>"
    ).encode("cp1251")
    squeezed = article_html(
        title="Seawall holds against the king tide",
        url="https://harbour-ledger.example/seawall",
        paragraphs=[f"The new seawall held through the king tide on night {n}, engineers said." * 3 for n in range(4)],
    )
    notes = article_html(
        title="Harbour notes kept as a resource",
        url=None,
        paragraphs=[
            f"Notes from the harbour master, entry {n}, on moorings and the dredging plan." * 3 for n in range(4)
        ],
    )
    return [
        {"type": "request", "url": kit.STORY_URL, "body": b""},
        {"url": kit.STORY_URL, "body": page.encode(), "date": CRAWL_DATE},
        {"url": "https://harbour-ledger.example/img/ferry.png", "body": kit.PNG, "content_type": "image/png"},
        {"url": "https://harbour-ledger.example/style.css", "body": b"body{}", "content_type": "text/css"},
        {"url": "https://harbour-ledger.example/gone", "body": b"<html>Not found</html>", "status": "404 Not Found"},
        {"url": "https://harbour-ledger.example/old", "body": b"", "status": "301 Moved Permanently"},
        {"type": "revisit", "url": kit.STORY_URL, "body": b""},
        {
            "url": "https://harbour-ledger.example/uk/porom",
            "body": cyrillic,
            "content_type": "text/html; charset=windows-1251",
        },
        {
            "url": "https://harbour-ledger.example/seawall",
            "body": kit.chunked(gzip.compress(squeezed.encode())),
            "headers": [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
        },
        {"type": "resource", "url": "https://harbour-ledger.example/notes.html", "body": notes.encode()},
    ]


def test_a_warc_imports_each_html_page_with_url_date_and_images(tmp_path: Path) -> None:
    warc = kit.warc_file(tmp_path / "crawl.warc.gz", crawl_records())
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([warc], workers=1)
        assert report.ok
        imported = {o.path: o for o in report.of("imported")}
        assert set(imported) == {
            f"{warc}/{kit.STORY_URL}",
            f"{warc}/https://harbour-ledger.example/uk/porom",
            f"{warc}/https://harbour-ledger.example/seawall",
            f"{warc}/https://harbour-ledger.example/notes.html",
        }
        ferry = lib.article(imported[f"{warc}/{kit.STORY_URL}"].id)  # type: ignore[arg-type]
        assert ferry is not None
        assert ferry.title == "Council extends winter ferry service"
        assert ferry.url == kit.STORY_URL and ferry.saved_at == "2024-11-06T08:15:00+00:00"
        assert [a.name for a in ferry.authors] == ["Maren Holt"] and ferry.source == "The Harbour Ledger"
        assert ferry.origin == "web archive"
        # The image came from the same archive and is shown from the library.
        assert 'src="files/' in ferry.reader_html and "harbour-ledger.example/img" not in ferry.reader_html
        cyrillic = lib.article(imported[f"{warc}/https://harbour-ledger.example/uk/porom"].id)  # type: ignore[arg-type]
        assert cyrillic is not None and "Міська рада" in cyrillic.text
        seawall = lib.article(imported[f"{warc}/https://harbour-ledger.example/seawall"].id)  # type: ignore[arg-type]
        assert seawall is not None and seawall.title == "Seawall holds against the king tide"
        assert "held through the king tide" in seawall.text
        [summary] = report.containers()
        assert summary.articles == 4
        assert summary.skipped == {"not HTML": 2, "request": 1, "error page": 1, "redirect": 1, "revisit": 1}
        assert summary.line("crawl.warc.gz") == (
            "crawl.warc.gz: 4 articles, 6 skipped: 2 not HTML, 1 request, 1 error page, 1 redirect, 1 revisit"
        )
        assert [h.id for h in lib.search("ferry service winter").hits][:1] == [ferry.id]


def test_an_uncompressed_warc_and_a_wacz_give_the_same_pages(tmp_path: Path) -> None:
    plain = kit.warc_file(tmp_path / "plain.warc", crawl_records(), compress=False)
    packed = kit.wacz_file(tmp_path / "crawl.wacz", kit.warc_file(tmp_path / "data.warc.gz", crawl_records()))
    with Library(tmp_path / "lib") as lib:
        first = lib.import_paths([plain], workers=1)
        assert len(first.of("imported")) == 4 and first.ok
        second = lib.import_paths([packed], workers=1)
        # The same pages again, from the package: recognised as already in the archive.
        assert len(second.of("duplicate")) == 4 and not second.of("imported")
        assert all(o.path.startswith(f"{packed}/https://") for o in second.of("duplicate"))
        assert lib.count() == 4


def test_the_same_story_from_a_warc_and_from_a_saved_page_is_one_article(tmp_path: Path) -> None:
    page = tmp_path / "saved" / "ferry.html"
    page.parent.mkdir()
    page.write_text(article_html(), encoding="utf-8")
    warc = kit.warc_file(tmp_path / "crawl.warc.gz", [{"url": kit.STORY_URL, "body": article_html().encode()}])
    with Library(tmp_path / "lib") as lib:
        saved = lib.import_paths([page], workers=1)
        [article] = saved.of("imported")
        archived = lib.import_paths([warc], workers=1)
        [duplicate] = archived.of("duplicate")
        assert duplicate.id == article.id and lib.count() == 1


def test_a_gzip_bomb_in_a_record_is_refused_in_one_line(tmp_path: Path) -> None:
    bomb = gzip.compress(b"<html><body><p>" + b"a" * (64 * 1024 * 1024) + b"</p></body></html>", 9)
    warc = kit.warc_file(
        tmp_path / "bomb.warc.gz",
        [
            {"url": "https://bomb.example/", "body": bomb, "headers": [("Content-Encoding", "gzip")]},
            {"url": kit.STORY_URL, "body": article_html().encode()},
        ],
    )
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([warc], workers=1)
        [failed] = report.of("failed")
        assert failed.path == f"{warc}/https://bomb.example/"
        assert "gzip bomb" in (failed.error or "") and "\n" not in (failed.error or "")
        assert len(report.of("imported")) == 1


def test_a_truncated_warc_keeps_the_pages_before_the_damage(tmp_path: Path) -> None:
    whole = kit.warc_file(tmp_path / "whole.warc", crawl_records(), compress=False).read_bytes()
    cut = tmp_path / "cut.warc"
    marker = whole.index(b"https://harbour-ledger.example/seawall")
    cut.write_bytes(whole[: marker + 400])
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([cut], workers=1)
        assert {o.path for o in report.of("imported")} >= {f"{cut}/{kit.STORY_URL}"}
        assert all("\n" not in (o.error or "") for o in report.of("failed"))


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.bin"])
def test_web_archives_are_known_by_content_not_name(tmp_path: Path, name: str) -> None:
    warc = kit.warc_file(tmp_path / name, [{"url": kit.STORY_URL, "body": article_html().encode()}])
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([warc], workers=1)
        assert [o.path for o in report.of("imported")] == [f"{warc}/{kit.STORY_URL}"]
