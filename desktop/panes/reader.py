"""The reading view: an article's sanitised HTML from the library, never anything from the network.

`loadResource` is where QTextBrowser fetches images and stylesheets; it answers only for files
inside the library folder and refuses everything else (http, https, ftp, data outside our files),
so an article cannot make a request even if the sanitiser let a remote URL through. Links are not
followed on their own (`setOpenLinks(False)`): a click on a web link hands it to the system browser,
and our own links (an author, a tag) become signals.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QFont,
    QImage,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QMenu, QTextBrowser, QTextEdit

from desktop import theme
from desktop.panes.reader_highlights import HighlightLayer, Passage, body_start, passage_in_text

AUTHOR_SCHEME = "newsarchive-author"
TAG_SCHEME = "newsarchive-tag"
EXTERNAL_SCHEMES = ("http", "https", "mailto")


def library_file(folder: Path | None, url: QUrl) -> Path | None:
    """The file a resource URL names, when it is a file inside the library folder; otherwise None."""
    if folder is None:
        return None
    if url.isRelative() and not url.scheme():
        relative = url.path()
        if not relative or relative.startswith("/"):
            return None
        candidate = folder / relative
    elif url.isLocalFile():
        candidate = Path(url.toLocalFile())
    else:
        return None
    try:
        root = folder.resolve()
        target = candidate.resolve()
    except OSError:
        return None
    if root not in target.parents or not target.is_file():
        return None
    return target


_WORD = re.compile(r"\w+(?:['’]\w+)*")


def _folder() -> Callable[[str], str]:
    """The index's own folding (case and accents), so a marked word is one the search matched."""
    try:
        from indexer.search.analysis import fold
    except ImportError:  # an index without it: case folding still marks most words
        return str.lower
    return fold


def highlight_terms(text: str) -> list[str]:
    """Words of a plain query to mark, as `word*`, when the index cannot say (no fields or operators)."""
    words = []
    for token in re.findall(r'"[^"]*"|\S+', text):
        token = token.strip('"')
        if ":" in token or token.upper() in ("AND", "OR", "NOT") or token.startswith("-"):
            continue
        for word in re.findall(r"\w+", token):
            if len(word) > 1:
                words.append(_folder()(word) + "*")
    return words


