"""Bulk import: 10,000 small pages in one go, with progress; rate and memory as the import goes.

    python tests/benchmarks/bulk_import.py [--count 10000] [--workers N] [--keep DIR] [--library DIR] [--trace]

Writes --count distinct article pages into a temporary folder, imports the folder into a new
library through `Library.import_paths` (the path the window and the CLI take), prints progress
every 10 %, with the main process's resident memory at that point, then the rate and the peak RSS
of the main process and of the largest extraction worker. Memory that stays flat from 10 % to
100 % is what "streamed" means: the importer holds a handful of pages at a time, not the batch.
The growth of the main process per 1,000 files (from 10 % to 100 %) is printed; --trace also lists
where Python memory grew between 10 % and 100 % (tracemalloc, slower). The resident size is also split
into anonymous memory (the heaps: what the process really holds) and file pages (the index and database
files it has mapped or read, which the system can drop at will), each with its growth per 1,000 files.
--library imports into an existing library (say one of a million articles that `desktop.py --keep` built)
instead of a new one.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from indexer.ingest.importer import ImportProgress  # noqa: E402
from indexer.library import Library  # noqa: E402
from tests.pages import article_html  # noqa: E402

TOPICS = ["ferry", "seawall", "orchestra", "library", "bridge", "tram", "harvest", "election", "museum", "storm"]


def rss_mb() -> float:
    """Resident memory of this process now (Linux), or its peak where /proc is absent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_parts() -> tuple[float, float]:
    """(anonymous, file-backed) resident memory of this process in MB (Linux; zeros elsewhere)."""
    parts = {"RssAnon:": 0.0, "RssFile:": 0.0, "RssShmem:": 0.0}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key = line.split(maxsplit=1)[0] if line else ""
            if key in parts:
                parts[key] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return parts["RssAnon:"], parts["RssFile:"] + parts["RssShmem:"]


def write_pages(folder: Path, count: int) -> None:
    for n in range(count):
        topic = TOPICS[n % len(TOPICS)]
        page = article_html(
            title=f"The {topic} question, part {n}",
            authors=[{"name": f"Reporter {n % 97}", "jobTitle": "Reporter"}],
            url=f"https://news.example/{topic}/{n}",
            paragraphs=[
                f"Story {n}: the {topic} report opens with what residents of ward {n % 17} saw this week.",
                f"Officials described the {topic} plans for district {n} in detail, with costs and dates.",
                f"Critics said the figures for item {n} had been revised twice since the spring meeting.",
                f"A further meeting on the {topic} question is planned; minutes of session {n} will follow.",
            ],
        )
        shard = folder / f"{n // 1000:02d}"
        shard.mkdir(exist_ok=True)
        (shard / f"page-{n:05d}.html").write_text(page, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="write pages and library here instead of a temp dir")
    parser.add_argument("--library", type=Path, default=None, help="import into this existing library")
    parser.add_argument("--trace", action="store_true", help="list where Python memory grew (tracemalloc)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        pages, library = root / "pages", args.library or root / "library"
        pages.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        write_pages(pages, args.count)
        print(f"wrote {args.count} pages in {time.monotonic() - started:.1f} s; RSS before import {rss_mb():.0f} MB")
        step = max(1, args.count // 10)
        seen = {"next": step}
        marks: dict[str, object] = {}
        if args.trace:
            tracemalloc.start(8)

        def progress(p: ImportProgress) -> None:
            if p.done >= seen["next"] or p.done == p.total:
                seen["next"] += step
                anon, mapped = rss_parts()
                mark = (p.done, rss_mb(), tracemalloc.take_snapshot() if args.trace else None, anon, mapped)
                marks.setdefault("first", mark)
                marks["last"] = mark
                print(
                    f"  {p.done:>6}/{p.total}  {p.rate:6.1f} files/s  imported {p.imported}  failed {p.failed}  "
                    f"main RSS {mark[1]:.0f} MB (anonymous {anon:.0f}, file pages {mapped:.0f})",
                    flush=True,
                )

        started = time.monotonic()
        with Library(library) as lib:
            report = lib.import_paths([pages], progress=progress, workers=args.workers)
            elapsed = time.monotonic() - started
            count = lib.count()
        main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"imported {len(report.of('imported'))} ({count} in the library), failed {len(report.of('failed'))} "
            f"in {elapsed:.1f} s = {args.count / elapsed:.1f} files/s"
        )
        print(f"peak RSS: main process {main_peak:.0f} MB, largest extraction worker {worker_peak:.0f} MB")
        if "first" in marks and marks["first"] is not marks["last"]:
            (done0, rss0, snap0, anon0, file0), (done1, rss1, snap1, anon1, file1) = marks["first"], marks["last"]  # type: ignore[misc]
            if done1 > done0:
                per = 1000 / (done1 - done0)
                print(
                    f"main process growth {per * (rss1 - rss0):.2f} MB per 1,000 files "
                    f"(anonymous {per * (anon1 - anon0):+.2f}, file pages {per * (file1 - file0):+.2f})"
                )
            if snap0 is not None and snap1 is not None:
                for stat in snap1.compare_to(snap0, "traceback")[:12]:
                    print(f"  {stat.size_diff / 2**20:+7.2f} MB {stat.count_diff:+8d} blocks")
                    for line in stat.traceback.format()[-6:]:
                        print(f"      {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
