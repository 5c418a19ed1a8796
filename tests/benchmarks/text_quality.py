"""Body F1 of the plain-text extractor on the whole-page texts of the aeb corpus (../shared/corpus/aeb/text).

Run: `python -m tests.benchmarks.text_quality [--worst N] [--speed]` from the project root. Prints precision,
recall and F1 (the benchmark's macro metric); with --worst, the pages that score lowest; with --speed, the time
one ~20 MB text takes.
"""

from __future__ import annotations

import argparse
import time

from indexer.ingest.extract.text import extract_text
from indexer.model import ImportFailure
from tests.benchmarks.corpus import aeb_pages, body_prf, macro_f1


def page_scores() -> list[tuple[str, float, float, str]]:
    """(page id, precision, recall, extracted text) for every page of the corpus."""
    rows = []
    for page in aeb_pages():
        try:
            got = extract_text(page.text().decode("utf-8")).text
        except ImportFailure:
            got = ""
        p, r = body_prf(page.expected_body, got)
        rows.append((page.id, p, r, got))
    return rows


def score_text_extractor() -> dict:
    """{"precision", "recall", "f1", "pages"} of `extract_text` bodies against the corpus articleBody."""
    pairs = []
    for page in aeb_pages():
        try:
            got = extract_text(page.text().decode("utf-8")).text
        except ImportFailure:
            got = ""
        pairs.append((page.expected_body, got))
    p, r, f1 = macro_f1(pairs)
    return {"precision": p, "recall": r, "f1": f1, "pages": len(pairs)}


def speed_20mb() -> tuple[float, int]:
    """Seconds to extract from ~20 MB of whole-page text (corpus pages, every line made unique), and its lines."""
    texts = [page.text().decode("utf-8") for page in aeb_pages()]
    parts: list[str] = []
    size = copy = 0
    while size < 20_000_000:
        copy += 1
        page = "\n".join(f"{line} {copy}" if line.strip() else line for line in texts[copy % len(texts)].split("\n"))
        parts.append(page)
        size += len(page)
    big = "\n".join(parts)
    began = time.perf_counter()
    try:
        extract_text(big)
    except ImportFailure:
        pass
    return time.perf_counter() - began, big.count("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worst", type=int, default=0, help="list the N lowest-scoring pages")
    parser.add_argument("--speed", action="store_true", help="also time one ~20 MB text")
    args = parser.parse_args()
    began = time.perf_counter()
    result = score_text_extractor()
    elapsed = time.perf_counter() - began
    print(
        f"aeb/text  pages {result['pages']}  precision {result['precision']:.3f}  recall {result['recall']:.3f}"
        f"  F1 {result['f1']:.3f}  ({elapsed:.1f} s)"
    )
    if args.speed:
        seconds, lines = speed_20mb()
        print(f"20 MB text ({lines} lines): {seconds:.1f} s")
    if args.worst:
        rows = page_scores()
        rows.sort(key=lambda row: 2 * row[1] * row[2] / (row[1] + row[2]) if row[1] + row[2] else 0.0)
        for page_id, p, r, _ in rows[: args.worst]:
            print(f"  {page_id[:16]}  P {p:.2f}  R {r:.2f}")


if __name__ == "__main__":
    main()
