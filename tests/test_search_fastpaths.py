"""The fast paths of the search engine give what Whoosh's own slow paths give, on a generated archive."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from indexer.search import SearchIndex, analysis, engine, storage
from tests.benchmarks.searchcorpus import generate

DOCS = list(generate(400, seed=11))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    # Blocks of 16 postings: 400 documents then give frequent words many blocks, as 100,000 do with
    # the real size, so skipping between blocks and joining them is what these tests compare.
    folder: Path = tmp_path_factory.mktemp("fast") / "index"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(storage, "BLOCK", 16)
        ix = SearchIndex(folder, lambda: iter(DOCS), procs=1)
        ix.open(len(DOCS), "g")
    yield ix
    ix.close()


def test_phrases_find_what_whooshs_phrase_query_finds(index: SearchIndex) -> None:
    snap = index._snap
    assert snap is not None
    rng = random.Random(5)
    checked = 0
    for _ in range(60):
        words = [w for w in analysis.words(rng.choice(DOCS).body) if analysis.indexable(w)]
        start = rng.randrange(len(words) - 3)
        phrase = words[start : start + rng.choice((2, 3))]
        for variant in engine._phrase_variants("body", tuple(phrase)):
            candidates = np.logical_and.reduce([snap.term("body", w) for w in variant])
            ours = engine._verify_phrase(snap, "body", variant, candidates)
            assert ours == set(wq.Phrase("body", variant).docs(snap.searcher)), variant
            checked += len(ours)
    assert checked >= 60  # every phrase was taken from a document, so each finds at least that one


def test_fuzzy_words_include_whooshs_levenshtein_matches(index: SearchIndex) -> None:
    snap = index._snap
    assert snap is not None
    terms = sorted(t for t in (b.decode() for b in snap.reader.lexicon("body")) if len(t) >= 6)
    for term in random.Random(2).sample(terms, 12):
        typo = term[:3] + term[4:]  # one letter dropped
        for distance in (1, 2):
            whoosh = set(snap.reader.terms_within("body", typo, distance, prefix=1))
            ours = set(engine.near_terms(snap, "body", typo, distance))
            assert term in ours and whoosh <= ours, (typo, distance)


def test_relevance_puts_the_best_match_first_and_totals_are_exact(index: SearchIndex) -> None:
    results = index.search("inflation")
    with_word = [d for d in DOCS if "inflation" in (d.title + " " + d.body).lower()]
    assert results.total == len(with_word)
    top = next(d for d in DOCS if d.id == results.hits[0].id)
    counts = [(d.title + " " + d.body).lower().count("inflation") for d in with_word]
    assert (top.title + " " + top.body).lower().count("inflation") >= sorted(counts)[len(counts) // 2]
    scores = [h.score for h in results.hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_a_prefix_pages_through_every_match(index: SearchIndex) -> None:
    everything = index.search("pol*", limit=1000)
    pages = [h.id for off in range(0, everything.total, 50) for h in index.search("pol*", offset=off).hits]
    assert len(pages) == everything.total == len(set(pages))


def test_a_reopened_index_reads_its_saved_tables(index: SearchIndex, tmp_path: Path) -> None:
    before = index.search("tag:war", sort="newest")
    again = SearchIndex(index.folder, lambda: iter(DOCS), procs=1)
    assert again.open(len(DOCS), "g") is None
    after = again.search("tag:war", sort="newest")
    assert [h.id for h in after.hits] == [h.id for h in before.hits] and after.facets == before.facets
    assert list(index.folder.glob("ix-*/*.natab"))
    again.close()


def _osa(a: str, b: str) -> int:
    """Textbook optimal-string-alignment distance, the full table: what the banded version must agree with."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def test_the_banded_edit_distance_agrees_with_the_full_table() -> None:
    rng = random.Random(1)
    for _ in range(3000):
        a = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 8)))
        b = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 8)))
        for limit in (1, 2, 3):
            full = _osa(a, b)
            assert engine.edit_distance(a, b, limit) == (full if full <= limit else limit + 1), (a, b, limit)


def test_prefix_terms_read_from_the_term_file_are_whooshs(index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read in pieces of 64 bytes, a run of terms crosses many pieces and rows cross their edges.
    from indexer.search import lexicon

    monkeypatch.setattr(lexicon, "_PIECE", 64)
    snap = index._snap
    assert snap is not None
    checked = 0
    for reader, _, _, _ in snap.leaves:
        for field, prefix in [("body", "pol"), ("body", "e"), ("title", "ec"), ("authors", ""), ("source", "the")]:
            whoosh = [(t.decode(), i.doc_frequency()) for t, i in reader.iter_prefix(field, prefix)]
            assert list(lexicon.prefix_terms(reader, field, prefix, 100_000)) == whoosh, (field, prefix)
            assert list(lexicon.prefix_terms(reader, field, prefix, 3)) == whoosh[:3]
            checked += len(whoosh)
        assert list(lexicon.prefix_terms(reader, "body", "zzzzzz", 10)) == []
        assert list(lexicon.prefix_terms(reader, "nosuchfield", "a", 10)) == []
    assert checked > 500
