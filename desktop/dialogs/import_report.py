"""The non-modal report an import ends with: imported, duplicates (linking the article kept), failed with why."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout

ARTICLE_SCHEME = "newsarchive-article"


def shown_name(outcome: Any) -> str:
    """How the report names an input: its file name, or for a record "crawl.warc.gz/https://…"."""
    container = getattr(outcome, "container", None)
    if container and outcome.path.startswith(container + "/"):
        return f"{Path(container).name}/{outcome.path[len(container) + 1 :]}"
    return Path(outcome.path).name


def report_html(report: Any) -> str:
    esc = html.escape
    imported, duplicates, failed = report.of("imported"), report.of("duplicate"), report.of("failed")
    links = report.of("link-only")
    parts = []
    containers = report.containers()
    if containers:
        # Web archives, mailboxes and exports hold many articles: one line each says what came of them.
        parts.append("<h3>From archives, mailboxes and exports</h3><ul>")
        for summary in containers[:500]:
            parts.append(f'<li class="container">{esc(summary.line(Path(summary.path).name))}</li>')
        parts.append("</ul>")
    if imported:
        parts.append(f"<h3>Imported ({len(imported)})</h3><ul>")
        for o in imported[:500]:
            parts.append(f'<li><a href="{ARTICLE_SCHEME}:{o.id}">{esc(o.title or shown_name(o))}</a></li>')
        if len(imported) > 500:
            parts.append(f"<li>… and {len(imported) - 500} more</li>")
        parts.append("</ul>")
    if links:
        parts.append(
            f"<h3>Saved as links only ({len(links)}): the export held no text, nothing was downloaded</h3><ul>"
        )
        for o in links[:500]:
            parts.append(f'<li><a href="{ARTICLE_SCHEME}:{o.id}">{esc(o.title or shown_name(o))}</a></li>')
        if len(links) > 500:
            parts.append(f"<li>… and {len(links) - 500} more</li>")
        parts.append("</ul>")
    if duplicates:
        parts.append(f"<h3>Already in the archive ({len(duplicates)})</h3><ul>")
        for o in duplicates[:500]:
            link = f'<a href="{ARTICLE_SCHEME}:{o.id}">open the article kept</a>' if o.id else ""
            parts.append(f"<li>{esc(shown_name(o))} — {link}</li>")
        parts.append("</ul>")
    if failed:
        parts.append(f"<h3>Not imported ({len(failed)})</h3><ul>")
        for o in failed[:500]:
            parts.append(f"<li><b>{esc(shown_name(o))}</b>: {esc(o.error or 'unreadable')}</li>")
        parts.append("</ul>")
    if not parts:
        parts.append("<p>Nothing to import was found there.</p>")
    return "".join(parts)


def summary_line(report: Any) -> str:
    text = (
        f"{len(report.of('imported'))} imported, {len(report.of('duplicate'))} already in the archive, "
        f"{len(report.of('failed'))} failed"
    )
    links = len(report.of("link-only"))
    if links:
        text += f", {links} saved as links only"
    return text + (" — stopped early" if report.cancelled else "")


class ImportReportDialog(QDialog):
    """Non-modal, so the user can keep reading while it is open; article links emit `article_opened`."""

    article_opened = Signal(int)

    def __init__(self, report: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.setWindowTitle("Import report")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report = report
        self.summary = QLabel(summary_line(report))
        self.summary.setObjectName("reportSummary")
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.setHtml(report_html(report))
        self.body.anchorClicked.connect(self._clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.body, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == ARTICLE_SCHEME:
            try:
                self.article_opened.emit(int(url.path()))
            except ValueError:
                pass
