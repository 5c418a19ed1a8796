"""The sidebar: All articles, Bookmarked, Recently imported, Annotations, Saved searches, Tags (a tree),
Authors, Sources, Years.

Each entry is a filter on the results; the counts beside them follow the current query (they come
from the facets of the same search). Moving through it with the arrow keys filters as you go.
Annotations lists every highlight and note (filtered by the query) in place of the results. A saved
search runs on Enter or a click (not while passing by, since it replaces the typed query); F2 renames it
and Delete deletes it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeView

FilterRole = Qt.ItemDataRole.UserRole + 1  # "kind:value"; a plain string, see _key
QueryRole = Qt.ItemDataRole.UserRole + 2  # a saved search's query


def _key(kind: str, value: str = "") -> str:
    # Strings, not tuples: a Python object inside a QVariant trips a reference-count bug in some
    # PySide6 versions when many items are replaced (a fatal "deallocating None").
    return f"{kind}:{value}"


def _unkey(data: object) -> tuple[str, str]:
    kind, _, value = str(data or ":").partition(":")
    return kind, value


MAX_LISTED = 200  # authors or sources listed under their heading; the most frequent first

GROUPS = (
    ("all", "All articles"),
    ("bookmarked", "Bookmarked"),
    ("recent", "Recently imported"),
    ("annotations", "Annotations"),
    ("saved_searches", "Saved searches"),
    ("tags", "Tags"),
    ("authors", "Authors"),
    ("sources", "Sources"),
    ("years", "Years"),
)


def _label(name: str, count: int | None, about: bool = False) -> str:
    """An entry's text with its count; `about`: the count is estimated from a sample (a very large result)."""
    if count is None:
        return name
    return f"{name}  (≈{count:,})" if about and count else f"{name}  ({count:,})"


