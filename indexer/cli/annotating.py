"""Commands for what a reader adds to the archive: `highlight`, `note`, `highlights` and `searches`."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from ..model import LibraryError
from .common import Handler, UsageError, open_library, print_json
from .reading import highlight_json

NOT_FOUND = "not found in this version"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to `sub`."""
    p = sub.add_parser("highlight", parents=[common], help="highlight a passage, remove a highlight, or note on one")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="highlight QUOTE in article ID; prints its id")
    add.add_argument("id", type=int, metavar="ID")
    add.add_argument("quote", metavar="QUOTE")
    add.add_argument("--note", metavar="TEXT", help="a note on the highlight")
    add.add_argument("--start", type=int, metavar="OFFSET", help="which occurrence: its offset in the article's text")
    remove = actions.add_parser("remove", parents=[common], help="remove a highlight or note")
    remove.add_argument("hid", type=int, metavar="HID")
    note = actions.add_parser("note", parents=[common], help="set a highlight's note (an empty TEXT clears it)")
    note.add_argument("hid", type=int, metavar="HID")
    note.add_argument("text", metavar="TEXT")

    p = sub.add_parser("note", parents=[common], help="add a note on a whole article; prints its id")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("text", metavar="TEXT")

    p = sub.add_parser("highlights", parents=[common], help="list highlights and notes (of one article, or all)")
    p.add_argument("id", type=int, nargs="?", metavar="ID")
    p.add_argument("--json", action="store_true", help='an array of {"id", "article", "quote", "note", "created"}')

    p = sub.add_parser(
        "searches",
        parents=[common],
        help="saved searches: list them, or save NAME QUERY, rename OLD NEW, delete NAME",
    )
    p.add_argument("action", nargs="?", choices=["save", "rename", "delete"], metavar="ACTION")
    p.add_argument("args", nargs="*", metavar="ARG")
    p.add_argument("--json", action="store_true", help='an array of {"name", "query", "count"}')


def cmd_highlight(args: argparse.Namespace, library_dir: Path | None) -> int:
    with open_library(library_dir) as library:
        if args.action == "add":
            if not args.quote.strip():
                raise UsageError("QUOTE is empty")
            record = library.add_highlight(args.id, args.quote, note=args.note, start=args.start)
            print(record.id)
        elif args.action == "remove":
            library.remove_highlight(args.hid)
        else:
            library.set_note(args.hid, args.text)
    return 0


def cmd_note(args: argparse.Namespace, library_dir: Path | None) -> int:
    if not args.text.strip():
        raise UsageError("TEXT is empty")
    with open_library(library_dir) as library:
        print(library.add_note(args.id, args.text).id)
    return 0


def cmd_highlights(args: argparse.Namespace, library_dir: Path | None) -> int:
    with open_library(library_dir) as library:
        if args.id is not None and library.article(args.id) is None:
            raise LibraryError(f"no article with id {args.id}")
        records = library.highlights(args.id)
        titles = {r.article: "" for r in records}
        for article in titles:
            found = library.article(article)
            titles[article] = found.title if found is not None else ""
    if args.json:
        print_json([highlight_json(h) for h in records])
        return 0
    if not records:
        print("no highlights or notes" + (f" on #{args.id}" if args.id is not None else ""))
    current = None
    for h in records:
        if h.article != current:
            current = h.article
            print(f"#{h.article}  {titles[h.article]}")
        if h.is_article_note:
            print(f"  {h.id:>5}  note on the article")
        else:
            where = f"at {h.start}" if h.found else f"({NOT_FOUND})"
            print(f"  {h.id:>5}  “{_short(h.quote)}” {where}")
        if h.note:
            for line in textwrap.wrap(h.note, 100) or [""]:
                print(f"         {line}")
    return 0


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_searches(args: argparse.Namespace, library_dir: Path | None) -> int:
    wanted = {None: 0, "save": 2, "rename": 2, "delete": 1}[args.action]
    if len(args.args) != wanted:
        usage = {None: "searches [--json]", "save": "searches save NAME QUERY", "rename": "searches rename OLD NEW"}
        raise UsageError("usage: " + usage.get(args.action, "searches delete NAME"))
    with open_library(library_dir) as library:
        if args.action == "save":
            library.save_search(*args.args)
        elif args.action == "rename":
            library.rename_search(*args.args)
        elif args.action == "delete":
            library.delete_search(args.args[0])
        else:
            saved = library.saved_searches()
            if args.json:
                print_json([{"name": s.name, "query": s.query, "count": s.count} for s in saved])
            else:
                for s in saved:
                    print(f"{s.count:>7}  {s.name}  — {s.query}")
    return 0


COMMANDS: dict[str, Handler] = {
    "highlight": cmd_highlight,
    "note": cmd_note,
    "highlights": cmd_highlights,
    "searches": cmd_searches,
}
