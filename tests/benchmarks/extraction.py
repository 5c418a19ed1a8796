"""Extraction benchmark over ../shared/corpus: quality and import throughput, side by side in one run.

    python tests/benchmarks/extraction.py [--json] [--limit N] [--skip-throughput]

Prints body F1 on aeb/html for our importer, bare trafilatura and readability-lxml; body F1 on
aeb/text (whole-page text) for our text extractor; title/byline/site/date agreement on the
readability pages; title, authors, date and body on fundus-dev for our import path beside bare
trafilatura (see tests/benchmarks/fundus.py); the "disasters" of both sets (pages where our body
F1 is under 0.5 while bare trafilatura's is 0.9 or more); the seed checked field by field; and
whole-pipeline import throughput into a real library (both cores) against bare trafilatura's
single-core rate, and the CPU seconds per page of both (a figure the machine's load does not move),
with peak memory. With --json the last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from tests.benchmarks.corpus import (  # noqa: E402
    SEED,
    aeb_pages,
    available,
    body_prf,
    fundus_available,
    macro_f1,
    normal_text,
    readability_cases,
)


def _decode(data: bytes) -> str:
    from indexer.ingest.decode import decode

    return decode(data, None, html=True)


def html_body_scores(limit: int | None) -> dict[str, dict]:
    import trafilatura
    from readability import Document

    from indexer.ingest.extract.page import extract_html
    from indexer.model import ImportFailure

    pages = aeb_pages()[:limit]

    def ours(html: str, url: str) -> str:
        try:
            return extract_html(html, url=url).text
        except ImportFailure:
            return ""

    def bare(html: str, url: str) -> str:
        return trafilatura.extract(html, url=url) or ""

    def readability_lxml(html: str, url: str) -> str:
        from lxml import html as lxml_html

        summary = Document(html, url=url).summary(html_partial=True)
        return lxml_html.fromstring(summary).text_content() if summary.strip() else ""

    extractors: dict[str, Callable[[str, str], str]] = {
        "ours": ours,
        "trafilatura": bare,
        "readability_lxml": readability_lxml,
    }
    results: dict[str, dict] = {}
    per_page: dict[str, list[tuple[str, float]]] = {}
    texts = [(p, _decode(p.html())) for p in pages]
    for name, fn in extractors.items():
        pairs, times = [], []
        for page, html in texts:
            start = time.perf_counter()
            try:
                got = fn(html, page.url)
            except Exception:  # a yardstick that crashes on a page scores zero there
                got = ""
            times.append(time.perf_counter() - start)
            pairs.append((page.expected_body, got))
        per_page[name] = [(page.id, _f1(*body_prf(want, got))) for (want, got), page in zip(pairs, pages, strict=True)]
        p, r, f1 = macro_f1(pairs)
        results[name] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
            "pages": len(pairs),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "pages_per_s": round(len(times) / sum(times), 2),
        }
    from tests.benchmarks.fundus import disasters

    results["ours"]["disasters"] = disasters(per_page["ours"], per_page["trafilatura"])
    return results


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def text_body_score(limit: int | None) -> dict:
    from indexer.ingest.decode import decode
    from indexer.ingest.extract.text import extract_text
    from indexer.model import ImportFailure

    pairs = []
    for page in aeb_pages()[:limit]:
        try:
            got = extract_text(decode(page.text(), None, html=False)).text
        except ImportFailure:
            got = ""
        pairs.append((page.expected_body, got))
    whole = macro_f1([(p.expected_body, p.text().decode("utf-8")) for p in aeb_pages()[:limit]])
    p, r, f1 = macro_f1(pairs)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "whole_page_f1": round(whole[2], 4)}


def _lenient(value: object) -> str:
    """Case, "By ", whitespace, Unicode compatibility forms and quote characters aside."""
    return normal_text(str(value or "")).removeprefix("by ").strip()


def metadata_agreement() -> dict:
    from indexer.ingest.extract.page import extract_html
    from indexer.model import ImportFailure

    fields = {"title": "title", "byline": "authors", "siteName": "source", "publishedTime": "published"}
    hits = {k: 0 for k in fields}
    totals = {k: 0 for k in fields}
    for case in readability_cases():
        try:
            got = extract_html(_decode(case.html()))
        except ImportFailure:
            got = None
        for key, attr in fields.items():
            want = case.expected.get(key)
            if not want:
                continue
            totals[key] += 1
            if got is None:
                continue
            if attr == "authors":
                value = ", ".join(a.name for a in got.authors)
                ok = bool(value) and (_lenient(value) in _lenient(want) or _lenient(want) in _lenient(value))
            elif attr == "published":
                ok = bool(got.published) and str(got.published)[:10] == str(want)[:10]
            else:
                ok = _lenient(getattr(got, attr)) == _lenient(want)
            hits[key] += ok
    return {k: {"agree": hits[k], "of": totals[k], "rate": round(hits[k] / totals[k], 3)} for k in fields if totals[k]}


def seed_check() -> dict:
    from indexer.ingest.decode import decode
    from indexer.ingest.extract.text import extract_text

    expected_path = next(SEED.glob("*.expected.json"))
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    got = extract_text(decode((SEED / expected["file"]).read_bytes(), None, html=False))
    checks = {
        "title": got.title == expected["title"],
        "authors": [{"name": a.name, "role": a.role, "bio": a.bio} for a in got.authors] == expected["authors"],
        "source": got.source == expected["source"],
        "published": got.published == expected["published"],
        "reading_time_minutes": got.reading_time_minutes == expected["reading_time_minutes"],
        "lead_image_caption": got.lead_image_caption == expected["lead_image_caption"],
        "body_paragraphs": list(got.paragraphs) == expected["body_paragraphs"],
        "not_in_body": not any(s in got.text for s in expected["not_in_body"]),
    }
    return {"fields": len(checks), "exact": sum(checks.values()), "misses": [k for k, ok in checks.items() if not ok]}


def _run_measured(cmd: list[str]) -> dict:
    """Run `cmd` in a helper process; its wall seconds, CPU seconds and peak MB (all its processes), stdout.

    The helper's RUSAGE_CHILDREN covers the command and every worker process it started and waited for,
    so the CPU figure is the whole import's, whatever else the machine runs meanwhile.
    """
    code = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "out = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - t\n"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'wall': wall, 'cpu': kids.ru_utime + kids.ru_stime, 'maxrss_kb': kids.ru_maxrss,\n"
        "                  'stdout': out.stdout, 'rc': out.returncode}))\n"
    )
    raw = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, check=True).stdout
    return json.loads(raw)


def throughput(limit: int | None, rounds: int = 3) -> dict:
    """Whole pipeline into a fresh library (extraction in worker processes, one writer), by the CLI.

    The yardstick (bare trafilatura on one core, in this process) and the pipeline run in turns,
    `rounds` times each, and the medians are compared: a shared machine's load then hits both alike.
    Besides pages per second (wall clock), both are measured in CPU seconds per page: the yardstick's
    own, and the import's summed over its main process and its workers. That ratio does not move
    with the machine's load; with two cores, the wall-clock ratio is at most about twice its inverse.
    """
    import trafilatura

    pages = aeb_pages()[:limit]
    bare_walls: list[float] = []
    bare_cpus: list[float] = []
    walls: list[float] = []
    cpus: list[float] = []
    peaks: list[float] = []
    imported = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        htmls = []
        for page in pages:
            data = page.html()
            (folder / f"{page.id}.html").write_bytes(data)
            htmls.append((_decode(data), page.url))
        for round_no in range(rounds):
            start, start_cpu = time.perf_counter(), time.process_time()
            for html, url in htmls:
                trafilatura.extract(html, url=url)
            bare_walls.append(time.perf_counter() - start)
            bare_cpus.append(time.process_time() - start_cpu)
            library = Path(tmp) / f"library-{round_no}"
            cmd = [sys.executable, "-m", "desktop", "--library", str(library), "import", str(folder), "--json"]
            run = _run_measured(cmd)
            report = json.loads(run["stdout"])
            imported, failed = len(report["imported"]), len(report["failed"])
            walls.append(run["wall"])
            cpus.append(run["cpu"])
            peaks.append(run["maxrss_kb"] / 1024)
    n = len(pages)
    wall, bare_wall = statistics.median(walls), statistics.median(bare_walls)
    cpu, bare_cpu = statistics.median(cpus), statistics.median(bare_cpus)
    return {
        "pages": n,
        "rounds": rounds,
        "imported": imported,
        "failed": failed,
        "pipeline_pages_per_s": round(n / wall, 2),
        "bare_trafilatura_single_core_pages_per_s": round(n / bare_wall, 2),
        "ratio_vs_bare_trafilatura": round(bare_wall / wall, 2),
        "pipeline_cpu_ms_per_page": round(1000 * cpu / n, 1),
        "bare_trafilatura_cpu_ms_per_page": round(1000 * bare_cpu / n, 1),
        "cpu_per_page_ratio": round(cpu / bare_cpu, 2),
        "ratios_per_round": [round(b / w, 2) for b, w in zip(bare_walls, walls, strict=True)],
        "peak_rss_mb_largest_process": round(max(peaks), 1),
        "cores": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def _print_throughput(th: dict) -> None:
    print(
        f"import         {th['pipeline_pages_per_s']:.1f} pages/s whole pipeline vs bare trafilatura "
        f"{th['bare_trafilatura_single_core_pages_per_s']:.1f} pages/s single core "
        f"= {th['ratio_vs_bare_trafilatura']:.2f}x (medians of {th['rounds']}, rounds {th['ratios_per_round']}, "
        f"load {th['load_average_1min']}); peak {th['peak_rss_mb_largest_process']:.0f} MB"
    )
    print(
        f"import CPU     {th['pipeline_cpu_ms_per_page']:.1f} ms/page (main process and workers) vs bare trafilatura "
        f"{th['bare_trafilatura_cpu_ms_per_page']:.1f} ms/page = {th['cpu_per_page_ratio']:.2f}x its CPU per page"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N aeb pages")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--only-throughput", action="store_true", help="measure import throughput only")
    parser.add_argument("--rounds", type=int, default=3, help="turns of yardstick and pipeline (medians)")
    args = parser.parse_args()
    if not available():
        print("../shared/corpus is not beside this clone; nothing to measure", file=sys.stderr)
        return 2
    figures: dict = {}
    if args.only_throughput:
        figures["throughput"] = throughput(args.limit, args.rounds)
        _print_throughput(figures["throughput"])
        if args.json:
            print(json.dumps(figures))
        return 0
    figures["html_body"] = html_body_scores(args.limit)
    for name, row in figures["html_body"].items():
        print(
            f"aeb/html body  {name:18} F1 {row['f1']:.4f}  P {row['precision']:.3f}  R {row['recall']:.3f}  "
            f"{row['pages_per_s']:.1f} pages/s"
        )
    found = figures["html_body"]["ours"]["disasters"]
    print(f"aeb/html disasters (ours < 0.5 where trafilatura >= 0.9): {len(found)} {found}")
    if fundus_available():
        from tests.benchmarks.fundus import print_table, score_fundus

        figures["fundus"] = print_table(score_fundus(True, args.limit))
    figures["text_body"] = text_body_score(args.limit)
    t = figures["text_body"]
    print(f"aeb/text body  ours               F1 {t['f1']:.4f}  (whole page as is: {t['whole_page_f1']:.4f})")
    figures["metadata"] = metadata_agreement()
    for key, row in figures["metadata"].items():
        print(f"readability    {key:15} {row['agree']:>3}/{row['of']:<3} = {row['rate']:.3f}")
    figures["seed"] = seed_check()
    s = figures["seed"]
    print(
        f"seed           {s['exact']}/{s['fields']} fields exact" + (f"; misses: {s['misses']}" if s["misses"] else "")
    )
    if not args.skip_throughput:
        figures["throughput"] = throughput(args.limit, args.rounds)
        _print_throughput(figures["throughput"])
    figures["self_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
