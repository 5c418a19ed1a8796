"""Records passed between the import stages and returned by the `Library` facade.

Every stage is a plain function from one of these records to the next; none mutates its input.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailure(Exception):
    """A file that cannot become an article; its message is the one-line reason shown to the user."""


class LibraryError(Exception):
    """An action the library cannot carry out as asked; the message is shown to the user as is."""


@dataclass(frozen=True)
class Resource:
    """A file a saved page refers to (an image, a stylesheet), as saved beside or inside it."""

    ref: str  # how the page refers to it: a relative path, an absolute URL or a cid: URL
    data: bytes
    mime: str | None = None


@dataclass(frozen=True)
class Highlight:
    """A passage someone marked in an article (in a read-later service, or later in the reader), with a note."""

    quote: str
    note: str | None = None
    created: str | None = None  # ISO 8601; the import time when the export does not say
    origin: str = "reader"  # where it was made: "reader", "wallabag", "omnivore"


@dataclass(frozen=True)
class Saved:
    """One saved page taken out of its container, still as bytes."""

    data: bytes
    format: str  # see FORMAT_ORIGINS
    url: str | None = None  # where the page was saved from, when the container says
    saved_at: str | None = None  # ISO 8601, when the container says
    charset: str | None = None  # charset the container declares for `data`
    resources: tuple[Resource, ...] = ()
    # What the container itself says about the article (a mail's Subject and Date, an export's
    # fields): set fields win over what extraction finds in the page.
    hints: Extracted | None = None
    # The article already taken apart by the reader (a PDF's text, a rendered clipping, a link):
    # no page extraction runs; `data` is then only what the original file is made of.
    ready: Extracted | None = None
    tags: tuple[str, ...] = ()
    bookmarked: bool = False
    highlights: tuple[Highlight, ...] = ()
    link_only: bool = False  # a link with a title and no text (read-later CSV exports): not saved offline
    original: bytes | None = None  # the bytes to keep as the original when not the whole input file
    original_name: str | None = None


@dataclass(frozen=True)
class Author:
    name: str
    role: str | None = None
    bio: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Extracted:
    """What an extractor found in one decoded page (HTML or plain text)."""

    title: str | None = None
    authors: tuple[Author, ...] = ()
    source: str | None = None  # site or publication name
    url: str | None = None  # canonical URL found in the page
    published: str | None = None  # ISO 8601 date or datetime; never guessed from the story text
    modified: str | None = None
    language: str | None = None  # BCP 47 tag such as "en" or "uk"
    lead_image: str | None = None  # the image reference as the page has it
    lead_image_caption: str | None = None
    paragraphs: tuple[str, ...] = ()  # the clean body, one entry per paragraph or heading
    body_html: str = ""  # the body as HTML, not yet sanitised
    related: tuple[dict[str, str], ...] = ()  # teasers for other stories found inside the page
    reading_time_minutes: int | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Blob:
    """A file to be stored content-addressed in the library's files/ folder."""

    sha256: str
    data: bytes
    mime: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class ArticleDraft:
    """A fully extracted article, ready to be stored in one transaction."""

    extracted: Extracted
    format: str
    original: Blob
    original_name: str
    resources: tuple[Blob, ...] = ()
    reader_html: str = ""  # sanitised; images point into the library's files/
    url: str | None = None  # best URL: container > canonical > og:url
    saved_at: str | None = None
    fingerprint: str = ""  # of the normalised text, to spot the same story under another name
    tags: tuple[str, ...] = ()
    bookmarked: bool = False
    highlights: tuple[Highlight, ...] = ()
    link_only: bool = False


@dataclass
class ArticleRecord:
    """An article as the library holds it."""

    id: int
    title: str
    authors: list[Author]
    source: str | None
    url: str | None
    published: str | None
    modified: str | None
    saved_at: str | None
    imported_at: str
    language: str | None
    format: str
    text: str
    reader_html: str
    lead_image_caption: str | None
    word_count: int
    tags: list[str] = field(default_factory=list)
    bookmarked: bool = False
    original: str | None = None  # path of the stored original, relative to the library folder
    previous_version: int | None = None
    original_name: str | None = None  # the file name it was imported from

    @property
    def link_only(self) -> bool:
        """Only a link and a title: the page itself was never saved (a read-later CSV export)."""
        return self.format == LINK_FORMAT

    @property
    def origin(self) -> str:
        """Where the article came from, in words: "saved page", "web archive", "newsletter"…"""
        return origin_of(self.format)


@dataclass
class AuthorRecord:
    id: int
    name: str
    role: str | None
    bio: str | None
    url: str | None
    articles: int = 0
    tags: list[str] = field(default_factory=list)
    bookmarked: bool = False


