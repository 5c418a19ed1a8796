"""Adding, replacing and deleting articles in a live index: what searches find afterwards, what a failed
write leaves behind, and what the idle merge keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.lang import porter

from indexer.search import IndexDoc, SearchIndex, analysis, storage
from indexer.search.blocks import ArrayLeafMatcher
from indexer.search.schema import build_schema, fields_of
from tests.benchmarks.searchcorpus import generate
from tests.test_search_formats import _everything


def article(n: int, words: str = "", tags: tuple[str, ...] = (), author: str = "Iryna Bondarenko") -> IndexDoc:
    return IndexDoc(
        id=n,
        title=f"Report number {n}",
        body=f"River flooding report {n}. The harbour stayed open. {words}",
        authors=(author,),
        source="Coastal Herald",
        tags=tags,
        language="en",
        published=f"2020-01-{n % 28 + 1:02d}",
        saved="2024-01-01T00:00:00+00:00",
        bookmarked=False,
    )


def opened(folder: Path, docs: list[IndexDoc], generation: str = "g1") -> SearchIndex:
    ix = SearchIndex(folder, lambda: list(docs), procs=1)
    ix.open(len(docs), generation)
    return ix


def ids(ix: SearchIndex, query: str) -> list[int]:
    return sorted(h.id for h in ix.search(query, limit=1000).hits)


def segments(ix: SearchIndex) -> int:
    return len(ix._snap.leaves) if ix._snap is not None else 0


def test_added_articles_are_found_and_counted(tmp_path: Path) -> None:
    ix = opened(tmp_path / "index", [article(n) for n in range(1, 21)])
    ix.update([article(n, "volcano eruption") for n in (101, 102, 103)], generation="g2")
    assert ids(ix, "volcano") == [101, 102, 103]
    assert ids(ix, '"volcano eruption"') == [101, 102, 103]
    assert ix.search("harbour").total == 23
    assert ix.stamp() == (23, "g2")
    ix.close()
    again = SearchIndex(tmp_path / "index", lambda: [], procs=1)
    assert again.open(23, "g2") is None  # committed to disk, not rebuilt
    assert ids(again, "volcano") == [101, 102, 103]
    again.close()


def test_a_replaced_article_is_found_once_with_its_new_text_tags_and_author(tmp_path: Path) -> None:
    ix = opened(tmp_path / "index", [article(n, tags=("weather",)) for n in range(1, 21)])
    ix.update([article(7, "avalanche", tags=("mountains/alps",), author="Marco Rossi")])
    ix.update([article(7, "landslide", tags=("mountains/alps",), author="Marco Rossi")])  # replaced twice
    assert ids(ix, "landslide") == [7]
    assert ids(ix, "avalanche") == []
    assert ids(ix, "tag:mountains") == [7]
    assert 7 not in ids(ix, "tag:weather")
    assert ids(ix, 'author:"Marco Rossi"') == [7]
    assert ix.search("harbour").total == 20
    result = ix.search("harbour", limit=100)
    assert sorted(h.id for h in result.hits) == list(range(1, 21))  # no article twice
    assert result.facets["tag"]["weather"] == 19
    assert ix.stamp()[0] == 20
    ix.close()


def test_an_id_given_twice_in_one_update_keeps_its_last_version(tmp_path: Path) -> None:
    ix = opened(tmp_path / "index", [article(n) for n in range(1, 6)])
    ix.update([article(9, "first draft"), article(8), article(9, "final version")])
    assert ids(ix, "draft") == []
    assert ids(ix, "final") == [9]
    assert ix.stamp()[0] == 7
    ix.close()


def test_deleting_removes_articles_from_every_segment(tmp_path: Path) -> None:
    ix = opened(tmp_path / "index", [article(n) for n in range(1, 11)])
    ix.update([article(n, "tide") for n in (11, 12)])
    ix.update([article(n, "tide") for n in (13, 14)])
    ix.delete([2, 12, 14, 999], generation="g3")  # 999 was never indexed
    assert ids(ix, "tide") == [11, 13]
    assert 2 not in ids(ix, "harbour") and ix.search("harbour").total == 11
    assert ix.stamp() == (11, "g3")
    ix.delete([999], generation="g4")  # nothing to delete: the generation is still recorded
    assert ix.stamp() == (11, "g4")
    ix.close()
    again = SearchIndex(tmp_path / "index", lambda: [], procs=1)
    assert again.open(11, "g4") is None
    assert ids(again, "tide") == [11, 13]
    again.close()


@pytest.mark.parametrize("where", ["adding", "committing"])
def test_a_failed_update_leaves_the_index_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    ix = opened(tmp_path / "index", [article(n) for n in range(1, 11)])
    before = {q: ids(ix, q) for q in ("harbour", "report", "volcano")}
    if where == "adding":
        real = storage.BulkWriter.add_document
        calls = []

        def add_or_fail(self: Any, **fields: Any) -> None:
            calls.append(fields["idc"])
            if len(calls) == 2:
                raise ValueError("unreadable article")
            real(self, **fields)

        monkeypatch.setattr(storage.BulkWriter, "add_document", add_or_fail)
        error: type[Exception] = ValueError
    else:

        def fail(*args: Any, **kwargs: Any) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(whoosh_index.TOC, "write", fail)
        error = OSError
    with pytest.raises(error):
        ix.update([article(3, "volcano"), article(50, "volcano")], generation="g2")
    monkeypatch.undo()
    assert {q: ids(ix, q) for q in before} == before  # article 3 not deleted, 50 not added
    assert ix.stamp() == (10, "g1")
    ix.close()
    again = SearchIndex(tmp_path / "index", lambda: [], procs=1)
    assert again.open(10, "g1") is None  # on disk too
    assert {q: ids(again, q) for q in before} == before
    again.update([article(50, "volcano")])  # and the lock was given back
    assert ids(again, "volcano") == [50]
    again.close()


def test_updates_write_what_whooshs_writer_writes(tmp_path: Path) -> None:
    docs = list(generate(160, seed=11))
    batches = [docs[start : start + 40] for start in range(0, 160, 40)]
    batches.append([IndexDoc(**{**d.__dict__, "title": d.title + " revised"}) for d in docs[10:30]])
    ix = opened(tmp_path / "index", [])
    (tmp_path / "plain").mkdir()
    plain = whoosh_index.create_in(str(tmp_path / "plain"), build_schema())
    for batch in batches:
        ix.update(batch)
        w = plain.writer(codec=storage.codec())
        for d in batch:
            w.delete_by_term("id", str(d.id))
            w.add_document(**fields_of(d))
        w.commit(merge=False)
    assert ix._snap is not None and segments(ix) == len(batches) == len(plain._segments())
    with plain.reader() as theirs:
        assert theirs.doc_count() == ix.stamp()[0] == 160
        assert _everything(ix._snap.reader) == _everything(theirs)
    ix.close()


def test_the_idle_merge_joins_small_segments_and_keeps_every_result(tmp_path: Path) -> None:
    ix = opened(tmp_path / "index", [article(n) for n in range(1, 31)])
    for batch in range(12):  # twelve small commits: twelve small segments
        ix.update([article(100 + 3 * batch + k, f"batch{batch} tide") for k in range(3)])
    ix.update([article(5, "tide replaced")])  # a deletion inside the first segment
    queries = ("harbour", "tide", '"tide replaced"', "batch3", "report*", "author:Iryna")
    before = {q: ids(ix, q) for q in queries}
    facets = ix.search("harbour").facets
    segments_before = segments(ix)
    ix.merge_now()
    assert segments(ix) < segments_before
    assert {q: ids(ix, q) for q in queries} == before
    assert ix.search("harbour").facets == facets
    assert ix.stamp()[0] == 66
    # The merged segment is written by our codec: a long posting list is in array blocks.
    merged = max(ix._snap.leaves, key=lambda leaf: leaf[0].doc_count_all())[0] if ix._snap else None
    assert merged is not None and isinstance(merged.segment().codec(), storage.NewsCodec)
    assert merged.doc_count_all() > 30, "a merged segment of the small ones"
    field = merged.schema["body"]
    assert isinstance(merged._terms.matcher("body", b"harbour", field.format), ArrayLeafMatcher)
    assert not [p for p in ix._live.iterdir() if p.name.startswith("merge-")] if ix._live else False
    ix.close()


def test_an_idle_merge_with_nothing_to_merge_writes_nothing(tmp_path: Path) -> None:
    ix = opened(tmp_path / "index", [article(n) for n in range(1, 31)])
    ix.update([article(40, "tide")])
    generation = ix._require().latest_generation()
    snapshot = ix._snap
    assert ix.merge_now() == 0
    assert ix._require().latest_generation() == generation and ix._snap is snapshot
    assert ids(ix, "tide") == [40]
    ix.update([article(41, "tide")])  # the lock was given back
    assert ids(ix, "tide") == [40, 41]
    ix.close()


@pytest.mark.parametrize("deleting", [False, True])
def test_a_merge_writes_what_a_fresh_build_of_the_surviving_articles_writes(tmp_path: Path, deleting: bool) -> None:
    docs = list(generate(240, seed=3))
    (tmp_path / "merged").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "merged"), build_schema())
    gone: set[int] = set()
    for start in range(0, 240, 40):
        w = storage.BulkWriter(ix, lock=True)
        for d in docs[start : start + 40]:
            w.add_document(**fields_of(d))
        if deleting and start == 120:  # delete some articles of the first segments
            for k, segment in enumerate(w.segments[:2]):
                for docnum in range(0, 40, 6):
                    segment.delete_document(docnum)
                    gone.add(docs[40 * k + docnum].id)
        w.commit()
    assert len(ix._segments()) == 6
    storage.BulkWriter(ix, lock=True).commit(optimize=True)
    assert len(ix._segments()) == 1
    (tmp_path / "fresh").mkdir()
    fresh = whoosh_index.create_in(str(tmp_path / "fresh"), build_schema())
    w = fresh.writer(codec=storage.codec())
    for d in docs:
        if d.id not in gone:
            w.add_document(**fields_of(d))
    w.commit()
    with ix.reader() as mine, fresh.reader() as theirs:
        assert mine.doc_count() == 240 - len(gone)
        assert _everything(mine) == _everything(theirs)
        for field in ("title", "body", "authors", "source", "spell"):
            # Relevance divides by a field's total length: exact, except that a deleted article's
            # length is known only to about a word in eight.
            if deleting:
                assert mine.field_length(field) == pytest.approx(theirs.field_length(field), rel=0.01)
            else:
                assert mine.field_length(field) == theirs.field_length(field)


# -- what analysing a new article costs: the stemmer is skipped where it cannot change a word ----------------

_LETTERS = "abcdeilmnorstuyz"
# Endings from the Porter paper's rules (written out here, not taken from the module under test).
_ENDINGS = (
    "sses ies ss s eed ed ing ying bled ating izing y e ll ational tional enci anci izer abli alli entli eli ousli "
    "ization ation ator alism iveness fulness ousness aliti iviti biliti logi icate ative alize iciti ical ful ness "
    "al ance ence er ic able ible ant ement ment ent ion sion tion ou ism ate iti ous ive ize"
).split()


@settings(max_examples=600)
@given(st.text(alphabet=_LETTERS, min_size=1, max_size=9), st.sampled_from(["", "", *_ENDINGS]))
def test_stems_are_the_porter_stemmers_with_or_without_the_shortcut(word: str, ending: str) -> None:
    word += ending
    analysis.stem.cache_clear()
    assert analysis.stem(word) == porter.stem(word)


def test_stems_of_a_news_vocabulary_are_the_porter_stemmers() -> None:
    words = {analysis.fold(w) for d in generate(200, seed=4) for w in analysis.WORD.findall(d.title + " " + d.body)}
    words = {w for w in words if w.isascii() and w.isalpha()}
    analysis.stem.cache_clear()
    assert len(words) > 5_000
    assert [w for w in sorted(words) if analysis.stem(w) != porter.stem(w)] == []
    shortcut = [w for w in words if not w.endswith(analysis.PORTER_ENDINGS)]
    assert len(shortcut) > len(words) // 10  # the shortcut does serve


def test_warming_loads_every_vocabulary_a_piece_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.search import snapshot

    ix = opened(tmp_path / "ix", [article(n, "harbour pilots") for n in range(1, 30)])
    ix.update([article(n, "harbor pilot licences") for n in range(100, 104)])
    steps = 1
    while ix.warm():
        steps += 1
    assert steps == segments(ix) * len(snapshot.FUZZY_FIELDS) == 8
    assert ix.warm() is False
    # Warm, a fuzzy search and a "did you mean" load no vocabulary of their own.
    loaded: list[tuple[str, str]] = []
    real = snapshot._segment_groups

    def watched(reader: Any, field: str, key: str, folder: Any) -> Any:
        if (key, field) not in snapshot._GROUPS:
            loaded.append((key, field))
        return real(reader, field, key, folder)

    monkeypatch.setattr(snapshot, "_segment_groups", watched)
    assert ids(ix, "harbuor~") == [*range(1, 30), *range(100, 104)]
    assert ix.search("harbuor").suggestion == "harbour"
    assert loaded == []
    ix.close()
