"""Web archives: WARC files (`.warc`, `.warc.gz`, from wget, browsertrix, webrecorder) and WACZ packages.

warcio reads the records. Listing an archive (the walk) streams it once, headers only, and yields one
input per HTML page: a 2xx `response` (or a `resource`) whose payload is HTML, with the record's
offset and length. The rest are counted by reason (requests, revisits, redirects, error pages, images
and other files that are not HTML). A worker then reads its page record alone, undoes the HTTP
transfer and content encodings (bounded against bombs), and copies in the page's images found in the
same archive: for that, each worker process lists the archive's images once (URL → offset).

A WACZ is a zip holding `archive/*.warc(.gz)`; its records are read from inside the zip entries.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urljoin, urlsplit

from indexer.model import ImportFailure, Resource, Saved

from ..read import resource_refs
from ..walk import MAX_ENTRY_BYTES, MAX_ZIP_TOTAL_BYTES, Refused, Skipped, Source
from .limits import DAMAGE, MAX_IMAGE_BYTES, MAX_IMAGES, MAX_RECORDS, UNREADABLE, read_bounded

PAGE_TYPES = ("text/html", "application/xhtml+xml")
_IMAGE_INDEX_LIMIT = 50_000


def looks_like_warc(head: bytes) -> bool:
    """A WARC file starts with a `WARC/1.x` version line, gzipped record by record or not."""
    if head.startswith(b"WARC/"):
        return True
    if head.startswith(b"\x1f\x8b"):
        import zlib

        try:
            start = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error:
            return False
        return start.startswith(b"WARC/")
    return False


def wacz_entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The WARC files of a WACZ package (`archive/*.warc`, `archive/*.warc.gz`)."""
    return [
        info
        for info in archive.infolist()
        if info.filename.startswith("archive/") and info.filename.endswith((".warc", ".warc.gz")) and not info.is_dir()
    ]


def list_wacz(path: Path, archive: zipfile.ZipFile) -> Iterator[Source | Refused | Skipped]:
    display = str(path)
    entries = wacz_entries(archive)
    if sum(info.file_size for info in entries) > MAX_ZIP_TOTAL_BYTES:
        yield Refused(display, f"the package would unpack to more than {MAX_ZIP_TOTAL_BYTES // 2**30} GB; refused")
        return
    skipped: Counter[str] = Counter()
    for info in entries:
        if info.compress_type != zipfile.ZIP_STORED and info.file_size > 200 * max(info.compress_size, 1):
            yield Refused(f"{display}/{info.filename}", "entry is compressed more than 200:1; refused as a zip bomb")
            continue
        with archive.open(info) as handle:
            yield from _list(handle, display, str(path), info.filename, skipped)
    yield from _skipped(display, skipped)


def list_warc(path: Path) -> Iterator[Source | Refused | Skipped]:
    display = str(path)
    skipped: Counter[str] = Counter()
    with path.open("rb") as handle:
        yield from _list(handle, display, str(path), None, skipped)
    yield from _skipped(display, skipped)


def _skipped(display: str, skipped: Counter[str]) -> Iterator[Skipped]:
    for reason, count in skipped.most_common():
        yield Skipped(display, reason, count)


def _list(
    handle: IO[bytes], display: str, path: str, entry: str | None, skipped: Counter[str]
) -> Iterator[Source | Refused | Skipped]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = ArchiveIterator(handle)
    count = 0
    try:
        for record in records:
            count += 1
            if count > MAX_RECORDS:
                yield Refused(display, f"the archive holds more than {MAX_RECORDS:,} records; the rest are not read")
                return
            why = _not_a_page(record)
            if why == "":
                continue
            url = _target(record) or "record"
            if why is not None:
                skipped[why] += 1
                continue
            offset, length = records.get_record_offset(), records.get_record_length()
            where = f"{display}/{url}"
            if length > MAX_ENTRY_BYTES:
                yield Refused(where, f"record is {length / 2**20:.0f} MB; larger than {MAX_ENTRY_BYTES // 2**20} MB")
                continue
            yield Source(where, path, entry, kind="warc", offset=offset, length=length, container=display)
    except (ArchiveLoadFailed, *DAMAGE, AttributeError, TypeError, UnicodeError) as exc:  # warcio on junk
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        yield Refused(display, f"the web archive is damaged after {count} record(s): {reason}", container=display)


def _not_a_page(record: Any) -> str | None:
    """Why a record is not an article ("" for archive bookkeeping, not counted); None for an HTML page."""
    kind = record.rec_type
    if kind in ("warcinfo", "metadata", "conversion", "continuation"):
        return ""
    if kind == "request":
        return "request"
    if kind == "revisit":
        return "revisit"
    if kind not in ("response", "resource"):
        return f"{kind} records"
    if kind == "response" and record.http_headers is not None:
        try:
            status = int(record.http_headers.get_statuscode() or 0)
        except ValueError:
            status = 0
        if 300 <= status < 400:
            return "redirect"
        if not 200 <= status < 300:
            return "error page"
        content_type = record.http_headers.get_header("Content-Type") or ""
    elif kind == "response" and "application/http" in (record.content_type or ""):
        return "unreadable response"
    else:
        content_type = record.content_type or ""
    if content_type.split(";")[0].strip().lower() not in PAGE_TYPES:
        return "not HTML"
    if record.length == 0:
        return "empty page"
    return None


