"""Commands that change what the archive knows: `tag`, `bookmark`, `delete`, `author rename`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..model import LibraryError
from .common import Handler, UsageError, open_library, print_json


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to `sub`."""
    p = sub.add_parser("tag", parents=[common], help="add, remove or rename tags")
    p.add_argument("action", choices=["add", "remove", "rename"])
    p.add_argument("--author", metavar="NAME", help="tag an author instead of an article")
    p.add_argument("args", nargs="+", metavar="ARG", help="ID TAG... | TAG... with --author | OLD NEW for rename")

    for name, text in (("bookmark", "bookmark an article or author"), ("unbookmark", "remove a bookmark")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("id", nargs="?", type=int, metavar="ID")
        p.add_argument("--author", metavar="NAME")

    p = sub.add_parser("delete", parents=[common], help="delete articles from the archive for good")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.add_argument("--json", action="store_true", help="print what was deleted as JSON")

    p = sub.add_parser("author", parents=[common], help="change an author: author rename OLD NEW")
    p.add_argument("action", choices=["rename"])
    p.add_argument("args", nargs="*", metavar="ARG", help="OLD NEW (an existing name merges the two)")


def cmd_tag(args: argparse.Namespace, library_dir: Path | None) -> int:
    with open_library(library_dir) as library:
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
    with open_library(library_dir) as library:
        if args.author:
            library.bookmark_author(args.author, on)
        else:
            library.bookmark(args.id, on)
    return 0


def cmd_delete(args: argparse.Namespace, library_dir: Path | None) -> int:
    ids = list(dict.fromkeys(args.ids))
    with open_library(library_dir) as library:
        # All or nothing: a mistyped id stops the command before anything is deleted.
        titles: dict[int, str] = {}
        for article_id in ids:
            record = library.article(article_id)
            if record is None:
                raise LibraryError(f"no article with id {article_id}; nothing deleted")
            titles[article_id] = record.title
        deleted = library.delete_articles(ids)
    if args.json:
        print_json({"deleted": [{"id": i, "title": titles[i]} for i in ids], "count": deleted})
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
    with open_library(library_dir) as library:
        renamed = library.author(old)
        record = library.rename_author(old, new)
    verb = "merged into" if renamed is not None and renamed.id != record.id else "renamed to"
    print(f"{old} {verb} {record.name} ({record.articles} article(s))")
    return 0


COMMANDS: dict[str, Handler] = {
    "tag": cmd_tag,
    "bookmark": cmd_bookmark,
    "unbookmark": cmd_bookmark,
    "delete": cmd_delete,
    "author": cmd_author,
}
