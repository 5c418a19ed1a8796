"""The `newsarchive` console script.

Subcommands run headless through `indexer.cli` without importing Qt, so the CLI works on a machine
with no display. With no subcommand the window opens, and `newsarchive FILE...` opens it importing
those files (handing them to the window that already has the library open, if one does); if Qt
cannot start there, the user gets the system packages to install instead of Qt's bare abort.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from indexer import cli

LINUX_HINT = (
    "newsarchive: the window could not start: Qt found no usable display platform.\n"
    "On Debian/Ubuntu install the X11 libraries Qt 6 needs:\n"
    "  sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \\\n"
    "       libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libegl1 libfontconfig1\n"
    "(Fedora: xcb-util-cursor; Arch: xcb-util-cursor). Headless use works without them: newsarchive --help"
)


def load_backend() -> None:
    """Import the library, search and storage code (numpy, Whoosh, SQLite), before Qt is imported.

    Once PySide6 is loaded, its import hook reads the source of every module imported after it (to
    see whether the module uses PySide6 features); importing the backend first spares a window's
    start-up that work for some 400 modules, about a tenth of a second, and costs nothing.
    """
    import indexer.library  # noqa: F401


def open_window(library_dir: Path | None, demo: bool, files: Sequence[Path] = ()) -> int:
    from desktop.platform import qt_platform_problem

    problem = qt_platform_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    load_backend()
    from desktop.app import run_app

    return run_app(library_dir, demo=demo, files=list(files))


def files_to_open(args: list[str]) -> tuple[Path | None, bool, list[Path]] | None:
    """`newsarchive [--library DIR] [--demo] FILE...`: what the menu entry and "Open with" run. The library,
    the demo flag and the files; None when the arguments are a subcommand's (or a mistake argparse explains)."""
    library: Path | None = None
    demo = False
    rest: list[str] = []
    it = iter(args)
    for arg in it:
        if arg == "--library":
            value = next(it, None)
            if value is None:
                return None
            library = Path(value)
        elif arg.startswith("--library="):
            library = Path(arg.split("=", 1)[1])
        elif arg == "--demo":
            demo = True
        elif arg.startswith("-psn_"):
            continue  # a process serial number older macOS versions pass to apps
        elif arg.startswith("-"):
            return None
        else:
            rest.append(arg)
    if not rest or rest[0] in cli.COMMANDS or not all(Path(a).exists() for a in rest):
        return None
    return library, demo, [Path(a) for a in rest]


def screenshot(argv: list[str]) -> int:
    """`newsarchive screenshot DIR`: needs Qt, so it is handled here rather than in the headless CLI."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="newsarchive screenshot", description="Render the window's main states to PNG files, offscreen."
    )
    parser.add_argument("dir", metavar="DIR", help="folder to write the PNG files to")
    parser.add_argument("--query", default=None, help="search shown in the screenshots")
    args = parser.parse_args(argv)
    from desktop.screenshot import QUERY
    from desktop.screenshot import main as render

    return render(Path(args.dir), args.query or QUERY)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "screenshot":
        return screenshot(args[1:])
    opening = files_to_open(args)
    if opening is not None:
        library_dir, _demo, files = opening
        if library_dir is not None:
            from desktop import handover

            # Before anything else loads: the window that has the library takes them in a moment.
            if handover.hand_over_posix(library_dir, files):
                return 0
        return open_window(*opening)
    return cli.main(args, open_window=open_window)


if __name__ == "__main__":
    sys.exit(main())
