"""Exports for reading elsewhere: one Markdown or HTML file per article, or one CSV for spreadsheets.

Markdown and HTML: DEST is a folder with one file per article (named after its date and title,
unique), an index file listing them, and `images/` holding the library images the articles show,
their `src` rewritten to point there. Markdown starts with a YAML front matter whose values are
written as JSON scalars and lists, which YAML reads as double-quoted strings and flow sequences:
whatever a title holds, it cannot break out of its field. HTML pages are standalone, with the
metadata escaped and a Content-Security-Policy that lets nothing load from the network.

CSV: DEST is a file (or, when DEST is an empty folder, `articles.csv` inside it), UTF-8 with a BOM
so that Excel detects the encoding. Cells that a spreadsheet would run as a formula (starting with
= + - @) get a leading apostrophe, and the text is cut at Excel's 32,767 characters per cell.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import html as lxml_html

from indexer.model import ArticleRecord, HighlightRecord, LibraryError
from indexer.paths import FILES_DIR
from indexer.store.catalog import get_article
from indexer.store.highlights import list_highlights

from .export import ExportReport, copy_verified, staging_folder

if TYPE_CHECKING:
    from indexer.store.database import Database
    from indexer.store.files import FileStore

IMAGES_DIR = "images"
_LIBRARY_IMAGE = re.compile(r'(<img\b[^>]*?\ssrc=")files/([0-9a-f]{2})/([0-9a-f]{64})(")')
_RESERVED = {"con", "prn", "aux", "nul", "index", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CSV_COLUMNS = "id,title,authors,source,url,published,saved_at,language,tags,bookmarked,word_count,text".split(",")
EXCEL_CELL_LIMIT = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_IMAGE_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/avif": ".avif",
    "image/bmp": ".bmp",
    "image/svg+xml": ".svg",
}
_MAGIC = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG", ".png"), (b"GIF8", ".gif"), (b"BM", ".bmp"))


def export_for_reading(db: Database, files: FileStore, dest: Path, fmt: str, ids: list[int]) -> ExportReport:
    records = [r for r in (get_article(db.conn, i, FILES_DIR) for i in ids) if r is not None]
    if fmt == "csv":
        return _export_csv(dest, records)
    report = ExportReport(fmt, dest, articles=len(records))
    with staging_folder(dest) as temp:
        write_pages(db, files, temp, fmt, records, report)
    return report


def write_pages(
    db: Database, files: FileStore, folder: Path, fmt: str, records: list[ArticleRecord], report: ExportReport
) -> list[tuple[str, ArticleRecord]]:
    """One Markdown or HTML file per article in `folder`, each followed by its highlights and notes, with
    the images they show in `images/` and an index file; returns (file name, article) in order."""
    images = _ImageCopier(db, files, folder / IMAGES_DIR, report)
    used: set[str] = set()
    listing: list[tuple[str, ArticleRecord]] = []
    suffix = ".md" if fmt == "markdown" else ".html"
    write = _markdown_page if fmt == "markdown" else _html_page
    for record in records:
        name = unique_name(record, used) + suffix
        body = _LIBRARY_IMAGE.sub(lambda m: m.group(1) + images.copy(m.group(3)) + m.group(4), record.reader_html)
        page = write(record, body, list_highlights(db.conn, record.id))
        (folder / name).write_text(page, encoding="utf-8", newline="\n")
        listing.append((name, record))
    index = _markdown_index(listing) if fmt == "markdown" else _html_index(listing)
    (folder / ("index" + suffix)).write_text(index, encoding="utf-8", newline="\n")
    return listing


def unique_name(record: ArticleRecord, used: set[str]) -> str:
    """A file name (without suffix) from the date and title: readable, safe on every system, unique."""
    words = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKC", record.title).casefold()).strip("-_")
    base = words[:80].rstrip("-_") or f"article-{record.id}"
    date = (record.published or "")[:10]
    if _DATE.fullmatch(date):
        base = f"{date}-{base}"
    elif base in _RESERVED:
        base = f"{base}-{record.id}"
    name, number = base, 2
    while name.casefold() in used:
        name, number = f"{base}-{number}", number + 1
    used.add(name.casefold())
    return name


class _ImageCopier:
    """Copies each library image once into `images/`, named by its content, with a matching suffix."""

    def __init__(self, db: Database, files: FileStore, folder: Path, report: ExportReport) -> None:
        self.db = db
        self.files = files
        self.folder = folder
        self.report = report
        self.names: dict[str, str] = {}

    def copy(self, sha: str) -> str:
        if sha not in self.names:
            name = sha[:20] + self._suffix(sha)
            self.names[sha] = f"{IMAGES_DIR}/{name}"
            if copy_verified(self.files.path(sha), self.folder / name, sha):
                self.report.files += 1
            else:
                self.report.missing.append(self.files.relative_path(sha))
        return self.names[sha]

    def _suffix(self, sha: str) -> str:
        mime = self.db.scalar("SELECT mime FROM files WHERE sha256 = ?", (sha,))
        if isinstance(mime, str) and mime.lower() in _IMAGE_TYPES:
            return _IMAGE_TYPES[mime.lower()]
        try:
            with self.files.path(sha).open("rb") as handle:
                head = handle.read(16)
        except OSError:
            return ""
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return ".webp"
        return next((suffix for magic, suffix in _MAGIC if head.startswith(magic)), "")


# -- Markdown -------------------------------------------------------------------------------------


def yaml_scalar(value: str | int | bool | None) -> str:
    """A YAML value that reads back as exactly `value`: a JSON scalar, with YAML's non-printables escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return "".join(ch if _yaml_printable(ch) else f"\\u{ord(ch):04x}" for ch in text)


