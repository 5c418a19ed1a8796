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
class Saved:
    """One saved page taken out of its container, still as bytes."""

    data: bytes
    format: str  # "html", "xhtml", "mhtml", "singlefile" or "text"
    url: str | None = None  # where the page was saved from, when the container says
    saved_at: str | None = None  # ISO 8601, when the container says
    charset: str | None = None  # charset the container declares for `data`
    resources: tuple[Resource, ...] = ()


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
class ImportOutcome:
    """The fate of one input file (or zip entry) in an import."""

    path: str
    status: str  # "imported", "duplicate" or "failed"
    id: int | None = None
    error: str | None = None
    title: str | None = None


@dataclass
class ImportReport:
    outcomes: list[ImportOutcome] = field(default_factory=list)
    cancelled: bool = False

    def of(self, status: str) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> bool:
        return not self.of("failed")
