"""The main window: sidebar | search field and results | reader or author page; status bar below.

Reads (a result row, an article) run on the UI thread because each is one indexed SQLite lookup;
searches run on their own thread (newest request wins), snippets on another, and every change to
the library (import, tag, bookmark, rename) on the single writer thread.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import (
    drops,
    settings,
    shortcuts,
)
from desktop.author_page import AuthorPage
from desktop.import_report import ImportReportDialog, summary_line
from desktop.importing import ImportController, ImportProgressBar
from desktop.lock import LibraryInUse, LibraryLock
from desktop.reader import ReaderView
from desktop.results import ArticleIdRole, ResultDelegate, ResultsModel
from desktop.search_flow import SearchFlow
from desktop.sidebar import Sidebar
from desktop.tag_editor import TagEditor
from desktop.worker import TaskRunner

PLACEHOLDER = (
    "<div style='color:gray; margin-top:40px' align='center'><p>Type to search; ↓ and ↑ choose a result, "
    "Enter opens it.</p><p>F1 lists every shortcut.</p></div>"
)
SORTS = (("relevance", "Relevance"), ("newest", "Newest first"), ("oldest", "Oldest first"))


class FindBar(QWidget):
    """Find in the article: Enter next, Shift+Enter previous, Esc closes."""

    def __init__(self, reader: ReaderView, parent: Any = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.field = QLineEdit()
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in article")
        self.field.returnPressed.connect(lambda: self.find())
        self.field.installEventFilter(self)
        self.status = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.status)
        self.hide()

    def open(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def find(self, backwards: bool = False) -> None:
        found = self.reader.find_text(self.field.text(), backwards)
        self.status.setText("" if found or not self.field.text() else "Not found")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            key = QKeyEvent(event).key() if not isinstance(event, QKeyEvent) else event.key()
            if key == Qt.Key.Key_Escape:
                self.hide()
                self.reader.setFocus()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(event, QKeyEvent):
                self.find(backwards=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
                return True
        return super().eventFilter(watched, event)


class MainWindow(QMainWindow):
    library_changed = Signal(object)
    article_shown = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("News Archive")
        self.setAcceptDrops(True)
        self.library: Any = None
        self.lock: LibraryLock | None = None
        self.writer = TaskRunner("library-writer", self)
        self.writer.failed.connect(self.show_error)
        self.history: list[tuple[str, Any]] = []
        self.current: tuple[str, Any] | None = None  # ("article", id) or ("author", name)
        self.reports: list[ImportReportDialog] = []
        self._build()
        self.flow = SearchFlow(self)
        self._build_actions()
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

        self.results_model = ResultsModel(self)
        self.results_view = QListView()
        self.results_view.setObjectName("results")
        self.results_view.setAccessibleName("Results")
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(ResultDelegate(self.results_view))
        self.results_view.setUniformItemSizes(True)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.activated.connect(self._result_activated)
        self.results_view.clicked.connect(self._result_activated)
        self.results_view.installEventFilter(self)

        self.welcome = self._build_welcome()
        self.middle_stack = QStackedWidget()
        self.middle_stack.addWidget(self.results_view)
        self.middle_stack.addWidget(self.welcome)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(6, 6, 6, 0)
        middle_layout.addWidget(self.search_field)
        middle_layout.addLayout(info)
        middle_layout.addWidget(self.middle_stack, 1)

        self.reader = ReaderView()
        self.reader.installEventFilter(self)
        self.find_bar = FindBar(self.reader)
        reader_page = QWidget()
        reader_layout = QVBoxLayout(reader_page)
        reader_layout.setContentsMargins(0, 0, 0, 0)
        reader_layout.setSpacing(0)
        reader_layout.addWidget(self.reader, 1)
        reader_layout.addWidget(self.find_bar)
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
        self.progress = ImportProgressBar()
        self.statusBar().addPermanentWidget(self.progress)
        self.imports = ImportController(self.writer, self.progress, self)
        self.imports.finished.connect(self._import_finished)
        self.imports.progressed.connect(self._import_progressed)
        self._last_refresh = 0.0
        self._quiet_import = False
        self.imports.failed.connect(self.show_error)

        self.reader.author_clicked.connect(self.open_author)
        self.reader.tag_clicked.connect(lambda tag: self.set_filter("tag", tag))
        self.author_page.article_opened.connect(self.open_article)
        self.author_page.follow_toggled.connect(self._follow)
        self.author_page.tags_requested.connect(lambda name: self.edit_tags())
        self.author_page.tag_clicked.connect(lambda tag: self.set_filter("tag", tag))
        self.sidebar.author_chosen.connect(self.open_author)
        self.sidebar.rename_tag_requested.connect(self.rename_tag)
        self.suggestion_label.linkActivated.connect(lambda _link: self.flow.use_suggestion())
        # Tab goes where the eye goes: search, results, article, then the filters and the sort order.
        order = [self.search_field, self.results_view, self.reader, self.find_bar.field, self.sidebar, self.sort_box]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _build_welcome(self) -> QWidget:
        page = QWidget()
        page.setObjectName("welcome")
        text = QLabel(
            "<h2>Your archive is empty</h2>"
            "<p>Drop saved articles here: web pages (.html, .mhtml), text files, whole folders or zips. "
            "A selection dragged out of a browser becomes an article too.</p>"
            "<p>Nothing is ever fetched from the internet.</p>"
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        self.import_button = QPushButton("Import files…")
        self.import_button.clicked.connect(self.choose_import)
        self.demo_button = QPushButton("Open the demo articles")
        self.demo_button.setObjectName("demoButton")
        self.demo_button.clicked.connect(self.open_demo)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(text)
        layout.addWidget(self.import_button)
        layout.addWidget(self.demo_button)
        layout.addStretch(1)
        return page

    def _action(self, menu: Any, name: str, text: str, slot: Any) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        if name in shortcuts.BY_NAME:
            action.setShortcuts(shortcuts.sequences(name))
            action.setToolTip(f"{text} ({shortcuts.label(name)})")
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work while the menu bar is hidden or the focus is anywhere
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "import", "&Import Files…", self.choose_import)
        self._action(file_menu, "import_folder", "Import &Folder…", self.choose_import_folder)
        self._action(file_menu, "cancel_import", "&Cancel Import", self.imports.cancel)
        file_menu.addSeparator()
        self._action(file_menu, "open_library", "&Open Library…", self.choose_library)
        self._action(file_menu, "demo", "Open the &Demo Library", self.open_demo)
        file_menu.addSeparator()
        self._action(file_menu, "quit", "&Quit", self.close)

        go = bar.addMenu("&Go")
        self._action(go, "search", "&Search", self.focus_search)
        self._action(go, "find", "&Find", self._find)
        self._action(go, "suggestion", "Use the Suggestion", self.flow.use_suggestion)
        go.addSeparator()
        self._action(go, "next_result", "&Next Result", lambda: self.step_result(1))
        self._action(go, "previous_result", "&Previous Result", lambda: self.step_result(-1))
        self._action(go, "back", "&Back", self.go_back)
        go.addSeparator()
        self._action(go, "sidebar", "Si&debar", self.sidebar.setFocus)
        self._action(go, "results", "&Results", self.results_view.setFocus)
        self._action(go, "reader", "&Reader", self.focus_reader)

        article = bar.addMenu("&Article")
        self._action(article, "tag", "&Tags…", self.edit_tags)
        self._action(article, "bookmark", "&Bookmark", self.toggle_bookmark)
        self._action(article, "original", "Open &Original File", self.open_original)
        article.addSeparator()
        self._action(article, "next_mark", "Next &Marked Word", lambda: self.reader.next_mark())
        self._action(article, "previous_mark", "Previous Marked &Word", lambda: self.reader.next_mark(backwards=True))

        view = bar.addMenu("&View")
        for key, text in SORTS:
            self._action(view, f"sort_{key}", f"Sort: {text}", lambda _=False, k=key: self.set_sort(k))
        view.addSeparator()
        self._action(view, "zoom_in", "&Larger Text", lambda: self.zoom(1))
        self._action(view, "zoom_out", "&Smaller Text", lambda: self.zoom(-1))
        self._action(view, "zoom_reset", "&Default Text Size", lambda: self.zoom(0))

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "help", "&Keyboard Shortcuts", self.show_shortcuts)

        self.sort_box.currentIndexChanged.connect(lambda _i: self.set_sort(self.sort_box.currentData()))
        escape = QAction(self)
        escape.setShortcut(Qt.Key.Key_Escape)
        escape.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        escape.triggered.connect(self.escape)
        self.addAction(escape)

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
        self.reader.font_size = settings.get(settings.FONT_SIZE)
        sort = settings.get(settings.SORT)
        index = self.sort_box.findData(sort)
        self.sort_box.blockSignals(True)
        self.sort_box.setCurrentIndex(max(0, index))
        self.sort_box.blockSignals(False)

    def save_state(self) -> None:
        settings.put(settings.GEOMETRY, self.saveGeometry())
        settings.put(settings.SPLITTER, self.splitter.saveState())
        settings.put(settings.FONT_SIZE, self.reader.font_size)
        settings.put(settings.SORT, self.sort_box.currentData())

    # -- library -------------------------------------------------------------------------------

    def open_library(self, folder: Path, *, then: Any = None) -> bool:
        """Lock and open a library on the writer thread; False (with a message) when another window has it."""
        folder = Path(folder)
        lock = LibraryLock(folder)
        try:
            lock.acquire()
        except LibraryInUse as exc:
            self.show_error(str(exc), dialog=True)
            return False
        self._close_library()
        self.lock = lock
        self.status_label.setText(f"Opening {folder}…")
        from indexer.library import Library

        def opened(library: Any) -> None:
            self.set_library(library)
            if then is not None:
                then(library)

        def failed(exc: BaseException) -> None:
            lock.release()
            self.lock = None
            self.show_error(f"Could not open the library at {folder}: {exc or type(exc).__name__}", dialog=True)

        self.writer.run(lambda: Library(folder), opened, failed)
        return True

    def set_library(self, library: Any) -> None:
        self.library = library
        self.reader.library_folder = Path(library.folder)
        self.results_model.set_library(library)
        self.author_page.model.library = library
        settings.put(settings.LAST_LIBRARY, str(library.folder))
        self.setWindowTitle(f"News Archive — {Path(library.folder).name}")
        self.history.clear()
        self.current = None
        self.reader.show_message(PLACEHOLDER)
        self.right_stack.setCurrentIndex(0)
        self.status_label.setText("; ".join(library.repairs) if library.repairs else "")
        self.library_changed.emit(library)
        self.flow.refresh_sidebar()
        self.flow.search_now()

    def _close_library(self) -> None:
        library, self.library = self.library, None
        self.flow.cancel()
        if library is not None:
            self.writer.run(library.close)
            self.writer.wait_idle(30)
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def choose_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open or create a library folder")
        if folder:
            self.open_library(Path(folder))

    def open_demo(self) -> None:
        from indexer import paths

        folder = paths.demo_library()
        if self.library is not None and Path(self.library.folder) == folder:
            self._import_demo_if_empty(self.library)
            return
        self.open_library(folder, then=self._import_demo_if_empty)

    def _import_demo_if_empty(self, library: Any) -> None:
        from indexer import paths

        if library.count() == 0 and paths.demo_articles_dir().is_dir():
            # The demo's own import needs no report: the articles appearing say it all.
            self._quiet_import = self.imports.start(library, paths.demo_article_paths())

    # -- import --------------------------------------------------------------------------------

    def choose_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import saved articles", "", "Saved pages (*.html *.htm *.mhtml *.mht *.txt *.zip);;All files (*)"
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def choose_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of saved articles")
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path], cleanup: list[Path] | None = None) -> bool:
        if self.library is None:
            return False
        if not self.imports.start(self.library, paths, cleanup):
            self.show_error("An import is already running; drop again when it has finished.")
            return False
        return True

    def _import_progressed(self, progress: Any) -> None:
        # A long import shows its articles as they arrive, every few seconds, not only at the end.
        now = time.monotonic()
        if now - self._last_refresh > 3 and progress.imported:
            self._last_refresh = now
            self.flow.search_now()

    def _import_finished(self, report: Any) -> None:
        self.status_label.setText(summary_line(report))
        self.flow.invalidate_totals()
        self.results_model.forget()
        self.flow.refresh_sidebar()
        self.flow.search_now()
        if self._quiet_import and report.ok:
            self._quiet_import = False
            return
        self._quiet_import = False
        dialog = ImportReportDialog(report, self)
        dialog.article_opened.connect(self.open_article)
        dialog.destroyed.connect(lambda *_: self.reports.remove(dialog) if dialog in self.reports else None)
        self.reports.append(dialog)
        dialog.show()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self.library is not None and drops.read_drop(event.mimeData()).importable:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        # Some platforms ask again on every move; without accepting here the drop is refused.
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        contents = drops.read_drop(event.mimeData())
        if contents.paths:
            self.import_paths(contents.paths)
        elif contents.selection is not None:
            path = drops.write_selection(contents.selection)
            self.import_paths([path], cleanup=[path.parent])
        elif contents.links:
            self.show_error("Links are not downloaded (the archive works offline): save the page, then drop the file.")
            event.ignore()
            return
        event.acceptProposedAction()

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

    # -- organising ----------------------------------------------------------------------------

    def edit_tags(self) -> None:
        if self.library is None or self.current is None:
            return
        kind, value = self.current
        known = [name for name, _a, _b in self.library.tags()]
        if kind == "article":
            record = self.library.article(value)
            if record is None:
                return
            subject, current = record.title, record.tags

            def change(names: list[str], remove: bool) -> Any:
                return lambda: self.library.tag(value, names, remove=remove)
        else:
            author = self.library.author(value)
            if author is None:
                return
            subject, current = author.name, author.tags

            def change(names: list[str], remove: bool) -> Any:
                return lambda: self.library.tag_author(value, names, remove=remove)

        editor = TagEditor(subject, current, known, self)
        editor.added.connect(lambda name: self.writer.run(change([name], False), lambda _r: self._changed()))
        editor.removed.connect(lambda name: self.writer.run(change([name], True), lambda _r: self._changed()))
        self.tag_editor = editor
        editor.show()
        editor.field.setFocus()

    def toggle_bookmark(self) -> None:
        if self.library is None or self.current is None:
            return
        kind, value = self.current
        if kind == "article":
            record = self.library.article(value)
            if record is not None:
                self.writer.run(lambda: self.library.bookmark(value, not record.bookmarked), lambda _r: self._changed())
        else:
            author = self.library.author(value)
            if author is not None:
                self._follow(author.name, not author.bookmarked)

    def _follow(self, name: str, on: bool) -> None:
        self.writer.run(lambda: self.library.bookmark_author(name, on), lambda _r: self._changed())

    def rename_tag(self, old: str) -> None:
        if self.library is None:
            return
        new, ok = QInputDialog.getText(
            self, "Rename tag", f"New name for “{old}” (an existing name merges the two):", text=old
        )
        if ok and new.strip() and new.strip() != old:
            self.writer.run(lambda: self.library.rename_tag(old, new.strip()), lambda _r: self._changed())

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
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search_field:
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self.flow.flush()
                rows = self.results_model.rowCount()
                if rows:
                    step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10, Qt.Key.Key_PageUp: -10}[key]
                    row = self.results_view.currentIndex().row()
                    row = 0 if row < 0 else max(0, min(rows - 1, row + step))
                    self.results_view.setCurrentIndex(self.results_model.index(row))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.flow.flush()
                index = self.results_view.currentIndex()
                if not index.isValid() and self.results_model.rowCount():
                    index = self.results_model.index(0)
                    self.results_view.setCurrentIndex(index)
                if index.isValid():
                    self._result_activated(index)
                return True
        elif watched in (self.results_view, self.author_page.list) and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = watched.currentIndex()  # type: ignore[attr-defined]
            if index.isValid():
                if watched is self.results_view:
                    self._result_activated(index)
                else:
                    self.open_article(index.data(ArticleIdRole))
                    self.reader.setFocus()
                return True
        return super().eventFilter(watched, event)

    # -- messages ------------------------------------------------------------------------------

    def show_error(self, message: str, dialog: bool = False) -> None:
        self.status_label.setText(message.splitlines()[0] if message else "")
        if dialog:
            QMessageBox.warning(self, "News Archive", message)

    def show_shortcuts(self) -> None:
        dialog = shortcuts.ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_state()
        self.imports.cancel()
        for dialog in list(self.reports):
            dialog.close()
        self._close_library()
        self.flow.shutdown()
        self.writer.shutdown()
        super().closeEvent(event)