class Sidebar(QTreeView):
    """Filters for the result list; emits `filter_chosen(kind, value)` and `author_chosen(name)`."""

    filter_chosen = Signal(str, str)
    author_chosen = Signal(str)
    rename_tag_requested = Signal(str)
    rename_author_requested = Signal(str)
    saved_search_chosen = Signal(str, str)  # name, query
    rename_search_requested = Signal(str)
    delete_search_requested = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAccessibleName("Filters")
        self.model_ = QStandardItemModel(self)
        self.setModel(self.model_)
        self.groups: dict[str, QStandardItem] = {}
        for kind, title in GROUPS:
            item = QStandardItem(title)
            item.setData(_key(kind), FilterRole)
            self.model_.appendRow(item)
            self.groups[kind] = item
        self.current_filter: tuple[str, str] = ("all", "")
        self._updating = False
        self._about = False
        self.selectionModel().currentChanged.connect(self._current_changed)
        self.activated.connect(self._activated)
        self.clicked.connect(self._clicked)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.expand(self.groups["tags"].index())
        self.expand(self.groups["saved_searches"].index())

    # -- contents ------------------------------------------------------------------------------

    def populate(
        self,
        *,
        total: int,
        bookmarked: int | None,
        followed: list[str],
        tags: dict[str, int],
        authors: dict[str, int],
        sources: dict[str, int],
        years: dict[str, int],
        saved: list[tuple[str, str, int | None]] | None = None,
        estimated: bool = False,
    ) -> None:
        """Rebuild the entries with these counts, keeping what is expanded and selected. `estimated`: the
        tag, author, source and year counts are estimates (shown with ≈); the total is always exact."""
        self._updating = True
        self._about = estimated
        expanded = self._expanded_keys()
        try:
            self.groups["all"].setText(_label("All articles", total))
            self.groups["bookmarked"].setText(_label("Bookmarked", bookmarked))
            self._fill(self.groups["bookmarked"], [(f"★ {n}", ("followed", n), None) for n in followed])
            self._fill_tags(tags)
            top_authors = sorted(authors.items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:MAX_LISTED]
            self._fill(self.groups["authors"], [(n, ("author", n), c) for n, c in top_authors])
            top_sources = sorted(sources.items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:MAX_LISTED]
            self._fill(self.groups["sources"], [(n, ("source", n), c) for n, c in top_sources])
            self._fill(self.groups["years"], [(y, ("year", y), c) for y, c in sorted(years.items(), reverse=True)])
            self.groups["tags"].setText(_label("Tags", None))
            self._about = False  # saved searches count exactly
            if saved is not None:
                self._fill(self.groups["saved_searches"], [(n, ("saved", n), c) for n, _q, c in saved])
                for row, (_n, query, _c) in enumerate(saved):
                    item = self.groups["saved_searches"].child(row)
                    if item.data(QueryRole) != query:
                        item.setData(query, QueryRole)
                        item.setToolTip(query)
            self._restore(expanded)
        finally:
            self._updating = False

    def _fill(self, parent: QStandardItem, rows: list[tuple[str, tuple[str, str], int | None]]) -> None:
        keys = [_key(*key) for _name, key, _count in rows]
        if parent.rowCount() == len(keys) and all(parent.child(i).data(FilterRole) == k for i, k in enumerate(keys)):
            # The same entries in the same order (typing on, mostly): new counts only, no rows replaced.
            for i, (name, _, count) in enumerate(rows):
                child = parent.child(i)
                label = _label(name, count, self._about)
                if child.text() != label:
                    child.setText(label)
            return
        parent.removeRows(0, parent.rowCount())
        items = []
        for (name, _, count), key in zip(rows, keys, strict=True):
            item = QStandardItem(_label(name, count, self._about))
            item.setData(key, FilterRole)
            item.setToolTip(name)
            items.append(item)
        if items:
            parent.appendRows(items)  # one insertion for the view, not one per row

    def _fill_tags(self, tags: dict[str, int]) -> None:
        parent = self.groups["tags"]
        parent.removeRows(0, parent.rowCount())
        nodes: dict[str, QStandardItem] = {}
        for name in sorted(tags, key=str.casefold):
            path = ""
            holder = parent
            for part in name.split("/"):
                path = f"{path}/{part}" if path else part
                node = nodes.get(path.casefold())
                if node is None:
                    node = QStandardItem(part)
                    node.setData(_key("tag", path), FilterRole)
                    node.setToolTip(path)
                    holder.appendRow(node)
                    nodes[path.casefold()] = node
                holder = node
        counts = {n.casefold(): c for n, c in tags.items()}
        for key, node in nodes.items():
            node.setText(_label(node.text(), counts.get(key), self._about))

    def _branches(self) -> list[QStandardItem]:
        """The entries that can hold others: the headings and the tag tree's inner nodes."""
        found = list(self.groups.values())
        stack = [self.groups["tags"]]
        while stack:
            item = stack.pop()
            for row in range(item.rowCount()):
                child = item.child(row)
                if child.hasChildren():
                    found.append(child)
                    stack.append(child)
        return found

    def _expanded_keys(self) -> set[tuple[str, str]]:
        return {_unkey(item.data(FilterRole)) for item in self._branches() if self.isExpanded(item.index())}

    def _entry(self, kind: str, value: str) -> QStandardItem | None:
        """The entry of a filter, looked for only under the heading that lists its kind."""
        heading = {
            "followed": "bookmarked",
            "saved": "saved_searches",
            "tag": "tags",
            "author": "authors",
            "source": "sources",
            "year": "years",
        }
        if kind not in heading:
            group = self.groups.get(kind)
            return group if group is not None and not value else None
        wanted = _key(kind, value)
        stack = [self.groups[heading[kind]]]
        while stack:
            item = stack.pop()
            for row in range(item.rowCount()):
                child = item.child(row)
                if child.data(FilterRole) == wanted:
                    return child
                if child.hasChildren():
                    stack.append(child)
        return None

    def _restore(self, expanded: set[tuple[str, str]]) -> None:
        for item in self._branches():
            if _unkey(item.data(FilterRole)) in expanded:
                self.expand(item.index())
        current = self._entry(*self.current_filter)
        if current is not None:
            self.selectionModel().setCurrentIndex(current.index(), self.selectionModel().SelectionFlag.ClearAndSelect)

    # -- choosing ------------------------------------------------------------------------------

    def select_filter(self, kind: str, value: str = "") -> None:
        self.current_filter = (kind, value)
        self._restore(self._expanded_keys())

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._updating or not current.isValid():
            return
        kind, value = _unkey(current.data(FilterRole))
        if kind in ("tags", "authors", "sources", "years", "saved_searches"):
            return  # a heading: expands, does not filter
        if kind in ("followed", "saved"):
            return  # opens the author's page (runs the saved search) on Enter or a click, not while passing by
        if (kind, value) != self.current_filter:
            self.current_filter = (kind, value)
            self.filter_chosen.emit(kind, value)

    def _activated(self, index: QModelIndex) -> None:
        kind, value = _unkey(index.data(FilterRole))
        if kind in ("followed", "author") and value:
            self.author_chosen.emit(value)
        elif kind in ("tags", "authors", "sources", "years", "saved_searches"):
            self.setExpanded(index, not self.isExpanded(index))

    def _clicked(self, index: QModelIndex) -> None:
        kind, value = _unkey(index.data(FilterRole))
        if kind == "saved" and value:
            self.saved_search_chosen.emit(value, str(index.data(QueryRole) or ""))

    def current_saved_search(self) -> str | None:
        """The name of the saved search the sidebar's current entry is, if it is one."""
        kind, value = _unkey(self.currentIndex().data(FilterRole)) if self.currentIndex().isValid() else ("", "")
        return value if kind == "saved" and value else None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        index = self.currentIndex()
        if event.key() == Qt.Key.Key_F2 and index.isValid():
            kind, value = _unkey(index.data(FilterRole))
            if kind == "tag":
                self.rename_tag_requested.emit(value)
                return
            if kind in ("author", "followed") and value:
                self.rename_author_requested.emit(value)
                return
            if kind == "saved" and value:
                self.rename_search_requested.emit(value)
                return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            kind, value = _unkey(index.data(FilterRole))
            if kind == "saved" and value:  # Enter runs it on every platform (not only where Enter activates)
                self.saved_search_chosen.emit(value, str(index.data(QueryRole) or ""))
                return
        super().keyPressEvent(event)

    def _context_menu(self, pos: Any) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        kind, value = _unkey(index.data(FilterRole))
        menu = QMenu(self)
        if kind == "tag":
            menu.addAction("Rename or merge tag…\tF2", lambda: self.rename_tag_requested.emit(value))
        if kind == "saved":
            query = str(index.data(QueryRole) or "")
            menu.addAction("Run search\tEnter", lambda: self.saved_search_chosen.emit(value, query))
            menu.addAction("Rename…\tF2", lambda: self.rename_search_requested.emit(value))
            menu.addAction("Delete…\tDel", lambda: self.delete_search_requested.emit(value))
        if kind in ("author", "followed"):
            menu.addAction("Open author page", lambda: self.author_chosen.emit(value))
            menu.addAction("Rename or merge author…\tF2", lambda: self.rename_author_requested.emit(value))
        if not menu.isEmpty():
            menu.exec(self.viewport().mapToGlobal(pos))
