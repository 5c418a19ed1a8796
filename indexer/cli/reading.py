"""Commands that read the archive: `show`, `list`, `search`, `authors`."""

from __future__ import annotations

import argparse
import html
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..model import ArticleRecord, AuthorRecord, HighlightRecord, LibraryError
from .common import Handler, UsageError, open_library, print_json


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to `sub`."""
    p = sub.add_parser("show", parents=[common], help="show articles")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--html", action="store_true", help="the sanitised reader HTML the window shows")

    p = sub.add_parser("list", parents=[common], help="list every article")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", parents=[common], help="search the archive")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--sort", choices=["relevance", "newest", "oldest"], default="relevance")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("authors", parents=[common], help="list authors")
    p.add_argument("--json", action="store_true")


def article_json(a: ArticleRecord) -> dict:
    return {
        "id": a.id,
        "title": a.title,
        "authors": [{"name": x.name, "role": x.role, "bio": x.bio, "url": x.url} for x in a.authors],
        "source": a.source,
        "url": a.url,
        "published": a.published,
        "modified": a.modified,
        "saved_at": a.saved_at,
        "language": a.language,
        "format": a.format,
        "text": a.text,
        "lead_image_caption": a.lead_image_caption,
        "tags": a.tags,
        "bookmarked": a.bookmarked,
        "original": a.original,
        "origin": a.origin,
        "link_only": a.link_only,
    }


def highlight_json(h: HighlightRecord) -> dict:
    return {"id": h.id, "article": h.article, "quote": h.quote, "note": h.note, "created": h.created}


def cmd_show(args: argparse.Namespace, library_dir: Path | None) -> int:
    with open_library(library_dir) as library:
        records = []
        marked: dict[int, list[dict]] = {}
        for article_id in args.ids:
            record = library.article(article_id)
            if record is None:
                raise LibraryError(f"no article with id {article_id}")
            records.append(record)
            marked[record.id] = [highlight_json(h) for h in library.highlights(record.id)]
    if args.json:
        shown = [{**article_json(r), "highlights": marked[r.id]} for r in records]
        print_json(shown[0] if len(shown) == 1 else shown)
    elif args.html:
        print("\n".join(r.reader_html for r in records))
    else:
        for r in records:
            byline = ", ".join(a.name for a in r.authors)
            print(r.title)
            print(" · ".join(x for x in (r.source, r.published, byline) if x))
            if r.url:
                print(r.url)
            print(f"from a {r.origin}" + (": only the link was saved, not the page" if r.link_only else ""))
            print()
            print(r.text)
            print()
    return 0


def cmd_list(args: argparse.Namespace, library_dir: Path | None) -> int:
    with open_library(library_dir) as library:
        records = library.articles()
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "title": r.title,
                    "source": r.source,
                    "published": r.published,
                    "authors": [a.name for a in r.authors],
                    "tags": r.tags,
                    "bookmarked": r.bookmarked,
                }
                for r in records
            ]
        )
    else:
        for r in records:
            mark = "★" if r.bookmarked else " "
            print(f"{r.id:>6} {mark} {(r.published or '')[:10]:10}  {r.title}  — {r.source or ''}")
    return 0


def cmd_search(args: argparse.Namespace, library_dir: Path | None) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    with open_library(library_dir) as library:
        results = library.search(args.query, sort=args.sort, limit=args.limit)
        ids = [h.id for h in results.hits]
        snippets = library.snippets(args.query, ids)
        records = {i: library.article(i) for i in ids}
    hits: list[dict[str, Any]] = []
    for hit in results.hits:
        r = records.get(hit.id)
        if r is None:
            continue
        hits.append(
            {
                "id": r.id,
                "title": r.title,
                "source": r.source,
                "authors": [a.name for a in r.authors],
                "published": r.published,
                "score": round(hit.score, 4),
                "snippet": snippets.get(hit.id, ""),
            }
        )
    if args.json:
        estimated = not results.facets_exact  # the facets' counts (the total is always exact)
        print_json(
            {
                "total": results.total,
                "hits": hits,
                "facets": results.facets,
                "suggestion": results.suggestion,
                "estimated": estimated,
            }
        )
        return 0
    print(f"{results.total} found" + (f" — did you mean: {results.suggestion}" if results.suggestion else ""))
    for h in hits:
        print(f"{h['id']:>6}  {h['title']}  — {h['source'] or ''} {(h['published'] or '')[:10]}")
        if h["snippet"]:
            print(f"        {_plain(h['snippet'])}")
    return 0


def _plain(snippet: str) -> str:
    """A snippet's HTML marks made terminal text: matched words in *stars*."""
    text = re.sub(r"</?(b|strong|mark)>", "*", snippet)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _author_json(a: AuthorRecord) -> dict:
    data = asdict(a)
    data.pop("id")
    return data


def cmd_authors(args: argparse.Namespace, library_dir: Path | None) -> int:
    with open_library(library_dir) as library:
        authors = library.authors()
    if args.json:
        print_json([_author_json(a) for a in authors])
    else:
        for a in authors:
            mark = "★" if a.bookmarked else " "
            print(f"{mark} {a.name}  ({a.articles})" + (f" — {a.role}" if a.role else ""))
    return 0


COMMANDS: dict[str, Handler] = {"show": cmd_show, "list": cmd_list, "search": cmd_search, "authors": cmd_authors}