class ReaderView(QTextBrowser):
    """Shows one article; marks the query's words (F3/Shift+F3 step through them) and draws its highlights."""

    author_clicked = Signal(str)
    tag_clicked = Signal(str)
    resource_refused = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self.setAccessibleName("Article")
        self.library_folder: Path | None = None
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._anchor_clicked)
        self.font_size = 12
        self.article_id: int | None = None
        self._marks: list[QTextEdit.ExtraSelection] = []
        self._mark_index = -1
        self.refused: list[str] = []  # URLs refused since the last article, for the curious and the tests
        self._unmarked = (0, 0)  # document positions where query words are not marked (the address line)
        self.article_text = ""  # the article's plain text: where highlights' offsets point
        self.highlights = HighlightLayer(self.document())
        # Adds the highlight actions to the context menu: (menu, document position under the mouse).
        self.extend_menu: Callable[[QMenu, int], None] | None = None
        self.caret = False

    def set_caret(self, on: bool) -> None:
        """Caret browsing: a visible cursor that arrows move and Shift+arrows extend; the text stays read-only."""
        flags = Qt.TextInteractionFlag.TextBrowserInteraction
        if on:
            flags |= Qt.TextInteractionFlag.TextSelectableByKeyboard
        self.setTextInteractionFlags(flags)
        self.caret = on
        self._caret_to_body()

    def _caret_to_body(self) -> None:
        """With caret browsing, a cursor left in the header moves to where the article's text begins."""
        cursor = self.textCursor()
        start = body_start(self.document())
        if self.caret and not cursor.hasSelection() and cursor.position() < start:
            cursor.setPosition(start)
            self.setTextCursor(cursor)

    # -- resources -----------------------------------------------------------------------------

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # noqa: N802
        url = QUrl(url) if isinstance(url, str) else url
        target = library_file(self.library_folder, url)
        if target is None:
            self.refused.append(url.toString())
            self.resource_refused.emit(url.toString())
            return None
        if getattr(kind, "value", kind) == QTextDocument.ResourceType.ImageResource.value:
            image = QImage(str(target))
            return None if image.isNull() else image
        try:
            return target.read_bytes()
        except OSError:
            return None

    # -- showing -------------------------------------------------------------------------------

    def show_article(self, record: Any, terms: list[str]) -> None:
        self.article_id = record.id
        self.article_text = record.text or ""
        self.highlights.clear()
        self.refused = []
        if self.library_folder is not None:
            self.document().setBaseUrl(QUrl.fromLocalFile(str(self.library_folder) + "/"))
        self._apply_font()
        self.setHtml(self._header(record) + record.reader_html)
        self._unmarked = self._address_line(record.url)
        self.fit_images()
        self.mark_terms(terms)
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self._caret_to_body()
        self.verticalScrollBar().setValue(0)

    def show_message(self, text_html: str) -> None:
        self.article_id = None
        self.article_text = ""
        self.highlights.clear()
        self._unmarked = (0, 0)
        self._marks = []
        self.setExtraSelections([])
        self.setHtml(text_html)

    def _address_line(self, url: str | None) -> tuple[int, int]:
        """Where the header's address line is in the document: query words are not marked inside it
        (a matched word in a URL is noise, and F3 would stop there)."""
        if url:
            block = self.document().begin()
            for _ in range(6):  # title, byline, address: the header's first blocks
                if not block.isValid():
                    break
                if block.text() == url:
                    return block.position(), block.position() + block.length()
                block = block.next()
        return 0, 0

    def _header(self, r: Any) -> str:
        esc = html.escape
        authors = ", ".join(f'<a href="{AUTHOR_SCHEME}:{esc(_percent(a.name))}">{esc(a.name)}</a>' for a in r.authors)
        date = (r.published or "")[:10]
        facts = " · ".join(x for x in (esc(r.source or ""), esc(date), authors) if x)
        lines = [f"<h1>{'★ ' if r.bookmarked else ''}{esc(r.title)}</h1>"]
        if facts:
            lines.append(f'<p class="byline">{facts}</p>')
        if r.url:
            lines.append(f'<p class="url"><a href="{esc(r.url)}">{esc(r.url)}</a></p>')
        if r.tags:
            tags = " ".join(f'<a href="{TAG_SCHEME}:{esc(_percent(t))}">#{esc(t)}</a>' for t in r.tags)
            lines.append(f'<p class="tags">{tags}</p>')
        lines.append(f'<p class="origin">{esc(origin_line(r))}</p>')
        lines.append("<hr>")
        return "".join(lines)

    def fit_images(self) -> None:
        """Shrink images wider than the page (QTextDocument knows no max-width) keeping their proportions."""
        doc = self.document()
        available = self.viewport().width() - 2 * doc.documentMargin() - 12
        if available < 50:
            return
        block = doc.begin()
        changes = []
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image_fmt = fmt.toImageFormat()
                    natural = doc.resource(QTextDocument.ResourceType.ImageResource.value, QUrl(image_fmt.name()))
                    width = image_fmt.width() or (natural.width() if isinstance(natural, QImage) else 0)
                    height = image_fmt.height() or (natural.height() if isinstance(natural, QImage) else 0)
                    if width > available and height > 0:
                        image_fmt.setWidth(available)
                        image_fmt.setHeight(height * available / width)
                        changes.append((fragment.position(), fragment.length(), image_fmt))
                it += 1
            block = block.next()
        for position, length, image_fmt in changes:
            cursor = QTextCursor(doc)
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.setCharFormat(image_fmt)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.article_id is not None:
            self.fit_images()

    def _apply_font(self) -> None:
        font = QFont(self.font())
        font.setPointSize(self.font_size)
        self.document().setDefaultFont(font)

    def set_font_size(self, size: int) -> None:
        self.font_size = max(7, min(40, size))
        self._apply_font()
        # Re-marking keeps the selections valid after the relayout.
        self._draw()

    # -- marks ---------------------------------------------------------------------------------

    def mark_terms(self, terms: list[str]) -> None:
        """Mark every word the query matches: `terms` are folded words, and `prefix*` entries."""
        back, fore = theme.mark_colours(theme.is_dark())
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(back))
        fmt.setForeground(QColor(fore))
        self._marks = []
        words = {t for t in terms if t and not t.endswith("*")}
        prefixes = tuple(t[:-1] for t in terms if t.endswith("*") and len(t) > 1)
        if words or prefixes:
            fold = _folder()
            doc = self.document()
            # toRawText keeps one character per document position (blocks, images), so offsets line up.
            skip_from, skip_to = self._unmarked
            for m in _WORD.finditer(doc.toRawText()):
                if skip_from <= m.start() < skip_to:
                    continue
                folded = fold(m.group())
                if folded in words or (prefixes and folded.startswith(prefixes)):
                    cursor = QTextCursor(doc)
                    cursor.setPosition(m.start())
                    cursor.setPosition(m.end(), QTextCursor.MoveMode.KeepAnchor)
                    selection = QTextEdit.ExtraSelection()
                    selection.cursor = cursor  # type: ignore[attr-defined]
                    selection.format = fmt  # type: ignore[attr-defined]
                    self._marks.append(selection)
                    if len(self._marks) >= 2000:
                        break
        self._mark_index = -1
        self._draw()

    def _draw(self) -> None:
        # Highlights first: a marked query word inside one stays marked.
        self.setExtraSelections(self.highlights.selections + self._marks)

    # -- highlights ----------------------------------------------------------------------------

    def set_highlights(self, records: list[Any]) -> None:
        """Draw these highlights of the article shown (HighlightRecords)."""
        self.highlights.place(records, self.article_text)
        self._draw()

    def selected_passage(self) -> Passage | None:
        """The selection as a passage of the article's text; None without a selection or outside the text."""
        cursor = self.textCursor()
        if self.article_id is None or not cursor.hasSelection():
            return None
        doc = self.document()
        return passage_in_text(
            doc.toRawText(), body_start(doc), cursor.selectionStart(), cursor.selectionEnd(), self.article_text
        )

    def highlight_under_cursor(self, position: int | None = None) -> Any | None:
        """The highlight at `position` (the text cursor's, or its selection's, by default)."""
        if position is not None:
            return self.highlights.at(position)
        cursor = self.textCursor()
        if cursor.hasSelection():
            return self.highlights.overlapping(cursor.selectionStart(), cursor.selectionEnd())
        return self.highlights.at(cursor.position())

    def scroll_to_highlight(self, hid: int) -> bool:
        """Bring a highlight into view with the cursor at its start; False when it is not in the reader."""
        span = self.highlights.spans.get(hid)
        if span is None:
            return False
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[1])
        self.setTextCursor(cursor)
        self.ensureCursorVisible()  # its end, then its start: a long one shows from its first line
        cursor.setPosition(span[0])
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        menu = self.createStandardContextMenu(event.pos())
        if self.extend_menu is not None and self.article_id is not None:
            self.extend_menu(menu, self.cursorForPosition(event.pos()).position())
        menu.exec(event.globalPos())
        menu.deleteLater()

    @property
    def mark_count(self) -> int:
        return len(self._marks)

    def next_mark(self, backwards: bool = False) -> bool:
        if not self._marks:
            return False
        step = -1 if backwards else 1
        if self._mark_index == -1 and backwards:
            self._mark_index = len(self._marks) - 1
        else:
            self._mark_index = (self._mark_index + step) % len(self._marks)
        cursor = QTextCursor(self._marks[self._mark_index].cursor)  # type: ignore[attr-defined]
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    def find_text(self, text: str, backwards: bool = False) -> bool:
        if not text:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        if self.find(text, flags):
            return True
        # Wrap around once.
        self.moveCursor(QTextCursor.MoveOperation.End if backwards else QTextCursor.MoveOperation.Start)
        return self.find(text, flags)

    # -- links ---------------------------------------------------------------------------------

    def _anchor_clicked(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == AUTHOR_SCHEME:
            self.author_clicked.emit(QUrl.fromPercentEncoding(url.path().encode()))
        elif scheme == TAG_SCHEME:
            self.tag_clicked.emit(QUrl.fromPercentEncoding(url.path().encode()))
        elif scheme in EXTERNAL_SCHEMES:
            QDesktopServices.openUrl(url)
        elif url.isRelative() and url.hasFragment():
            self.scrollToAnchor(url.fragment())


def origin_line(r: Any) -> str:
    """Where the article came from and when it was saved: "From a web archive, saved 2024-11-06"."""
    origin = getattr(r, "origin", None) or "saved page"
    line = f"From {'an' if origin[:1].lower() in 'aeiou' else 'a'} {origin}"
    if getattr(r, "link_only", False):
        line += ": only the link was saved, not the page"
    saved = (getattr(r, "saved_at", None) or "")[:10]
    return line + (f", saved {saved}" if saved else "")


def _percent(text: str) -> str:
    """`text` percent-encoded for a link of the reader's own schemes."""
    return bytes(QUrl.toPercentEncoding(text).data()).decode("ascii")
