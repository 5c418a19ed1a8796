"""File ▸ Export…: choose a format, a destination and whether to export only the current results (or, for
the citation formats, only the selected articles).

The export itself is `Library.export`, run on the writer thread by `desktop.exporting.ExportController`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from indexer.model import LibraryError

FORMATS = (
    ("json", "JSON: everything, can be imported again (a folder)"),
    ("csv", "CSV: one row per article, for spreadsheets (a file)"),
    ("markdown", "Markdown: one file per article with its images (a folder)"),
    ("html", "HTML: pages to read in a browser (a folder)"),
    ("bibtex", "BibTeX: citations for LaTeX and reference managers (a .bib file)"),
    ("ris", "RIS: citations for Zotero, EndNote, Mendeley (a .ris file)"),
    ("csl-json", "CSL-JSON: citations for Zotero and Pandoc (a .json file)"),
)
# Formats written as one file (with this ending); the others fill a folder.
SUFFIXES = {"csv": ".csv", "bibtex": ".bib", "ris": ".ris", "csl-json": ".json"}
CITATIONS = ("bibtex", "ris", "csl-json")  # the formats the selected articles alone can be exported in


def default_destination(fmt: str, folder: Path | None = None) -> Path:
    """A new name in `folder` (the home folder by default) that does not exist yet."""
    folder = folder or Path.home()
    base = f"News Archive export {date.today().isoformat()}"
    suffix = SUFFIXES.get(fmt, "")
    candidate = folder / f"{base}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{base} ({n}){suffix}"
        n += 1
    return candidate


class ExportDialog(QDialog):
    """Format, destination, and "only the current search results" when there is a search to narrow to."""

    def __init__(
        self, parent: Any = None, *, query: str | None = None, results: int = 0, selected: list[int] | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export articles")
        self.query = query
        self.format_box = QComboBox()
        self.format_box.setAccessibleName("Format")
        for key, text in FORMATS:
            self.format_box.addItem(text, key)
        self.dest_field = QLineEdit(str(default_destination("json")))
        self.dest_field.setAccessibleName("Destination")
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self.choose_destination)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest_field, 1)
        dest_row.addWidget(self.choose_button)
        dest = QWidget()
        dest.setLayout(dest_row)
        dest_row.setContentsMargins(0, 0, 0, 0)
        self.only_results = QCheckBox(
            f"Only the current search results ({results:,} article{'s' if results != 1 else ''})"
            if query
            else "Only the current search results (search or choose a filter first)"
        )
        self.only_results.setEnabled(bool(query))
        self.only_results.setChecked(bool(query))
        self.selected = list(selected or [])
        n = len(self.selected)
        self.only_selected = QCheckBox(
            f"Only the selected article{'s' if n != 1 else ''} ({n:,}; BibTeX, RIS and CSL-JSON)"
            if n
            else "Only the selected articles (select results first; BibTeX, RIS and CSL-JSON)"
        )
        self.only_selected.setEnabled(False)
        # One or the other: checking one unchecks the other.
        self.only_selected.toggled.connect(lambda on: self._one_of(on, self.only_results))
        self.only_results.toggled.connect(lambda on: self._one_of(on, self.only_selected))
        self.error_label = QLabel()
        self.error_label.setObjectName("exportError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout()
        form.addRow("&Format:", self.format_box)
        form.addRow("&Save to:", dest)
        form.addRow("", self.only_results)
        form.addRow("", self.only_selected)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.resize(560, self.sizeHint().height())

    @staticmethod
    def _one_of(on: bool, other: QCheckBox) -> None:
        if on:
            other.setChecked(False)

    @property
    def fmt(self) -> str:
        return str(self.format_box.currentData())

    def _format_changed(self, _index: int) -> None:
        # CSV and the citation formats are one file, the others a folder: keep the name, fix its ending.
        current = Path(self.dest_field.text().strip() or default_destination(self.fmt))
        stem = current.name
        for suffix in SUFFIXES.values():
            stem = stem.removesuffix(suffix)
        self.dest_field.setText(str(current.with_name(stem + SUFFIXES.get(self.fmt, ""))))
        citation = self.fmt in CITATIONS and bool(self.selected)
        self.only_selected.setEnabled(citation)
        if not citation:
            self.only_selected.setChecked(False)

    def choose_destination(self) -> None:
        current = Path(self.dest_field.text().strip() or default_destination(self.fmt))
        suffix = SUFFIXES.get(self.fmt)
        if suffix:
            kind = self.format_box.currentText().split(":")[0]
            path, _filter = QFileDialog.getSaveFileName(
                self, f"Export to a {kind} file", str(current), f"{kind} (*{suffix})"
            )
            if path:
                self.dest_field.setText(path if path.lower().endswith(suffix) else f"{path}{suffix}")
            return
        folder = QFileDialog.getExistingDirectory(self, "Export into a new or empty folder", str(current.parent))
        if folder:
            chosen = Path(folder)
            # A folder with things in it gets a new export folder inside, rather than a refusal.
            empty = chosen.is_dir() and not any(chosen.iterdir())
            self.dest_field.setText(str(chosen if empty else default_destination(self.fmt, chosen)))

    def chosen(self) -> tuple[str, Path, str | None, list[int] | None]:
        """(format, destination, query or None for every article, the selected ids when only they go)."""
        query = self.query if self.only_results.isChecked() and self.query else None
        ids = self.selected if self.only_selected.isChecked() and self.only_selected.isEnabled() else None
        return self.fmt, Path(self.dest_field.text().strip()).expanduser(), None if ids else query, ids

    def accept(self) -> None:
        from indexer.exchange.export import refuse_existing

        text = self.dest_field.text().strip()
        if not text:
            self._refuse("Choose where to save the export.")
            return
        try:
            refuse_existing(Path(text).expanduser())
        except LibraryError as exc:
            self._refuse(str(exc))
            return
        super().accept()

    def _refuse(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.dest_field.setFocus()
