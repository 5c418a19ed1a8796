"""Files that hold many articles, told by their content: listing their records (walk) and reading one (worker).

- web archives: WARC (`WARC/1.x` records, gzipped or not) and WACZ (a zip with `archive/*.warc*`);
- mailboxes: mbox (messages after `From ` lines);
- read-later exports: wallabag's JSON, Omnivore's zip (`metadata_*.json`), Pocket's and Instapaper's CSV
  (Pocket's also as a zip of CSV files).

Each record becomes one `Source` whose display is the container's path, `/`, and the record's URL,
message id or entry name; what is not an article is counted in `Skipped` items by reason.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from indexer.model import ImportFailure, Saved

from .formats import links, mail, readlater, warc
from .formats.limits import DAMAGE
from .walk import Item, Refused, Source

_SNIFF = 65536


def records(path: Path) -> Iterator[Item] | None:
    """The records of a container file, or None when `path` is not one (then it is read as a single file)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF)
    except OSError:
        return None
    if warc.looks_like_warc(head):
        return warc.list_warc(path)
    if head.startswith(b"PK\x03\x04"):
        return _zip_records(path)
    if mail.looks_like_mbox(head):
        return mail.list_mbox(path)
    if readlater.looks_like_wallabag(head):
        return readlater.list_wallabag(path)
    kind = links.csv_kind(head)
    if kind is not None:
        return links.list_links(path, kind)
    return None


def _zip_records(path: Path) -> Iterator[Item] | None:
    try:
        archive = zipfile.ZipFile(path)
    except DAMAGE:
        return None
    if warc.wacz_entries(archive):
        return _listing(archive, lambda: warc.list_wacz(path, archive))
    if readlater.omnivore_metadata(archive):
        return _listing(archive, lambda: readlater.list_omnivore(path, archive))
    try:
        exported_links = links.link_entries(archive)
    except DAMAGE:
        exported_links = []
    if exported_links:
        return _listing(archive, lambda: links.list_links_in_zip(path, archive))
    archive.close()
    return None


def _listing(archive: zipfile.ZipFile, listing: Callable[[], Iterator[Item]]) -> Iterator[Item]:
    with archive:
        try:
            yield from listing()
        except DAMAGE as exc:
            yield Refused(archive.filename or "zip", f"the package is damaged: {exc}"[:200])


def read_record(source: Source) -> Saved:
    """One record of a container, read alone; a damaged one ends in an `ImportFailure` with the reason."""
    try:
        return _read_record(source)
    except (ImportFailure, RecursionError, MemoryError):
        raise
    except Exception as exc:  # the container changed or is damaged where this record lies
        raise ImportFailure(f"the record cannot be read ({type(exc).__name__}: {exc})".splitlines()[0][:300]) from None


def _read_record(source: Source) -> Saved:
    if source.kind == "warc":
        return warc.read_page(source)
    if source.kind == "mbox":
        return mail.read_mail(source.span(), name=source.name)
    if source.kind == "wallabag":
        return readlater.read_wallabag(source)
    if source.kind == "omnivore":
        return readlater.read_omnivore(source)
    if source.kind in ("pocket", "instapaper"):
        return links.read_link(source)
    raise ImportFailure(f"unknown kind of record: {source.kind}")
