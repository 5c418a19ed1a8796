"""`newsarchive screenshot DIR`: the window's main states rendered offscreen from a fresh demo library.

Writes results.png (hits with snippets), reader.png, author.png, research.png (highlights and a note in the
reader and beside it, the coverage chart over every article), import-report.png and dark.png.
Nothing of the user's is touched: the library and the settings live in a temporary folder.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

QUERY = "seawall"


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _settle(seconds: float = 0.3) -> None:
    wait_until(lambda: False, seconds)


def main(out_dir: str | Path, query: str = QUERY) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="newsarchive-screenshot-") as tmp:
        os.environ["NEWSARCHIVE_CONFIG"] = str(Path(tmp) / "config")
        return _render(out, Path(tmp) / "Demo Library", query)


def _render(out: Path, folder: Path, query: str) -> int:
    from indexer import paths
    from indexer.library import Library

    articles = paths.demo_article_paths()
    later = [p for p in articles if p.is_dir()]
    earlier = [p for p in articles if p not in later]
    broken = folder.parent / "broken-download.html"
    broken.write_bytes(b"")
    with Library(folder) as library:
        library.import_paths(earlier, workers=1)
        # A second import for the report: new articles, one already there, one that is not an article.
        again = next((p for p in earlier if p.suffix == ".html"), earlier[0])
        report = library.import_paths([*later, again, broken], workers=1)

    from desktop.app import application, apply_theme
    from desktop.dialogs.import_report import ImportReportDialog
    from desktop.window import MainWindow

    app = application()
    apply_theme(app, "light")
    window = MainWindow()
    window.resize(1360, 820)
    window.splitter.setSizes([230, 480, 650])
    window.show()
    window.open_library(folder)
    if not wait_until(lambda: window.library is not None and window.flow.searches_done > 0):
        print("newsarchive: the demo library did not open", file=sys.stderr)
        return 1

    done = window.flow.searches_done
    window.search_field.setText(query)
    window.flow.search_now()
    # The sidebar's counts follow the hits: wait for them too.
    wait_until(lambda: window.flow.searches_done > done and not window.flow.busy)
    wait_until(lambda: _snippets_shown(window), 5)
    window.results_view.setFocus()
    _settle()
    written = [_save(window, out / "results.png")]

    first = window.results_model.article_id(0)
    if first is not None:
        window.open_article(first)
        window.reader.setFocus()
        window.reader.next_mark()
        _settle()
        written.append(_save(window, out / "reader.png"))
        record = window.library.article(first)
        if record is not None and record.authors:
            window.open_author(record.authors[0].name)
            _settle()
            written.append(_save(window, out / "author.png"))
            window.go_back()
        if record is not None:
            written += _research(window, record, out)

    dialog = ImportReportDialog(report, window)
    dialog.show()
    _settle()
    written.append(_save(dialog, out / "import-report.png"))
    dialog.close()

    apply_theme(app, "dark")
    if first is not None:
        window.open_article(first, remember=False)
    window.results_model.forget()
    _settle()
    written.append(_save(window, out / "dark.png"))
    window.close()
    apply_theme(app)  # back to the user's choice, for a caller that goes on using the application
    for path in written:
        print(path)
    return 0


def _research(window: Any, record: Any, out: Path) -> list[Path]:
    """Two highlights of the article's text, one with a note, and the chart of every article's dates."""
    # Whole sentences: ending where the next one begins (not at "9 a.m.").
    sentences = re.findall(r"[A-Z][^.!?\n]{30,160}[.!?](?=\s+[A-Z“]|\s*$)", record.text)
    if len(sentences) < 2:
        return []
    library = window.library
    window.writer.run(lambda: library.add_highlight(record.id, sentences[0]))
    window.writer.run(lambda: library.add_highlight(record.id, sentences[-1], note="Ask the city for the figures."))
    window.writer.wait_idle(30)
    done = window.flow.searches_done
    window.search_field.setText("")
    window.flow.search_now()
    wait_until(lambda: window.flow.searches_done > done and not window.flow.busy)
    window.open_article(record.id, remember=False)
    window.reader.scroll_to_highlight(max(h.id for h in library.highlights(record.id)))
    window.reader.setFocus()
    _settle()
    return [_save(window, out / "research.png")]


def _snippets_shown(window: object) -> bool:
    from desktop.panes.results import SnippetRole

    model = window.results_model  # type: ignore[attr-defined]
    return model.rowCount() == 0 or model.index(0).data(SnippetRole) is not None


def _save(widget: object, path: Path) -> Path:
    widget.grab().save(str(path))  # type: ignore[attr-defined]
    return path