def _target(record: Any) -> str | None:
    url = record.rec_headers.get_header("WARC-Target-URI")
    return url.strip().strip("<>") if url else None


# -- one page, in a worker ----------------------------------------------------------------------------


def read_page(source: Source) -> Saved:
    """The page in the record `source` names, with its URL, date, charset and the archive's images it shows."""
    record = _one_record(source.span())
    if record is None:
        raise ImportFailure("the web archive record cannot be read")
    url = _target(record)
    if record.http_headers is not None:
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = record.content_type or ""
    packed = max(record.length or 0, 0)
    body = read_bounded(record.content_stream(), packed)
    if not body.strip():
        raise ImportFailure("the archived page is empty")
    charset = _charset(content_type)
    images = _page_images(source, body, charset, url) if url else ()
    name = Path(unquote(urlsplit(url).path)).name if url else ""
    return Saved(
        data=body,
        format="warc",
        url=url if url and url.lower().startswith(("http://", "https://")) else None,
        saved_at=_date(record.rec_headers.get_header("WARC-Date")),
        charset=charset,
        resources=images,
        original_name=name if name.lower().endswith((".html", ".htm")) else (name or "page") + ".html",
    )


def _one_record(span: bytes) -> Any:
    from warcio.archiveiterator import ArchiveIterator

    for record in ArchiveIterator(io.BytesIO(span)):
        return record
    return None


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")
    return None


def _date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def _page_images(source: Source, body: bytes, charset: str | None, url: str) -> tuple[Resource, ...]:
    from ..decode import decode

    index = _image_index(source)
    if not index:
        return ()
    resources: list[Resource] = []
    total = 0
    for ref in dict.fromkeys(resource_refs(decode(body, charset, html=True))):
        if len(resources) >= MAX_IMAGES:
            break
        try:
            absolute = urljoin(url, ref)
        except ValueError:
            continue
        place = index.get(absolute.split("#")[0])
        if place is None:
            continue
        image = Source(source.display, source.path, source.entry, kind="warc", offset=place[0], length=place[1])
        try:
            record = _one_record(image.span())
            data = read_bounded(record.content_stream(), record.length or 0, MAX_IMAGE_BYTES, "an image")
        except UNREADABLE:
            continue
        if not data or total + len(data) > MAX_IMAGE_BYTES * 5:
            continue
        total += len(data)
        mime = (record.http_headers.get_header("Content-Type") if record.http_headers else record.content_type) or ""
        resources.append(Resource(ref=absolute, data=data, mime=mime.split(";")[0].strip() or None))
    return tuple(resources)


_INDEXES: dict[tuple[str, str | None, int, int], dict[str, tuple[int, int]]] = {}


def _image_index(source: Source) -> dict[str, tuple[int, int]]:
    """URL → (offset, length) of the archive's 2xx image records; listed once per archive and process."""
    try:
        stat = Path(source.path).stat()
    except OSError:
        return {}
    key = (source.path, source.entry, stat.st_size, int(stat.st_mtime_ns))
    if key not in _INDEXES:
        _INDEXES.clear()  # one archive at a time: inputs arrive in walk order
        _INDEXES[key] = _list_images(source)
    return _INDEXES[key]


def _list_images(source: Source) -> dict[str, tuple[int, int]]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found: dict[str, tuple[int, int]] = {}
    try:
        with _ArchiveStream(source) as handle:
            records = ArchiveIterator(handle)
            for count, record in enumerate(records):
                if count > MAX_RECORDS or len(found) >= _IMAGE_INDEX_LIMIT:
                    break
                if record.rec_type not in ("response", "resource"):
                    continue
                headers = record.http_headers
                if headers is not None:
                    if not (headers.get_statuscode() or "").startswith("2"):
                        continue
                    content_type = headers.get_header("Content-Type") or ""
                else:
                    content_type = record.content_type or ""
                url = _target(record)
                if url and content_type.strip().lower().startswith("image/"):
                    found.setdefault(url, (records.get_record_offset(), records.get_record_length()))
    except (ArchiveLoadFailed, *DAMAGE, AttributeError, TypeError, UnicodeError):
        pass  # the images listed before the damage are still good
    return found


class _ArchiveStream:
    """The archive file, or its entry inside a WACZ package, as a binary stream."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._zip: zipfile.ZipFile | None = None
        self._handle: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if self.source.entry is None:
            self._handle = open(self.source.path, "rb")  # noqa: SIM115 - closed in __exit__
        else:
            self._zip = zipfile.ZipFile(self.source.path)
            self._handle = self._zip.open(self.source.entry)
        return self._handle

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._zip is not None:
            self._zip.close()