def _yaml_printable(ch: str) -> bool:
    code = ord(ch)
    if code in (0x2028, 0x2029, 0xFEFF, 0x85) or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
        return False
    return code not in (0xFFFE, 0xFFFF)


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_scalar(v) for v in values) + "]"


def front_matter(record: ArticleRecord) -> str:
    fields = [
        ("title", yaml_scalar(record.title)),
        ("authors", _yaml_list([a.name for a in record.authors])),
        ("source", yaml_scalar(record.source)),
        ("url", yaml_scalar(record.url)),
        ("published", yaml_scalar(record.published)),
        ("saved_at", yaml_scalar(record.saved_at)),
        ("language", yaml_scalar(record.language)),
        ("tags", _yaml_list(record.tags)),
        ("bookmarked", yaml_scalar(record.bookmarked)),
        ("id", yaml_scalar(record.id)),
    ]
    return "---\n" + "".join(f"{key}: {value}\n" for key, value in fields) + "---\n"


def _markdown_page(record: ArticleRecord, body_html: str, marks: list[HighlightRecord]) -> str:
    from .annotations import markdown_section

    body = html_to_markdown(body_html) if body_html.strip() else ""
    if not body.strip():
        body = "\n\n".join(p.strip() for p in record.text.split("\n\n") if p.strip())
    title = " ".join(record.title.split())
    return f"{front_matter(record)}\n# {_md_line(title)}\n\n{body.rstrip()}\n" + markdown_section(marks)


def _md_line(text: str) -> str:
    """Text that Markdown shows as written: its markup characters escaped."""
    return _MD_SPECIAL.sub(r"\\\g<0>", text)


_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>#|]")
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+[.)]|>)(?=\s|$)")
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = {"p", "ul", "ol", "blockquote", "pre", "figure", "hr", "table", "div", *_HEADINGS}


def html_to_markdown(fragment: str) -> str:
    """Markdown for sanitised reader HTML: headings, paragraphs, lists, quotes, images, links, emphasis."""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    blocks = _md_blocks(root)
    return "\n\n".join(b for b in blocks if b.strip())


def _md_blocks(element: lxml_html.HtmlElement) -> list[str]:
    blocks: list[str] = []
    loose = _md_clean(element.text or "")
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _BLOCKS or tag in ("li", "figcaption", "img"):
            if loose.strip():
                blocks.append(_md_block_text(loose))
            loose = ""
            blocks.extend(_md_block(child, tag))
        elif tag:
            loose += _md_inline(child)
        loose += _md_clean(child.tail or "")
    if loose.strip():
        blocks.append(_md_block_text(loose))
    return blocks


