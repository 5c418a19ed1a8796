"""Large archives: the first page by relevance without scoring every match, and counts from a sample.

A query over a million articles can match most of them. Scoring every match costs time in step with
the archive, where the first page needs only the best fifty; counting the facets of every match does
too, where the sidebar needs their proportions. So here the archive is cut into windows of `WIDTH`
consecutive documents (within a segment):

- `top`: every window gets an upper bound of any of its documents' scores, the sum over the scored
  terms of the best score a term's posting blocks in that window can give (each block's largest
  weight and shortest field length, see `blockdir`). Windows are scored from the highest bound down,
  with the same rules as `scoring.score`, and the ranking stops when the next window's bound is below
  the k-th best score found: no document there can enter the page. The page is the exhaustive
  scorer's, same documents, same order (ties by document number, newer first, like `engine.rank`).
  When more than `MAX_SHARE` of the windows would have to be read it gives up and the caller scores
  every match at once (a frequent word's best documents are spread everywhere, and a title match adds
  to a body match in bounds summed field by field: windows rarely fall below the k-th score then).
- `sampled_counts`: the facets and months of a very large result, counted over every k-th match and
  scaled, flagged as estimates; the total stays exact (the matching set is whole).

A `Pass` can also evaluate the query window by window without the whole matching set (`found`),
which is what the equivalence tests compare with the exhaustive engine.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from indexer.search import blockdir, counting, engine, phrase, scoring
from indexer.search.query import And, Filter, Node, Not, Or, Text
from indexer.search.snapshot import Snapshot

WIDTH = 4096  # documents per window
FACET_SAMPLE = 20_000  # matches the facets and months of a very large result are counted over
LARGE = 250_000  # documents from which an archive's large results are ranked by windows and counted by sample
MAX_SHARE = 0.12  # windows the pruned ranking may read before scoring every match at once is quicker
SLACK = 1e-5  # bounds are raised by this share: scores are float32 sums, bounds float64


@dataclass(frozen=True)
class Window:
    leaf: int  # index into the snapshot's leaves (segments)
    lo: int  # segment-local document numbers [lo, hi)
    hi: int
    offset: int  # global document number of the segment's first document


def windows(snap: Snapshot) -> tuple[list[Window], np.ndarray]:
    """The snapshot's windows and how many live documents each holds."""

    def make() -> tuple[list[Window], np.ndarray]:
        out: list[Window] = []
        for i, (reader, offset, _, _) in enumerate(snap.leaves):
            n = reader.doc_count_all()
            out += [Window(i, lo, min(lo + WIDTH, n), offset) for lo in range(0, n, WIDTH)]
        alive = np.array([int(np.count_nonzero(snap.alive[w.offset + w.lo : w.offset + w.hi])) for w in out])
        return out, alive

    return snap.cached(("windows",), make)


def worth_it(snap: Snapshot) -> bool:
    """Whether the archive is large enough for pruning and sampling to save work."""
    return snap.size >= LARGE


