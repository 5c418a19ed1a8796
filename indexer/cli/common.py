"""What every command shares: how a library is opened, how JSON is printed, the usage error."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..model import LibraryError

if TYPE_CHECKING:
    from ..library import Library

Handler = Callable[[argparse.Namespace, Path | None], int]


class UsageError(Exception):
    """Exit 2: the command line asks for something that does not make sense."""


def open_library(library_dir: Path | None, *, must_exist: bool = True) -> Library:
    from ..library import Library

    folder = library_dir or paths.default_library()
    if must_exist and not (folder / paths.DATABASE_NAME).exists():
        raise LibraryError(f"no library at {folder} (import something into it first)")
    library = Library(folder)
    if library.read_only:
        print(f"newsarchive: opened read-only: {library.read_only_reason}", file=sys.stderr)
    return library


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
