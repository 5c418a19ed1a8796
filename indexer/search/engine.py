"""Evaluating a parsed query against a `Snapshot`: matching set, ranking, facets, "did you mean".

The matching set is exact and computed with set algebra over cached per-term document sets, so
AND/OR/NOT, filters and the total cost C-speed set operations, not posting-by-posting stepping.
Ranking by relevance is BM25F computed block by block over Whoosh's postings (see `scoring`).
Bounds, on purpose:
- a prefix expands to the `EXPANSIONS` most frequent index terms it can stand for, a fuzzy word
  to the most frequent terms within its edit distance; all of them find documents, but only the
  `SCORED_EXPANSIONS` most frequent are scored, in title and body (a union of a hundred scored
  posting lists is what made prefix searches slow); found documents the scored terms miss follow
  the scored ones, newest first; a phrase is found by checking positions only in documents that
  hold all its words, and scored by its words;
- facets count every match up to `FACET_EXACT` matches; above that they count an even sample of
  the matches and scale (flagged `facets_exact=False`) and each facet keeps its `FACET_TOP` values.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from operator import itemgetter
from typing import Any

from indexer.search import analysis, scoring
from indexer.search.query import And, Filter, Node, Not, Or, Text, date_range, positives
from indexer.search.snapshot import Snapshot, letter_mask, term_positions

ANY_FIELDS = ("title", "body", "authors", "source")
STEMMED = {"title", "body"}
EXPANSIONS = 30
SCORED_EXPANSIONS = 3
SCORED_FIELDS = ("title", "body")
FACET_EXACT = 5_000
FACET_TOP = 50
SUGGEST_BELOW = 3


def _fields(leaf: Text) -> tuple[str, ...]:
    return (leaf.field,) if leaf.field else ANY_FIELDS


def _forms(field: str, word: str) -> tuple[str, ...]:
    """Index terms a query word can have become in one field; () when it is never indexed there."""
    if field in STEMMED:
        return analysis.word_forms(word) if analysis.indexable(word) else ()
    return (word,)


def prune(node: Node | None) -> Node | None:
    """Drop words the index never holds (stop words, single letters) so they do not empty a search."""
    if node is None or isinstance(node, Filter):
        return node
    if isinstance(node, Text):
        if node.field in (None, *STEMMED):
            kept = tuple(w for w in node.words if analysis.indexable(w) or node.kind == "prefix")
            if not kept:
                return None
            if len(kept) == 1 and node.kind == "phrase":
                return Text("word", node.field, kept)
            return Text(node.kind, node.field, kept, node.distance)
        return node
    if isinstance(node, Not):
        inner = prune(node.item)
        return Not(inner) if inner is not None else None
    items = tuple(i for i in (prune(x) for x in node.items) if i is not None)
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return And(items) if isinstance(node, And) else Or(items)


# -- expansion ---------------------------------------------------------------------------------------


def expand_prefix(snap: Snapshot, field: str, prefix: str) -> tuple[str, ...]:
    """The most frequent index terms a typed prefix may stand for in `field`.

    English terms are stems, and a stem can be shorter than what the user typed ("electio" is
    "elect" in the index), so stems the typed prefix starts with count too.
    """

    def make() -> tuple[str, ...]:
        short = prefix[: max(3, len(prefix) - 3)] if field in STEMMED else prefix
        found: dict[str, int] = {}
        for reader, _, _, _ in snap.leaves:  # segment by segment: the merged reader re-reads every posting list
            for n, (btext, info) in enumerate(reader.iter_prefix(field, short)):
                if n > 50_000:
                    break
                term = btext.decode("utf-8")
                if term.startswith(prefix) or (field in STEMMED and prefix.startswith(term) and len(term) >= 3):
                    found[term] = found.get(term, 0) + info.doc_frequency()
        return tuple(heapq.nlargest(EXPANSIONS, found, key=found.__getitem__))

    return snap.cached(("prefix", field, prefix), make)


def expand_fuzzy(snap: Snapshot, field: str, word: str, distance: int) -> tuple[str, ...]:
    """The most frequent index terms within `distance` edits of `word` (first letter kept) in `field`."""

    # Title words are looked for among body words: searching the term dictionary for near words is
    # the slow part, and the body's vocabulary holds nearly every title word.
    source = "body" if field in STEMMED else field

    def make() -> tuple[str, ...]:
        found: set[str] = set()
        targets = {word, analysis.stem(word)} if source in STEMMED else {word}
        for target in targets:
            found.update(near_terms(snap, source, target, distance))
        df = {t: snap.reader.doc_frequency(source, t) for t in found}
        return tuple(heapq.nlargest(EXPANSIONS, df, key=df.__getitem__))

    return snap.cached(("fuzzy", source, word, distance), make)


def near_terms(snap: Snapshot, field: str, word: str, distance: int) -> list[str]:
    """Terms of `field` within `distance` edits of `word` (a swap of neighbours is one edit), same first letter.

    Compared in memory against the terms of the same first letter and a near length: Whoosh's own
    automaton walks the on-disk term dictionary and took most of a second at 100,000 articles.
    """
    mask = letter_mask(word)
    spread = 2 * distance
    out: set[str] = set()
    for groups in snap.vocabulary(field):
        for length in range(max(1, len(word) - distance), len(word) + distance + 1):
            words, masks = groups.get((word[:1], length), ((), ()))
            for cand, m in zip(words, masks, strict=True):
                # Words whose letters differ more than the edits allow skip the exact (slow) comparison.
                if (
                    (m ^ mask).bit_count() <= spread
                    and cand not in out
                    and edit_distance(word, cand, distance) <= distance
                ):
                    out.add(cand)
    return sorted(out)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of a and b, or limit + 1 as soon as it must exceed `limit`."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, before[j - 2] + 1)
            cur[j] = v
        if min(cur) > limit:
            return limit + 1
        before, prev = prev, cur
    return prev[-1]


def leaf_terms(snap: Snapshot, leaf: Text, field: str) -> tuple[str, ...]:
    """The index terms a one-word leaf looks up in one field."""
    word = leaf.words[0]
    if leaf.kind == "prefix":
        return expand_prefix(snap, field, word)
    if leaf.kind == "fuzzy":
        return expand_fuzzy(snap, field, word, leaf.distance)
    return _forms(field, word)


def _phrase_variants(field: str, words: tuple[str, ...]) -> list[list[str]]:
    if field not in STEMMED:
        return [list(words)]
    plain = [w for w in words if analysis.indexable(w)]
    stemmed = [analysis.stem(w) for w in plain]
    return [plain] if plain == stemmed else [plain, stemmed]


def scoring_terms(snap: Snapshot, node: Node | None) -> list[tuple[str, str]]:
    """The (field, term) pairs that score a query: every looked-up term of its positive words and
    phrases; of a prefix or fuzzy word only the few most frequent expansions, in title and body."""
    terms: list[tuple[str, str]] = []
    for leaf in positives(node):
        for field in _fields(leaf):
            if leaf.kind == "phrase":
                terms += [(field, w) for v in _phrase_variants(field, leaf.words) for w in v]
            elif leaf.kind in ("prefix", "fuzzy"):
                if leaf.field is None and field not in SCORED_FIELDS:
                    continue
                terms += [(field, t) for t in leaf_terms(snap, leaf, field)[:SCORED_EXPANSIONS]]
            else:
                terms += [(field, t) for t in leaf_terms(snap, leaf, field)]
    return terms


# -- matching ----------------------------------------------------------------------------------------


def _leaf_docs(snap: Snapshot, leaf: Text) -> frozenset[int]:
    if leaf.kind != "phrase":
        out: set[int] = set()
        for field in _fields(leaf):
            out |= snap.terms(field, leaf_terms(snap, leaf, field))
        return frozenset(out)

    def make() -> frozenset[int]:
        out: set[int] = set()
        for field in _fields(leaf):
            for variant in _phrase_variants(field, leaf.words):
                candidates = frozenset.intersection(*(snap.term(field, w) for w in variant))
                if not candidates:
                    continue
                if len(variant) == 1:
                    out |= candidates
                else:
                    out |= _verify_phrase(snap, field, variant, candidates)
        return frozenset(out - snap.deleted)

    return snap.cached(("phrase", leaf), make)


def _verify_phrase(snap: Snapshot, field: str, words: list[str], candidates: frozenset[int]) -> set[int]:
    """The candidates (which hold every word) where the words stand one after another."""
    found: set[int] = set()
    for reader, offset, _, _ in snap.leaves:
        n = reader.doc_count_all()
        local = {d - offset for d in candidates if offset <= d < offset + n}
        if not local:
            continue
        starts: dict[int, set[int]] | None = None
        read: dict[str, dict[int, list[int]]] = {}
        for k, w in enumerate(words):
            if not local:
                break
            if w not in read:
                read[w] = term_positions(reader, field, w, local)
            positions = read[w]
            # Where the phrase would start, judging by word k alone.
            shifted = {d: {p - k for p in positions[d]} for d in local if d in positions}
            if starts is not None:
                shifted = {d: ps & starts[d] for d, ps in shifted.items()}
            starts = {d: ps for d, ps in shifted.items() if ps}
            local = set(starts)
        found.update(offset + d for d in local)
    return found


def _filter_docs(snap: Snapshot, f: Filter, now: datetime) -> frozenset[int]:
    if f.kind == "tag":
        return snap.term("tags", f.value)
    if f.kind == "lang":
        return snap.term("lang", f.value)
    if f.kind == "is":
        return snap.term("flags", f.value)
    span = date_range(f.value, now)
    if span is None:
        return frozenset()
    return snap.date_range(f.kind, span[0], span[1])


def matches(snap: Snapshot, node: Node | None, now: datetime) -> frozenset[int]:
    """Global document numbers of every document the query finds."""
    if node is None:
        return snap.all_docs()
    if isinstance(node, Text):
        return _leaf_docs(snap, node)
    if isinstance(node, Filter):
        return _filter_docs(snap, node, now)
    if isinstance(node, Not):
        return snap.all_docs() - matches(snap, node.item, now)
    if isinstance(node, Or):
        out: set[int] = set()
        for item in node.items:
            out |= matches(snap, item, now)
        return frozenset(out)
    wanted = [matches(snap, i, now) for i in node.items if not isinstance(i, Not)]
    unwanted = [matches(snap, i.item, now) for i in node.items if isinstance(i, Not)]
    result = frozenset.intersection(*sorted(wanted, key=len)) if wanted else snap.all_docs()
    for u in unwanted:
        result = result - u
    return result


# -- ordering ----------------------------------------------------------------------------------------


def rank(snap: Snapshot, node: Node | None, found: frozenset[int], sort: str, count: int) -> list[tuple[int, float]]:
    """The first `count` (docnum, score) of `found` in the wanted order."""
    key = snap.sort_key.__getitem__
    if sort == "relevance" and found:
        terms = scoring_terms(snap, node)
        if terms:
            leaves = [(reader, offset, seg) for reader, offset, _, seg in snap.leaves]
            scores = scoring.score(leaves, snap.reader, terms, found)
            ranked = heapq.nlargest(count, scores.items(), key=itemgetter(1))
            if len(ranked) >= count or len(scores) >= len(found):
                return ranked
            # Found documents no scored term reaches (rare expansions, an OR with a filter): newest after.
            rest = heapq.nlargest(count - len(ranked) + len(scores), found, key=key)
            return ranked + [(d, 0.0) for d in rest if d not in scores][: count - len(ranked)]
    pick = heapq.nsmallest if sort == "oldest" else heapq.nlargest
    return [(d, 0.0) for d in pick(count, found, key=key)]


# -- facets and suggestions --------------------------------------------------------------------------


def facets(snap: Snapshot, found: frozenset[int]) -> tuple[dict[str, dict[str, int]], bool]:
    """Counts by source, author, tag and year of the found documents, and whether they are exact."""
    docs: Iterable[int] = found
    scale = 1.0
    exact = len(found) <= FACET_EXACT
    if not exact:
        # An even sample without sorting the matches: those among every k-th document number.
        sample = found & snap.every(max(1, len(found) // FACET_EXACT))
        docs = sample if sample else found
        scale = len(found) / len(docs)
    docs = list(docs)
    counts: dict[str, Counter[Any]] = {
        "source": Counter(map(snap.source.__getitem__, docs)),
        "author": Counter(a for t in map(snap.authors.__getitem__, docs) for a in t),
        "tag": Counter(a for t in map(snap.tags.__getitem__, docs) for a in t),
        "year": Counter(map(snap.year.__getitem__, docs)),
    }
    out: dict[str, dict[str, int]] = {}
    for name, counter in counts.items():
        counter.pop(None, None)
        out[name] = {str(k): max(1, round(v * scale)) for k, v in counter.most_common(FACET_TOP)}
    return out, exact


def suggest(snap: Snapshot, node: Node | None, text: str) -> str | None:
    """The query with its rare words swapped for frequent archive words a typo or two away."""
    replacements: dict[str, str] = {}
    for leaf in positives(node):
        if leaf.kind not in ("word", "fuzzy") or leaf.field not in (None, "title", "body"):
            continue
        word = leaf.words[0]
        if len(word) < 4 or not analysis.indexable(word):
            continue
        own = max(snap.reader.doc_frequency("body", f) for f in analysis.word_forms(word))
        best, best_df = None, own
        distance = 1 if len(word) < 6 else 2
        for field in ("spell", "body"):  # written words first; body terms reach other languages
            for cand in near_terms(snap, field, word, distance):
                df = snap.reader.doc_frequency(field, cand)
                if cand not in analysis.word_forms(word) and df > best_df:
                    best, best_df = cand, df
            if best:
                break
        if best:
            replacements[word] = best
    if not replacements:
        return None
    out, last = [], 0
    for m in analysis.WORD.finditer(text):
        folded = analysis.fold(m.group())
        if folded in replacements:
            out += [text[last : m.start()], replacements[folded]]
            last = m.end()
    out.append(text[last:])
    suggestion = "".join(out)
    return suggestion if suggestion != text else None


def leaf_marks(snap: Snapshot, node: Node | None) -> dict[str, Any]:
    """What to mark in a text: folded words, stems, prefixes and fuzzy expansions of the positive leaves."""
    words: set[str] = set()
    stems: set[str] = set()
    prefixes: set[str] = set()
    for leaf in positives(node):
        if leaf.kind == "prefix":
            prefixes.add(leaf.words[0])
            stems.update(t for t in expand_prefix(snap, "body", leaf.words[0]) if leaf.words[0].startswith(t))
        elif leaf.kind == "fuzzy":
            words.add(leaf.words[0])
            for field in ("body", "title"):
                expanded = expand_fuzzy(snap, field, leaf.words[0], leaf.distance)
                words.update(expanded)
                stems.update(expanded)
        else:
            for w in leaf.words:
                if analysis.indexable(w) or leaf.field not in (None, *STEMMED):
                    words.add(w)
                    stems.add(analysis.stem(w))
    return {"words": words, "stems": stems, "prefixes": prefixes}
