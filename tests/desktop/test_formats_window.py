"""The new formats in the window: chosen or dropped, reported by container, and the reader says where each came from."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

from desktop.dialogs.import_report import ImportReportDialog, report_html
from desktop.importing import IMPORT_FILTER
from desktop.panes.reader import ReaderView
from indexer.library import Library
from tests import formats_kit as kit
from tests.desktop.test_window import _drop
from tests.pages import article_html

PATTERNS = ("*.warc", "*.gz", "*.wacz", "*.webarchive", "*.eml", "*.mbox", "*.md", "*.pdf", "*.json", "*.csv")


def test_the_file_chooser_offers_every_format() -> None:
    first = IMPORT_FILTER.split(";;")[0]
    for pattern in (*PATTERNS, "*.html", "*.mhtml", "*.txt", "*.zip"):
        assert pattern in first
    assert IMPORT_FILTER.endswith("All files (*)")


def test_dropped_web_archive_pdf_and_newsletter_import_and_the_report_groups_by_container(
    qtbot,
    window,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    folder = tmp_path / "dropped"
    folder.mkdir()
    warc = kit.warc_file(
        folder / "crawl.warc.gz",
        [
            {"url": kit.STORY_URL, "body": article_html().encode()},
            {"url": "https://harbour-ledger.example/a.png", "body": kit.PNG, "content_type": "image/png"},
            {"url": "https://harbour-ledger.example/b.png", "body": kit.PNG, "content_type": "image/png"},
            {"url": "https://harbour-ledger.example/gone", "body": b"<html>x</html>", "status": "404 Not Found"},
        ],
    )
    pdf = folder / "printed.pdf"
    pdf.write_bytes(kit.browser_print())
    mail = folder / "letter.eml"
    mail.write_bytes(kit.newsletter())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (warc, pdf, mail)])
    before = window.flow.searches_done
    assert _drop(window, mime)
    qtbot.waitUntil(lambda: not window.imports.running and window.flow.searches_done > before)
    dialog = window.imports.reports[-1]
    report = dialog.report
    # The printed PDF is the same story as the archived page: one article, the other a duplicate.
    assert len(report.of("imported")) == 2 and len(report.of("duplicate")) == 1, report.outcomes
    text = dialog.body.toPlainText()
    assert "crawl.warc.gz: 1 article, 3 skipped: 2 not HTML, 1 error page" in text


def test_the_report_lists_link_only_entries_apart(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    export = tmp_path / "pocket.csv"
    export.write_bytes(kit.pocket_csv([{"title": "Ferry", "url": kit.STORY_URL, "time_added": "1730800000"}]))
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([export], workers=1)
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    assert "1 saved as links only" in dialog.summary.text()
    assert "Saved as links only (1)" in report_html(report)
    assert "pocket.csv: 0 articles, 1 link-only entry" in dialog.body.toPlainText()


def test_the_reader_says_where_an_article_came_from(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    files = {
        "crawl.warc.gz": None,
        "letter.eml": kit.newsletter(),
        "printed.pdf": kit.browser_print(),
        "clip.md": kit.clipping("title: Clipped ferry story\ncreated: 2024-11-07").encode(),
        "pocket.csv": kit.pocket_csv([{"title": "Linked", "url": "https://x.example/l", "time_added": "1730800000"}]),
    }
    kit.warc_file(
        tmp_path / "crawl.warc.gz",
        [
            {
                "url": "https://harbour-ledger.example/s",
                "body": article_html(
                    title="Seawall holds",
                    paragraphs=["The seawall held against the tide on every night of the storm."] * 4,
                ).encode(),
                "date": "2024-11-06T08:15:00Z",
            }
        ],
    )
    for name, data in files.items():
        if data is not None:
            (tmp_path / name).write_bytes(data)
    view = ReaderView()
    qtbot.addWidget(view)
    with Library(tmp_path / "lib") as lib:
        view.library_folder = lib.folder
        report = lib.import_paths([tmp_path / name for name in files], workers=1)
        seen = {}
        for outcome in report.outcomes:
            if outcome.id is None:
                continue
            record = lib.article(outcome.id)
            assert record is not None
            view.show_article(record, [])
            seen[Path(outcome.container or outcome.path).name] = view.document().toPlainText()
    assert "From a web archive, saved 2024-11-06" in seen["crawl.warc.gz"]
    assert "From a newsletter" in seen["letter.eml"]
    assert "From a PDF" in seen["printed.pdf"]
    assert "From a clipping, saved 2024-11-07" in seen["clip.md"]
    assert "only the link was saved" in seen["pocket.csv"] and "https://x.example/l" in seen["pocket.csv"]
