"""Evaluating a parsed query against a `Snapshot`: matching set, ranking, facets, "did you mean".

The matching set is exact and computed as boolean masks over the snapshot's document numbers, built
from cached per-term masks, so AND/OR/NOT, filters and the total are whole-array operations, not
posting-by-posting stepping.
Ranking by relevance is BM25F computed block by block over Whoosh's postings (see `scoring`).
Bounds, on purpose:
- a prefix expands to the `EXPANSIONS` most frequent index terms it can stand for, a fuzzy word
  to the most frequent terms within its edit distance; all of them find documents, but only the
  `SCORED_EXPANSIONS` most frequent are scored, in title and body (a union of a hundred scored
  posting lists is what made prefix searches slow); found documents the scored terms miss follow
  the scored ones, newest first; a phrase is found by checking positions only in documents that
  hold all its words, and scored by its words;
- facets and months are counted in `counting`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.search import analysis, blockdir, lexicon, phrase, scoring
from indexer.search.query import And, Filter, Node, Not, Or, Text, date_range, positives
from indexer.search.snapshot import Snapshot, frozen, letter_mask

ANY_FIELDS = ("title", "body", "authors", "source", "notes", "quotes")
STEMMED = {"title", "body", "notes", "quotes"}
OPTIONAL_FIELDS = {"notes", "quotes"}
EXPANSIONS = 30
SCORED_EXPANSIONS = 3
PREFIX_SCAN = 50_000  # terms a prefix looks through, the largest segments first (a one-letter prefix stops there)
FUZZY_SCAN = 150_000  # vocabulary words a fuzzy word or a suggestion is compared with, the largest segments first
SCORED_FIELDS = ("title", "body")
SUGGEST_BELOW = 3
RARER = 50  # a word found in the archive is replaced only by one this many times as common


def _fields(snap: Snapshot, leaf: Text) -> tuple[str, ...]:
    """The fields a leaf looks in: its own, or every text field that holds anything in this snapshot."""
    if leaf.field:
        return (leaf.field,)
    # Notes and highlighted passages are empty in most archives: looking words up there would cost
    # every plain word two more term lookups per segment for nothing.
    return snap.cached(
        ("fields",),
        lambda: tuple(f for f in ANY_FIELDS if f not in OPTIONAL_FIELDS or snap.reader.field_length(f) > 0),
    )


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
        budget = PREFIX_SCAN
        for reader, _ in snap.lexicon_leaves():  # segment by segment: the merged reader re-reads every posting list
            for term, df in lexicon.prefix_terms(reader, field, short, budget):
                budget -= 1
                if term.startswith(prefix) or (field in STEMMED and prefix.startswith(term) and len(term) >= 3):
                    found[term] = found.get(term, 0) + df
            if budget <= 0:
                break
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
    measure = distance_to(word)
    out: set[str] = set()
    seen: set[str] = set()
    budget = FUZZY_SCAN
    for groups in snap.vocabulary(field):
        if budget <= 0:
            break
        for length in range(max(1, len(word) - distance), len(word) + distance + 1):
            words, masks = groups.get((word[:1], length), ((), ()))
            budget -= len(words)
            for cand, m in zip(words, masks, strict=True):
                # Words whose letters differ more than the edits allow skip the exact comparison;
                # segments share most words, so each is measured once.
                if (m ^ mask).bit_count() <= spread and cand not in seen:
                    seen.add(cand)
                    if measure(cand) <= distance:
                        out.add(cand)
    return sorted(out)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of a and b, or limit + 1 when it exceeds `limit`."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    return min(limit + 1, distance_to(a)(b))


def distance_to(word: str) -> Callable[[str], int]:
    """A function giving the optimal-string-alignment distance from `word` to any other word.

    Bit-parallel (Hyyrö's extension of Myers' algorithm to adjacent transpositions): one column of
    the edit table is a few integer operations on bit masks, so comparing a candidate costs one
    short loop over its letters instead of a table of len(word) x len(candidate) cells. Built once
    per query word and used for every candidate of the vocabulary.
    """
    m = len(word)
    if m == 0:
        return len
    full = (1 << m) - 1
    last = 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, ch in enumerate(word):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    get = peq.get

    def distance(other: str) -> int:
        vp, vn, score = full, 0, m
        d0 = 0
        prev = 0
        for ch in other:
            pm = get(ch, 0)
            d0 = (((~d0 & pm) << 1) & prev) | (((pm & vp) + vp) ^ vp) | pm | vn
            hp = vn | ~(d0 | vp)
            hn = d0 & vp
            if hp & last:
                score += 1
            elif hn & last:
                score -= 1
            x = ((hp << 1) | 1) & full
            vn = x & d0
            vp = ((hn << 1) | ~(x | d0)) & full
            prev = pm
        return score

    return distance


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
        for field in _fields(snap, leaf):
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


def _leaf_docs(snap: Snapshot, leaf: Text) -> np.ndarray:
    if leaf.kind in ("prefix", "fuzzy"):
        # Dozens of expansions in every field: one set for the leaf, so they do not push every other out.
        return snap.cached(("leaf", leaf), lambda: frozen(_expanded_docs(snap, leaf)))
    if leaf.kind != "phrase":
        out = snap.empty()
        for field in _fields(snap, leaf):
            out |= snap.terms(field, leaf_terms(snap, leaf, field))
        return out

    def make() -> np.ndarray:
        out = snap.empty()
        for field in _fields(snap, leaf):
            for variant in _phrase_variants(field, leaf.words):
                candidates = np.logical_and.reduce([snap.term(field, w) for w in variant])
                if not candidates.any():
                    continue
                if len(variant) == 1:
                    out |= candidates
                else:
                    found = _verify_phrase(snap, field, variant, candidates)
                    out[np.fromiter(found, dtype=np.int64, count=len(found))] = True
        return frozen(out & snap.alive)

    return snap.cached(("phrase", leaf), make)


def _expanded_docs(snap: Snapshot, leaf: Text) -> np.ndarray:
    out = snap.empty()
    for field in _fields(snap, leaf):
        for text in leaf_terms(snap, leaf, field):
            for reader, offset, _, key in snap.leaves:
                ids = scoring.term_postings(reader, field, text, key)[0]
                if len(ids):
                    out[ids.astype(np.int64) + offset] = True
    return out & snap.alive


def _verify_phrase(snap: Snapshot, field: str, words: list[str], candidates: np.ndarray) -> set[int]:
    """The candidates (a mask of documents holding every word) where the words stand one after another."""
    found: set[int] = set()
    for reader, offset, _, key in snap.leaves:
        n = reader.doc_count_all()
        wanted = np.flatnonzero(candidates[offset : offset + n])
        if not len(wanted):
            continue
        fast = phrase.phrase_docs(reader, field, words, wanted, blockdir.lookup(key, field))
        if fast is None:  # positions in a layout of Whoosh's own: let its phrase query check them
            return {d for d in wq.Phrase(field, words).docs(snap.searcher) if candidates[d]}
        found.update((fast + offset).tolist())
    return found


def _filter_docs(snap: Snapshot, f: Filter, now: datetime) -> np.ndarray:
    if f.kind == "tag":
        return snap.term("tags", f.value)
    if f.kind == "lang":
        return snap.term("lang", f.value)
    if f.kind == "is":
        return snap.term("flags", f.value)
    span = date_range(f.value, now)
    if span is None:
        return snap.empty()
    return snap.date_range(f.kind, span[0], span[1])


def matches(snap: Snapshot, node: Node | None, now: datetime) -> np.ndarray:
    """The mask (by global document number) of every document the query finds."""
    if node is None:
        return snap.all_docs()
    if isinstance(node, Text):
        return _leaf_docs(snap, node)
    if isinstance(node, Filter):
        return _filter_docs(snap, node, now)
    if isinstance(node, Not):
        return snap.alive & ~matches(snap, node.item, now)
    if isinstance(node, Or):
        out = snap.empty()
        for item in node.items:
            out |= matches(snap, item, now)
        return out
    out = snap.alive.copy()
    for item in node.items:
        if isinstance(item, Not):
            out &= ~matches(snap, item.item, now)
        else:
            out &= matches(snap, item, now)
    return out


# -- ordering ----------------------------------------------------------------------------------------


def _top(docs: np.ndarray, keys: np.ndarray, count: int, descending: bool) -> np.ndarray:
    """The `count` docs with the largest (or smallest) keys, in that order; ties by docnum, newer first."""
    if descending:
        keys = -keys
    if len(docs) > count:
        # Everything up to the count-th key, ties at the edge included, so pages never overlap.
        edge = keys[np.argpartition(keys, count - 1)[count - 1]]
        keep = keys <= edge
        docs, keys = docs[keep], keys[keep]
    order = np.lexsort((-docs if descending else docs, keys))
    return docs[order][:count]


def rank(snap: Snapshot, node: Node | None, found: np.ndarray, sort: str, count: int) -> list[tuple[int, float]]:
    """The first `count` (docnum, score) of the `found` mask in the wanted order."""
    if count <= 0:
        return []
    if sort == "relevance" and found.any():
        terms = scoring_terms(snap, node)
        if terms:
            leaves = [(reader, offset, seg) for reader, offset, _, seg in snap.leaves]
            scores, reached = scoring.score(leaves, snap.reader, terms, found)
            docs = np.flatnonzero(reached)
            best = _top(docs, scores[docs], count, descending=True)
            ranked = list(zip(best.tolist(), scores[best].tolist(), strict=True))
            if len(ranked) >= count:
                return ranked
            # Found documents no scored term reaches (rare expansions, an OR with a filter): newest after.
            rest = np.flatnonzero(found & ~reached)
            newest = _top(rest, snap.sort_key[rest], count - len(ranked), descending=True)
            return ranked + [(d, 0.0) for d in newest.tolist()]
    docs = np.flatnonzero(found)
    best = _top(docs, snap.sort_key[docs], count, descending=sort != "oldest")
    return [(d, 0.0) for d in best.tolist()]


# -- suggestions ----------------------------------------------------------------------------------------


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
        # A word the archive holds is only swapped for one far more common ("goverment" in 3
        # articles, "government" in 3,000), never for a neighbour of similar standing ("flood", "food").
        best, best_df = None, own * RARER - 1 if own else 0
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
