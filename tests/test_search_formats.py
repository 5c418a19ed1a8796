"""The compact positions format and the rebuild writer keep what Whoosh's own format and writer keep."""

from __future__ import annotations

import itertools
import multiprocessing
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import formats as whoosh_formats
from whoosh import index as whoosh_index
from whoosh.query import Phrase

from indexer.search import rebuild, storage
from indexer.search.formats import CompactPositions, decode_positions, encode_positions
from indexer.search.schema import build_schema, fields_of
from tests.benchmarks.searchcorpus import generate

DOCS = list(generate(300, seed=5))
SCORED = ("title", "body", "spell", "authors", "source")


@given(st.lists(st.integers(min_value=0, max_value=200_000), min_size=1, max_size=60, unique=True))
def test_positions_and_frequency_round_trip(positions: list[int]) -> None:
    positions.sort()
    fmt = CompactPositions(field_boost=2.0)
    value = fmt.encode(positions)
    assert decode_positions(value) == positions
    assert fmt.decode_positions(value) == positions
    assert fmt.decode_frequency(value) == len(positions)
    assert fmt.decode_weight(value) == 2.0 * len(positions)


def test_word_values_match_whooshs_positions_format() -> None:
    schema = build_schema()
    field = schema["body"]
    plain = whoosh_formats.Positions(field_boost=field.format.field_boost)
    for doc in DOCS[:40]:
        value = fields_of(doc)["body"]
        ours = {w: (f, wt, decode_positions(v)) for w, f, wt, v in field.format.word_values(value, field.analyzer)}
        theirs = {w: (f, wt, plain.decode_positions(v)) for w, f, wt, v in plain.word_values(value, field.analyzer)}
        assert ours == theirs


def _plain_schema() -> Any:
    schema = build_schema()
    for name in ("title", "body", "authors", "source"):
        schema[name].format = whoosh_formats.Positions(field_boost=schema[name].format.field_boost)
    return schema


def _whoosh_index(folder: Path, schema: Any) -> Any:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), schema)
    w = ix.writer(codec=storage.codec())
    for doc in DOCS:
        w.add_document(**fields_of(doc))
    w.commit()
    return ix


def test_phrases_find_what_whooshs_positions_format_finds(tmp_path: Path) -> None:
    ours = _whoosh_index(tmp_path / "ours", build_schema())
    plain = _whoosh_index(tmp_path / "plain", _plain_schema())
    analyzer = build_schema()["body"].analyzer
    asked = found = 0
    with ours.searcher() as a, plain.searcher() as b:
        for doc in DOCS[::15]:
            terms = analyzer.term_list(fields_of(doc)["body"])
            for i in range(0, min(len(terms) - 2, 60), 20):
                query = Phrase("body", terms[i : i + 3])
                hits = sorted(h["idc"] for h in a.search(query, limit=None))
                assert hits == sorted(h["idc"] for h in b.search(query, limit=None)), terms[i : i + 3]
                assert doc.id in hits
                asked += 1
                found += len(hits)
        assert asked > 20 and found >= asked
        # A phrase whose words all occur, but never next to each other, is found in neither.
        words = analyzer.term_list(fields_of(DOCS[0])["body"])
        apart = Phrase("body", [words[0], words[-1]])
        assert {h["idc"] for h in a.search(apart, limit=None)} == {h["idc"] for h in b.search(apart, limit=None)}


