"""The reader shows library files only: nothing from the network, ever."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from desktop.panes.reader import ReaderView, library_file
from indexer.model import ArticleRecord

IMAGE = QTextDocument.ResourceType.ImageResource.value


def record(html: str) -> ArticleRecord:
    return ArticleRecord(
        id=1,
        title="A title",
        authors=[],
        source="Source",
        url="https://news.example/a",
        published="2024-01-02",
        modified=None,
        saved_at=None,
        imported_at="2024-01-03T00:00:00+00:00",
        language="en",
        format="html",
        text="Body text",
        reader_html=html,
        lead_image_caption=None,
        word_count=2,
    )


def png(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(0x336699)
    assert image.save(str(path), "PNG")
    return path


def test_load_resource_refuses_remote_urls(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.library_folder = tmp_path
    for url in ("http://example.com/a.png", "https://example.com/a.png", "ftp://example.com/a", "//example.com/x.png"):
        assert reader.loadResource(IMAGE, QUrl(url)) is None
    assert len(reader.refused) == 4


def test_load_resource_refuses_files_outside_the_library(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    outside = png(tmp_path / "elsewhere" / "secret.png")
    library = tmp_path / "library"
    library.mkdir()
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.library_folder = library
    assert reader.loadResource(IMAGE, QUrl.fromLocalFile(str(outside))) is None
    assert reader.loadResource(IMAGE, QUrl("../elsewhere/secret.png")) is None
    assert library_file(library, QUrl("files/../../elsewhere/secret.png")) is None


def test_a_page_with_remote_images_makes_no_request_and_library_images_show(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    library = tmp_path / "library"
    png(library / "files" / "ab" / "abcdef")
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.library_folder = library
    reader.resize(600, 400)
    reader.show()
    asked: list[tuple[str, object]] = []
    original = reader.loadResource

    def spy(kind, url):  # noqa: ANN001, ANN202
        result = original(kind, url)
        asked.append((url.toString(), result))
        return result

    reader.loadResource = spy  # type: ignore[method-assign]
    page = (
        '<p>Before</p><img src="http://tracker.example/pixel.gif">'
        '<img src="https://cdn.example/photo.jpg"><img src="files/ab/abcdef"><p>After</p>'
    )
    reader.show_article(record(page), [])
    reader.document().documentLayout().documentSize()  # lay out, which loads the images
    remote = [(u, r) for u, r in asked if "example" in u]
    assert remote, "the remote images were never even asked for"
    assert all(r is None for _u, r in remote)
    local = [r for u, r in asked if u.endswith("files/ab/abcdef")]
    assert local and isinstance(local[0], QImage) and not local[0].isNull()
    assert "Before" in reader.toPlainText() and "After" in reader.toPlainText()


def test_query_words_are_marked_and_f3_moves_between_them(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.library_folder = tmp_path
    page = record("<p>The tide rose. Tides are measured at the pier; the TIDE fell.</p>")
    reader.show_article(page, ["tide"])
    assert reader.mark_count == 2  # whole words, any case
    reader.show_article(page, ["tide", "news", "example"])
    assert reader.mark_count == 2  # not the words of the article's address (https://news.example/a)
    reader.show_article(page, ["tide*"])
    assert reader.mark_count == 3  # a prefix entry marks every word starting with it
    assert reader.next_mark()
    first = reader.textCursor().selectedText()
    assert first.lower().startswith("tide")
    reader.next_mark()
    reader.next_mark(backwards=True)
    assert reader.textCursor().selectedText() == first


def test_web_links_are_not_followed_inside_the_reader(qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    opened: list[str] = []
    monkeypatch.setattr("desktop.panes.reader.QDesktopServices.openUrl", lambda url: opened.append(url.toString()))
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.library_folder = tmp_path
    reader.show_article(record('<p><a href="https://elsewhere.example/">a link</a></p>'), [])
    assert not reader.openLinks()
    reader.anchorClicked.emit(QUrl("https://elsewhere.example/"))
    assert opened == ["https://elsewhere.example/"]
    assert "a link" in reader.toPlainText()  # the article stayed
