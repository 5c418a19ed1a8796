"""Stages 2-5 of an import for one input, run in worker processes: read → decode → extract → sanitise.

`prepare` is a plain function of a `walk.Source`; it returns an `ArticleDraft` holding everything
the single writer needs to store the article in one transaction, or raises `ImportFailure` with
the one-line reason the import report shows.
"""

from __future__ import annotations

import dataclasses
import html as htmllib
from urllib.parse import unquote, urljoin, urlsplit

from indexer.model import LINK_FORMAT, ArticleDraft, Blob, Extracted, ImportFailure, Resource, Saved
from indexer.store.catalog import text_fingerprint
from indexer.store.files import sha256_of

from .decode import decode
from .extract.page import extract_html
from .extract.text import extract_text
from .formats.limits import DAMAGE
from .read import read_saved
from .sanitize import data_uri_image, sanitize_reader_html
from .walk import Source

MAX_INPUT_BYTES = 256 * 1024 * 1024
FILES_DIR = "files"


def prepare(source: Source) -> ArticleDraft:
    """Everything about one input except storing it."""
    if source.kind != "file":
        from .containers import read_record

        try:
            saved = read_record(source)
        except DAMAGE as exc:
            raise ImportFailure(f"cannot read the record: {getattr(exc, 'strerror', None) or exc}"[:300]) from None
        original = saved.original if saved.original is not None else saved.data
        return draft_from_saved(saved, saved.original_name or source.name, original)
    try:
        data = source.read()
    except DAMAGE as exc:
        raise ImportFailure(f"cannot read the file: {getattr(exc, 'strerror', None) or exc}"[:300]) from None
    if len(data) > MAX_INPUT_BYTES:
        raise ImportFailure(f"file is {len(data) / 2**20:.0f} MB; pages larger than 256 MB are not imported")
    saved = read_saved(data, source.name, source.sibling)
    original = saved.original if saved.original is not None else data
    return draft_from_saved(saved, saved.original_name or source.name, original)


def draft_from_saved(saved: Saved, name: str, original: bytes) -> ArticleDraft:
    """Extract and sanitise a page already taken out of its container; `original` is the file as given."""
    if saved.ready is not None:
        extracted = saved.ready
    elif saved.format == "text":
        extracted = extract_text(decode(saved.data, saved.charset, html=False))
    else:
        extracted = extract_html(decode(saved.data, saved.charset, html=True), url=saved.url)
    if saved.hints is not None:
        extracted = with_hints(extracted, saved.hints)
    if not extracted.paragraphs and not saved.link_only:
        raise ImportFailure("no article text found")
    images = _ImageResolver(saved)
    body = _with_lead_image(extracted)
    reader_html = sanitize_reader_html(body, images.local_path)
    resources = images.used_blobs()
    if saved.format in ("html", "xhtml"):
        # A "Web Page, Complete" save keeps its whole folder: the original alone would not show.
        resources = _unique((*resources, *(_blob(r) for r in saved.resources)))
    url = saved.url or extracted.url
    if saved.link_only:
        # Every link-only entry has the same (empty) text: it is known by its address instead.
        fingerprint = "link:" + sha256_of((url or extracted.title or name).encode("utf-8"))
    else:
        fingerprint = text_fingerprint(extracted.text)
    return ArticleDraft(
        extracted=extracted,
        format=LINK_FORMAT if saved.link_only else saved.format,
        original=Blob(sha256_of(original), original, None, name),
        original_name=name,
        resources=resources,
        reader_html=reader_html,
        url=url,
        saved_at=saved.saved_at,
        fingerprint=fingerprint,
        tags=saved.tags,
        bookmarked=saved.bookmarked,
        highlights=saved.highlights,
        link_only=saved.link_only,
    )


def with_hints(extracted: Extracted, hints: Extracted) -> Extracted:
    """The extracted article with what its container says put first: every field the hints set wins."""
    changes = {
        f.name: getattr(hints, f.name)
        for f in dataclasses.fields(Extracted)
        if f.name not in ("paragraphs", "body_html", "related") and getattr(hints, f.name) not in (None, (), "")
    }
    return dataclasses.replace(extracted, **changes)


def _with_lead_image(extracted: Extracted) -> str:
    """The body, with the lead image and its caption in front when the body does not show them."""
    body = extracted.body_html
    lead = extracted.lead_image
    if not lead or lead in body or htmllib.escape(lead) in body:
        return body
    caption = extracted.lead_image_caption
    figcaption = f"<figcaption>{htmllib.escape(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{htmllib.escape(lead)}" alt="">{figcaption}</figure>{body}'


def _blob(resource: Resource) -> Blob:
    return Blob(sha256_of(resource.data), resource.data, resource.mime, resource.ref)


def _unique(blobs: tuple[Blob, ...]) -> tuple[Blob, ...]:
    seen: dict[str, Blob] = {}
    for blob in blobs:
        seen.setdefault(blob.name or blob.sha256, blob)
    return tuple(seen.values())


class _ImageResolver:
    """Maps image references in the page to files stored in the library; nothing remote is kept."""

    def __init__(self, saved: Saved) -> None:
        self.base = saved.url
        self.by_ref: dict[str, Resource] = {}
        for resource in saved.resources:
            # Extractors may have made relative references absolute against the page URL.
            for key in _ref_keys(resource.ref, saved.url):
                self.by_ref.setdefault(key, resource)
        self.used: dict[str, Blob] = {}

    def local_path(self, ref: str) -> str | None:
        ref = ref.strip()
        if ref.lower().startswith("data:"):
            decoded = data_uri_image(ref)
            if decoded is None:
                return None
            data, mime = decoded
            return self._use(Blob(sha256_of(data), data, mime, f"inline-image-{len(self.used) + 1}"))
        for key in _ref_keys(ref, self.base):
            resource = self.by_ref.get(key)
            if resource is not None:
                return self._use(_blob(resource))
        return None

    def _use(self, blob: Blob) -> str:
        self.used.setdefault(blob.sha256, blob)
        return f"{FILES_DIR}/{blob.sha256[:2]}/{blob.sha256}"

    def used_blobs(self) -> tuple[Blob, ...]:
        return tuple(self.used.values())


def _ref_keys(ref: str, base: str | None) -> list[str]:
    """Spellings under which a page may refer to the same resource."""
    keys = [ref, unquote(ref)]
    if ref.startswith("./"):
        keys.append(ref[2:])
    try:
        if base and not urlsplit(ref).scheme:
            absolute = urljoin(base, ref)
            keys += [absolute, unquote(absolute)]
    except ValueError:  # a malformed reference matches only as written
        pass
    if ref.startswith("cid:"):
        keys.append("<" + ref[4:] + ">")
    return keys