@dataclass
class HighlightRecord:
    """A highlight, or a note on a whole article (`quote == ""`), as the library holds it.

    `start`/`end` locate the quote in the article's current text (found again by its quote and the
    text around it when the text has changed); both are None when it is not there any more, and then
    `found` is False: the highlight is kept and shown as "not found in this version". A note on the
    whole article has no place in the text and is always `found`.
    """

    id: int
    article: int
    quote: str
    note: str | None
    created: str
    origin: str
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    found: bool = True

    @property
    def is_article_note(self) -> bool:
        """A note on the whole article rather than on a passage."""
        return not self.quote


@dataclass
class SavedSearch:
    """A query saved under a name; `count` is how many articles it finds now."""

    name: str
    query: str
    count: int = 0


@dataclass(slots=True)
class ImportOutcome:
    """The fate of one input file, zip entry or record of a container (a WARC, an mbox, an export) in an import.

    A record's `path` is the container's path, `/`, and the record's URL, message id or entry name;
    `container` is then the container's path. "skipped" outcomes stand for records of a container
    that are not articles (images, redirects, error pages): one outcome per reason, with their `count`.
    """

    path: str
    status: str  # "imported", "duplicate", "failed" or "skipped"
    id: int | None = None
    error: str | None = None
    title: str | None = None
    container: str | None = None
    link_only: bool = False  # an entry that is only a link (not saved offline)
    count: int = 1


@dataclass
class ImportReport:
    outcomes: list[ImportOutcome] = field(default_factory=list)
    cancelled: bool = False

    def of(self, status: str) -> list[ImportOutcome]:
        """Outcomes of one status; "imported" leaves out link-only entries, which "link-only" gives."""
        if status == "link-only":
            return [o for o in self.outcomes if o.status == "imported" and o.link_only]
        if status == "imported":
            return [o for o in self.outcomes if o.status == "imported" and not o.link_only]
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> bool:
        return not self.of("failed")

    def containers(self) -> list[ContainerSummary]:
        """One summary per container file (a WARC, an mbox, an export), in the order first met."""
        found: dict[str, ContainerSummary] = {}
        for o in self.outcomes:
            if o.container is None:
                continue
            summary = found.setdefault(o.container, ContainerSummary(o.container))
            if o.status == "skipped":
                reason = o.error or "not an article"
                summary.skipped[reason] = summary.skipped.get(reason, 0) + o.count
            elif o.link_only:
                summary.links += 1
            elif o.status in ("imported", "duplicate"):
                summary.articles += 1
                summary.duplicates += o.status == "duplicate"
            else:
                summary.failed += 1
        return list(found.values())


@dataclass
class ContainerSummary:
    """What one container gave: "crawl.warc.gz: 212 articles, 3 skipped: 2 not HTML, 1 error page"."""

    path: str
    articles: int = 0  # new and already in the archive
    duplicates: int = 0
    links: int = 0
    failed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> records

    def line(self, name: str | None = None) -> str:
        parts = [f"{self.articles} article{'s' if self.articles != 1 else ''}"]
        if self.duplicates:
            parts[0] += f" ({self.duplicates} already in the archive)"
        if self.links:
            parts.append(f"{self.links} link-only entr{'ies' if self.links != 1 else 'y'}")
        if self.failed:
            parts.append(f"{self.failed} failed")
        skipped = sum(self.skipped.values())
        if skipped:
            reasons = ", ".join(f"{count} {_plural(reason, count)}" for reason, count in self.skipped.items())
            parts.append(f"{skipped} skipped: {reasons}")
        return f"{name or self.path}: " + ", ".join(parts)


# Reasons for skipping a record are written in the singular; these read so for many.
_PLURALS = {
    "request": "requests",
    "revisit": "revisits",
    "redirect": "redirects",
    "error page": "error pages",
    "empty page": "empty pages",
    "row without a link": "rows without a link",
}


def _plural(reason: str, count: int) -> str:
    return _PLURALS.get(reason, reason) if count != 1 else reason


LINK_FORMAT = "link"
# Each stored format with where it came from, as the reader's header says it.
FORMAT_ORIGINS = {
    "html": "saved page",
    "xhtml": "saved page",
    "mhtml": "saved page",
    "singlefile": "saved page",
    "text": "saved text",
    "warc": "web archive",
    "webarchive": "web archive",
    "email": "newsletter",
    "markdown": "clipping",
    "pdf": "PDF",
    "wallabag": "read-later export (wallabag)",
    "omnivore": "read-later export (Omnivore)",
    LINK_FORMAT: "read-later export (link only)",
}


def origin_of(format_name: str) -> str:
    return FORMAT_ORIGINS.get(format_name, "saved page")
