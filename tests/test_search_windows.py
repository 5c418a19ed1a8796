"""Large archives: the pruned first page is the exhaustive one, and estimated counts are close and flagged.

A generated archive with its sizes scaled down (blocks of 16 postings, windows of 128 documents, a
facet sample of 400 matches) so that 2,400 documents behave as a million do: frequent words span many
blocks and windows, and the sample is a fraction of the matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from indexer.search import SearchIndex, blockdir, counting, engine, index, rebuild, scoring, snapshot, storage, windows
from indexer.search.query import parse
from tests.benchmarks.searchcorpus import generate

DOCS = list(generate(2400, seed=3))
QUERIES = [
    "government",  # one frequent word
    "election",
    "market prices",  # two words
    "police OR court",  # either
    "report NOT government",  # without
    "minister tag:politics",  # a word and a filter
    "economy published:2010..2018",  # a word and a date range
    "(war OR peace) -sport",
    '"the government"',  # a phrase of two frequent words
    "title:report",
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    folder: Path = tmp_path_factory.mktemp("windows") / "index"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(storage, "BLOCK", 16)
        patch.setattr(rebuild, "CHUNK", 800)  # three segments
        patch.setattr(blockdir, "MIN_POSTINGS", 48)
        patch.setattr(snapshot, "EAGER_DIRECTORY", 500)
        search_index = SearchIndex(folder, lambda: iter(DOCS), procs=1)
        search_index.open(len(DOCS), "g")
    yield search_index
    search_index.close()


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(windows, "WIDTH", 128)
    monkeypatch.setattr(windows, "FACET_SAMPLE", 400)
    monkeypatch.setattr(windows, "LARGE", 1000)
    monkeypatch.setattr(index, "ESTIMATE_ABOVE", 150)


def _snap(ix: SearchIndex) -> snapshot.Snapshot:
    assert ix._snap is not None
    return ix._snap


def test_the_directory_decodes_every_block_as_the_block_reader_does(ix: SearchIndex) -> None:
    snap = _snap(ix)
    checked = 0
    for reader, _, _, key in snap.leaves:
        found = blockdir.directory(reader, key, None, build=False)
        assert found is not None
        buf = blockdir.postfile_bytes(reader)
        assert buf is not None
        for (field, text), _ in list(found.terms.items())[::7]:
            tb = found.term(field, text)
            assert tb is not None
            ids, weights = blockdir.decode(buf, tb)
            slow_ids, slow_weights = scoring.term_postings(reader, field, text)  # no key: block by block
            assert ids.tolist() == slow_ids.tolist() and weights.tolist() == slow_weights.tolist()
            # Each block's bounds hold for every posting in it.
            lengths = scoring.field_lengths(reader, field)
            block = np.searchsorted(tb.last, ids)
            assert (weights <= tb.maxweight[block]).all() and (lengths[ids] >= tb.minlength[block]).all()
            checked += 1
    assert checked > 30


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize("query", QUERIES)
def test_the_pruned_first_page_is_the_exhaustive_one(ix: SearchIndex, query: str) -> None:
    snap = _snap(ix)
    node = engine.prune(parse(query)[0])
    now = datetime.now(timezone.utc)
    found = engine.matches(snap, node, now)
    exhaustive = engine.rank(snap, node, found, "relevance", 50)
    for p in (windows.Pass(snap, node, now, found), windows.Pass(snap, node, now)):  # with the matches, without
        pruned = windows.top(p, 50, max_share=1.0)  # however many windows it takes
        assert pruned is not None, query
        assert [d for d, _ in pruned] == [d for d, _ in exhaustive], query
        assert [s for _, s in pruned] == [s for _, s in exhaustive], query
    # Matched window by window, each window's matches are the exhaustive matches of its documents.
    for w in windows.windows(snap)[0][::3]:
        assert (p.found(w) == found[w.offset + w.lo : w.offset + w.hi]).all(), query


@pytest.mark.usefixtures("small")
def test_windows_that_cannot_reach_the_page_are_never_read(ix: SearchIndex) -> None:
    snap = _snap(ix)
    p = windows.Pass(snap, engine.prune(parse("government")[0]), datetime.now(timezone.utc))
    assert windows.top(p, 10, max_share=1.0) is not None
    assert len(p._found) < len(windows.windows(snap)[0])  # some windows' best possible score was too low


@pytest.mark.usefixtures("small")
@pytest.mark.parametrize("query", ["government", "market prices", "police OR court", "report NOT government"])
def test_a_large_result_gets_facets_estimated_close_to_the_counts_and_flagged(ix: SearchIndex, query: str) -> None:
    exact = ix.search(query, limit=50, exact=True)
    estimated = ix.search(query, limit=50)
    assert exact.facets_exact and not estimated.facets_exact
    # The total and the first page stay exact: same articles, same order.
    assert estimated.total == exact.total
    assert [h.id for h in estimated.hits] == [h.id for h in exact.hits]
    # The stated tolerance: three standard errors of a count from a sample of n matches, 3 / sqrt(n) of the
    # total (2% with the 20,000 matches sampled in a large archive; here n is the small sample's).
    n = min(exact.total, windows.FACET_SAMPLE)
    tolerance = 3 / n**0.5
    dated = sum(exact.months.values())
    assert abs(sum(estimated.months.values()) - dated) <= tolerance * exact.total
    assert abs(sum(estimated.facets["year"].values()) - sum(exact.facets["year"].values())) <= tolerance * exact.total
    # Each of the largest sources: its estimate within three standard errors of a share of n.
    for source, count in list(exact.facets["source"].items())[:3]:
        share = count / exact.total
        error = 3 * (share * (1 - share) / n) ** 0.5 * exact.total + 1
        assert abs(estimated.facets["source"].get(source, 0) - count) <= error, (source, count)


@pytest.mark.usefixtures("small")
def test_a_small_result_stays_exact(ix: SearchIndex) -> None:
    rare = next(w for w in ("zelensky", "merkel", "macron") if 0 < ix.count(w) < 150)
    results = ix.search(rare)
    assert results.facets_exact
    assert results.total == ix.count(rare) == len(ix.search(rare, limit=500).hits)


@pytest.mark.usefixtures("small")
def test_facets_looked_up_per_document_are_the_full_counts(ix: SearchIndex) -> None:
    snap = _snap(ix)
    for query in ("zelensky OR merkel", "election", "tag:war"):
        found = engine.matches(snap, engine.prune(parse(query)[0]), datetime.now(timezone.utc))
        docs = np.flatnonzero(found)
        # The one pass over every (document, value) pair, as `facets` counts many matches:
        full: dict[str, dict[str, int]] = {}
        for name, facet in (("source", snap.source), ("author", snap.authors), ("tag", snap.tags)):
            counts = np.bincount(facet.code[found[facet.doc]], minlength=len(facet.names))
            full[name] = counting._most(facet.names, counts)
        ours = counting.facets_of(snap, docs)[0]
        assert {k: ours[k] for k in full} == full, query
