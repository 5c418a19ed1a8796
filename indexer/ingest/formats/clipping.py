"""Markdown clippings (Obsidian Web Clipper, MarkDownload and the like): YAML front matter, then Markdown.

The front matter gives the title, the address (`source`, `url`), the authors (a string, a list, or
Obsidian `[[wiki links]]`), `published`, `created` (the saved date) and `tags`. It is parsed with
PyYAML's safe loader after a look at its tokens: anchors and aliases, which a clipping never needs
and an alias bomb is made of, are refused. The Markdown is rendered to HTML with markdown-it-py
(raw HTML in it is shown as text) and then sanitised like any page; the text searched is the
rendered text, never the Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from indexer.model import Author, ImportFailure, Resource, Saved

from .fragment import fragment_article, iso_date

MAX_FRONT_MATTER = 64 * 1024
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_MARKDOWN_SIGNS = re.compile(r"^(#{1,6} \S|> \S|[-*] \S|\d+\. \S)|\[[^\]]+\]\([^)]+\)|\*\*\S", re.M)
_WIKI = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
_EMBED = re.compile(r"!\[\[[^\]]*\]\]")


def looks_like_clipping(text: str, name: str) -> bool:
    """Front matter that opens with `---`, or a `.md` file written in Markdown."""
    match = _FRONT.match(text[: MAX_FRONT_MATTER + 4096])
    if match and re.search(r"^\s*[\w-]+\s*:", match.group(1), re.M):
        return True
    return name.lower().endswith((".md", ".markdown")) and _MARKDOWN_SIGNS.search(text[:65536]) is not None


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(the front matter's fields, the Markdown after it); refuses anchors and aliases with one line."""
    match = _FRONT.match(text)
    if match is None:
        return {}, text
    raw = match.group(1)
    if len(raw) > MAX_FRONT_MATTER:
        raise ImportFailure(f"the front matter is larger than {MAX_FRONT_MATTER // 1024} KB; refused")
    import yaml

    try:
        for token in yaml.scan(raw, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise ImportFailure("the front matter uses YAML anchors or aliases (as an alias bomb does); refused")
        fields = yaml.safe_load(raw)
    except yaml.YAMLError:
        return {}, text[match.end() :]  # front matter that is not YAML: the clipping is read without it
    return (fields if isinstance(fields, dict) else {}), text[match.end() :]


def read_clipping(text: str, sibling: Callable[[str], bytes | None] | None = None) -> Saved:
    fields, markdown = front_matter(text)
    get = {str(k).strip().lower(): v for k, v in fields.items()}
    body_html = render(markdown)
    title = _string(get.get("title"))
    if title:
        # The clipper often repeats the title as the first heading; the reader shows it above already.
        body_html = re.sub(r"\A\s*<h1>" + re.escape(_escape(title)) + r"</h1>\s*", "", body_html)
    else:
        heading = re.search(r"<h1>(.*?)</h1>", body_html)
        title = re.sub(r"<[^>]+>", "", heading.group(1)).strip() if heading else None
    url = next(
        (u for u in (_string(get.get(k)) for k in ("source", "url", "link", "original_url")) if u and _is_web(u)), None
    )
    published = _date(get.get("published") or get.get("date") or get.get("date_published"))
    extracted = fragment_article(
        body_html,
        title=title,
        authors=tuple(Author(n) for n in _authors(get.get("author") or get.get("authors") or get.get("byline"))),
        source=_string(get.get("site") or get.get("site_name") or get.get("publisher")),
        url=url,
        published=published,
        language=_string(get.get("lang") or get.get("language")),
    )
    if not extracted.paragraphs:
        raise ImportFailure("a Markdown clipping with no text in it")
    resources: tuple[Resource, ...] = ()
    if sibling is not None:
        from ..read import _sibling_resources

        resources = _sibling_resources(body_html, sibling)
    return Saved(
        data=text.encode("utf-8"),
        format="markdown",
        url=url,
        saved_at=_date(get.get("created") or get.get("clipped") or get.get("saved")),
        ready=extracted,
        tags=tuple(_tags(get.get("tags") or get.get("tag"))),
        resources=resources,
    )


def render(markdown: str) -> str:
    """Markdown (with Obsidian's wiki links) as HTML; raw HTML inside is escaped, not passed through."""
    from markdown_it import MarkdownIt

    markdown = _EMBED.sub("", markdown)
    markdown = _WIKI.sub(lambda m: (m.group(2) or m.group(1)).strip(), markdown)
    engine = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
    return str(engine.render(markdown))


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def _string(value: object) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return _WIKI.sub(lambda m: (m.group(2) or m.group(1)).strip(), text) or None
    return None


def _is_web(url: str) -> bool:
    return re.match(r"https?://[^/?#\s]", url, re.I) is not None


def _authors(value: object) -> list[str]:
    """Names from "Jane Doe", ["Jane Doe", "[[Ola Nordmann]]"] or "[[Jane Doe]], [[Ola Nordmann]]"."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            continue
        links = _WIKI.findall(item)
        found = (
            [(alias or name).strip() for name, alias in links] if links else re.split(r"\s*(?:;|,| and | & )\s*", item)
        )
        names += [" ".join(n.split()) for n in found if n.strip()]
    return list(dict.fromkeys(names))


def _tags(value: object) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[,\s]+", value) if isinstance(value, str) else []
    return [str(t).strip().lstrip("#") for t in items if isinstance(t, (str, int)) and str(t).strip().lstrip("#")]


def _date(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return iso_date(value.strip())
    return None
