"""Read-later exports: wallabag's JSON and Omnivore's zip (articles with text), Pocket's and Instapaper's CSV (links).

- wallabag (`[{"title", "url", "content", "published_by", "tags", "is_starred", "annotations", ...}]`):
  each entry's content is the article as wallabag kept it; starred is a bookmark, annotations are
  highlights with their notes. The walk finds where each entry lies in the file (`raw_decode`), so
  a worker parses its entry alone.
- Omnivore (a zip of `metadata_*.json` lists, `content/<slug>.html`, `highlights/<slug>.md`): labels
  are tags, the highlights file's quotes (`> …`) are highlights and the text after each its note.

Pocket's and Instapaper's CSV exports, which hold links only, are read in `links`.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indexer.model import Author, Extracted, Highlight, ImportFailure, Saved

from ..walk import MAX_ENTRY_BYTES, Refused, Skipped, Source
from .fragment import fragment_article, iso_date, link_page
from .limits import MAX_PAGE_BYTES, MAX_RATIO, MAX_RECORDS, UNREADABLE

MAX_EXPORT_BYTES = 1024 * 1024 * 1024
_OMNIVORE_METADATA = re.compile(r"(?:^|/)metadata_[\w-]*\.json$")
_SLUG = re.compile(r"^[\w.-]{1,200}$")

# -- wallabag ------------------------------------------------------------------------------------


def looks_like_wallabag(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"[") and b'"url"' in head and (b'"is_starred"' in head or b'"is_archived"' in head)


def list_wallabag(path: Path) -> Iterator[Source | Refused | Skipped]:
    display = str(path)
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            yield Refused(display, f"the export is larger than {MAX_EXPORT_BYTES // 2**30} GB; refused")
            return
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        yield Refused(display, f"cannot read the wallabag export: {exc}"[:200])
        return
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    if text[position : position + 1] != "[":
        yield Refused(display, "not a wallabag export (no list of entries)")
        return
    position = _skip(text, position + 1)
    byte_position, char_position = bom, 0
    count = 0
    while position < len(text) and text[position] != "]":
        try:
            entry, end = decoder.raw_decode(text, position)
        except (ValueError, RecursionError) as exc:
            yield Refused(display, f"the wallabag export is damaged after {count} entries: {str(exc)[:120]}")
            return
        count += 1
        if count > MAX_RECORDS:
            yield Refused(display, f"the export holds more than {MAX_RECORDS:,} entries; the rest are not read")
            return
        byte_position += len(text[char_position:position].encode("utf-8"))
        length = len(text[position:end].encode("utf-8"))
        char_position = end
        name = _entry_name(entry, count)
        where = f"{display}/{name}"
        if length > MAX_ENTRY_BYTES:
            yield Refused(where, f"entry is {length / 2**20:.0f} MB; larger than {MAX_ENTRY_BYTES // 2**20} MB")
        elif isinstance(entry, dict):
            yield Source(where, str(path), kind="wallabag", offset=byte_position, length=length, container=display)
        else:
            yield Refused(where, "an entry that is not an object", container=display)
        byte_position += length
        position = _skip(text, end)
        if text[position : position + 1] == ",":
            position = _skip(text, position + 1)


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _entry_name(entry: object, number: int) -> str:
    if isinstance(entry, dict):
        for key in ("url", "given_url", "slug", "id"):
            value = entry.get(key)
            if isinstance(value, (str, int)) and str(value).strip():
                return str(value).strip()
    return f"entry-{number}"


def read_wallabag(source: Source) -> Saved:
    try:
        entry = json.loads(source.span())
    except (ValueError, RecursionError) as exc:
        raise ImportFailure(f"the entry is not valid JSON: {str(exc)[:120]}") from None
    if not isinstance(entry, dict):
        raise ImportFailure("the entry is not an object")
    url = _text(entry.get("url")) or _text(entry.get("given_url"))
    raw_content = entry.get("content")
    content: str = raw_content if isinstance(raw_content, str) else ""
    if len(content) > MAX_PAGE_BYTES:
        raise ImportFailure(f"the entry's text is larger than {MAX_PAGE_BYTES // 2**20} MB")
    authors = tuple(Author(name) for name in _names(entry.get("published_by")))
    domain = (_text(entry.get("domain_name")) or "").removeprefix("www.") or None
    title = _text(entry.get("title")) or url or "Untitled"
    fields: dict[str, Any] = {
        "title": title,
        "authors": authors,
        "source": domain,
        "url": url,
        "published": iso_date(entry.get("published_at")),
        "language": _text(entry.get("language")),
    }
    highlights = tuple(
        Highlight(
            quote=_text(a.get("quote")) or "",
            note=_text(a.get("text")),
            created=iso_date(a.get("created_at")),
            origin="wallabag",
        )
        for a in entry.get("annotations") or []
        if isinstance(a, dict) and _text(a.get("quote"))
    )
    common: dict[str, Any] = {
        "url": url,
        "saved_at": iso_date(entry.get("created_at")),
        "tags": tuple(_names(entry.get("tags"))),
        "bookmarked": bool(entry.get("is_starred")),
        "highlights": highlights,
        "original_name": f"wallabag-{_entry_name(entry, 0)[-60:]}.json",
    }
    if not content.strip():
        page = link_page(url, title, "wallabag")
        return Saved(
            data=source.span(), format="wallabag", link_only=True, ready=Extracted(**fields, body_html=page), **common
        )
    return Saved(data=source.span(), format="wallabag", ready=fragment_article(content, **fields), **common)


# -- Omnivore ------------------------------------------------------------------------------------


def omnivore_metadata(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return sorted((i for i in archive.infolist() if _OMNIVORE_METADATA.search(i.filename)), key=lambda i: i.filename)


def list_omnivore(path: Path, archive: zipfile.ZipFile) -> Iterator[Source | Refused | Skipped]:
    display = str(path)
    count = 0
    for info in omnivore_metadata(archive):
        try:
            items = _json_entry(archive, info)
        except UNREADABLE as exc:
            yield Refused(f"{display}/{info.filename}", f"cannot be read: {exc}"[:200], container=display)
            continue
        if not isinstance(items, list):
            yield Refused(f"{display}/{info.filename}", "not a list of saved articles", container=display)
            continue
        for index, item in enumerate(items):
            count += 1
            if count > MAX_RECORDS:
                yield Refused(display, f"the export holds more than {MAX_RECORDS:,} entries; the rest are not read")
                return
            slug = _text(item.get("slug")) if isinstance(item, dict) else None
            name = slug or _entry_name(item, count)
            yield Source(
                f"{display}/{name}",
                str(path),
                info.filename,
                kind="omnivore",
                offset=index,
                key=slug,
                container=display,
            )


def read_omnivore(source: Source) -> Saved:
    with zipfile.ZipFile(source.path) as archive:
        items = _json_entry(archive, archive.getinfo(source.entry or ""))
        if (
            not isinstance(items, list)
            or not 0 <= source.offset < len(items)
            or not isinstance(items[source.offset], dict)
        ):
            raise ImportFailure("the entry is missing from the export's metadata")
        item: dict[str, Any] = items[source.offset]
        slug = source.key if source.key and _SLUG.match(source.key) else None
        folder = (source.entry or "").rpartition("/")[0]
        prefix = f"{folder}/" if folder else ""
        content = _optional_entry(archive, f"{prefix}content/{slug}.html") if slug else None
        notes = _optional_entry(archive, f"{prefix}highlights/{slug}.md") if slug else None
    url = _text(item.get("url")) or _text(item.get("originalArticleUrl"))
    title = _text(item.get("title")) or url or slug or "Untitled"
    fields: dict[str, Any] = {
        "title": title,
        "authors": tuple(Author(n) for n in _names(item.get("author"))),
        "source": _text(item.get("siteName")),
        "url": url,
        "published": iso_date(item.get("publishedAt")),
    }
    common: dict[str, Any] = {
        "url": url,
        "saved_at": iso_date(item.get("savedAt")),
        "tags": tuple(_names(item.get("labels"))),
        "highlights": omnivore_highlights(notes.decode("utf-8", "replace")) if notes else (),
        "original_name": f"{slug or 'omnivore-entry'}.html",
    }
    original = json.dumps(item, ensure_ascii=False).encode("utf-8")
    if content is None or not content.strip():
        page = link_page(url, title, "Omnivore")
        return Saved(
            data=original, format="omnivore", link_only=True, ready=Extracted(**fields, body_html=page), **common
        )
    from ..decode import decode

    body = decode(content, None, html=True)
    return Saved(data=content, format="omnivore", ready=fragment_article(body, **fields), **common)


_QUOTE_LINK = re.compile(r"\s*\[[^\]]*\]\((?:https?://[^)]*|#[^)]*)\)\s*$")


def omnivore_highlights(markdown: str) -> tuple[Highlight, ...]:
    """Each `> quote` block of an Omnivore highlights file, with the paragraphs after it as its note."""
    found: list[tuple[list[str], list[str]]] = []
    for block in re.split(r"\n\s*\n", markdown.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.strip().splitlines()]
        if not lines or lines[0].startswith("#"):
            continue
        if all(line.startswith(">") for line in lines):
            quote = " ".join(line.lstrip(">").strip() for line in lines)
            found.append(([_QUOTE_LINK.sub("", quote)], []))
        elif found:
            found[-1][1].append(" ".join(lines))
    return tuple(
        Highlight(quote=" ".join(q).strip(), note="\n\n".join(n).strip() or None, origin="omnivore")
        for q, n in found
        if " ".join(q).strip()
    )


def _json_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    try:
        return json.loads(_bounded(archive, info))
    except (ValueError, RecursionError) as exc:
        raise ImportFailure(f"{info.filename} is not valid JSON: {str(exc)[:120]}") from None


def _optional_entry(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    return _bounded(archive, info)


def _bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_PAGE_BYTES:
        raise ImportFailure(f"{info.filename} is larger than {MAX_PAGE_BYTES // 2**20} MB")
    if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ImportFailure(f"{info.filename} is compressed more than {MAX_RATIO}:1; refused as a likely zip bomb")
    with archive.open(info) as handle:
        data = handle.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise ImportFailure(f"{info.filename} is larger than its header says")
    return data


# -- shared ------------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _names(value: object) -> list[str]:
    """Names from a string, a list of strings, or a list of objects with a label or name."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    names: list[str] = []
    for item in value:
        if isinstance(item, dict):
            item = item.get("label") or item.get("name") or item.get("slug")
        if isinstance(item, str) and item.strip():
            names.append(" ".join(item.split()))
    return names