def _md_block(element: lxml_html.HtmlElement, tag: str) -> list[str]:
    if tag in _HEADINGS:
        return ["#" * _HEADINGS[tag] + " " + _md_inline_children(element).strip()]
    if tag in ("ul", "ol"):
        items = [li for li in element if li.tag == "li"]
        lines = []
        for number, li in enumerate(items, start=1):
            marker = f"{number}." if tag == "ol" else "-"
            text = " ".join(" ".join(_md_blocks(li)).split())
            lines.append(f"{marker} {text}")
        return ["\n".join(lines)]
    if tag == "blockquote":
        inner = _md_blocks(element)
        return ["\n>\n".join("> " + b.replace("\n", "\n> ") for b in inner)]
    if tag == "pre":
        code = element.text_content().strip("\n")
        fence = "````" if "```" in code else "```"
        return [f"{fence}\n{code}\n{fence}"]
    if tag == "hr":
        return ["---"]
    if tag == "img":
        return [_md_image(element)]
    if tag == "figcaption":
        caption = _md_inline_children(element).strip()
        return [f"*{caption}*"] if caption else []
    if tag == "table":
        rows = [" | ".join(_md_clean(c.text_content()).strip() for c in tr) for tr in element.iter("tr")]
        return ["\n\n".join(r for r in rows if r.strip())]
    if tag in ("figure", "div", "li"):
        return _md_blocks(element)
    return [_md_block_text(_md_inline_children(element))]


def _md_block_text(text: str) -> str:
    """A paragraph: whitespace folded, and a start that Markdown would read as a list or quote escaped."""
    text = " ".join(text.split())
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _md_inline_children(element: lxml_html.HtmlElement) -> str:
    out = _md_clean(element.text or "")
    for child in element:
        if isinstance(child.tag, str):
            out += _md_inline(child)
        out += _md_clean(child.tail or "")
    return out


def _md_inline(element: lxml_html.HtmlElement) -> str:
    tag = element.tag
    if tag == "br":
        return "  \n"
    if tag == "img":
        return _md_image(element)
    inner = _md_inline_children(element)
    if not inner.strip():
        return inner
    if tag in ("em", "i"):
        return f"*{inner.strip()}*"
    if tag in ("strong", "b"):
        return f"**{inner.strip()}**"
    if tag == "code":
        return f"`{element.text_content()}`"
    if tag == "a" and element.get("href"):
        href = element.get("href", "").replace(" ", "%20").replace(")", "%29")
        return f"[{inner.strip()}]({href})"
    return inner


def _md_image(element: lxml_html.HtmlElement) -> str:
    src = element.get("src", "")
    if not src:
        return ""
    alt = _md_clean(element.get("alt", "")).strip()
    return f"![{alt}]({src})"


