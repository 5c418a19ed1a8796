"""The result list: a model that holds article ids only, and a delegate that paints each row.

The model keeps the ids a search returned and fetches what a row shows when the view asks for it
(`data()`), in batches, with a bounded cache; more ids arrive through `fetchMore` as the user scrolls
(asked for on a worker thread: the UI never waits on the index), so 100,000 hits cost no more than
the rows on screen. Snippets are the costly part of a search (highlighting re-reads the text), so
they are asked for only for the rows the view actually paints, and arrive later through
`add_snippets`; with nothing typed, a row's snippet is the article's opening lines.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QFontMetrics, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop import theme

ArticleIdRole = Qt.ItemDataRole.UserRole + 1
TitleRole = Qt.ItemDataRole.UserRole + 2
MetaRole = Qt.ItemDataRole.UserRole + 3
SnippetRole = Qt.ItemDataRole.UserRole + 4  # list of (text, marked) segments, or None until loaded
BookmarkedRole = Qt.ItemDataRole.UserRole + 5

PAGE = 200
CACHE_ROWS = 3000
REMOVED: dict[str, Any] = {
    "title": "(article removed)",
    "source": None,
    "published": None,
    "authors": [],
    "bookmarked": False,
}

# (offset, limit, deliver): ask, off the UI thread, for the next ids of the same result list; `deliver`
# gets them on the UI thread, or None when they could not be read (the view may ask again).
FetchIds = Callable[[int, int, Callable[[list[int] | None], None]], None]
SnippetLoader = Callable[[str, list[int]], None]  # asks for snippets; answers come to add_snippets()

_MARK = re.compile(r"<(b|strong|mark|em)(?:\s[^>]*)?>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def snippet_segments(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as the index gives it (matched words in <b>, <strong> or <mark>) as (text, marked) runs."""
    segments: list[tuple[str, bool]] = []
    pos = 0
    for m in _MARK.finditer(snippet):
        if m.start() > pos:
            segments.append((html.unescape(_TAG.sub("", snippet[pos : m.start()])), False))
        segments.append((html.unescape(_TAG.sub("", m.group(2))), True))
        pos = m.end()
    if pos < len(snippet):
        segments.append((html.unescape(_TAG.sub("", snippet[pos:])), False))
    return [(re.sub(r"\s+", " ", t), marked) for t, marked in segments if t]


def meta_line(summary: dict) -> str:
    date = (summary.get("published") or "")[:10]
    authors = ", ".join(summary.get("authors") or [])
    return " · ".join(x for x in (summary.get("source"), date, authors) if x)


def selected_ids(view: QListView) -> list[int]:
    """The articles selected in a result list, in list order; the current row when nothing is selected."""
    model = view.selectionModel()
    indexes = sorted(model.selectedIndexes() if model is not None else [], key=lambda i: i.row())
    if not indexes and view.currentIndex().isValid():
        indexes = [view.currentIndex()]
    ids = [i.data(ArticleIdRole) for i in indexes]
    return [i for i in ids if i is not None]