def _everything(reader: Any) -> dict[str, Any]:
    """Every posting, term statistic, field length and stored value of an index, keyed by article id."""
    idc = reader.column_reader("idc")
    ids = {d: idc[d] for d in reader.all_doc_ids()}
    out: dict[str, Any] = {}
    for field in reader.indexed_field_names():
        terms = list(reader.lexicon(field))
        out[f"lexicon {field}"] = terms
        for term in terms[:: max(1, len(terms) // 1500)]:
            info = reader.term_info(field, term)
            m = reader.postings(field, term)
            postings = []
            while m.is_active():
                postings.append((ids[m.id()], m.weight(), m.value()))
                m.next()
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
            out[f"{field}:{term!r}"] = (stats, sorted(postings))
    for d, article in ids.items():
        lengths = tuple(reader.doc_field_length(d, f) for f in SCORED)
        out[f"doc {article}"] = (reader.stored_fields(d), lengths, reader.column_reader("pub")[d])
    return out


@pytest.mark.parametrize("procs", [1, 2])
def test_rebuild_writer_writes_what_whooshs_writer_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, procs: int
) -> None:
    monkeypatch.setattr(rebuild, "SMALL_BUILD", 50)  # worker processes for a small archive too
    monkeypatch.setattr(rebuild, "CHUNK", 120)  # and several segments
    plain = _whoosh_index(tmp_path / "plain", build_schema())
    (tmp_path / "ours").mkdir()
    ours = whoosh_index.create_in(str(tmp_path / "ours"), build_schema())
    assert rebuild.write_all(ours, iter(DOCS), procs) == len(DOCS)
    assert len(ours._segments()) >= 2
    with ours.reader() as a, plain.reader() as b:
        assert a.doc_count() == len(DOCS)
        mine, theirs = _everything(a), _everything(b)
        assert mine.keys() == theirs.keys()
        assert mine == theirs


def test_rebuild_of_an_empty_archive_is_an_openable_empty_index(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    assert rebuild.write_all(ix, iter(()), 2) == 0
    with whoosh_index.open_dir(str(tmp_path)).searcher() as s:
        assert s.doc_count() == 0


def test_a_failing_document_source_stops_the_build_and_leaves_the_index_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rebuild, "SMALL_BUILD", 50)

    def documents() -> Any:
        yield from DOCS[:120]
        raise OSError("library read failed")

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with pytest.raises(OSError, match="library read failed"):
        rebuild.write_all(ix, documents(), 2)
    assert multiprocessing.active_children() == []
    with whoosh_index.open_dir(str(tmp_path)).searcher() as s:
        assert s.doc_count() == 0
    assert rebuild.write_all(ix, iter(DOCS[:80]), 2) == 80  # and the lock was given back


def test_a_worker_that_fails_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rebuild, "SMALL_BUILD", 50)
    real = rebuild.fields_of

    def fields_of_or_fail(doc: Any) -> dict[str, Any]:
        if doc.id == DOCS[100].id:
            raise ValueError("unreadable article")
        return real(doc)

    monkeypatch.setattr(rebuild, "fields_of", fields_of_or_fail)  # the forked workers inherit it
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with pytest.raises(RuntimeError, match="unreadable article"):
        rebuild.write_all(ix, iter(DOCS), 2)
    assert multiprocessing.active_children() == []
    with whoosh_index.open_dir(str(tmp_path)).searcher() as s:
        assert s.doc_count() == 0


def test_phrase_decoding_reads_every_delta_width_as_the_format_does() -> None:
    # One block's values: postings whose deltas need 1, 2 and 4 bytes (a word first seen past the
    # 255th word, or 70,000 words apart from itself) decode to the positions that were written.
    from indexer.search import phrase

    rng = random.Random(3)
    lists = [sorted(rng.sample(range(top), k)) for top, k in ((200, 5), (300, 1), (5_000, 9), (200_000, 3), (90, 2))]
    values = [encode_positions(p) for p in lists]
    assert {v[0] for v in values} == {1, 2, 4}
    offsets = np.array([0, *itertools.accumulate(len(v) for v in values)], dtype=np.int64)
    raw = np.frombuffer(b"".join(values), dtype=np.uint8)
    ids = np.array([3, 8, 9, 20, 31], dtype=np.int64)
    chosen = np.array([0, 2, 3, 4])  # one posting left out, as when its document is not wanted
    docs, where = phrase._decode(ids[chosen], offsets[chosen], offsets[chosen + 1], raw)
    got = sorted(zip(docs.tolist(), where.tolist(), strict=True))
    assert got == sorted((int(ids[i]), p) for i in chosen.tolist() for p in lists[i])
