"""Facets and months of a search: counts by source, author, tag, year and month of the found documents.

Exact, as array look-ups (see `snapshot`): many found documents in one pass over every (document, value)
pair, a few looked up one by one. Each facet keeps its `FACET_TOP` values; the months of publication (the
timeline) are counted with them, and the year facet is summed from the months.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from indexer.search.snapshot import FIRST_YEAR, LAST_YEAR, MONTHS, Snapshot

FACET_TOP = 50
FEW_FOUND = 16  # found documents under 1/FEW_FOUND of the archive: facets look up each document's values
_YEARS = [str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
__all__ = ["FACET_TOP", "_most", "facets", "facets_of", "month_counts", "month_counts_of", "months"]


def facets(
    snap: Snapshot, found: np.ndarray, by_month: np.ndarray | None = None
) -> tuple[dict[str, dict[str, int]], bool]:
    """Counts by source, author, tag and year of the found documents (exact), each facet's top values.

    Years are summed from the counts by month (`month_counts`, passed in when the caller has them), so
    the timeline costs the search one count, not two. A few found documents are looked up one by one
    (`facets_of`); many are counted in one pass over every (document, value) pair.
    """
    docs = np.flatnonzero(found)
    if len(docs) * FEW_FOUND < snap.size:
        return facets_of(snap, docs, by_month)
    out: dict[str, dict[str, int]] = {}
    for name, facet in (("source", snap.source), ("author", snap.authors), ("tag", snap.tags)):
        counts = np.bincount(facet.code[found[facet.doc]], minlength=len(facet.names))
        out[name] = _most(facet.names, counts)
    if by_month is None:
        by_month = month_counts(snap, found)
    out["year"] = _years_of(by_month)
    return out, True


def facets_of(
    snap: Snapshot, docs: np.ndarray, by_month: np.ndarray | None = None
) -> tuple[dict[str, dict[str, int]], bool]:
    """Like `facets`, for the documents `docs` (ascending global docnums): each document's values are
    found by binary search in the facet's pairs (kept in document order), so the work follows the
    documents, not the archive."""
    out: dict[str, dict[str, int]] = {}
    for name, facet in (("source", snap.source), ("author", snap.authors), ("tag", snap.tags)):
        starts = snap.cached(("starts", name), partial(_starts, snap, facet))
        lo = starts[docs]
        n = starts[docs + 1] - lo
        at = np.repeat(lo - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))
        counts = np.bincount(facet.code[at], minlength=len(facet.names))
        out[name] = _most(facet.names, counts)
    out["year"] = _years_of(month_counts_of(snap, docs) if by_month is None else by_month)
    return out, True


def _starts(snap: Snapshot, facet: Any) -> np.ndarray:
    """Where each document's (document, value) pairs start in the facet's arrays (kept in document order),
    one entry per document and one past the last: a document's values are then two look-ups away."""
    counts = np.bincount(facet.doc, minlength=snap.size)[: snap.size]
    return np.concatenate(([0], np.cumsum(counts)))


def _years_of(by_month: np.ndarray) -> dict[str, int]:
    years = by_month[1:].reshape(-1, 12).sum(axis=1)  # month codes run January 1900 onwards, 12 a year
    return _most(_YEARS, years)


def month_counts(snap: Snapshot, found: np.ndarray) -> np.ndarray:
    """Found documents per month code (see `snapshot.MONTHS`); code 0, no date, counts nothing."""
    counts = np.bincount(snap.month[found], minlength=len(MONTHS))
    counts[0] = 0
    return counts


def month_counts_of(snap: Snapshot, docs: np.ndarray) -> np.ndarray:
    """`month_counts` of the documents `docs` (global docnums)."""
    counts = np.bincount(snap.month[docs], minlength=len(MONTHS))
    counts[0] = 0
    return counts


def months(snap: Snapshot, found: np.ndarray, by_month: np.ndarray | None = None) -> dict[str, int]:
    """How many found documents were published in each month ("YYYY-MM", UTC), in time order; months
    without any and undated documents are left out. Every match counts, like the facets."""
    counts = month_counts(snap, found) if by_month is None else by_month
    return {MONTHS[i]: int(counts[i]) for i in np.flatnonzero(counts).tolist()}


def _most(names: list[str], counts: np.ndarray) -> dict[str, int]:
    """The FACET_TOP names with the highest non-zero counts, most first (ties by name)."""
    nonzero = np.flatnonzero(counts)
    if len(nonzero) > FACET_TOP:
        nonzero = nonzero[np.argpartition(-counts[nonzero], FACET_TOP - 1)[:FACET_TOP]]
    top = sorted(nonzero.tolist(), key=lambda i: (-counts[i], names[i]))
    return {names[i]: int(counts[i]) for i in top}