def _md_clean(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\g<0>", text)


def _markdown_index(listing: list[tuple[str, ArticleRecord]]) -> str:
    lines = ["# Exported articles", ""]
    for name, record in listing:
        about = " · ".join(x for x in (record.source, (record.published or "")[:10]) if x)
        link = name.replace(" ", "%20")
        lines.append(f"- [{_md_line(record.title)}]({link})" + (f" — {_md_line(about)}" if about else ""))
    return "\n".join(lines) + "\n"


# -- HTML -----------------------------------------------------------------------------------------

_PAGE_STYLE = """
body { max-width: 42em; margin: 2em auto; padding: 0 1em; font: 18px/1.6 Georgia, serif; color: #222; }
header dl { font: 14px/1.5 system-ui, sans-serif; color: #555; display: grid; grid-template-columns: auto 1fr;
            gap: 0 1em; }
header dt { font-weight: 600; } header dd { margin: 0; }
img { max-width: 100%; height: auto; } figcaption { font-size: 0.85em; color: #555; }
.annotations blockquote { margin: 1em 0 0.3em; padding: 0 1em; border-left: 4px solid #e3b505; }
.annotations .note { margin: 0 0 1em 1.2em; font: 16px/1.5 system-ui, sans-serif; color: #333; }
.annotations .missing { font-size: 0.8em; color: #888; }
"""
# Nothing in an exported page may load from the network: images come from the folder beside it.
_CSP = "default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'"


def _page(title: str, language: str | None, content: str) -> str:
    lang = f' lang="{html.escape(language)}"' if language else ""
    return (
        f'<!DOCTYPE html>\n<html{lang}>\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_PAGE_STYLE}</style>\n</head>\n<body>\n{content}\n</body>\n</html>\n"
    )


def _html_page(record: ArticleRecord, body_html: str, marks: list[HighlightRecord]) -> str:
    from .annotations import html_section

    rows: list[tuple[str, str]] = []
    if record.authors:
        rows.append(("Authors", ", ".join(html.escape(a.name) for a in record.authors)))
    if record.source:
        rows.append(("Source", html.escape(record.source)))
    if record.url:
        url = html.escape(record.url)
        safe = record.url.lower().startswith(("http://", "https://"))
        rows.append(("URL", f'<a href="{url}" rel="noopener noreferrer">{url}</a>' if safe else url))
    if record.published:
        rows.append(
            ("Published", f'<time datetime="{html.escape(record.published)}">{html.escape(record.published)}</time>')
        )
    if record.tags:
        rows.append(("Tags", ", ".join(html.escape(t) for t in record.tags)))
    meta = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    header = f"<header>\n<h1>{html.escape(record.title)}</h1>\n<dl>{meta}</dl>\n</header>"
    notes = html_section(marks)
    return _page(record.title, record.language, f"<article>\n{header}\n{body_html}\n</article>{notes}")


def _html_index(listing: list[tuple[str, ArticleRecord]]) -> str:
    items = []
    for name, record in listing:
        about = " · ".join(x for x in (record.source, (record.published or "")[:10]) if x)
        extra = f" <small>{html.escape(about)}</small>" if about else ""
        items.append(f'<li><a href="{html.escape(name)}">{html.escape(record.title)}</a>{extra}</li>')
    return _page("Exported articles", None, "<h1>Exported articles</h1>\n<ul>\n" + "\n".join(items) + "\n</ul>")


# -- CSV ------------------------------------------------------------------------------------------


def _cell(value: str | None) -> str:
    if not value:
        return ""
    value = value[:EXCEL_CELL_LIMIT]
    # A spreadsheet runs cells starting like a formula; a hostile page's title must stay text.
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(record: ArticleRecord) -> list[str | int]:
    text = record.text if len(record.text) <= EXCEL_CELL_LIMIT - 1 else record.text[: EXCEL_CELL_LIMIT - 2] + "…"
    return [
        record.id,
        _cell(record.title),
        _cell("; ".join(a.name for a in record.authors)),
        _cell(record.source),
        _cell(record.url),
        _cell(record.published),
        _cell(record.saved_at),
        _cell(record.language),
        _cell("; ".join(record.tags)),
        "yes" if record.bookmarked else "no",
        record.word_count,
        _cell(text),
    ]


def _export_csv(dest: Path, records: list[ArticleRecord]) -> ExportReport:
    target = dest / "articles.csv" if dest.is_dir() else dest
    report = ExportReport("csv", target, articles=len(records))
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, lambda handle: _write_csv(handle, records))
    return report


def _write_csv(handle: object, records: list[ArticleRecord]) -> None:
    writer = csv.writer(handle, dialect="excel")  # type: ignore[arg-type]
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(csv_row(record))


def write_atomically(target: Path, write: Callable[[object], None], *, encoding: str = "utf-8-sig") -> None:
    """Write a file through `write(handle)` under a temporary name and rename it into place when complete."""
    temp = target.with_name(f".{target.name}.partial-{uuid.uuid4().hex[:12]}")
    try:
        with open(temp, "x", encoding=encoding, newline="") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            raise LibraryError(f"{target} appeared while exporting; the export was not written")
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
