"""Search as you type: debounce, run on the search thread, show the hits, then the counts and the suggestion.

The sidebar filter is a query clause (`tag:"war"`, `author:"…"`, `is:bookmarked`), so the index
does all the filtering; the facet counts beside the sidebar entries come from the search for the
typed words alone, so every entry says how many hits choosing it would give.

What the user waits for comes first. After the last keystroke the search thread runs the query and
reads the first screenful of rows; the UI thread swaps the ids into the model and the list paints.
Only then, on a later turn of the event loop, does the sidebar take the new counts. The library's
totals (every tag, author and source with its count: ~60 ms of SQL at 100,000 articles) are counted
on their own thread, once per change, and never on the UI thread. Snippets are asked for the rows
painted; a request whose query is no longer on screen is dropped before it reaches the index.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer

from desktop.panes.reader import highlight_terms
from desktop.panes.results import PAGE
from desktop.worker import LatestRunner, TaskRunner

DEBOUNCE_MS = 150
RECENT = 200
WARM_PAUSE_MS = 20  # between steps of loading the search vocabulary, so typed searches get the index first
WARM_IDLE_MS = 400  # the vocabulary loads only once typing has paused this long (and not before the first results)
FIRST_SCREEN = 60  # rows whose title, source and date come with the hits: more than a tall window shows


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


def combined_query(text: str, kind: str, value: str) -> str:
    """The typed words with the sidebar's filter: the query the results on screen answer."""
    clause = filter_clause(kind, value)
    return " ".join(x for x in (f"({text})" if text.strip() and clause else text, clause) if x.strip())


@dataclass
class Outcome:
    text: str
    query: str
    ids: list[int]
    total: int
    suggestion: str | None
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    fixed: bool = False  # a list not backed by a search (Recently imported): no more pages to fetch
    summaries: dict[int, dict] = field(default_factory=dict)  # the first rows, read off the UI thread
    empty_library: bool = False
    marks: list[str] | None = None  # the words the reader marks for this query; None: the typed words
    months: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" -> matches, for the coverage chart
    annotations: list[tuple[Any, str]] | None = None  # Annotations chosen: the highlights the query finds
    estimated: bool = False  # facets and months estimated from a sample of a very large result


@dataclass
class Totals:
    """What the sidebar lists for the whole library, counted off the UI thread once per change."""

    library: Any
    count: int
    tags: dict[str, int]  # name -> articles and authors carrying it
    authors: dict[str, int]
    sources: dict[str, int]
    followed: list[str]
    saved: list[tuple[str, str, int | None]] = field(default_factory=list)  # saved searches: name, query, count


def count_totals(library: Any) -> Totals:
    """On the sidebar thread: every tag, author and source with its count, the followed authors and the
    saved searches with theirs (counted again after every change, an import included)."""
    saved = getattr(library, "saved_searches", None)
    return Totals(
        library,
        library.count(),
        {name: articles + authors for name, articles, authors in library.tags()},
        library.author_counts(),
        dict(library.sources()),
        [a.name for a in library.bookmarked_authors()],
        [(s.name, s.query, s.count) for s in saved()] if saved is not None else [],
    )


def run_search(library: Any, text: str, kind: str, value: str, sort: str) -> Outcome:
    """On the search thread: the first page of hits with its first rows, and facets for the typed words alone."""
    query = combined_query(text, kind, value)
    if kind == "recent":
        recent = library.recently_imported(RECENT)
        if text.strip():
            found = {h.id for h in library.search(text, sort=sort, limit=5000).hits}
            recent = [i for i in recent if i in found]
        facets = library.search(text, limit=1).facets if text.strip() else {}
        outcome = Outcome(text, text, recent, len(recent), None, facets, fixed=True)
    else:
        results = library.search(query, sort=sort, limit=PAGE)
        facets, exact = results.facets, getattr(results, "facets_exact", True)
        if filter_clause(kind, value):
            unfiltered = library.search(text, sort=sort, limit=1)
            facets, exact = unfiltered.facets, getattr(unfiltered, "facets_exact", True)
        ids = [h.id for h in results.hits]
        outcome = Outcome(text, query, ids, results.total, results.suggestion, facets or {})
        outcome.estimated = not exact
        # Counted with the facets by the same search: the chart costs the typing no extra search.
        outcome.months = dict(getattr(results, "months", None) or {})
    if kind == "annotations":
        outcome.annotations = list(library.annotations(text)) if hasattr(library, "annotations") else []
    outcome.summaries = library.summaries(outcome.ids[:FIRST_SCREEN])
    outcome.empty_library = not outcome.ids and library.count() == 0
    outcome.marks = words_to_mark(library, text)
    return outcome