class Pass:
    """One query evaluated window by window; what it decodes is kept for the rest of the query."""

    def __init__(self, snap: Snapshot, node: Node | None, now: datetime, matched: np.ndarray | None = None) -> None:
        """`matched`: the query's whole matching set, when the caller has it (windows then only slice it, and
        read postings from the decoded lists the matching left in the cache)."""
        self.snap, self.node, self.now = snap, node, now
        self.matched = matched
        self.bufs = [blockdir.postfile_bytes(reader) for reader, _, _, _ in snap.leaves]
        self._postings: dict[tuple[int, str, str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._found: dict[Window, np.ndarray] = {}
        self._cuts: dict[tuple[int, str, str], np.ndarray] = {}
        self._sources: dict[tuple[int, str, str], tuple[blockdir.TermBlocks | None, tuple[np.ndarray, np.ndarray]]] = {}
        self.terms = list(dict.fromkeys(engine.scoring_terms(snap, node)))
        n_docs = max(1, snap.reader.doc_count_all())
        self.stats: list[tuple[str, str, float, float]] = []  # field, term, idf, k1b: as `scoring.score`
        for field, text in self.terms:
            df = snap.reader.doc_frequency(field, text)
            if df:
                avg = snap.reader.field_length(field) / n_docs or 1.0
                self.stats.append((field, text, math.log(n_docs / (df + 1)) + 1.0, scoring.K1 * scoring.B / avg))

    # -- postings ----------------------------------------------------------------------------------

    def blocks(self, leaf: int, field: str, text: str) -> blockdir.TermBlocks | None:
        """The term's directory entry in one segment, when it has one (a frequent term of a big segment)."""
        return self._source(leaf, field, text)[0]

    def _source(
        self, leaf: int, field: str, text: str
    ) -> tuple[blockdir.TermBlocks | None, tuple[np.ndarray, np.ndarray]]:
        """Where a term's postings in one segment come from: its blocks, else its whole (short) list."""
        key = (leaf, field, text)
        hit = self._sources.get(key)
        if hit is None:
            reader, _, _, seg = self.snap.leaves[leaf]
            tb = blockdir.loaded(seg, field, text) if self.bufs[leaf] is not None else None
            whole = scoring._EMPTY if tb is not None else scoring.term_postings(reader, field, text, seg)
            hit = self._sources[key] = (tb, whole)
        return hit

    def postings(self, w: Window, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Segment-local document numbers and weights of `text` in the window."""
        cache_key = (w.leaf, field, text, w.lo)
        hit = self._postings.get(cache_key)
        if hit is not None:
            return hit
        tb, (ids, weights) = self._source(w.leaf, field, text)
        buf = self.bufs[w.leaf]
        if self.matched is not None:  # the whole list, decoded for the matching: cut where each window starts
            reader, _, _, key = self.snap.leaves[w.leaf]
            ids, weights = scoring.term_postings(reader, field, text, key)
            cuts = self._cuts.get((w.leaf, field, text))
            if cuts is None:
                n = reader.doc_count_all()
                cuts = self._cuts[(w.leaf, field, text)] = np.searchsorted(ids, np.arange(0, n + WIDTH, WIDTH))
            a, b = int(cuts[w.lo // WIDTH]), int(cuts[min(len(cuts) - 1, -(-w.hi // WIDTH))])
            out = (ids[a:b], weights[a:b])
            self._postings[cache_key] = out
            return out
        if tb is not None and buf is not None:
            i, j = blockdir.block_range(tb, w.lo, w.hi)
            ids, weights = blockdir.decode(buf, tb, slice(i, j)) if i < j else scoring._EMPTY
        if len(ids):
            lo, hi = int(np.searchsorted(ids, w.lo)), int(np.searchsorted(ids, w.hi))
            ids, weights = ids[lo:hi], weights[lo:hi]
        out = (ids, weights)
        self._postings[cache_key] = out
        return out

    # -- matching ----------------------------------------------------------------------------------

    def found(self, w: Window) -> np.ndarray:
        """The window's matches, as a mask of its documents."""
        hit = self._found.get(w)
        if hit is None:
            whole = self.matched
            hit = whole[w.offset + w.lo : w.offset + w.hi] if whole is not None else self._mask(self.node, w)
            self._found[w] = hit
        return hit

    def _alive(self, w: Window) -> np.ndarray:
        return self.snap.alive[w.offset + w.lo : w.offset + w.hi]

    def _mask(self, node: Node | None, w: Window) -> np.ndarray:
        snap = self.snap
        if node is None:
            return self._alive(w).copy()
        if isinstance(node, Text):
            return self._text(node, w)
        if isinstance(node, Filter):
            return engine._filter_docs(snap, node, self.now)[w.offset + w.lo : w.offset + w.hi].copy()
        if isinstance(node, Not):
            return self._alive(w) & ~self._mask(node.item, w)
        if isinstance(node, Or):
            out = np.zeros(w.hi - w.lo, dtype=bool)
            for item in node.items:
                out |= self._mask(item, w)
            return out
        assert isinstance(node, And)
        out = self._alive(w).copy()
        for item in node.items:
            if not out.any():
                break
            out &= ~self._mask(item.item, w) if isinstance(item, Not) else self._mask(item, w)
        return out

    def _term_mask(self, w: Window, field: str, text: str) -> np.ndarray:
        out = np.zeros(w.hi - w.lo, dtype=bool)
        out[self.postings(w, field, text)[0] - w.lo] = True
        return out

    def _text(self, leaf: Text, w: Window) -> np.ndarray:
        snap = self.snap
        out = np.zeros(w.hi - w.lo, dtype=bool)
        if leaf.kind in ("prefix", "fuzzy"):  # dozens of expansions: their set is found once, for every window
            return engine._leaf_docs(snap, leaf)[w.offset + w.lo : w.offset + w.hi].copy()
        if leaf.kind != "phrase":
            for field in engine._fields(snap, leaf):
                for text in engine.leaf_terms(snap, leaf, field):
                    out |= self._term_mask(w, field, text)
            return out & self._alive(w)
        reader, _, _, key = snap.leaves[w.leaf]
        for field in engine._fields(snap, leaf):
            for variant in engine._phrase_variants(field, leaf.words):
                candidates = np.logical_and.reduce([self._term_mask(w, field, t) for t in variant])
                if len(variant) == 1 or not candidates.any():
                    out |= candidates
                    continue
                wanted = np.flatnonzero(candidates) + w.lo
                found = phrase.phrase_docs(reader, field, variant, wanted, blockdir.lookup(key, field))
                if found is None:  # positions of another layout: the exhaustive engine's answer
                    whole = engine._leaf_docs(snap, leaf)
                    return whole[w.offset + w.lo : w.offset + w.hi].copy()
                out[found - w.lo] = True
        return out & self._alive(w)

    # -- scoring -----------------------------------------------------------------------------------

    def scores(self, w: Window, found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Global document numbers of the window's matches some scored term reaches, and their scores,
        computed exactly as `scoring.score` computes them."""
        reader, _, _, key = self.snap.leaves[w.leaf]
        acc = np.zeros(w.hi - w.lo, dtype=np.float64)
        reached = np.zeros(w.hi - w.lo, dtype=bool)
        k1a, k1p = scoring.K1 * (1 - scoring.B), scoring.K1 + 1
        for field, text, idf, k1b in self.stats:
            ids, weights = self.postings(w, field, text)
            if not len(ids):
                continue
            keep = found[ids - w.lo]
            ids, wts = ids[keep], weights[keep]
            if not len(ids):
                continue
            lengths = scoring.field_lengths(reader, field, key)
            acc[ids - w.lo] += idf * wts * k1p / (wts + k1a + k1b * lengths[ids])
            reached[ids - w.lo] = True
        local = np.flatnonzero(reached)
        return local + w.lo + w.offset, acc[local]

    def bounds(self, wins: list[Window]) -> np.ndarray:
        """For each window, a score no document of it can exceed."""
        snap = self.snap
        first_of: dict[int, int] = {}
        for i, w in enumerate(wins):
            first_of.setdefault(w.leaf, i)
        out = np.zeros(len(wins), dtype=np.float64)
        k1a, k1p = scoring.K1 * (1 - scoring.B), scoring.K1 + 1
        for leaf, (reader, _, _, key) in enumerate(snap.leaves):
            if leaf not in first_of:
                continue
            base = first_of[leaf]
            count = -(-reader.doc_count_all() // WIDTH)
            part = out[base : base + count]
            for field, text, idf, k1b in self.stats:
                tb = self.blocks(leaf, field, text)
                best = np.zeros(count, dtype=np.float64)
                if tb is not None:
                    mw = tb.maxweight.astype(np.float64)
                    per_block = idf * mw * k1p / (mw + k1a + k1b * tb.minlength.astype(np.float64))
                    rep, starts, at = _spread(key, field, text, tb, count)
                    best[at] = np.maximum.reduceat(per_block[rep], starts)
                else:
                    ids, weights = self._source(leaf, field, text)[1]
                    if len(ids):
                        lengths = scoring.field_lengths(reader, field, key)
                        each = idf * weights * k1p / (weights + k1a + k1b * lengths[ids])
                        np.maximum.at(best, ids.astype(np.int64) // WIDTH, each.astype(np.float64))
                part += best
        return out * (1 + SLACK) + 1e-9


_SPREADS: OrderedDict[tuple[str, str, str, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = OrderedDict()
SPREADS_KEPT = 4000


def _spread(key: str, field: str, text: str, tb: blockdir.TermBlocks, count: int) -> tuple[np.ndarray, ...]:
    """Which windows each of a term's blocks reaches, as (block of each entry, where each window's entries
    start, the windows): a window's bound is then one `maximum.reduceat`. Kept for the segment's life."""
    cache_key = (key, field, text, WIDTH)
    hit = _SPREADS.get(cache_key)
    if hit is not None:
        return hit
    lo_w = np.minimum(tb.first() // WIDTH, count - 1)
    hi_w = np.minimum(tb.last.astype(np.int64) // WIDTH, count - 1)
    span = hi_w - lo_w + 1
    rep = np.repeat(np.arange(len(span)), span)
    at = np.repeat(lo_w, span) + (np.arange(int(span.sum())) - np.repeat(np.cumsum(span) - span, span))
    # Blocks follow one another, so `at` never decreases: each window's entries are one run.
    starts = np.flatnonzero(np.concatenate(([True], at[1:] != at[:-1])))
    hit = (rep, starts, at[starts])
    if key:
        _SPREADS[cache_key] = hit
        if len(_SPREADS) > SPREADS_KEPT:
            _SPREADS.popitem(last=False)
    return hit


def top(p: Pass, count: int, max_share: float = MAX_SHARE) -> list[tuple[int, float]] | None:
    """The first `count` (docnum, score) by relevance; None when fewer than `count` matches are scored
    (unscored matches follow newest first, which the exhaustive ranking does), or when more than
    `max_share` of the windows would have to be read: then scoring every match at once is quicker."""
    wins, _ = windows(p.snap)
    if not p.stats or count <= 0:
        return None
    ub = p.bounds(wins)
    docs = np.zeros(0, dtype=np.int64)
    scores = np.zeros(0, dtype=np.float64)

    def add(w: Window) -> None:
        nonlocal docs, scores
        found = p.found(w)
        if not found.any():
            return
        d, s = p.scores(w, found)
        if len(d):
            docs, scores = np.concatenate((docs, d)), np.concatenate((scores, s))
            ranked = np.lexsort((-docs, -scores))[:count]  # score, then the newer document first: `engine._top`'s
            docs, scores = docs[ranked], scores[ranked]

    limit = max_share * len(wins)
    read = 0
    for i in np.argsort(-ub, kind="stable").tolist():
        if len(docs) >= count and ub[i] < scores[count - 1]:
            break
        if read >= limit:
            return None
        add(wins[i])
        read += 1
    if len(docs) < count:
        return None
    return list(zip(docs.tolist(), scores.tolist(), strict=True))


def sampled_counts(snap: Snapshot, found: np.ndarray, total: int) -> tuple[np.ndarray, dict[str, dict[str, int]], bool]:
    """Months and facets of a large matching set, estimated from every k-th match (about `FACET_SAMPLE`
    of them) and scaled to the `total`: (counts by month code, facets, False: they are estimates)."""
    docs = np.flatnonzero(found)
    step = max(1, -(-len(docs) // FACET_SAMPLE))
    sample = docs[step // 2 :: step]
    scale = total / len(sample) if len(sample) else 0.0
    facets, _ = counting.facets_of(snap, sample)
    scaled = {name: {k: max(1, round(v * scale)) for k, v in counts.items()} for name, counts in facets.items()}
    months = np.rint(counting.month_counts_of(snap, sample) * scale).astype(np.int64)
    return months, scaled, False
