"""`import`: files, folders and zips into the library, with progress and a report."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from ..model import ImportReport
from .common import Handler, open_library, print_json

if TYPE_CHECKING:
    from ..ingest.importer import ImportProgress
    from ..ingest.workers import ExtractionPool


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to `sub`."""
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


def cmd_import(args: argparse.Namespace, library_dir: Path | None) -> int:
    interrupted = {"now": False}

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        if interrupted["now"]:
            raise KeyboardInterrupt
        interrupted["now"] = True
        print("\nstopping after the current article (Ctrl+C again to abort)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    # The workers start first, before the library is opened: forked from this process (where safe)
    # while it runs one thread and holds none of the library's files, and busy while it opens it.
    pool = _early_pool(args.paths, args.workers)
    try:
        with open_library(library_dir, must_exist=False) as library:
            with _progress(args.progress, as_json=args.json) as progress:
                report = library.import_paths(
                    args.paths, progress=progress, cancel=lambda: interrupted["now"], workers=args.workers, pool=pool
                )
    finally:
        if pool is not None:
            pool.shutdown()
        signal.signal(signal.SIGINT, previous)
    _print_import_report(report, as_json=args.json)
    return 0 if report.ok else 1


def _early_pool(paths: list[str], workers: int | None) -> ExtractionPool | None:
    """Extraction workers for an import with enough inputs to share among them, started now."""
    from ..ingest.importer import POOL_THRESHOLD, default_workers
    from ..ingest.walk import walk
    from ..ingest.workers import ExtractionPool

    workers = default_workers() if workers is None else workers
    if workers <= 1 or sum(1 for _ in islice(walk(paths), POOL_THRESHOLD)) < POOL_THRESHOLD:
        return None
    return ExtractionPool.start(workers)


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
        print_json(data)
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


COMMANDS: dict[str, Handler] = {"import": cmd_import}
