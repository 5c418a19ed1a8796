"""Commands that keep the library whole or take it elsewhere: backup, export, restore, reindex, doctor."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..model import LibraryError
from .common import Handler, UsageError, open_library


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to `sub`."""
    p = sub.add_parser("backup", parents=[common], help="write the whole library to a zip file")
    p.add_argument("dest", metavar="DEST.zip")

    p = sub.add_parser(
        "export",
        parents=[common],
        help="export: json (everything, re-importable), csv, markdown, html; citations: bibtex, ris, csl-json",
    )
    p.add_argument("--format", required=True, choices=["json", "csv", "markdown", "html", "bibtex", "ris", "csl-json"])
    p.add_argument("dest", metavar="DEST", help="a new or empty folder (csv, bibtex, ris, csl-json: a new file)")
    p.add_argument("--query", metavar="QUERY", help="export only the articles this search finds")
    p.add_argument(
        "--only-annotations",
        action="store_true",
        help="markdown: one file per annotated article with only its highlights and notes, linking to the article",
    )

    p = sub.add_parser("restore", help="restore a backup zip into a new library folder")
    p.add_argument("src", metavar="SRC.zip")
    p.add_argument("target", metavar="DIR")

    sub.add_parser("reindex", parents=[common], help="rebuild the search index from the database")
    sub.add_parser("doctor", parents=[common], help="check the library; exit 0 when healthy")


def cmd_backup(args: argparse.Namespace, library_dir: Path | None) -> int:
    dest = Path(args.dest)
    if dest.exists():
        raise UsageError(f"{dest} already exists; choose a new file name")
    with open_library(library_dir) as library:
        count = library.backup(dest)
    print(f"backed up the library and {count} file(s) to {dest}")
    return 0


def cmd_export(args: argparse.Namespace, library_dir: Path | None) -> int:
    from ..exchange.export import refuse_existing

    dest = Path(args.dest)
    try:
        refuse_existing(dest)
    except LibraryError as exc:
        raise UsageError(str(exc)) from None
    if args.query is not None and not args.query.strip():
        raise UsageError("--query needs a search")
    if args.only_annotations and args.format != "markdown":
        raise UsageError("--only-annotations goes with --format markdown")
    with open_library(library_dir) as library:
        report = library.export(dest, args.format, query=args.query, only_annotations=args.only_annotations)
    for missing in report.missing:
        print(f"newsarchive: {missing} is missing or damaged in the library; left out", file=sys.stderr)
    files = f" and {report.files} file(s)" if report.files else ""
    print(f"exported {report.articles} article(s){files} to {report.dest}")
    return 1 if report.missing else 0


def cmd_restore(args: argparse.Namespace, library_dir: Path | None) -> int:
    from ..library import Library
    from ..store.backup import restore_backup

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
    with open_library(library_dir) as library:
        count = library.reindex()
    print(f"indexed {count} article(s)")
    return 0


def cmd_doctor(args: argparse.Namespace, library_dir: Path | None) -> int:
    with open_library(library_dir) as library:
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


COMMANDS: dict[str, Handler] = {
    "backup": cmd_backup,
    "export": cmd_export,
    "restore": cmd_restore,
    "reindex": cmd_reindex,
    "doctor": cmd_doctor,
}
