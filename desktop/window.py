"""The main window: sidebar | search field and results | reader or author page; status bar below.

Reads (a result row, an article) run on the UI thread because each is one indexed SQLite lookup;
searches run on their own thread (newest request wins), snippets on another, and every change to
the library (import, tag, bookmark, rename, delete) and every export on the single writer thread.

The window builds the panes (`desktop.panes`) and wires its parts: `SearchFlow` searches as the user types;
`ImportController`, `EditController` and `ExportController` each own their dialogs and the work they start,
and report back through signals. The window keeps what is shown (`current`, `history`) and redraws after a
change. Its drag-and-drop overrides stay here because Qt delivers drags to the window; the import part
decides what to accept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import actions, research, settings, shortcuts
from desktop.actions import SORTS
from desktop.annotating import AnnotationController
from desktop.citing import CitationController
from desktop.dialogs.about import AboutDialog
from desktop.dialogs.shortcuts_help import ShortcutsDialog
from desktop.editing import EditController
from desktop.exporting import ExportController
from desktop.importing import ImportController
from desktop.instance import InstanceServer
from desktop.library_session import LibrarySession
from desktop.lock import LibraryLock
from desktop.panes.annotations import AnnotationsPage, HighlightsPane
from desktop.panes.author_page import AuthorPage
from desktop.panes.coverage import CoverageChart
from desktop.panes.find_bar import FindBar
from desktop.panes.reader import ReaderView
from desktop.panes.results import ArticleIdRole, ResultDelegate, ResultsModel, selected_ids
from desktop.panes.sidebar import Sidebar
from desktop.panes.welcome import WelcomePage
from desktop.saved_searches import SavedSearchController
from desktop.search_flow import SearchFlow
from desktop.worker import TaskRunner

__all__ = ["SORTS", "FindBar", "MainWindow"]

DELETED = "<div style='color:gray; margin-top:40px' align='center'><p>The article was deleted.</p></div>"


class MainWindow(LibrarySession, QMainWindow):
    """The window: it builds the panes, wires its parts (`imports`, `edits`, `exports`, the search `flow`) and
    keeps what is shown and the way back to it. Opening libraries is mixed in (`LibrarySession`); menus and
    keys are built by `desktop.actions`."""

    library_changed = Signal(object)
    article_shown = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("News Archive")
        self.setAcceptDrops(True)
        self.library: Any = None
        self.lock: LibraryLock | None = None
        self.instance: InstanceServer | None = None
        self.files_waiting: list[Path] = []
        self.writer = TaskRunner("library-writer", self)
        self.writer.failed.connect(self.show_error)
        self.history: list[tuple[str, Any]] = []
        self.current: tuple[str, Any] | None = None  # ("article", id) or ("author", name)
        self.imports = ImportController(self.writer, lambda: self.library, self)
        self.edits = EditController(self.writer, lambda: self.library, self)
        self.exports = ExportController(self.writer, lambda: self.library, self)
        self.saved_searches = SavedSearchController(self.writer, lambda: self.library, self)
        self.citations = CitationController(lambda: self.library, self)
        self._build()
        self.annotating = AnnotationController(self.writer, lambda: self.library, self.reader, self)
        self.flow = SearchFlow(self)
        self._connect_parts()
        research.wire(self)
        self.actions_by_name = actions.build_actions(self)
        self._restore_state()

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.sidebar = Sidebar()
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(
            "Search the archive   (Ctrl+K)   e.g.  ukraine grain  author:smith  tag:war"
        )
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setAccessibleName("Search")
        self.search_field.installEventFilter(self)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.suggestion_label = QLabel()
        self.suggestion_label.setObjectName("suggestion")
        self.suggestion_label.setTextFormat(Qt.TextFormat.RichText)
        self.suggestion_label.hide()
        self.sort_box = QComboBox()
        self.sort_box.setObjectName("sortBox")
        self.sort_box.setAccessibleName("Sort results")
        for key, text in SORTS:
            self.sort_box.addItem(text, key)
        info = QHBoxLayout()
        info.setContentsMargins(2, 0, 2, 0)
        info.addWidget(self.count_label)
        info.addWidget(self.suggestion_label, 1)
        info.addWidget(self.sort_box)
        self.chart = CoverageChart()  # matches per month above the results; hidden when none has a date

        self.results_model = ResultsModel(self)
        self.results_view = QListView()
        self.results_view.setObjectName("results")
        self.results_view.setAccessibleName("Results")
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(ResultDelegate(self.results_view))
        self.results_view.setUniformItemSizes(True)
        # Shift/Ctrl pick several results, for Delete.
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.activated.connect(self._result_activated)
        self.results_view.clicked.connect(self._result_activated)
        self.results_view.installEventFilter(self)
        self.results_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results_view.customContextMenuRequested.connect(self._results_menu)

        self.welcome = WelcomePage()
        self.welcome.import_requested.connect(self.imports.choose_files)
        self.welcome.demo_requested.connect(self.open_demo)
        self.middle_stack = QStackedWidget()
        self.middle_stack.addWidget(self.results_view)
        self.middle_stack.addWidget(self.welcome)
        self.annotations_page = AnnotationsPage()  # Sidebar ▸ Annotations shows it in place of the results
        self.middle_stack.addWidget(self.annotations_page)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(6, 6, 6, 0)
        middle_layout.addWidget(self.search_field)
        middle_layout.addLayout(info)
        middle_layout.addWidget(self.chart)
        middle_layout.addWidget(self.middle_stack, 1)

        self.reader = ReaderView()
        self.reader.installEventFilter(self)
        self.find_bar = FindBar(self.reader)
        reading = QWidget()
        reader_layout = QVBoxLayout(reading)
        reader_layout.setContentsMargins(0, 0, 0, 0)
        reader_layout.setSpacing(0)
        reader_layout.addWidget(self.reader, 1)
        reader_layout.addWidget(self.find_bar)
        self.highlights_pane = HighlightsPane()
        self.reader_splitter = reader_page = research.beside(reading, self.highlights_pane)
        self.author_page = AuthorPage()
        self.author_page.list.installEventFilter(self)
        self.right_stack = QStackedWidget()
        self.right_stack.addWidget(reader_page)
        self.right_stack.addWidget(self.author_page)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.right_stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([200, 420, 560])
        self.setCentralWidget(self.splitter)

        # Drops go to the window: the children that would take them (text fields, views) pass them up.
        for widget in (self.search_field, self.reader, self.results_view, self.sidebar, self.author_page.list):
            widget.setAcceptDrops(False)
            viewport = getattr(widget, "viewport", None)
            if viewport is not None:
                viewport().setAcceptDrops(False)

        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.imports.bar)

        self.reader.author_clicked.connect(self.open_author)
        self.reader.tag_clicked.connect(lambda tag: self.set_filter("tag", tag))
        self.author_page.article_opened.connect(self.open_article)
        self.author_page.follow_toggled.connect(self.edits.follow)
        self.author_page.tags_requested.connect(lambda name: self.edit_tags())
        self.author_page.tag_clicked.connect(lambda tag: self.set_filter("tag", tag))
        self.author_page.rename_requested.connect(self.ask_rename_author)
        self.sidebar.author_chosen.connect(self.open_author)
        self.sidebar.rename_tag_requested.connect(self.edits.rename_tag)
        self.sidebar.rename_author_requested.connect(self.ask_rename_author)
        self.suggestion_label.linkActivated.connect(lambda _link: self.flow.use_suggestion())
        # Tab goes where the eye goes: search, results, article, then the filters and the sort order.
        order = [self.search_field, self.chart, self.results_view, self.reader, self.highlights_pane.list]
        order += [self.find_bar.field, self.sidebar, self.sort_box]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _connect_parts(self) -> None:
        """What the window does when its parts report: redraw, open an article, say so in the status bar."""
        self.imports.articles_arrived.connect(self.flow.search_now)
        self.imports.finished.connect(self._import_finished)
        self.imports.article_opened.connect(self.open_article)
        self.imports.status.connect(self.status_label.setText)
        self.imports.warning.connect(self.show_error)
        self.edits.changed.connect(self._changed)
        self.edits.deleted.connect(self._articles_deleted)
        self.edits.author_renamed.connect(self._author_renamed)
        self.edits.status.connect(self.status_label.setText)
        self.edits.warning.connect(self.show_error)
        self.edits.failed.connect(lambda message: self.show_error(message, dialog=True))
        self.exports.status.connect(self.status_label.setText)
        self.exports.failed.connect(lambda message: self.show_error(message, dialog=True))

    # -- settings ------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = settings.get(settings.GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        splitter = settings.get(settings.SPLITTER)
        if not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        research.restore_state(self)
        self.reader.font_size = settings.get(settings.FONT_SIZE)
        sort = settings.get(settings.SORT)
        index = self.sort_box.findData(sort)
        self.sort_box.blockSignals(True)
        self.sort_box.setCurrentIndex(max(0, index))
        self.sort_box.blockSignals(False)

    def save_state(self) -> None:
        settings.put(settings.GEOMETRY, self.saveGeometry())
        settings.put(settings.SPLITTER, self.splitter.saveState())
        research.save_state(self)
        settings.put(settings.FONT_SIZE, self.reader.font_size)
        settings.put(settings.SORT, self.sort_box.currentData())

    # -- reading -------------------------------------------------------------------------------

    def _result_activated(self, index: Any) -> None:
        article = index.data(ArticleIdRole)
        if article is not None:
            self.open_article(article)
            self.reader.setFocus()

    def open_article(self, article: int, *, remember: bool = True) -> bool:
        if self.library is None:
            return False
        record = self.library.article(article)
        if record is None:
            self.show_error(f"Article {article} is no longer in the archive.")
            return False
        if remember and self.current is not None and self.current != ("article", article):
            self.history.append(self.current)
        self.current = ("article", article)
        self.reader.show_article(record, self.flow.terms_to_mark())
        self.right_stack.setCurrentIndex(0)
        self.current_record = record
        self.article_shown.emit(article)
        return True

    def open_author(self, name: str, *, remember: bool = True) -> bool:
        if self.library is None:
            return False
        author = self.library.author(name)
        if author is None:
            self.show_error(f"No author named {name} in the archive.")
            return False
        if remember and self.current is not None and self.current != ("author", author.name):
            self.history.append(self.current)
        self.current = ("author", author.name)
        self.author_page.show_author(self.library, author, self.library.author_articles(author.name))
        self.right_stack.setCurrentIndex(1)
        self.author_page.focus_articles()
        return True

    def go_back(self) -> None:
        while self.history:
            kind, value = self.history.pop()
            ok = (
                self.open_article(value, remember=False)
                if kind == "article"
                else self.open_author(value, remember=False)
            )
            if ok:
                if kind == "article":
                    self.reader.setFocus()
                return
        self.results_view.setFocus()

    def step_result(self, step: int) -> None:
        rows = self.results_model.rowCount()
        if rows == 0:
            return
        row = self.results_view.currentIndex().row()
        row = 0 if row < 0 else max(0, min(rows - 1, row + step))
        index = self.results_model.index(row)
        self.results_view.setCurrentIndex(index)
        self.open_article(index.data(ArticleIdRole))

    def open_original(self) -> None:
        if self.library is None or self.current is None or self.current[0] != "article":
            return
        path = self.library.original_path(self.current[1])
        if path is not None and path.exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def zoom(self, step: int) -> None:
        self.reader.set_font_size(self.reader.font_size + step if step else settings.FONT_SIZE.default)
        settings.put(settings.FONT_SIZE, self.reader.font_size)

    # -- organising: the `edits` and `exports` parts do it; the window says what it acts on ----

    def edit_tags(self) -> None:
        self.edits.edit_tags(self.current)

    def toggle_bookmark(self) -> None:
        self.edits.toggle_bookmark(self.current)

    def ask_rename_author(self, name: str | None = None) -> None:
        """Ask for a new name for the author (the one whose page is open when `name` is None)."""
        self.edits.ask_rename_author(name, self.current)

    def delete_targets(self) -> list[int]:
        """What Delete acts on: the selection of the list that has the focus, else the open article."""
        focus = QApplication.focusWidget()
        lists: list[QListView] = [self.results_view, self.author_page.list]
        for view in lists:
            chosen = selected_ids(view)
            if focus is view and chosen:
                return chosen
        if self.current is not None and self.current[0] == "article" and self.right_stack.currentIndex() == 0:
            return [self.current[1]]
        return selected_ids(self.results_view) if focus is not self.author_page.list else []

    def ask_delete(self) -> None:
        """Ask, then delete the target articles (see `delete_targets`); in the highlight lists a highlight,
        on a saved search in the sidebar that search."""
        if not research.delete_here(self):
            self.edits.ask_delete(self.delete_targets())

    def choose_export(self) -> None:
        self.exports.choose(*self.flow.query_on_screen(), selected=selected_ids(self.results_view))

    def _results_menu(self, pos: Any) -> None:
        index = self.results_view.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: self._result_activated(index))
        delete = self.actions_by_name["delete"]
        menu.addAction(f"{delete.text()}\t{shortcuts.label('delete')}", self.ask_delete)
        menu.exec(self.results_view.viewport().mapToGlobal(pos))

    # -- after a change: redraw what shows it --------------------------------------------------

    def _changed(self) -> None:
        """After a change on the writer thread: redraw what shows it."""
        if self.library is None:
            return
        self.flow.invalidate_totals()
        if self.current is not None:
            kind, value = self.current
            if kind == "article":
                self.results_model.forget([value])
                scroll = self.reader.verticalScrollBar().value()
                self.open_article(value, remember=False)
                self.reader.verticalScrollBar().setValue(scroll)
            else:
                self.open_author(value, remember=False)
        self.flow.refresh_counts()

    def _articles_deleted(self, ids: list[int]) -> None:
        gone = set(ids)
        # Out of the lists at once, the selection moving to a neighbour; the search below redoes counts.
        self.results_model.remove_ids(ids)
        self.author_page.model.remove_ids(ids)
        self.history = [h for h in self.history if not (h[0] == "article" and h[1] in gone)]
        if self.current is not None and self.current[0] == "article" and self.current[1] in gone:
            self.current = None
            self.reader.show_message(DELETED)
        elif self.current is not None and self.current[0] == "author":
            self._reopen_author(self.current[1])
        self.flow.invalidate_totals()
        self.flow.search_now()

    def _reopen_author(self, name: str) -> None:
        if self.library.author(name) is not None:
            self.open_author(name, remember=False)
        else:  # their last article went and nothing kept them (no follow, no tags)
            self.current = None
            self.right_stack.setCurrentIndex(0)
            self.reader.show_message(DELETED)

    def _author_renamed(self, old: str, record: Any) -> None:
        self.history = [("author", record.name) if h == ("author", old) else h for h in self.history]
        if self.current == ("author", old):
            self.current = ("author", record.name)
        self.results_model.forget()  # bylines in the list show the old name
        self.flow.invalidate_totals()
        self._changed()
        if self.flow.kind == "author" and self.flow.value == old:
            self.set_filter("author", record.name)
        else:
            self.flow.search_now()

    def _import_finished(self, _report: Any) -> None:
        self.flow.invalidate_totals()
        self.results_model.forget()
        self.flow.refresh_sidebar()
        self.flow.search_now()

    # -- focus and keys ------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def focus_reader(self) -> None:
        if self.right_stack.currentIndex() == 1:
            self.author_page.focus_articles()
        else:
            self.reader.setFocus()

    def _find(self) -> None:
        if self.reader.hasFocus() or self.find_bar.field.hasFocus():
            self.find_bar.open()
        else:
            self.focus_search()

    def escape(self) -> None:
        if self.find_bar.field.hasFocus():
            self.find_bar.hide()
            self.reader.setFocus()
        elif self.search_field.hasFocus():
            self.search_field.clear()
        else:
            self.focus_search()

    def set_sort(self, key: str) -> None:
        index = self.sort_box.findData(key)
        if index >= 0 and index != self.sort_box.currentIndex():
            self.sort_box.setCurrentIndex(index)
        settings.put(settings.SORT, key)
        self.flow.search_now()

    def set_filter(self, kind: str, value: str = "") -> None:
        self.sidebar.select_filter(kind, value)
        self.flow.set_filter(kind, value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if actions.handle_key(self, watched, event):
            return True
        return super().eventFilter(watched, event)

    # -- messages ------------------------------------------------------------------------------

    def receive_files(self, files: list[Path]) -> None:
        """Files handed over by `newsarchive FILE...` or by the system ("Open with"): come to the front
        and import them, with the usual progress and report. No files: only come to the front."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        if files and self.library is None:
            self.files_waiting += files  # the library is still opening: imported once it is open
        elif files:
            self.imports.import_paths(files)

    def show_error(self, message: str, dialog: bool = False) -> None:
        self.status_label.setText(message.splitlines()[0] if message else "")
        if dialog:
            QMessageBox.warning(self, "News Archive", message)

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def show_about(self) -> None:
        from desktop import logs

        folder = Path(self.library.folder) if self.library is not None else None
        self.about = AboutDialog(folder, logs.log_file(), self)
        self.about.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about.show()

    # Qt hands drags to the window (its children pass them up, see `_build`); the import part decides.

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        self.imports.consider_drag(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        # Some platforms ask again on every move; without accepting here the drop is refused.
        self.imports.consider_drag(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.imports.drop(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        self.imports.shutdown()
        self._close_library()
        self.flow.shutdown()
        self.writer.shutdown()
        super().closeEvent(event)
