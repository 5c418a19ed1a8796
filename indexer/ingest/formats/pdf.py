"""PDFs printed from a browser ("Print to PDF", "Save as PDF"), read with pypdf.

pypdf hands over each piece of text with its position and font size. Lines are rebuilt from them
and put in reading order, page by page. The browser prints a running header and footer on every page
(the print date and time, the page title, the URL, "1/3"): lines in the top and bottom margins that
look like those or repeat across pages are left out of the story, and the URL they show becomes the
article's. The headline is the largest text on the first page; a "By …" line and a date line near it
give the byline and the date. The document's Title, Author and CreationDate are fallbacks.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from indexer.model import Author, Extracted, ImportFailure, Saved

from ..extract.textmeta import is_date_only, parse_byline, parse_date, starts_with_by
from .fragment import iso_date

MAX_PAGES = 300
MAX_TEXT_CHARS = 5_000_000
_MARGIN = 0.07  # of the page height: where browsers print their running header and footer
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}\s*(?:/|of)\s*\d{1,4}$", re.I)
_URL = re.compile(r"(https?://\S+)")
_STAMP = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?$")
_END = re.compile(r"[.!?:\"'”’)]$")


@dataclass
class _Line:
    page: int
    y: float
    x: float
    size: float
    text: str
    margin: bool  # in the top or bottom band of its page


def looks_like_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def read_pdf(data: bytes) -> Saved:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings about sloppy files are not the user's concern
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFailure("an encrypted PDF; open it and print it to a new PDF first")
        pages = list(reader.pages)
        info: Any = reader.metadata or {}
    except ImportFailure:
        raise
    except RecursionError:
        raise ImportFailure("the PDF is nested too deeply to read; refused") from None
    except (PdfReadError, ValueError, TypeError, KeyError, IndexError, AttributeError, OSError) as exc:
        raise ImportFailure(f"a damaged or truncated PDF ({type(exc).__name__})") from None
    if not pages:
        raise ImportFailure("a PDF without pages")
    if len(pages) > MAX_PAGES:
        raise ImportFailure(f"a PDF of {len(pages)} pages; at most {MAX_PAGES} are read as one article")
    lines: list[_Line] = []
    for number, page in enumerate(pages):
        try:
            lines += _page_lines(page, number)
        except RecursionError:
            raise ImportFailure("the PDF is nested too deeply to read; refused") from None
        except LimitReachedError:
            # pypdf stops unpacking a stream at 75 MB: no page of an article is that large.
            raise ImportFailure("a stream in the PDF unpacks to more than 75 MB; refused as a likely bomb") from None
        except Exception as exc:  # noqa: BLE001 - one broken page: pypdf raises many kinds of errors
            if not lines and number == len(pages) - 1:
                raise ImportFailure(f"a damaged or truncated PDF ({type(exc).__name__})") from None
    if sum(len(line.text) for line in lines) > MAX_TEXT_CHARS:
        raise ImportFailure("the PDF holds more text than one article; refused")
    return _article(data, lines, info, len(pages))


def _page_lines(page: Any, number: int) -> list[_Line]:
    box = page.mediabox
    bottom, height = float(box.bottom), float(box.height) or 792.0
    pieces: list[tuple[float, float, float, str]] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = (abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0) if tm[3] or tm[0] else 1.0
        pieces.append((y, x, size * scale, text))

    page.extract_text(visitor_text=visit)
    rows: dict[int, list[tuple[float, float, float, str]]] = {}
    for piece in pieces:
        rows.setdefault(round(piece[0] / 2), []).append(piece)
    lines = []
    for key in sorted(rows, reverse=True):
        row = sorted(rows[key], key=lambda p: p[1])
        text = " ".join(" ".join(p[3].split()) for p in row if p[3].strip())
        y = row[0][0]
        margin = y - bottom > height * (1 - _MARGIN) or y - bottom < height * _MARGIN
        lines.append(_Line(number, y, row[0][1], max(p[2] for p in row), text, margin))
    return lines


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _article(data: bytes, lines: list[_Line], info: Any, page_count: int) -> Saved:
    # Running lines: in a margin band and either repeated on other pages or of the kinds browsers print.
    shapes: dict[str, set[int]] = {}
    for line in lines:
        if line.margin:
            shapes.setdefault(_shape(line.text), set()).add(line.page)
    url = None
    printed_at = None
    story: list[_Line] = []
    running_title = None
    for line in lines:
        text = line.text
        found = _URL.search(text)
        repeated = page_count > 1 and len(shapes.get(_shape(text), ())) > 1
        furniture = _PAGE_NUMBER.match(text) or _STAMP.match(text) or (found and len(text) - len(found.group(1)) < 20)
        if line.margin and (repeated or furniture or _header_pair(text)):
            if found and url is None and not found.group(1).endswith(("…", "...")):
                url = found.group(1).rstrip(".,;")
            stamp = _STAMP.search(text.split("  ")[0]) if printed_at is None else None
            printed_at = printed_at or (parse_date(stamp.group(0)) if stamp else None)
            if not found and not furniture and running_title is None:
                running_title = text
            continue
        story.append(line)
    if not story:
        raise ImportFailure("a PDF with no text in it (a scan or images only?)")

    title, byline, published, start = _header(story)
    paragraphs = _paragraphs(story[start:])
    meta_title = _info(info, "/Title")
    meta_author = _info(info, "/Author")
    created = _pdf_date(_info(info, "/CreationDate"))
    authors: tuple[Author, ...] = ()
    if byline:
        authors = tuple(Author(name, role) for name, role in byline)
    elif meta_author:
        authors = tuple(Author(n.strip()) for n in re.split(r"\s*(?:;|,| and )\s*", meta_author) if n.strip())
    if not paragraphs:
        raise ImportFailure("a PDF with no article text in it")
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    extracted = Extracted(
        title=title or meta_title or running_title,
        authors=authors,
        url=url,
        published=published or (None if url or printed_at else created),
        paragraphs=tuple(paragraphs),
        body_html=body,
    )
    return Saved(data=data, format="pdf", url=url, saved_at=printed_at or created, ready=extracted)


def _header_pair(text: str) -> bool:
    """Chrome's header line: the print time and the page title on one line."""
    return bool(re.match(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+\d{1,2}:\d{2}", text))


def _header(story: list[_Line]) -> tuple[str | None, list[tuple[str, str | None]] | None, str | None, int]:
    """(headline, byline, date, where the story starts) from the first lines of the first page."""
    first = [line for line in story[:40] if line.page == story[0].page]
    body_size = statistics.median(line.size for line in story)
    largest = max(line.size for line in first)
    title = None
    index = 0
    if largest >= body_size * 1.25:
        index = next(i for i, line in enumerate(story) if line.size == largest)
        end = index
        while end + 1 < len(story) and story[end + 1].size == largest and end - index < 4:
            end += 1
        title = " ".join(line.text for line in story[index : end + 1])
        index = end + 1
    byline = None
    published = None
    cursor = index
    for i in range(index, min(index + 6, len(story))):
        text = story[i].text
        if byline is None and starts_with_by(text) and len(text) < 160:
            byline = parse_byline(text)
            cursor = i + 1
        elif published is None and (is_date_only(text) or (len(text) < 80 and parse_date(text))):
            published = parse_date(text)
            cursor = i + 1
        elif story[i].size >= body_size * 0.95 and len(text) > 80:
            break
    return title, byline, published, cursor


def _paragraphs(lines: list[_Line]) -> list[str]:
    paragraphs: list[str] = []
    previous: _Line | None = None
    for line in lines:
        join = False
        if previous is not None and paragraphs:
            if line.page == previous.page:
                gap = previous.y - line.y
                join = abs(line.size - previous.size) < 0.5 and 0 < gap <= max(line.size, previous.size) * 1.6
            else:
                join = not _END.search(paragraphs[-1]) and line.text[:1].islower()
        if join:
            last = paragraphs[-1]
            if last.endswith("-") and line.text[:1].islower():
                paragraphs[-1] = last[:-1] + line.text
            else:
                paragraphs[-1] = f"{last} {line.text}"
        else:
            paragraphs.append(line.text)
        previous = line
    return [p for p in paragraphs if p.strip()]


def _info(info: Any, key: str) -> str | None:
    try:
        value = info.get(key)
    except Exception:  # noqa: BLE001 - a broken metadata dictionary
        return None
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _pdf_date(value: str | None) -> str | None:
    """ISO 8601 from a PDF date: D:YYYYMMDDHHmmSS+HH'mm'."""
    match = re.match(r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?", value or "")
    if not match:
        return None
    year, month, day, hour, minute, second, sign, zone_h, zone_m = match.groups()
    text = f"{year}-{month or '01'}-{day or '01'}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    if sign in ("+", "-"):
        text += f"{sign}{zone_h or '00'}:{zone_m or '00'}"
    elif sign in ("Z", "z"):
        text += "+00:00"
    return iso_date(text)
