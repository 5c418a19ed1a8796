"""Loading the evaluation corpus in ../shared/corpus and scoring against it.

The body metric is the article-extraction benchmark's own: tokens are ``\\w+``, 4-token shingles
counted as multisets; per document TP/FP/FN are normalised to sum to 1; precision and recall are
averaged over documents and F1 is computed from those two averages.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus"
SEED = SHARED / "seed"

_TOKEN = re.compile(r"\w+")


def available() -> bool:
    return (CORPUS / "aeb" / "ground-truth.json").is_file()


@dataclass(frozen=True)
class AebPage:
    id: str
    url: str
    expected_body: str
    html_path: Path
    text_path: Path

    def html(self) -> bytes:
        return gzip.decompress(self.html_path.read_bytes())

    def text(self) -> bytes:
        return gzip.decompress(self.text_path.read_bytes())


def aeb_pages() -> list[AebPage]:
    truth = json.loads((CORPUS / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        entry = truth[page_id]
        pages.append(
            AebPage(
                id=page_id,
                url=entry.get("url") or "",
                expected_body=entry.get("articleBody") or "",
                html_path=CORPUS / "aeb" / "html" / f"{page_id}.html.gz",
                text_path=CORPUS / "aeb" / "text" / f"{page_id}.txt.gz",
            )
        )
    return pages


@dataclass(frozen=True)
class ReadabilityCase:
    name: str
    expected: dict
    source_path: Path

    def html(self) -> bytes:
        return gzip.decompress(self.source_path.read_bytes())


def readability_cases() -> Iterator[ReadabilityCase]:
    for folder in sorted((CORPUS / "readability").iterdir()):
        meta = folder / "expected-metadata.json"
        if meta.is_file():
            yield ReadabilityCase(folder.name, json.loads(meta.read_text(encoding="utf-8")), folder / "source.html.gz")


@dataclass(frozen=True)
class FundusPage:
    """One fundus-dev page: the saved bytes and the answers a per-site parser gave for it."""

    name: str  # file name without .gz, such as "ABC_2025_01_13.html"
    publisher: str
    url: str
    title: str | None
    authors: tuple[str, ...]
    published: str | None
    body: str
    html_path: Path

    def html(self) -> bytes:
        return gzip.decompress(self.html_path.read_bytes())


def fundus_available() -> bool:
    return (CORPUS / "fundus-dev" / "answers.json").is_file()


def fundus_pages() -> list[FundusPage]:
    answers = json.loads((CORPUS / "fundus-dev" / "answers.json").read_text(encoding="utf-8"))
    return [
        FundusPage(
            name=name,
            publisher=entry.get("publisher") or "",
            url=entry.get("url") or "",
            title=entry.get("title"),
            authors=tuple(entry.get("authors") or ()),
            published=entry.get("published"),
            body=entry.get("body") or "",
            html_path=CORPUS / "fundus-dev" / "html" / f"{name}.gz",
        )
        for name, entry in sorted(answers.items())
    ]


_QUOTES = str.maketrans("", "", "\"'“”‘’«»")


def normal_text(text: str | None) -> str:
    """fundus-dev's comparison form: NFKC, case folded, quote characters removed, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text or "").casefold().translate(_QUOTES)
    return " ".join(folded.split())


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def body_prf(expected: str, got: str) -> tuple[float, float]:
    """Per-document (precision, recall) with TP/FP/FN normalised to sum to 1."""
    want, have = _shingles(expected), _shingles(got)
    tp = sum((want & have).values())
    fp = sum((have - want).values())
    fn = sum((want - have).values())
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def macro_f1(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    """(precision, recall, F1) over (expected, got) pairs, the benchmark's way."""
    if not pairs:
        return 0.0, 0.0, 0.0
    scores = [body_prf(e, g) for e, g in pairs]
    p = sum(s[0] for s in scores) / len(scores)
    r = sum(s[1] for s in scores) / len(scores)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1
