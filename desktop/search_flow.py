"""Search as you type: debounce, run on the search thread, show the hits, the counts and the suggestion.

The sidebar filter is a query clause (`tag:"war"`, `author:"…"`, `is:bookmarked`), so the index
does all the filtering; the facet counts beside the sidebar entries come from the search for the
typed words alone, so every entry says how many hits choosing it would give.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer

from desktop.reader import highlight_terms
from desktop.results import PAGE
from desktop.worker import LatestRunner, TaskRunner

DEBOUNCE_MS = 150
RECENT = 200


def _quoted(value: str) -> str:
    return '"' + value.replace('"', " ") + '"'


def filter_clause(kind: str, value: str) -> str:
    if kind == "bookmarked":
        return "is:bookmarked"
    if kind == "tag":
        return f"tag:{_quoted(value)}"
    if kind == "author":
        return f"author:{_quoted(value)}"
    if kind == "source":
        return f"source:{_quoted(value)}"
    if kind == "year":
        return f"published:{value}"
    return ""


@dataclass
class Outcome:
    text: str
    query: str
    ids: list[int]
    total: int
    suggestion: str | None
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    fixed: bool = False  # a list not backed by a search (Recently imported): no more pages to fetch


def run_search(library: Any, text: str, kind: str, value: str, sort: str) -> Outcome:
    """On the search thread: the first page of hits, and facets for the typed words alone."""
    clause = filter_clause(kind, value)
    query = " ".join(x for x in (f"({text})" if text.strip() and clause else text, clause) if x.strip())
    if kind == "recent":
        recent = library.recently_imported(RECENT)
        if text.strip():
            found = {h.id for h in library.search(text, sort=sort, limit=5000).hits}
            recent = [i for i in recent if i in found]
        facets = library.search(text, limit=1).facets if text.strip() else {}
        return Outcome(text, text, recent, len(recent), None, facets, fixed=True)
    results = library.search(query, sort=sort, limit=PAGE)
    facets = results.facets
    if clause:
        facets = library.search(text, sort=sort, limit=1).facets
    return Outcome(text, query, [h.id for h in results.hits], results.total, results.suggestion, facets or {})


class SearchFlow(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.w = window
        self.kind, self.value = "all", ""
        self.searcher = LatestRunner("search", self)
        self.snippet_runner = TaskRunner("snippets", self)
        self.last: Outcome | None = None
        self._totals: tuple[Any, dict[str, int], dict[str, int]] | None = None
        self.searches_done = 0  # for the tests and the benchmark: a search's hits are on screen
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.search_now)
        window.search_field.textChanged.connect(lambda _t: self.timer.start())
        window.sidebar.filter_chosen.connect(self.set_filter)
        window.results_model.snippet_loader = self._load_snippets

    # -- running -------------------------------------------------------------------------------

    def set_filter(self, kind: str, value: str) -> None:
        self.kind, self.value = kind, value
        self.search_now()

    def flush(self) -> None:
        """Run a pending debounced search at once (Enter or Down pressed before the pause ended)."""
        if self.timer.isActive():
            self.timer.stop()
            self.search_now()

    def search_now(self) -> None:
        self.timer.stop()
        library = self.w.library
        if library is None:
            return
        text = self.w.search_field.text()
        kind, value = self.kind, self.value
        sort = self.w.sort_box.currentData() or "relevance"
        self.searcher.run(
            lambda: run_search(library, text, kind, value, sort),
            lambda outcome: self._show(library, outcome, sort),
            lambda exc: self._failed(text, exc),
        )

    def cancel(self) -> None:
        self.timer.stop()
        self.searcher.cancel()

    def shutdown(self) -> None:
        self.cancel()
        self.searcher.shutdown()
        self.snippet_runner.shutdown()

    def _show(self, library: Any, outcome: Outcome, sort: str) -> None:
        if library is not self.w.library:
            return
        self.last = outcome
        query = outcome.query

        def fetch(offset: int, limit: int) -> list[int]:
            return [h.id for h in library.search(query, sort=sort, limit=limit, offset=offset).hits]

        w = self.w
        current = w.results_model.article_id(w.results_view.currentIndex().row())
        w.results_model.set_results(outcome.ids, outcome.total, outcome.text, None if outcome.fixed else fetch)
        if outcome.ids:
            row = w.results_model.row_of(current) if current is not None else -1
            w.results_view.setCurrentIndex(w.results_model.index(max(row, 0)))
            w.results_view.scrollTo(w.results_view.currentIndex())
        empty_library = library.count() == 0
        w.middle_stack.setCurrentIndex(1 if empty_library else 0)
        n = outcome.total
        w.count_label.setText(f"{n:,} article{'s' if n != 1 else ''}")
        if outcome.suggestion and not empty_library and outcome.suggestion.strip() != outcome.text.strip():
            w.suggestion_label.setText(f"Did you mean <a href='#'>{html.escape(outcome.suggestion)}</a>? (Ctrl+Enter)")
            w.suggestion_label.show()
        else:
            w.suggestion_label.hide()
        self.refresh_sidebar(outcome.facets if outcome.text.strip() else None)
        self.searches_done += 1

    def _failed(self, text: str, exc: BaseException) -> None:
        # A query the index cannot read must never show a traceback: say so in one line.
        self.w.show_error(f"Could not search for “{text}”: {exc}".splitlines()[0])

    def use_suggestion(self) -> None:
        if self.last is not None and self.last.suggestion:
            self.w.search_field.setText(self.last.suggestion)
            self.search_now()

    def terms_to_mark(self) -> list[str]:
        text = self.w.search_field.text()
        library = self.w.library
        index = getattr(library, "index", None)
        marker = getattr(index, "terms_to_mark", None)
        if marker is not None and text.strip():
            try:
                return list(marker(text))
            except Exception:  # the words of the query still get marked below
                pass
        return highlight_terms(text)

    # -- snippets and the sidebar --------------------------------------------------------------

    def _load_snippets(self, query: str, ids: list[int]) -> None:
        library = self.w.library
        if library is None:
            return
        model = self.w.results_model
        self.snippet_runner.run(lambda: library.snippets(query, ids), lambda s: model.add_snippets(query, s))

    def invalidate_totals(self) -> None:
        self._totals = None

    def refresh_counts(self) -> None:
        """The sidebar again after a change (a tag, a bookmark), with the counts of the current query."""
        last = self.last
        self.refresh_sidebar(last.facets if last is not None and last.text.strip() else None)

    def refresh_sidebar(self, facets: dict[str, dict[str, int]] | None = None) -> None:
        """Counts for every entry: the library's totals, or the facets of the current query."""
        library = self.w.library
        if library is None:
            return
        followed = [a.name for a in library.bookmarked_authors()]
        if facets is None:
            tags = {name: articles + authors for name, articles, authors in library.tags()}
            if self._totals is None or self._totals[0] is not library:
                # Counting every author and source takes a while on a large archive: once per change.
                self._totals = (library, library.author_counts(), dict(library.sources()))
            authors, sources = self._totals[1], self._totals[2]
            years = (self.last.facets.get("year", {}) if self.last and not self.last.text.strip() else {}) or {}
            total = library.count()
            bookmarked = None
        else:
            tags = {name: 0 for name, _a, _b in library.tags()}
            tags.update(facets.get("tag", {}))
            authors = facets.get("author", {})
            sources = facets.get("source", {})
            years = facets.get("year", {})
            total = self.last.total if self.last and self.kind == "all" else None
            bookmarked = None
        self.w.sidebar.populate(
            total=total,
            bookmarked=bookmarked,
            followed=followed,
            tags=tags,
            authors=authors,
            sources=sources,
            years={str(k): v for k, v in years.items()},
        )
