"""The headless `newsarchive` subcommands: parse arguments, call the `Library` facade, print.

The console script is `desktop.launch:main`, which runs these without loading Qt and opens the window
only when no subcommand is given. Usage errors exit 2 with a message; a failed action exits 1.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from . import app_version, paths
from .model import ArticleRecord, AuthorRecord, HighlightRecord, ImportFailure, ImportReport, LibraryError

if TYPE_CHECKING:
    from .ingest.importer import ImportProgress
    from .library import Library


class UsageError(Exception):
    """Exit 2: the command line asks for something that does not make sense."""


class _VersionAction(argparse.Action):
    """`--version`: `newsarchive <version>`, looked up only when asked for (it reads package metadata)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(f"newsarchive {app_version()}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS, help="library folder to use")

    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="An offline archive for the news articles you save. With no command, opens the window.",
        parents=[common],
    )
    parser.add_argument("--demo", action="store_true", help="open the window on the bundled demo library")
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", parents=[common], help="import saved pages, folders and zips")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--workers", type=int, default=None, help="extraction processes (default: one per core)")
    p.add_argument(
        "--progress",
        choices=("auto", "bar", "lines", "none"),
        default="auto",
        help="progress on stderr: a bar, one JSON line per finished file (for scripts), or none "
        "(default: a bar on a terminal unless --json)",
    )

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

    p = sub.add_parser("tag", parents=[common], help="add, remove or rename tags")
    p.add_argument("action", choices=["add", "remove", "rename"])
    p.add_argument("--author", metavar="NAME", help="tag an author instead of an article")
    p.add_argument("args", nargs="+", metavar="ARG", help="ID TAG... | TAG... with --author | OLD NEW for rename")

    for name, text in (("bookmark", "bookmark an article or author"), ("unbookmark", "remove a bookmark")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("id", nargs="?", type=int, metavar="ID")
        p.add_argument("--author", metavar="NAME")

    p = sub.add_parser("authors", parents=[common], help="list authors")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("delete", parents=[common], help="delete articles from the archive for good")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.add_argument("--json", action="store_true", help="print what was deleted as JSON")

    p = sub.add_parser("author", parents=[common], help="change an author: author rename OLD NEW")
    p.add_argument("action", choices=["rename"])
    p.add_argument("args", nargs="*", metavar="ARG", help="OLD NEW (an existing name merges the two)")

    p = sub.add_parser("backup", parents=[common], help="write the whole library to a zip file")
    p.add_argument("dest", metavar="DEST.zip")

    p = sub.add_parser(
        "export", parents=[common], help="export articles: json (everything, re-importable), csv, markdown, html"
    )
    p.add_argument("--format", required=True, choices=["json", "csv", "markdown", "html"])
    p.add_argument("dest", metavar="DEST", help="a new or empty folder (csv: a new file)")
    p.add_argument("--query", metavar="QUERY", help="export only the articles this search finds")

    p = sub.add_parser("restore", help="restore a backup zip into a new library folder")
    p.add_argument("src", metavar="SRC.zip")
    p.add_argument("target", metavar="DIR")

    sub.add_parser("reindex", parents=[common], help="rebuild the search index from the database")
    sub.add_parser("doctor", parents=[common], help="check the library; exit 0 when healthy")
    return parser


OpenWindow = Callable[[Path | None, bool], int]


def main(argv: Sequence[str] | None = None, open_window: OpenWindow | None = None) -> int:
    """Run a subcommand; with none, call `open_window(library_dir, demo)` (the desktop package passes it)."""
    _utf8_when_piped()
    parser = _parser()
    args = parser.parse_args(argv)
    library_dir = Path(args.library) if getattr(args, "library", None) else None
    if args.command is None:
        if open_window is None:
            parser.print_help()
            return 2
        return open_window(library_dir, args.demo)
    try:
        return COMMANDS[args.command](args, library_dir)
    except UsageError as exc:
        parser.exit(2, f"newsarchive: error: {exc}\n")
    except (LibraryError, ImportFailure) as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsarchive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`newsarchive list | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    return 0


def _utf8_when_piped() -> None:
    """Output read by another program is UTF-8 (JSON is defined so), whatever the system's code page
    (Windows pipes default to one that cannot hold most of the world's titles)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure") and not stream.isatty():
            stream.reconfigure(encoding="utf-8")


def _open(library_dir: Path | None, *, must_exist: bool = True) -> Library:
    from .library import Library

    folder = library_dir or paths.default_library()
    if must_exist and not (folder / paths.DATABASE_NAME).exists():
        raise LibraryError(f"no library at {folder} (import something into it first)")
    library = Library(folder)
    if library.read_only:
        print(f"newsarchive: opened read-only: {library.read_only_reason}", file=sys.stderr)
    return library


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# -- import ---------------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace, library_dir: Path | None) -> int:
    interrupted = {"now": False}

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        if interrupted["now"]:
            raise KeyboardInterrupt
        interrupted["now"] = True
        print("\nstopping after the current article (Ctrl+C again to abort)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        with _open(library_dir, must_exist=False) as library:
            with _progress(args.progress, as_json=args.json) as progress:
                report = library.import_paths(
                    args.paths, progress=progress, cancel=lambda: interrupted["now"], workers=args.workers
                )
    finally:
        signal.signal(signal.SIGINT, previous)
    _print_import_report(report, as_json=args.json)
    return 0 if report.ok else 1


@contextmanager
def _progress(kind: str, *, as_json: bool) -> Iterator[Callable[[ImportProgress], None] | None]:
    """The import's progress on stderr, as `--progress` asks: a bar, JSON lines, or nothing."""
    if kind == "auto":
        kind = "bar" if sys.stderr.isatty() and not as_json else "none"
    if kind == "lines":
        yield _progress_lines
    elif kind == "bar":
        with _progress_bar() as update:
            yield update
    else:
        yield None


def _progress_lines(p: ImportProgress) -> None:
    """One JSON object per finished input, written when the outcome is stored (so a reader can act on it)."""
    line = {
        "done": p.done,
        "total": p.total,
        "path": p.current,
        "imported": p.imported,
        "duplicates": p.duplicates,
        "failed": p.failed,
    }
    print(json.dumps(line, ensure_ascii=False), file=sys.stderr, flush=True)


@contextmanager
def _progress_bar() -> Iterator[Callable[[ImportProgress], None]]:
    """A rich progress bar on stderr: count, rate, current file."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>6.1f}/s"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[current]}", style="dim"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=None, rate=0.0, current="")

        def update(p: ImportProgress) -> None:
            name = Path(p.current).name
            bar.update(task, completed=p.done, total=p.total, rate=p.rate, current=name[-40:])

        yield update


def _print_import_report(report: ImportReport, *, as_json: bool) -> None:
    if as_json:
        data: dict[str, object] = {
            "imported": [{"path": o.path, "id": o.id} for o in report.of("imported")],
            "duplicates": [{"path": o.path, "id": o.id} for o in report.of("duplicate")],
            "failed": [{"path": o.path, "error": o.error} for o in report.of("failed")],
        }
        # Only when the import met them: entries that are only a link (read-later CSV exports), records
        # of a container that are not articles (counted by reason), and one summary per container.
        if report.of("link-only"):
            data["link_only"] = [{"path": o.path, "id": o.id} for o in report.of("link-only")]
        if report.of("skipped"):
            data["skipped"] = [{"path": o.path, "reason": o.error, "count": o.count} for o in report.of("skipped")]
        if report.containers():
            data["containers"] = [
                {
                    "path": c.path,
                    "articles": c.articles,
                    "duplicates": c.duplicates,
                    "link_only": c.links,
                    "failed": c.failed,
                    "skipped": c.skipped,
                    "summary": c.line(),
                }
                for c in report.containers()
            ]
        _print_json(data)
        return
    for o in report.outcomes:
        if o.status == "imported":
            kind = "link-only" if o.link_only else "imported "
            print(f"{kind}  #{o.id}  {o.title or ''}  ({o.path})")
        elif o.status == "duplicate":
            print(f"duplicate  of #{o.id}  ({o.path})")
        elif o.status == "failed":
            print(f"failed     {o.path}: {o.error}")
    for container in report.containers():
        print(container.line())
    summary = (
        f"{len(report.of('imported'))} imported, {len(report.of('duplicate'))} duplicates, "
        f"{len(report.of('failed'))} failed"
    )
    links = len(report.of("link-only"))
    if links:
        summary += f", {links} link-only entr{'ies' if links != 1 else 'y'} (not saved offline)"
    if report.cancelled:
        summary += " (stopped early)"
    print(summary)


# -- reading ----------------------------------------------------------------------------------------


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
    with _open(library_dir) as library:
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
        _print_json(shown[0] if len(shown) == 1 else shown)
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
    with _open(library_dir) as library:
        records = library.articles()
    if args.json:
        _print_json(
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
    with _open(library_dir) as library:
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
        _print_json({"total": results.total, "hits": hits, "facets": results.facets, "suggestion": results.suggestion})
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
    with _open(library_dir) as library:
        authors = library.authors()
    if args.json:
        _print_json([_author_json(a) for a in authors])
    else:
        for a in authors:
            mark = "★" if a.bookmarked else " "
            print(f"{mark} {a.name}  ({a.articles})" + (f" — {a.role}" if a.role else ""))
    return 0


# -- changes ----------------------------------------------------------------------------------------


def cmd_tag(args: argparse.Namespace, library_dir: Path | None) -> int:
    with _open(library_dir) as library:
        if args.action == "rename":
            if args.author or len(args.args) != 2:
                raise UsageError("usage: tag rename OLD NEW")
            changed = library.rename_tag(args.args[0], args.args[1])
            print(f"renamed {changed} tag(s)")
            return 0
        remove = args.action == "remove"
        if args.author:
            record = library.tag_author(args.author, args.args, remove=remove)
            print(f"{record.name}: {', '.join(record.tags) or '(no tags)'}")
            return 0
        if len(args.args) < 2:
            raise UsageError(f"usage: tag {args.action} ID TAG...")
        try:
            article_id = int(args.args[0])
        except ValueError:
            raise UsageError(f"not an article id: {args.args[0]!r}") from None
        result = library.tag(article_id, args.args[1:], remove=remove)
        print(f"#{article_id}: {', '.join(result) or '(no tags)'}")
    return 0


def cmd_bookmark(args: argparse.Namespace, library_dir: Path | None) -> int:
    on = args.command == "bookmark"
    if (args.id is None) == (args.author is None):
        raise UsageError(f"usage: {args.command} ID | {args.command} --author NAME")
    with _open(library_dir) as library:
        if args.author:
            library.bookmark_author(args.author, on)
        else:
            library.bookmark(args.id, on)
    return 0


def cmd_delete(args: argparse.Namespace, library_dir: Path | None) -> int:
    ids = list(dict.fromkeys(args.ids))
    with _open(library_dir) as library:
        # All or nothing: a mistyped id stops the command before anything is deleted.
        titles: dict[int, str] = {}
        for article_id in ids:
            record = library.article(article_id)
            if record is None:
                raise LibraryError(f"no article with id {article_id}; nothing deleted")
            titles[article_id] = record.title
        deleted = library.delete_articles(ids)
    if args.json:
        _print_json({"deleted": [{"id": i, "title": titles[i]} for i in ids], "count": deleted})
    else:
        for article_id in ids:
            print(f"deleted    #{article_id}  {titles[article_id]}")
        print(f"{deleted} article(s) deleted")
    return 0


def cmd_author(args: argparse.Namespace, library_dir: Path | None) -> int:
    if len(args.args) != 2:
        raise UsageError("usage: author rename OLD NEW")
    old, new = args.args
    if not new.strip():
        raise UsageError("the new name is empty")
    with _open(library_dir) as library:
        renamed = library.author(old)
        record = library.rename_author(old, new)
    verb = "merged into" if renamed is not None and renamed.id != record.id else "renamed to"
    print(f"{old} {verb} {record.name} ({record.articles} article(s))")
    return 0


def cmd_backup(args: argparse.Namespace, library_dir: Path | None) -> int:
    dest = Path(args.dest)
    if dest.exists():
        raise UsageError(f"{dest} already exists; choose a new file name")
    with _open(library_dir) as library:
        count = library.backup(dest)
    print(f"backed up the library and {count} file(s) to {dest}")
    return 0


def cmd_export(args: argparse.Namespace, library_dir: Path | None) -> int:
    from .exchange.export import refuse_existing

    dest = Path(args.dest)
    try:
        refuse_existing(dest)
    except LibraryError as exc:
        raise UsageError(str(exc)) from None
    if args.query is not None and not args.query.strip():
        raise UsageError("--query needs a search")
    with _open(library_dir) as library:
        report = library.export(dest, args.format, query=args.query)
    for missing in report.missing:
        print(f"newsarchive: {missing} is missing or damaged in the library; left out", file=sys.stderr)
    files = f" and {report.files} file(s)" if report.files else ""
    print(f"exported {report.articles} article(s){files} to {report.dest}")
    return 1 if report.missing else 0


def cmd_restore(args: argparse.Namespace, library_dir: Path | None) -> int:
    from .library import Library
    from .store.backup import restore_backup

    target = Path(args.target)
    restore_backup(Path(args.src), target)
    with Library(target) as library:
        count = library.count()
        problems = library.doctor()
    print(f"restored {count} article(s) into {target}")
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems else 0


def cmd_reindex(args: argparse.Namespace, library_dir: Path | None) -> int:
    with _open(library_dir) as library:
        count = library.reindex()
    print(f"indexed {count} article(s)")
    return 0


def cmd_doctor(args: argparse.Namespace, library_dir: Path | None) -> int:
    with _open(library_dir) as library:
        for repair in library.repairs:
            print(f"repaired: {repair}")
        problems = library.doctor()
        count = library.count()
    for problem in problems:
        print(f"problem: {problem}")
    if problems:
        return 1
    print(f"healthy: {count} article(s)")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Path | None], int]] = {
    "import": cmd_import,
    "show": cmd_show,
    "list": cmd_list,
    "search": cmd_search,
    "tag": cmd_tag,
    "bookmark": cmd_bookmark,
    "unbookmark": cmd_bookmark,
    "authors": cmd_authors,
    "delete": cmd_delete,
    "author": cmd_author,
    "reindex": cmd_reindex,
    "backup": cmd_backup,
    "export": cmd_export,
    "restore": cmd_restore,
    "doctor": cmd_doctor,
}


if __name__ == "__main__":
    sys.exit(main())