class ResultsModel(QAbstractListModel):
    """Article ids in result order; everything else is fetched on demand from the library."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.library: Any = None
        self._ids: list[int] = []
        self._total = 0
        self._fetch: FetchIds | None = None
        self._fetching = False  # a page of ids is on its way
        self._results = 0  # counts set_results(): a page asked for an earlier result list is dropped
        self.query = ""
        self._rows: OrderedDict[int, dict] = OrderedDict()
        self._snippets: dict[int, list[tuple[str, bool]]] = {}
        self.snippet_loader: SnippetLoader | None = None
        self._wanted: set[int] = set()
        self._asked: set[int] = set()
        # Counts forget() calls: rows read before a change (by a search under way) must not come back after it.
        self.changes = 0
        self._snippet_timer = QTimer(self)
        self._snippet_timer.setSingleShot(True)
        self._snippet_timer.setInterval(0)
        self._snippet_timer.timeout.connect(self._ask_for_snippets)

    # -- contents --------------------------------------------------------------------------------

    def set_library(self, library: Any) -> None:
        self.library = library
        self.set_results([], 0, "")

    def set_results(
        self,
        ids: list[int],
        total: int,
        query: str,
        fetch: FetchIds | None = None,
        *,
        summaries: dict[int, dict] | None = None,
    ) -> None:
        """Show these ids; `summaries` (read with the search, off the UI thread) spare the first paint a query."""
        if summaries:
            self._remember(summaries)
        self.beginResetModel()
        self._ids = list(ids)
        self._total = max(total, len(self._ids))
        self._fetch = fetch
        self._fetching = False
        self._results += 1
        self.query = query
        self._snippets.clear()
        self._wanted.clear()
        self._asked.clear()
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def ids(self) -> list[int]:
        return list(self._ids)

    def article_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, article: int) -> int:
        try:
            return self._ids.index(article)
        except ValueError:
            return -1

    def forget(self, ids: list[int] | None = None) -> None:
        """Drop cached rows (all, or these ids) after a change, and repaint them."""
        self.changes += 1
        if ids is None:
            self._rows.clear()
            if self._ids:
                self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1))
            return
        for article in ids:
            self._rows.pop(article, None)
            row = self.row_of(article)
            if row >= 0:
                self.dataChanged.emit(self.index(row), self.index(row))

    def remove_ids(self, ids: list[int]) -> None:
        """Take these articles out of the list at once (they were deleted); the rest keep their order."""
        gone = set(ids)
        rows = [row for row, article in enumerate(self._ids) if article in gone]
        # Runs of neighbouring rows, last first, so the earlier row numbers stay valid.
        runs: list[tuple[int, int]] = []
        for row in rows:
            if runs and runs[-1][1] == row - 1:
                runs[-1] = (runs[-1][0], row)
            else:
                runs.append((row, row))
        for first, last in reversed(runs):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._ids[first : last + 1]
            self.endRemoveRows()
        self._total = max(len(self._ids), self._total - len(rows))
        for article in gone:
            self._rows.pop(article, None)
            self._snippets.pop(article, None)

    def add_snippets(self, query: str, snippets: dict[int, str]) -> None:
        if query != self.query:
            return
        for article, text in snippets.items():
            self._snippets[article] = snippet_segments(text)
        for article in snippets:
            row = self.row_of(article) if len(self._ids) < 5000 else -1
            if row >= 0:
                self.dataChanged.emit(self.index(row), self.index(row), [SnippetRole])
        if len(self._ids) >= 5000 and snippets:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1), [SnippetRole])

    def not_loaded(self, ids: list[int]) -> None:
        """Snippets asked for and then not fetched (the query went stale): ask again on the next paint."""
        self._asked.difference_update(ids)

    # -- Qt model API ---------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and self._fetch is not None and len(self._ids) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if not self.canFetchMore(parent) or self._fetch is None or self._fetching:
            return
        self._fetching = True
        results, offset = self._results, len(self._ids)

        def deliver(new: list[int] | None) -> None:
            if results != self._results:
                return  # the list was replaced while this page was read
            self._fetching = False
            if new is None:
                return
            seen = set(self._ids)
            new = [i for i in new if i not in seen]  # an article added meanwhile may shift the pages
            if not new:
                self._total = len(self._ids)  # fewer than counted (articles deleted since): stop asking
                return
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(new) - 1)
            self._ids.extend(new)
            self.endInsertRows()

        self._fetch(offset, PAGE, deliver)

    @property
    def fetching(self) -> bool:
        """Whether a page of ids is on its way (the tests wait on this)."""
        return self._fetching

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        article = self._ids[index.row()]
        if role == ArticleIdRole:
            return article
        if role == SnippetRole:
            if article not in self._snippets and article not in self._asked:
                self._wanted.add(article)
                self._snippet_timer.start()
            return self._snippets.get(article)
        if role not in (Qt.ItemDataRole.DisplayRole, TitleRole, MetaRole, BookmarkedRole, Qt.ItemDataRole.ToolTipRole):
            return None
        summary = self._summary(index.row())
        if summary is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, TitleRole):
            return summary["title"]
        if role == MetaRole:
            return meta_line(summary)
        if role == BookmarkedRole:
            return summary["bookmarked"]
        return f"{summary['title']}\n{meta_line(summary)}"

    # -- fetching -------------------------------------------------------------------------------

    def _summary(self, row: int) -> dict | None:
        article = self._ids[row]
        cached = self._rows.get(article)
        if cached is not None:
            self._rows.move_to_end(article)
            return cached
        if self.library is None:
            return None
        # The rows around this one will be painted next: one query for a screenful.
        batch = [i for i in self._ids[max(0, row - 10) : row + 40] if i not in self._rows]
        found = self.library.summaries(batch)
        self._remember({i: found.get(i) or dict(REMOVED) for i in batch})
        return self._rows.get(article)

    def _remember(self, summaries: dict[int, dict]) -> None:
        for article, summary in summaries.items():
            self._rows[article] = summary
            self._rows.move_to_end(article)
        while len(self._rows) > CACHE_ROWS:
            self._rows.popitem(last=False)

    def _ask_for_snippets(self) -> None:
        wanted = [i for i in self._wanted if i not in self._snippets]
        self._wanted.clear()
        if wanted and self.snippet_loader is not None:
            self._asked.update(wanted)
            self.snippet_loader(self.query, wanted)


class ResultDelegate(QStyledItemDelegate):
    """Title, then source · date · authors, then the snippet with the matched words marked."""

    SNIPPET_LINES = 2

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        title.setPointSizeF(option.font.pointSizeF() * 1.08)
        meta = QFont(option.font)
        meta.setPointSizeF(option.font.pointSizeF() * 0.9)
        return title, meta, QFont(option.font)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        title, meta, body = self._fonts(option)
        height = (
            QFontMetrics(title).height()
            + QFontMetrics(meta).height()
            + QFontMetrics(body).lineSpacing() * self.SNIPPET_LINES
            + 20
        )
        return QSize(200, height)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        palette = opt.palette
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        active = bool(opt.state & QStyle.StateFlag.State_HasFocus) or (opt.widget is not None and opt.widget.hasFocus())
        # Our own selection colours: the focused list shows the strong highlight, an unfocused one a tint,
        # so the text stays readable in both (QSS item rules would replace the palette's colours).
        strong = selected and active
        if strong:
            painter.fillRect(opt.rect, palette.color(QPalette.ColorRole.Highlight))
        elif selected:
            tint = QColor(palette.color(QPalette.ColorRole.Highlight))
            tint.setAlpha(45)
            painter.fillRect(opt.rect, tint)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(opt.rect.bottomLeft(), opt.rect.bottomRight())
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if strong else QPalette.ColorRole.Text)
        dim = palette.color(QPalette.ColorRole.HighlightedText if strong else QPalette.ColorRole.PlaceholderText)
        title_font, meta_font, body_font = self._fonts(option)
        rect = opt.rect.adjusted(10, 6, -10, -6)

        title = index.data(TitleRole) or ""
        if index.data(BookmarkedRole):
            title = "★ " + title
        painter.setFont(title_font)
        painter.setPen(text_colour)
        fm = QFontMetrics(title_font)
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), fm.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
        )
        top = rect.top() + fm.height() + 2
        painter.setFont(meta_font)
        painter.setPen(dim)
        mfm = QFontMetrics(meta_font)
        painter.drawText(
            QRect(rect.left(), top, rect.width(), mfm.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            mfm.elidedText(index.data(MetaRole) or "", Qt.TextElideMode.ElideRight, rect.width()),
        )
        top += mfm.height() + 4
        segments = index.data(SnippetRole)
        if segments:
            painter.setPen(text_colour)
            self._paint_snippet(
                painter, segments, body_font, QRect(rect.left(), top, rect.width(), rect.bottom() - top)
            )
        painter.restore()

    def _paint_snippet(self, painter: QPainter, segments: list[tuple[str, bool]], font: QFont, rect: QRect) -> None:
        back, fore = theme.mark_colours(theme.is_dark())
        parts = []
        for text, marked in segments:
            escaped = html.escape(text)
            parts.append(f'<span style="background:{back}; color:{fore}">{escaped}</span>' if marked else escaped)
        doc = QTextDocument()
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setTextWidth(rect.width())
        doc.setHtml("".join(parts))
        painter.translate(rect.topLeft())
        painter.setClipRect(QRect(0, 0, rect.width(), rect.height()))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, painter.pen().color())
        doc.documentLayout().draw(painter, context)