def words_to_mark(library: Any, text: str) -> list[str] | None:
    """The index's words (and prefixes, ending in `*`) that the query matches, for the reader to mark.

    Asked on the search thread: the index answers under the lock a running search holds, and the
    UI thread must not wait for one when an article is opened straight after typing.
    """
    marker = getattr(getattr(library, "index", None), "terms_to_mark", None)
    if marker is None or not text.strip():
        return None
    try:
        return list(marker(text))
    except Exception:  # noqa: BLE001 - the words of the query are marked instead
        return None


class SearchFlow(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.w = window
        self.kind, self.value = "all", ""
        self.searcher = LatestRunner("search", self)
        self.snippet_runner = TaskRunner("snippets", self)
        self.totals_runner = LatestRunner("sidebar-counts", self)
        self.last: Outcome | None = None
        self._totals: Totals | None = None
        # Read by the snippet thread to drop stale work: the query whose hits are shown, and how many
        # searches have been asked for (a snippet request made before the latest one is not worth the index).
        self._on_screen = ""
        self._asked = 0
        self._first_results: list[Callable[[], None]] = []
        # Keys pressed in the search field before the results of what was typed arrived (↓, Enter):
        # they act on those results, not on the list still on screen.
        self._on_results: list[Callable[[], None]] = []
        self.searches_done = 0  # for the tests and the benchmark: a search's hits are on screen
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.search_now)
        # The sidebar follows the hits a turn of the event loop later, once however many searches landed.
        self.sidebar_timer = QTimer(self)
        self.sidebar_timer.setSingleShot(True)
        self.sidebar_timer.setInterval(0)
        self.sidebar_timer.timeout.connect(self._update_sidebar)
        window.search_field.textChanged.connect(lambda _t: self.timer.start())
        window.sidebar.filter_chosen.connect(self.set_filter)
        window.results_model.snippet_loader = self._load_snippets

    @property
    def busy(self) -> bool:
        """Whether a search, the sidebar's counts or its update is still to come (the tests wait on this)."""
        return self.timer.isActive() or self.searcher.busy or self.totals_runner.busy or self.sidebar_timer.isActive()

    def when_results(self, action: Callable[[], None]) -> None:
        """Run `action` on the results of the text in the search field: now if they are on screen,
        else once they are (a pending search is started at once)."""
        self.flush()
        if self.searcher.busy:
            self._on_results.append(action)
        else:
            action()

    # -- running -------------------------------------------------------------------------------

    def library_opened(self, then: Callable[[], None] | None = None) -> None:
        """The window has a new library: search it at once; count the sidebar's totals (and run `then`)
        only when its first hits are on screen, so nothing competes with that first search."""
        self._totals = None
        self.last = None
        self._first_results = [self.invalidate_totals, self._warm_later] + ([then] if then is not None else [])
        self.search_now()

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
        self._asked += 1
        changes = self.w.results_model.changes
        self.searcher.run(
            lambda: run_search(library, text, kind, value, sort),
            lambda outcome: self._show(library, outcome, sort, changes),
            lambda exc: self._failed(text, exc),
        )

    def cancel(self) -> None:
        self.timer.stop()
        self.sidebar_timer.stop()
        self.searcher.cancel()
        self.totals_runner.cancel()
        self._first_results = []
        self._on_results = []

    def shutdown(self) -> None:
        self.cancel()
        self.searcher.shutdown()
        self.snippet_runner.shutdown()
        self.totals_runner.shutdown()

    def _show(self, library: Any, outcome: Outcome, sort: str, changes: int) -> None:
        if library is not self.w.library:
            return
        if changes != self.w.results_model.changes:
            outcome.summaries = {}  # read before a tag or bookmark changed them: the model reads them again
        self.last = outcome
        query = outcome.query

        def fetch(offset: int, limit: int, deliver: Callable[[list[int] | None], None]) -> None:
            # On the snippet thread, not the search thread: a new keystroke must not cancel it, and
            # the UI never waits on the index for the rows below the first page.
            def failed(exc: BaseException) -> None:
                deliver(None)
                w.show_error(f"Could not read more results: {exc}".splitlines()[0])

            self.snippet_runner.run(
                lambda: [h.id for h in library.search(query, sort=sort, limit=limit, offset=offset).hits],
                deliver,
                failed,
            )

        w = self.w
        current = w.results_model.article_id(w.results_view.currentIndex().row())
        self._on_screen = outcome.text
        w.results_model.set_results(
            outcome.ids, outcome.total, outcome.text, None if outcome.fixed else fetch, summaries=outcome.summaries
        )
        if outcome.ids:
            row = w.results_model.row_of(current) if current is not None else -1
            w.results_view.setCurrentIndex(w.results_model.index(max(row, 0)))
            w.results_view.scrollTo(w.results_view.currentIndex())
        w.middle_stack.setCurrentIndex(1 if outcome.empty_library else 2 if outcome.annotations is not None else 0)
        if outcome.annotations is not None:
            w.annotations_page.show_rows(outcome.annotations)
        w.chart.set_months(outcome.months, outcome.estimated)
        n = outcome.total
        w.count_label.setText(f"{n:,} article{'s' if n != 1 else ''}")
        if outcome.annotations is not None:
            k = len(outcome.annotations)
            w.count_label.setText(f"{k:,} highlight{'s' if k != 1 else ''} and notes")
        if outcome.suggestion and not outcome.empty_library and outcome.suggestion.strip() != outcome.text.strip():
            w.suggestion_label.setText(f"Did you mean <a href='#'>{html.escape(outcome.suggestion)}</a>? (Ctrl+Enter)")
            w.suggestion_label.show()
        else:
            w.suggestion_label.hide()
        self.searches_done += 1
        self.refresh_sidebar()
        self._after_first_results()
        if not (self.timer.isActive() or self.searcher.busy):
            waiting, self._on_results = self._on_results, []
            for action in waiting:
                action()

    def _after_first_results(self) -> None:
        first, self._first_results = self._first_results, []
        for callback in first:
            callback()

    def _failed(self, text: str, exc: BaseException) -> None:
        # A query the index cannot read must never show a traceback: say so in one line.
        self.w.show_error(f"Could not search for “{text}”: {exc}".splitlines()[0])
        self._on_results = []  # no results for the keys pressed meanwhile to act on
        self._after_first_results()  # the sidebar and the snapshot do not wait on a search that failed

    def use_suggestion(self) -> None:
        if self.last is not None and self.last.suggestion:
            self.w.search_field.setText(self.last.suggestion)
            self.search_now()

    def terms_to_mark(self) -> list[str]:
        """What the reader marks: the index's words for the query on screen, else the words typed."""
        text = self.w.search_field.text()
        last = self.last
        if last is not None and last.marks is not None and last.text == text:
            return list(last.marks)
        return highlight_terms(text)

    def query_to_save(self) -> str:
        """What Ctrl+S saves: the typed words, with the sidebar's filter (a tag, an author…) when one is chosen."""
        return combined_query(self.w.search_field.text().strip(), self.kind, self.value)

    def query_on_screen(self) -> tuple[str | None, int]:
        """The query behind the results on screen and its hit count; None when they are not one search."""
        last = self.last
        if last is None or self.kind == "recent" or not last.query.strip():
            return None, 0  # every article, or a list (Recently imported) no query stands for
        return last.query, last.total

    # -- snippets and the sidebar --------------------------------------------------------------

    def _load_snippets(self, query: str, ids: list[int]) -> None:
        library = self.w.library
        if library is None:
            return
        model = self.w.results_model
        asked = self._asked

        def load() -> dict[int, str] | None:
            # Typing on leaves requests behind for hits about to be replaced; each would hold the index
            # from the next search. None: dropped, and the rows ask again if they are painted again.
            return library.snippets(query, ids) if query == self._on_screen and asked == self._asked else None

        def loaded(snippets: dict[int, str] | None) -> None:
            if snippets is None:
                model.not_loaded(ids)
            else:
                model.add_snippets(query, snippets)

        self.snippet_runner.run(load, loaded)

    def warm_search(self) -> None:
        """Load what fuzzy words and "did you mean" compare against, a piece at a time on the snippet
        thread, each piece a short hold of the index between searches; the first such search of a
        session then does not wait half a second for all of it. A step waits while the user types."""
        library = self.w.library
        if library is None:
            return
        if self.timer.isActive() or self.searcher.busy:
            self._warm_later()
            return

        def step_done(more: bool) -> None:
            if more and library is self.w.library:
                QTimer.singleShot(WARM_PAUSE_MS, self.warm_search)

        # A step that fails costs only speed: the search that needs the vocabulary loads it itself.
        self.snippet_runner.run(library.warm_search, step_done, lambda _exc: None)

    def _warm_later(self) -> None:
        QTimer.singleShot(WARM_IDLE_MS, self.warm_search)

    def invalidate_totals(self) -> None:
        """The library changed (or was opened): count its totals again, off the UI thread; the sidebar follows."""
        library = self.w.library
        if library is None:
            return
        self.totals_runner.run(lambda: count_totals(library), self._totals_counted, self._totals_failed)

    def _totals_counted(self, totals: Totals) -> None:
        if totals.library is self.w.library:
            self._totals = totals
            self.refresh_sidebar()

    def _totals_failed(self, exc: BaseException) -> None:
        self.w.show_error(f"Could not count the sidebar's entries: {exc or type(exc).__name__}")

    def refresh_counts(self) -> None:
        """The sidebar again after a change (a tag, a bookmark), with the counts of the current query."""
        self.refresh_sidebar()

    def refresh_sidebar(self) -> None:
        """Update the sidebar's counts on the next turn of the event loop (several calls, one update)."""
        self.sidebar_timer.start()

    def _update_sidebar(self) -> None:
        """Counts for every entry: the library's totals, or the facets of the current query."""
        library = self.w.library
        totals = self._totals
        if library is None or totals is None or totals.library is not library:
            return  # the totals are on their way; this runs again when they come
        last = self.last
        total: int | None
        if last is None or not last.text.strip():
            tags = totals.tags
            authors, sources = totals.authors, totals.sources
            years = (last.facets.get("year", {}) if last is not None else {}) or {}
            # The empty search counts what the index holds now, even while an import is adding to it.
            total = last.total if last is not None and self.kind == "all" else totals.count
        else:
            tags = dict.fromkeys(totals.tags, 0)
            tags.update(last.facets.get("tag", {}))
            authors = last.facets.get("author", {})
            sources = last.facets.get("source", {})
            years = last.facets.get("year", {})
            total = last.total if self.kind == "all" else None
        self.w.sidebar.populate(
            total=total,
            bookmarked=None,
            followed=totals.followed,
            tags=tags,
            authors=authors,
            sources=sources,
            years={str(k): v for k, v in years.items()},
            saved=totals.saved,
            estimated=bool(last is not None and last.text.strip() and last.estimated),
        )
