"""Quality of an HTML extractor on ../shared/corpus: body F1 on aeb/html, metadata on the readability pages.

    python tests/benchmarks/html_quality.py [--misses FIELD]

`score_html(extractor)` returns every figure as a dict; the main benchmark and the quality gates in
tests/test_extract_html.py and tests/test_metadata.py call it. An extractor is a function
`(html: str, url: str | None) -> Extracted`, such as `indexer.ingest.extract.page.extract_html`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from indexer.model import Extracted, ImportFailure  # noqa: E402
from tests.benchmarks.corpus import aeb_pages, macro_f1, normal_text, readability_cases  # noqa: E402

Extractor = Callable[[str, "str | None"], Extracted]
FIELDS = ("title", "byline", "siteName", "publishedTime")
_SITE_SEPARATOR = re.compile(r"\s*(?:\||-|–|—|·|•|»|::|/|_|\[)\s*")


def _text_of(extractor: Extractor, html: str, url: str | None) -> str:
    try:
        return extractor(html, url).text
    except ImportFailure:
        return ""


def body_scores(extractor: Extractor, limit: int | None = None) -> dict:
    """Macro precision, recall and F1 of the extractor's text on aeb/html, with bare trafilatura beside it."""
    import trafilatura

    ours, bare = [], []
    spent = 0.0
    for page in aeb_pages()[:limit]:
        html = page.html().decode("utf-8")
        start = time.perf_counter()
        ours.append((page.expected_body, _text_of(extractor, html, page.url)))
        spent += time.perf_counter() - start
        bare.append((page.expected_body, trafilatura.extract(html, url=page.url) or ""))
    p, r, f1 = macro_f1(ours)
    bp, br, bf1 = macro_f1(bare)
    return {
        "pages": len(ours),
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
        "trafilatura_f1": round(bf1, 4),
        "trafilatura_precision": round(bp, 4),
        "trafilatura_recall": round(br, 4),
        "ms_per_page": round(1000 * spent / max(1, len(ours)), 1),
    }


def _lenient(value: object) -> str:
    """Case, "By ", whitespace, Unicode compatibility forms and quote characters aside (straight or curly)."""
    text = normal_text(str(value or ""))
    return re.sub(r"^by\s+", "", text).strip(" .,")


def agrees(field: str, want: str, got: Extracted) -> bool:
    """Whether our value matches Readability's, leniently: case, "By ", whitespace; dates by day."""
    if field == "publishedTime":
        return bool(got.published) and str(got.published)[:10] == str(want)[:10]
    if field == "byline":
        ours = _lenient(", ".join(a.name for a in got.authors))
        theirs = _lenient(want)
        return bool(ours) and (ours in theirs or theirs in ours)
    value = got.title if field == "title" else got.source
    return bool(value) and _lenient(value) == _lenient(want)


def agrees_but_site_name(want: str, got: Extracted) -> bool:
    """Our title is Readability's with the " | Site" part removed (which Readability keeps and we drop)."""
    ours, theirs = _lenient(got.title), _lenient(want)
    if not ours or not theirs.startswith(ours):
        return False
    rest = theirs[len(ours) :]
    return not rest or (bool(_SITE_SEPARATOR.match(rest)) and len(rest.split()) <= 8)


def metadata_scores(extractor: Extractor) -> dict:
    """Agreement with Readability's expected title, byline, siteName and publishedTime, with the misses."""
    hits = dict.fromkeys(FIELDS, 0)
    totals = dict.fromkeys(FIELDS, 0)
    site_aside = 0
    misses: dict[str, list[tuple[str, str, str]]] = {f: [] for f in FIELDS}
    for case in readability_cases():
        html = case.html().decode("utf-8", errors="replace")
        try:
            got: Extracted | None = extractor(html, None)
        except ImportFailure:
            got = None
        for field in FIELDS:
            want = case.expected.get(field)
            if not want:
                continue
            totals[field] += 1
            if field == "title" and got is not None:
                site_aside += agrees_but_site_name(want, got)
            if got is not None and agrees(field, want, got):
                hits[field] += 1
            else:
                misses[field].append((case.name, str(want), _shown(field, got)))
    scores = {
        f: {"agree": hits[f], "of": totals[f], "rate": round(hits[f] / totals[f], 3), "misses": misses[f]}
        for f in FIELDS
        if totals[f]
    }
    if totals["title"]:
        scores["title"]["rate_site_name_aside"] = round(site_aside / totals["title"], 3)
    return scores


def _shown(field: str, got: Extracted | None) -> str:
    if got is None:
        return "<ImportFailure>"
    if field == "byline":
        return ", ".join(a.name for a in got.authors)
    return str({"title": got.title, "siteName": got.source, "publishedTime": got.published}[field])


def score_html(extractor: Extractor, limit: int | None = None) -> dict:
    """Every figure: {"body": body_scores(...), "metadata": {field: {agree, of, rate, misses}}}."""
    return {"body": body_scores(extractor, limit), "metadata": metadata_scores(extractor)}


def main() -> int:
    from indexer.ingest.extract.page import extract_html

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", choices=FIELDS, action="append", default=[], help="list the misses of a field")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = score_html(extract_html, args.limit)
    body = figures["body"]
    print(
        f"aeb/html body F1 {body['f1']:.4f} (P {body['precision']:.4f} R {body['recall']:.4f}, "
        f"{body['ms_per_page']} ms/page); bare trafilatura {body['trafilatura_f1']:.4f}"
    )
    for field, row in figures["metadata"].items():
        aside = ""
        if field == "title":
            aside = f" ({row['rate_site_name_aside']:.3f} counting a removed site name as agreement)"
        print(f"readability {field:14} {row['agree']:>3}/{row['of']:<3} = {row['rate']:.3f}{aside}")
        if field in args.misses:
            for name, want, got in row["misses"]:
                print(f"    {name:32} want {want!r:60.60} got {got!r:.60}")
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
