"""What a drop on the window carries: files, folders and zips, or a selection dragged out of a browser.

A selection (HTML or text) becomes an article too, saved to a temporary file and imported like any
other. Its page URL travels in formats Qt does not merge into `text/html`:
- Windows: the raw CF_HTML clipboard format has a `SourceURL:` header line;
- Linux: Chromium offers `chromium/x-source-url`, Firefox `text/x-moz-url-priv` (UTF-16);
- macOS: QMimeData does not see it, so such an article has no URL.
Links (a URL with no local file behind it) are not fetched: the archive never goes online.
"""

from __future__ import annotations

import html
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMimeData

WINDOWS_HTML = 'application/x-qt-windows-mime;value="HTML Format"'
CHROMIUM_URL = "chromium/x-source-url"
FIREFOX_URL = "text/x-moz-url-priv"


@dataclass
class Selection:
    html: str | None
    text: str | None
    url: str | None


@dataclass
class DropContents:
    paths: list[Path] = field(default_factory=list)
    selection: Selection | None = None
    links: list[str] = field(default_factory=list)  # web links dropped on their own: not fetched

    @property
    def importable(self) -> bool:
        return bool(self.paths or self.selection)


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and data[1:2] == b"\x00"):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")


def cf_html_source_url(raw: bytes) -> str | None:
    """The `SourceURL:` of a Windows CF_HTML block (its header is ASCII lines before the fragment)."""
    head = raw[:2048].decode("utf-8", errors="replace")
    match = re.search(r"^SourceURL:(\S+)\s*$", head, re.MULTILINE)
    return match.group(1).strip() if match else None


def source_url(mime: QMimeData) -> str | None:
    formats = set(mime.formats())
    if WINDOWS_HTML in formats:
        url = cf_html_source_url(bytes(mime.data(WINDOWS_HTML).data()))
        if url:
            return url
    for fmt in (CHROMIUM_URL, FIREFOX_URL):
        if fmt in formats:
            text = _decode(bytes(mime.data(fmt).data())).replace("\x00", "").strip()
            url = text.splitlines()[0].strip() if text else ""
            if url.startswith(("http://", "https://")):
                return url
    return None


def read_drop(mime: QMimeData) -> DropContents:
    contents = DropContents()
    for url in mime.urls() if mime.hasUrls() else []:
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.exists():
                contents.paths.append(path)
        elif url.scheme() in ("http", "https"):
            contents.links.append(url.toString())
    if contents.paths:
        return contents
    html_text = mime.html() if mime.hasHtml() else None
    plain = mime.text() if mime.hasText() else None
    if plain and contents.links and plain.strip() in contents.links:
        plain = None  # a dragged link, not a selection
    if (html_text and html_text.strip()) or (plain and len(plain.split()) >= 3):
        contents.selection = Selection(html_text or None, plain or None, source_url(mime))
    return contents


def _title_of(selection: Selection) -> str:
    text = selection.text or re.sub(r"<[^>]+>", " ", selection.html or "")
    first = next((line.strip() for line in html.unescape(text).splitlines() if line.strip()), "Dropped selection")
    return first[:120]


def selection_page(selection: Selection) -> str:
    """A small HTML page holding the selection, with its URL where an importer looks for one."""
    esc = html.escape
    head = ['<meta charset="utf-8">', f"<title>{esc(_title_of(selection))}</title>"]
    if selection.url:
        head += [
            f'<link rel="canonical" href="{esc(selection.url)}">',
            f'<meta property="og:url" content="{esc(selection.url)}">',
        ]
    if selection.html and selection.html.strip():
        body = re.sub(r"(?is)<!--\s*(Start|End)Fragment\s*-->", "", selection.html)
    else:
        paragraphs = re.split(r"\n\s*\n", selection.text or "")
        body = "".join(f"<p>{esc(' '.join(p.split()))}</p>" for p in paragraphs if p.strip())
    return f"<!DOCTYPE html><html><head>{''.join(head)}</head><body><article>{body}</article></body></html>"


def write_selection(selection: Selection, folder: Path | None = None) -> Path:
    """Save a dragged selection as an .html file in a fresh temporary folder; the caller removes it."""
    folder = Path(tempfile.mkdtemp(prefix="newsarchive-drop-", dir=folder))
    path = folder / f"dropped-selection-{time.strftime('%Y%m%d-%H%M%S')}.html"
    path.write_text(selection_page(selection), encoding="utf-8")
    return path
