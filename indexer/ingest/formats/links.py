"""Pocket's and Instapaper's CSV exports: links only, each row a link-only entry that is never fetched.

- Pocket: `title,url,time_added,tags,status` (tags joined by `|`), as a CSV file or as the zip of
  `part_*.csv` files Pocket's last exports were;
- Instapaper: `URL,Title,Selection,Folder,Timestamp` (and `Tags` in newer exports); a folder other than
  Unread, Archive and Starred is a tag, and Starred is a bookmark.

The walk notes where each row lies (offset and length, the header line beside it), so a worker reads
its row alone.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Generator, Iterator
from pathlib import Path

from indexer.model import Extracted, ImportFailure, Saved

from ..walk import Refused, Skipped, Source
from .fragment import iso_date, link_page
from .limits import MAX_RATIO, MAX_RECORDS
from .readlater import MAX_EXPORT_BYTES


def csv_kind(head: bytes) -> str | None:
    """ "pocket" or "instapaper" when the first line is one of their export headers."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace").strip().lower()
    fields = [f.strip().strip('"') for f in first.split(",")]
    if "url" in fields and "time_added" in fields:
        return "pocket"
    if fields[:5] == ["url", "title", "selection", "folder", "timestamp"]:
        return "instapaper"
    return None


def list_links(path: Path, kind: str) -> Iterator[Source | Refused | Skipped]:
    display = str(path)
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            yield Refused(display, f"the export is larger than {MAX_EXPORT_BYTES // 2**30} GB; refused")
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield Refused(display, f"cannot read the export: {exc.strerror or exc}")
        return
    skipped = yield from _rows_of(raw, display, str(path), None, kind)
    if skipped:
        yield Skipped(display, "row without a link", skipped)


def link_entries(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, str]]:
    """The CSV files of a zip that are Pocket or Instapaper exports (Pocket's `part_000000.csv`…), with their kind."""
    found = []
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        if not info.filename.lower().endswith(".csv") or info.is_dir() or info.file_size > MAX_EXPORT_BYTES:
            continue
        with archive.open(info) as handle:
            kind = csv_kind(handle.read(4096))
        if kind is not None:
            found.append((info, kind))
    return found


def list_links_in_zip(path: Path, archive: zipfile.ZipFile) -> Iterator[Source | Refused | Skipped]:
    display = str(path)
    skipped = 0
    for info, kind in link_entries(archive):
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1024 * 1024:
            yield Refused(f"{display}/{info.filename}", f"compressed more than {MAX_RATIO}:1; refused as a zip bomb")
            continue
        with archive.open(info) as handle:
            raw = handle.read(MAX_EXPORT_BYTES + 1)
        skipped += yield from _rows_of(raw, display, str(path), info.filename, kind)
    if skipped:
        yield Skipped(display, "row without a link", skipped)


def _rows_of(
    raw: bytes, display: str, path: str, entry: str | None, kind: str
) -> Generator[Source | Refused, None, int]:
    """A Source per row with a link (offset and length of the row, the header beside it); returns rows without."""
    consumed = [0]

    def lines() -> Iterator[str]:
        for line in raw.splitlines(keepends=True):
            consumed[0] += len(line)
            yield line.decode("utf-8", "replace")

    reader = csv.reader(lines())
    without_link = 0
    try:
        header = next(reader, None)
        if header is None:
            return 0
        header_line = raw[: consumed[0]].decode("utf-8", "replace")
        count = 0
        while True:
            start = consumed[0]
            row = next(reader, None)
            if row is None:
                break
            count += 1
            if count > MAX_RECORDS:
                yield Refused(display, f"the export holds more than {MAX_RECORDS:,} rows; the rest are not read")
                break
            url = _row(header, row).get("url", "").strip()
            if not url:
                without_link += any(value.strip() for value in row)
                continue
            yield Source(
                f"{display}/{url}",
                path,
                entry,
                kind=kind,
                offset=start,
                length=consumed[0] - start,
                key=header_line,
                container=display,
            )
    except csv.Error as exc:
        yield Refused(display, f"the export is not a readable CSV file: {exc}"[:200], container=display)
    return without_link


def _row(header: list[str], row: list[str]) -> dict[str, str]:
    return {name.strip().lstrip("\ufeff").lower(): value for name, value in zip(header, row, strict=False)}


def read_link(source: Source) -> Saved:
    data = source.span()
    rows = list(csv.reader(io.StringIO((source.key or "") + data.decode("utf-8", "replace"))))
    if len(rows) < 2:
        raise ImportFailure("the row cannot be read")
    fields = _row(rows[0], rows[1])
    url = fields.get("url", "").strip()
    title = fields.get("title", "").strip() or url
    service = "Pocket" if source.kind == "pocket" else "Instapaper"
    tags: list[str] = []
    bookmarked = False
    if source.kind == "pocket":
        saved_at = iso_date(fields.get("time_added"))
        tags = [t.strip() for t in re.split(r"[|,]", fields.get("tags", "")) if t.strip()]
    else:
        saved_at = iso_date(fields.get("timestamp"))
        folder = fields.get("folder", "").strip()
        bookmarked = folder.lower() == "starred"
        if folder and folder.lower() not in ("unread", "archive", "starred"):
            tags.append(folder)
        raw_tags = fields.get("tags", "").strip()
        if raw_tags:
            try:
                parsed = json.loads(raw_tags)
            except ValueError:
                parsed = raw_tags.split(",")
            tags += [str(t).strip() for t in parsed if str(t).strip()] if isinstance(parsed, list) else []
    extracted = Extracted(title=title, url=url or None, body_html=link_page(url or None, title, service))
    return Saved(
        data=data,
        format="link",
        url=url or None,
        saved_at=saved_at,
        ready=extracted,
        tags=tuple(tags),
        bookmarked=bookmarked,
        link_only=True,
        original=(source.key or "").encode("utf-8") + data,
        original_name=f"{service.lower()}-link.csv",
    )
