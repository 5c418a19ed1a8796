"""Highlights and notes in the exports for reading, and the notes-only Markdown export.

In a Markdown or HTML export each article is followed by a "Highlights and notes" section: every
highlight as a quote with its note under it, notes on the whole article as paragraphs, and a
highlight whose quote the current text lacks marked "not found in this version".

`export --format markdown --only-annotations DEST` writes, for note-taking apps (Obsidian, Logseq…):
```
DEST/index.md              the annotated articles, each linked to its notes file
DEST/<date-title>.md       one per annotated article: front matter, title, source · date · URL, a link
                           to the article's full text, then its highlights and notes, nothing else
DEST/articles/<same>.md    the article itself as the Markdown export writes it (with its highlights),
                           images in DEST/articles/images/: what the link above points at
```
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.model import ArticleRecord, HighlightRecord, LibraryError
from indexer.paths import FILES_DIR
from indexer.store.catalog import get_article
from indexer.store.highlights import annotated_articles, list_highlights

from .export import ExportReport, staging_folder
from .reading import front_matter, write_pages, yaml_scalar

if TYPE_CHECKING:
    from indexer.store.database import Database
    from indexer.store.files import FileStore

HEADING = "Highlights and notes"
NOT_FOUND = "not found in this version"
ARTICLES_DIR = "articles"


def _md_text(text: str) -> str:
    """Text that Markdown shows as written (markup characters escaped), line breaks kept."""
    from .reading import _md_clean  # the reading export's escaping, so both agree

    return "\n".join(_md_clean(line.strip()) for line in text.strip().splitlines())


def markdown_section(marks: list[HighlightRecord]) -> str:
    """The Markdown that follows an article: its highlights as quotes, each with its note under it."""
    if not marks:
        return ""
    parts = [f"## {HEADING}"]
    for h in marks:
        if h.is_article_note:
            parts.append(_md_text(h.note or ""))
            continue
        quote = "\n".join("> " + line if line else ">" for line in _md_text(h.quote).splitlines())
        if not h.found:
            quote += f"\n>\n> *({NOT_FOUND})*"
        parts.append(quote)
        if h.note:
            parts.append(_md_text(h.note))
    return "\n" + "\n\n".join(parts) + "\n"


def html_section(marks: list[HighlightRecord]) -> str:
    """The HTML section that follows an article: quotes in <blockquote>, notes in paragraphs under them."""
    if not marks:
        return ""
    out = [f'\n<section class="annotations">\n<h2>{HEADING}</h2>']
    for h in marks:
        if not h.is_article_note:
            missing = f' <span class="missing">({NOT_FOUND})</span>' if not h.found else ""
            out.append(f"<blockquote>{_html_lines(h.quote)}{missing}</blockquote>")
        if h.note:
            out.append(f'<p class="note">{_html_lines(h.note)}</p>')
    out.append("</section>")
    return "\n".join(out)


def _html_lines(text: str) -> str:
    return "<br>".join(html.escape(line.strip()) for line in text.strip().splitlines())


# -- the notes-only export ------------------------------------------------------------------------------


def export_annotations(db: Database, files: FileStore, dest: Path, ids: list[int]) -> ExportReport:
    """One Markdown file per annotated article among `ids` holding only its highlights and notes (see above)."""
    annotated = set(annotated_articles(db.conn))
    records = [r for r in (get_article(db.conn, i, FILES_DIR) for i in ids if i in annotated) if r is not None]
    if not records:
        raise LibraryError("none of these articles has a highlight or a note; nothing exported")
    report = ExportReport("markdown", dest, articles=len(records))
    with staging_folder(dest) as temp:
        articles = temp / ARTICLES_DIR
        articles.mkdir()
        listing = write_pages(db, files, articles, "markdown", records, report)
        lines = ["# Highlights and notes", ""]
        for name, record in listing:
            (temp / name).write_text(
                notes_page(record, list_highlights(db.conn, record.id), f"{ARTICLES_DIR}/{name}"),
                encoding="utf-8",
                newline="\n",
            )
            lines.append(f"- [{_md_text(' '.join(record.title.split()))}]({_link(name)})")
        (temp / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    return report


def _link(path: str) -> str:
    return path.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def notes_page(record: ArticleRecord, marks: list[HighlightRecord], article_path: str) -> str:
    """An article's highlights and notes alone: its title, where it is from, and a link to the article."""
    about = " · ".join(x for x in (record.source, (record.published or "")[:10]) if x)
    head = front_matter(record).removesuffix("---\n") + f"article: {yaml_scalar(article_path)}\n---\n"
    lines = [head, f"# {_md_text(' '.join(record.title.split()))}", ""]
    if about:
        lines.append(_md_text(about) + "  ")
    if record.url:
        lines.append(f"<{record.url}>" if " " not in record.url and ">" not in record.url else _md_text(record.url))
    lines += ["", f"[Read the article]({_link(article_path)})"]
    return "\n".join(lines) + "\n" + markdown_section(marks)
