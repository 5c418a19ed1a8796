"""The window's menus and keys: every action with its shortcut, and the keys the search field and lists take.

Each action is added to the window as well as to its menu, so its shortcut works wherever the focus is
and while the menu bar is hidden. The names match `desktop.shortcuts`, which lists them for F1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent

from desktop import research, shortcuts
from desktop.citing import STYLES
from desktop.panes.results import ArticleIdRole

if TYPE_CHECKING:
    from desktop.window import MainWindow

SORTS = (("relevance", "Relevance"), ("newest", "Newest first"), ("oldest", "Oldest first"))
# Keys in the search field that move through the results without leaving the field.
RESULT_STEPS: dict[int, int] = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10, Qt.Key.Key_PageUp: -10}
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def build_actions(window: MainWindow) -> dict[str, QAction]:
    """Build the menu bar of `window` and return its actions by shortcut name."""
    by_name: dict[str, QAction] = {}

    def add(menu: Any, name: str, text: str, slot: Any) -> QAction:
        action = QAction(text, window)
        action.setObjectName(f"action_{name}")
        if name in shortcuts.BY_NAME:
            action.setShortcuts(shortcuts.sequences(name))
            action.setToolTip(f"{text} ({shortcuts.label(name)})")
        action.triggered.connect(slot)
        menu.addAction(action)
        window.addAction(action)  # shortcuts work while the menu bar is hidden or the focus is anywhere
        by_name[name] = action
        return action

    w = window
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    add(file_menu, "import", "&Import Files…", w.imports.choose_files)
    add(file_menu, "import_folder", "Import &Folder…", w.imports.choose_folder)
    add(file_menu, "cancel_import", "&Cancel Import", w.imports.cancel)
    add(file_menu, "export", "&Export…", w.choose_export)
    file_menu.addSeparator()
    add(file_menu, "open_library", "&Open Library…", w.choose_library)
    add(file_menu, "demo", "Open the &Demo Library", w.open_demo)
    file_menu.addSeparator()
    quit_app = add(file_menu, "quit", "&Quit", w.close)
    quit_app.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # from the report and other windows too

    go = bar.addMenu("&Go")
    add(go, "search", "&Search", w.focus_search)
    add(go, "find", "&Find", w._find)
    add(go, "suggestion", "Use the Suggestion", w.flow.use_suggestion)
    add(go, "save_search", "Sa&ve Search…", lambda: w.saved_searches.ask_save(w.flow.query_to_save()))
    go.addSeparator()
    add(go, "next_result", "&Next Result", lambda: w.step_result(1))
    add(go, "previous_result", "&Previous Result", lambda: w.step_result(-1))
    add(go, "back", "&Back", w.go_back)
    go.addSeparator()
    add(go, "sidebar", "Si&debar", w.sidebar.setFocus)
    add(go, "results", "&Results", w.results_view.setFocus)
    add(go, "reader", "&Reader", w.focus_reader)
    add(go, "annotations", "&Annotations", lambda: w.set_filter("annotations"))

    article = bar.addMenu("&Article")
    add(article, "tag", "&Tags…", w.edit_tags)
    add(article, "bookmark", "&Bookmark", w.toggle_bookmark)
    add(article, "original", "Open &Original File", w.open_original)
    add(article, "delete", "&Delete…", w.ask_delete)
    add(article, "rename_author_menu", "Rename &Author…", lambda: w.ask_rename_author())
    article.addSeparator()
    add(article, "next_mark", "Next &Marked Word", lambda: w.reader.next_mark())
    add(article, "previous_mark", "Previous Marked &Word", lambda: w.reader.next_mark(backwards=True))
    article.addSeparator()
    add(article, "highlight", "&Highlight Selection", lambda: w.annotating.highlight_selection())
    add(article, "note", "&Note…", lambda: research.note(w))
    add(article, "copy_citation", "Copy &Citation", lambda: w.citations.copy(w.reader.article_id))

    view = bar.addMenu("&View")
    for key, text in SORTS:
        add(view, f"sort_{key}", f"Sort: {text}", lambda _=False, k=key: w.set_sort(k))
    view.addSeparator()
    add(view, "zoom_in", "&Larger Text", lambda: w.zoom(1))
    add(view, "zoom_out", "&Smaller Text", lambda: w.zoom(-1))
    add(view, "zoom_reset", "&Default Text Size", lambda: w.zoom(0))
    view.addSeparator()
    caret = add(view, "caret", "&Caret Browsing", lambda on: research.set_caret(w, bool(on)))
    caret.setCheckable(True)
    pane = add(view, "highlights_pane", "&Highlights and Notes", lambda: research.toggle_highlights_pane(w))
    pane.setCheckable(True)
    styles = view.addMenu("Citation &Style")
    group = QActionGroup(window)
    for key, text in STYLES:
        style = add(styles, f"cite_{key}", text, lambda _=False, k=key: w.citations.set_style(k))
        style.setCheckable(True)
        style.setChecked(w.citations.style == key)
        group.addAction(style)

    help_menu = bar.addMenu("&Help")
    add(help_menu, "help", "&Keyboard Shortcuts", w.show_shortcuts)
    about = add(help_menu, "about", "&About News Archive", w.show_about)
    about.setMenuRole(QAction.MenuRole.AboutRole)  # macOS puts it in the application menu

    w.sort_box.currentIndexChanged.connect(lambda _i: w.set_sort(w.sort_box.currentData()))
    escape = QAction(window)
    escape.setShortcut(Qt.Key.Key_Escape)
    escape.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    escape.triggered.connect(w.escape)
    window.addAction(escape)
    return by_name


def _step(w: MainWindow, by: int) -> None:
    # With Annotations chosen in the sidebar, the list under the search field is the highlights'.
    annotations = w.middle_stack.currentWidget() is w.annotations_page
    view = w.annotations_page.list if annotations else w.results_view
    model = view.model()
    rows = model.rowCount()
    if rows:
        row = view.currentIndex().row()
        row = 0 if row < 0 else max(0, min(rows - 1, row + by))
        view.setCurrentIndex(model.index(row, 0))


def _open_current(w: MainWindow) -> None:
    if w.middle_stack.currentWidget() is w.annotations_page:
        record = w.annotations_page.list.current_record()
        if record is not None:
            research.open_highlight(w, record.article, record.id)
        return
    index = w.results_view.currentIndex()
    if not index.isValid() and w.results_model.rowCount():
        index = w.results_model.index(0)
        w.results_view.setCurrentIndex(index)
    if index.isValid():
        w._result_activated(index)


def handle_key(window: MainWindow, watched: QObject, event: QEvent) -> bool:
    """The keys the window filters from its search field and lists; True when one was used up."""
    if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
        return False
    w = window
    key = event.key()
    if watched is w.search_field:
        if key in RESULT_STEPS:
            w.flow.when_results(lambda: _step(w, RESULT_STEPS[key]))
            return True
        if key in ENTER_KEYS:
            w.flow.when_results(lambda: _open_current(w))
            return True
    elif watched in (w.results_view, w.author_page.list) and key in ENTER_KEYS:
        index = watched.currentIndex()  # type: ignore[attr-defined]
        if index.isValid():
            if watched is w.results_view:
                w._result_activated(index)
            else:
                w.open_article(index.data(ArticleIdRole))
                w.reader.setFocus()
            return True
    return False
