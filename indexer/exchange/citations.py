"""Citations of articles: in a citation style (APA, Chicago, MLA) or as reference-manager data (BibTeX,
RIS, CSL-JSON).

Every format starts from the same CSL-JSON item (`csl_item`), the data model citation styles are
written for:
- type `article-newspaper` when the article names its source (the site or paper), else `webpage`;
- `author`: each byline name split into family and given names ("Anna Maria Smith" → Smith, Anna
  Maria; "Smith, Anna" as written; "Ludwig van Beethoven" keeps "van" as a particle; "Jr." a
  suffix), while one-word names and organisations ("Reuters", "Staff Reporter", "Editorial Board")
  stay whole (`literal`), so no style inverts or initialises them;
- `issued`: the publication date with as much as the article says (year, month, day), as written
  in the article (not moved to UTC);
- `title` (the headline), `container-title` (the source), `URL`, `language`;
- `accessed`: the day the page was saved (else imported). A citation's access date is when the
  reader last saw the page online; for an offline archive that is the day it was saved, whatever
  day the citation is made.
The styles are rendered by citeproc-py (`csl`); the data formats are written here (`bibliographic`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.model import ArticleRecord
from indexer.paths import FILES_DIR
from indexer.store.catalog import get_article

if TYPE_CHECKING:
    from indexer.store.database import Database

    from .export import ExportReport

STYLES = ("apa", "chicago", "mla")
# What a settings list shows for each style.
STYLE_NAMES = {"apa": "APA (7th edition)", "chicago": "Chicago (18th edition, author-date)", "mla": "MLA (9th edition)"}
DATA_FORMATS = ("bibtex", "ris", "csl-json")
FORMATS = STYLES + DATA_FORMATS

_DATE = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du",
    "la", "le", "ter", "ten", "bin", "ibn", "al", "el", "zu", "af",
}  # fmt: skip
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
# Words that make a byline an organisation or a desk rather than a person.
_ORGANISATION = re.compile(
    r"\b(staff|reporters?|correspondents?|desk|team|editors|editorial|board|bureau|agency|agencies|press|"
    r"news|newsroom|service|wire|media|associated|reuters|afp|dpa|foundation|institute|ministry|council|"
    r"committee|office|department|university|group)\b",
    re.IGNORECASE,
)


def cite(records: Sequence[ArticleRecord], fmt: str, *, html: bool = False) -> str:
    """The citations of `records` in `fmt` (one of FORMATS); `html` gives the styles as HTML (rich text)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown citation format {fmt!r}; choose one of {', '.join(FORMATS)}")
    items = [csl_item(r) for r in records]
    if fmt in STYLES:
        from . import csl

        entries = csl.render(items, fmt, html=html)
        if html:
            return "\n".join(f'<div class="csl-entry">{e}</div>' for e in entries)
        return "\n".join(entries)
    return write_data(items, fmt)


# The file an export writes when DEST is an empty folder, and its newline (RIS readers expect CRLF).
EXPORT_FILES = {
    "bibtex": ("citations.bib", "\n"),
    "ris": ("citations.ris", "\r\n"),
    "csl-json": ("citations.json", "\n"),
}


def export_file(db: Database, dest: Path, fmt: str, ids: list[int]) -> ExportReport:
    """Write the articles `ids` as one BibTeX, RIS or CSL-JSON file: DEST, or a file inside DEST when it
    is an empty folder; written whole under a temporary name and renamed into place."""
    from .export import ExportReport
    from .reading import write_atomically

    records = [r for r in (get_article(db.conn, i, FILES_DIR) for i in ids) if r is not None]
    name, newline = EXPORT_FILES[fmt]
    target = dest / name if dest.is_dir() else dest
    target.parent.mkdir(parents=True, exist_ok=True)
    text = write_data([csl_item(r) for r in records], fmt, newline=newline)
    write_atomically(target, lambda handle: handle.write(text), encoding="utf-8")  # type: ignore[attr-defined]
    return ExportReport(fmt, target, articles=len(records))


def write_data(items: Sequence[dict], fmt: str, *, newline: str = "\n") -> str:
    """CSL-JSON items as a BibTeX, RIS or CSL-JSON document."""
    from . import bibliographic

    if fmt == "bibtex":
        return bibliographic.bibtex(items)
    if fmt == "ris":
        return bibliographic.ris(items, newline=newline)
    if fmt == "csl-json":
        return json.dumps(list(items), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"not a data format: {fmt!r}")


def csl_item(record: ArticleRecord) -> dict:
    """The article as a CSL-JSON item (see the module's docstring for each field)."""
    item: dict = {"id": f"article-{record.id}", "type": "article-newspaper" if record.source else "webpage"}
    authors = [csl_name(a.name) for a in record.authors if a.name.strip()]
    if authors:
        item["author"] = authors
    item["title"] = " ".join(record.title.split())
    if record.source:
        item["container-title"] = " ".join(record.source.split())
    if record.url:
        item["URL"] = record.url.strip()
    issued = date_parts(record.published)
    if issued:
        item["issued"] = {"date-parts": [issued]}
    accessed = date_parts(record.saved_at) or date_parts(record.imported_at)
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    if record.language:
        item["language"] = record.language
    return item


def date_parts(text: str | None) -> list[int]:
    """[year, month, day] of an ISO date or datetime, as far as it goes; [] when it is not one."""
    m = _DATE.match(text or "")
    if not m:
        return []
    parts = [int(g) for g in m.groups() if g is not None]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return parts[:1]
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        return parts[:2]
    return parts


def csl_name(name: str) -> dict:
    """A byline name as a CSL name: family and given names (with particle and suffix), or a literal."""
    name = " ".join(name.split())
    if name.count(",") == 1 and not _ORGANISATION.search(name):
        family, given = (part.strip() for part in name.split(","))
        if family and given and given.lower() not in _SUFFIXES:
            return {"family": family, "given": given}
    words = name.split()
    if len(words) < 2 or _ORGANISATION.search(name) or name.isupper():
        return {"literal": name}
    out: dict = {}
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        out["suffix"] = words.pop()
        words[-1] = words[-1].rstrip(",")
    first_particle = next(
        (i for i in range(1, len(words) - 1) if words[i] in _PARTICLES and words[i].islower()), len(words) - 1
    )
    given = " ".join(words[:first_particle])
    particle = " ".join(words[first_particle:-1])
    out["family"] = words[-1]
    out["given"] = given
    if particle:
        out["non-dropping-particle"] = particle
    return {k: out[k] for k in ("family", "given", "non-dropping-particle", "suffix") if k in out}
