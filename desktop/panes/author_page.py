"""An author's page: name, role, bio, their tags, a follow (bookmark) toggle, rename, and their articles."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from desktop import shortcuts
from desktop.panes.results import ArticleIdRole, ResultDelegate, ResultsModel


class AuthorPage(QWidget):
    """Shows one `AuthorRecord` and the ids of their articles; actions come back as signals."""

    article_opened = Signal(int)
    follow_toggled = Signal(str, bool)
    tags_requested = Signal(str)
    tag_clicked = Signal(str)
    rename_requested = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("authorPage")
        self.author: Any = None
        self.heading = QLabel()
        self.heading.setObjectName("authorName")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.bio = QLabel()
        self.bio.setWordWrap(True)
        self.bio.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tags_label = QLabel()
        self.tags_label.setTextFormat(Qt.TextFormat.RichText)
        self.tags_label.linkActivated.connect(lambda link: self.tag_clicked.emit(link.removeprefix("tag:")))
        self.follow_button = QPushButton("Follow")
        self.follow_button.setCheckable(True)
        self.follow_button.setToolTip("Bookmark this author (Ctrl+D)")
        self.follow_button.clicked.connect(self._follow_clicked)
        self.tags_button = QPushButton("Tags…")
        self.tags_button.setToolTip("Tag this author (T)")
        self.tags_button.clicked.connect(lambda: self.author and self.tags_requested.emit(self.author.name))
        self.rename_button = QPushButton("Rename…")
        self.rename_button.setObjectName("renameAuthor")
        self.rename_button.setToolTip(f"Rename this author, or merge into another ({shortcuts.label('rename_author')})")
        self.rename_button.clicked.connect(self._rename_clicked)
        # F2 anywhere on this page; the sidebar's own F2 (rename a tag) lives in another part of the window.
        rename = QAction(self)
        rename.setShortcuts(shortcuts.sequences("rename_author"))
        rename.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        rename.triggered.connect(self._rename_clicked)
        self.addAction(rename)
        buttons = QHBoxLayout()
        buttons.addWidget(self.follow_button)
        buttons.addWidget(self.tags_button)
        buttons.addWidget(self.rename_button)
        buttons.addStretch(1)
        self.count_label = QLabel()
        self.model = ResultsModel(self)
        self.list = QListView()
        self.list.setObjectName("authorArticles")
        self.list.setAccessibleName("Articles by this author")
        self.list.setModel(self.model)
        self.list.setItemDelegate(ResultDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.activated.connect(self._activated)
        self.list.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        for widget in (self.heading, self.bio, self.tags_label):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.count_label)
        layout.addWidget(self.list, 1)

    def show_author(self, library: Any, author: Any, article_ids: list[int]) -> None:
        self.author = author
        role = f"<div style='font-size:small'>{html.escape(author.role)}</div>" if author.role else ""
        star = "★ " if author.bookmarked else ""
        self.heading.setText(f"<h1 style='margin:0'>{star}{html.escape(author.name)}</h1>{role}")
        self.bio.setText(author.bio or "")
        self.bio.setVisible(bool(author.bio))
        tags = " ".join(f"<a href='tag:{html.escape(t)}'>#{html.escape(t)}</a>" for t in author.tags)
        self.tags_label.setText(tags)
        self.tags_label.setVisible(bool(author.tags))
        self.follow_button.setChecked(author.bookmarked)
        self.follow_button.setText("Following ★" if author.bookmarked else "Follow")
        n = len(article_ids)
        self.count_label.setText(f"{n} article{'s' if n != 1 else ''} in the archive")
        if self.model.library is not library:
            self.model.library = library
        self.model.set_results(article_ids, len(article_ids), "")
        if article_ids:
            self.list.setCurrentIndex(self.model.index(0))

    def focus_articles(self) -> None:
        self.list.setFocus()

    def _follow_clicked(self, checked: bool) -> None:
        if self.author is not None:
            self.follow_toggled.emit(self.author.name, checked)

    def _rename_clicked(self) -> None:
        if self.author is not None:
            self.rename_requested.emit(self.author.name)

    def _activated(self, index: QModelIndex) -> None:
        article = index.data(ArticleIdRole)
        if article is not None:
            self.article_opened.emit(article)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802
        # Enter on the list opens the article even on styles where `activated` needs a double click.
        if watched is self.list and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.list.currentIndex().isValid():
                self._activated(self.list.currentIndex())
                return True
        return super().eventFilter(watched, event)
