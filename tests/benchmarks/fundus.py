"""Title, authors, date and body on ../shared/corpus/fundus-dev, ours beside bare trafilatura.

    python tests/benchmarks/fundus.py [--misses title|authors|published|body] [--no-trafilatura] [--json]

Our figures come from the import path itself: the page's bytes go through `read_saved` and
`draft_from_saved`, the code an import runs after reading a file, with no URL given (a saved
crawler page names none). Bare trafilatura gets the same bytes decoded the importer's way, and
its JSON output with metadata for title, author (split at ";") and date, and its plain text
without comments for the body (`trafilatura.extract(html, include_comments=False)`).

The metric is the corpus README's: title equal after `normal_text`; authors the same set of
normalised names (pages whose answer has none are not counted); published the first 10
characters (pages with no date not counted); body 4-token shingle precision and recall per page,
averaged, F1 from the averages.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from tests.benchmarks.corpus import FundusPage, body_prf, fundus_pages, normal_text  # noqa: E402

DISASTER_OURS = 0.5  # body F1 below this on a page ...
DISASTER_THEIRS = 0.9  # ... where bare trafilatura reaches this, counts as a disaster


@dataclass(frozen=True)
class Answer:
    """What one extractor gave for a page; `failure` is the import's one-line reason when it gave nothing."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    body: str = ""
    failure: str | None = None


@dataclass(frozen=True)
class PageScore:
    name: str
    title: bool
    authors: bool | None  # None: the answer lists no author, the page is not counted
    published: bool | None  # None: the answer has no date
    precision: float
    recall: float
    answer: Answer

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def ours(data: bytes, name: str) -> Answer:
    """The page as an import stores it."""
    from indexer.ingest.pipeline import draft_from_saved
    from indexer.ingest.read import read_saved
    from indexer.model import ImportFailure

    try:
        got = draft_from_saved(read_saved(data, name), name, data).extracted
    except ImportFailure as exc:
        return Answer(failure=str(exc))
    return Answer(got.title, tuple(a.name for a in got.authors), got.published, got.text)


def bare_trafilatura(data: bytes, name: str) -> Answer:
    import trafilatura

    from indexer.ingest.decode import decode

    html = decode(data, None, html=True)
    try:
        raw = trafilatura.extract(html, output_format="json", with_metadata=True)
        body = trafilatura.extract(html, include_comments=False) or ""
    except Exception as exc:  # a yardstick that crashes on a page scores zero there
        return Answer(failure=f"{type(exc).__name__}: {exc}")
    if not raw:
        return Answer(failure="nothing extracted")
    doc = json.loads(raw)
    authors = tuple(a.strip() for a in (doc.get("author") or "").split(";") if a.strip())
    return Answer(doc.get("title"), authors, doc.get("date"), body)


def score_page(page: FundusPage, got: Answer) -> PageScore:
    title = bool(got.title) and normal_text(got.title) == normal_text(page.title)
    authors = None
    if page.authors:
        authors = {normal_text(a) for a in got.authors} == {normal_text(a) for a in page.authors}
    published = None
    if page.published:
        published = bool(got.published) and str(got.published)[:10] == page.published[:10]
    precision, recall = body_prf(page.body, got.body)
    return PageScore(page.name, title, authors, published, precision, recall, got)


def summary(scores: list[PageScore]) -> dict:
    """Counts and macro body F1 over the pages scored."""
    n = len(scores)
    p = sum(s.precision for s in scores) / n if n else 0.0
    r = sum(s.recall for s in scores) / n if n else 0.0
    counted_authors = [s.authors for s in scores if s.authors is not None]
    counted_dates = [s.published for s in scores if s.published is not None]
    return {
        "pages": n,
        "title": sum(s.title for s in scores),
        "authors": sum(bool(a) for a in counted_authors),
        "authors_of": len(counted_authors),
        "published": sum(bool(d) for d in counted_dates),
        "published_of": len(counted_dates),
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
        "failed": [(s.name, s.answer.failure) for s in scores if s.answer.failure],
    }


def score_fundus(with_trafilatura: bool = True, limit: int | None = None) -> dict[str, list[PageScore]]:
    """Per-page scores for "ours" (and "trafilatura"), in page order."""
    out: dict[str, list[PageScore]] = {"ours": []}
    if with_trafilatura:
        out["trafilatura"] = []
    for page in fundus_pages()[:limit]:
        data = page.html()
        out["ours"].append(score_page(page, ours(data, page.name)))
        if with_trafilatura:
            out["trafilatura"].append(score_page(page, bare_trafilatura(data, page.name)))
    return out


def disasters(ours_f1: list[tuple[str, float]], theirs_f1: list[tuple[str, float]]) -> list[str]:
    """Pages where our body F1 is under 0.5 while bare trafilatura's is 0.9 or more."""
    theirs = dict(theirs_f1)
    return [name for name, f1 in ours_f1 if f1 < DISASTER_OURS and theirs.get(name, 0.0) >= DISASTER_THEIRS]


def print_table(scores: dict[str, list[PageScore]]) -> dict:
    rows = {name: summary(s) for name, s in scores.items()}
    names = list(rows)
    print("fundus-dev     " + "".join(f"{n:>16}" for n in names))
    o = rows["ours"]
    for label, key, of in (
        ("title", "title", "pages"),
        ("authors", "authors", "authors_of"),
        ("published", "published", "published_of"),
    ):
        cells = "".join(f"{str(rows[n][key]) + '/' + str(rows[n][of]):>16}" for n in names)
        print(f"  {label:12} {cells}")
    print("  body F1      " + "".join(f"{rows[n]['f1']:>16.4f}" for n in names))
    print("  body P / R   " + "".join(f"{rows[n]['precision']:>8.3f}{rows[n]['recall']:>8.3f}" for n in names))
    if o["failed"]:
        print("  not imported: " + "; ".join(f"{n} ({why})" for n, why in o["failed"]))
    if "trafilatura" in scores:
        found = disasters([(s.name, s.f1) for s in scores["ours"]], [(s.name, s.f1) for s in scores["trafilatura"]])
        rows["disasters"] = found
        print(f"  disasters (ours < {DISASTER_OURS}, trafilatura >= {DISASTER_THEIRS}): {len(found)} {found}")
    return rows


def print_misses(field: str, scores: dict[str, list[PageScore]], pages: list[FundusPage]) -> None:
    theirs = {s.name: s for s in scores.get("trafilatura", [])}
    for page, s in zip(pages, scores["ours"], strict=False):
        t = theirs.get(s.name)
        if field == "body":
            if s.f1 < 0.9:
                other = f" trafilatura {t.f1:.2f}" if t else ""
                print(f"  {s.name:40} F1 {s.f1:.2f} (P {s.precision:.2f} R {s.recall:.2f}){other}")
            continue
        ok = getattr(s, field)
        if ok is None or ok:
            continue
        want = {"title": page.title, "authors": list(page.authors), "published": page.published}[field]
        got = {"title": s.answer.title, "authors": list(s.answer.authors), "published": s.answer.published}[field]
        mark = " (trafilatura right)" if t and getattr(t, field) else ""
        print(f"  {s.name:40} want {want!r}\n  {'':40} got  {got!r}{mark}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", choices=("title", "authors", "published", "body"), action="append", default=[])
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scores = score_fundus(not args.no_trafilatura, args.limit)
    rows = print_table(scores)
    for field in args.misses:
        print(f"misses: {field}")
        print_misses(field, scores, fundus_pages()[: args.limit])
    if args.json:
        print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
