"""The headless `newsarchive` subcommands: parse arguments, call the `Library` facade, print.

The console script is `desktop.launch:main`, which runs these without loading Qt and opens the window
only when no subcommand is given. Usage errors exit 2 with a message; a failed action exits 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import app_version
from ..model import ImportFailure, LibraryError
from . import annotating, archive, editing, importing, reading, researching
from .common import Handler, UsageError

__all__ = ["COMMANDS", "UsageError", "main"]

# Each module adds its subcommands to the parser and says which function runs each.
_GROUPS = (importing, reading, editing, annotating, archive, researching)


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
    for group in _GROUPS:
        group.register(sub, common)
    return parser


# Every subcommand's name and the function that runs it.
COMMANDS: dict[str, Handler] = {name: run for group in _GROUPS for name, run in group.COMMANDS.items()}


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
