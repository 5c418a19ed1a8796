"""Commands for research with the archive: `timeline` (coverage over time) and `cite` (citations)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import Handler, open_library, print_json

CITE_FORMATS = ("apa", "chicago", "mla", "bibtex", "ris", "csl-json")
BAR_WIDTH = 40


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to `sub`."""
    p = sub.add_parser(
        "timeline", parents=[common], help="how many articles a search finds per month or year ('' = all)"
    )
    p.add_argument("query", metavar="QUERY", help='a search, as in `search`; "" for the whole archive')
    p.add_argument("--by", choices=["month", "year"], default="month")
    p.add_argument("--json", action="store_true", help='{"YYYY-MM": count} for every period, zeros included')

    p = sub.add_parser("cite", parents=[common], help="cite articles: APA, Chicago, MLA, BibTeX, RIS, CSL-JSON")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.add_argument("--format", choices=CITE_FORMATS, default="apa")
    p.add_argument("--html", action="store_true", help="apa, chicago, mla as HTML (the source in italics)")


def cmd_timeline(args: argparse.Namespace, library_dir: Path | None) -> int:
    with open_library(library_dir) as library:
        results = library.search(args.query, limit=0, exact=True)
        periods = library.timeline(args.query, args.by)
    if args.json:
        print_json(periods)
        return 0
    dated = sum(periods.values())
    undated = results.total - dated
    if not periods:
        print(f"{results.total} found" + (", none with a date" if results.total else ""))
        return 0
    print(f"{dated} found from {next(iter(periods))} to {next(reversed(periods))}")
    for line in bars(periods):
        print(line)
    if undated:
        print(f"{undated} more without a date (not shown)")
    return 0


def bars(periods: dict[str, int], width: int = BAR_WIDTH) -> list[str]:
    """One line per period: its name, a bar as long as its share of the busiest period, its count."""
    most = max(periods.values(), default=0)
    digits = len(str(most))
    lines = []
    for period, count in periods.items():
        eighths = round(count * width * 8 / most) if most else 0
        bar = "█" * (eighths // 8) + ("▏▎▍▌▋▊▉"[eighths % 8 - 1] if eighths % 8 else "")
        if count and not bar:
            bar = "▏"  # a period with any article shows a mark, however small next to the busiest
        lines.append(f"{period:7}  {count:>{digits}}  {bar}")
    return lines


def cmd_cite(args: argparse.Namespace, library_dir: Path | None) -> int:
    with open_library(library_dir) as library:
        text = library.cite(args.ids, args.format, html=args.html)
    print(text.rstrip("\n"))
    return 0


COMMANDS: dict[str, Handler] = {"timeline": cmd_timeline, "cite": cmd_cite}
