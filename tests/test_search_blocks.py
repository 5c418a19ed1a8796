"""Posting blocks in the array layout read back exactly what Whoosh's own layout holds."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from indexer.search.blocks import ArrayLeafMatcher, decode_arrays, encode_block
from indexer.search.schema import build_schema, fields_of
from indexer.search.storage import codec
from tests.benchmarks.searchcorpus import generate

DOCS = list(generate(300, seed=3))


def _index(folder: Path, chosen: W3Codec) -> object:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    w = ix.writer(codec=chosen)
    for doc in DOCS:
        w.add_document(**fields_of(doc))
    w.commit()
    return ix


def _postings(reader: object, field: str, term: bytes) -> list[tuple[int, float, bytes]]:
    m = reader.postings(field, term)  # type: ignore[attr-defined]
    out = []
    while m.is_active():
        out.append((m.id(), m.weight(), m.value()))
        m.next()
    return out


def test_every_posting_of_every_term_matches_whooshs_own_layout(tmp_path: Path) -> None:
    ours = _index(tmp_path / "ours", codec()).reader()  # type: ignore[attr-defined]
    plain = _index(tmp_path / "plain", W3Codec()).reader()  # type: ignore[attr-defined]
    checked = blocks = 0
    for field in ("title", "body", "authors", "tags", "f_author"):
        terms = list(plain.lexicon(field))
        assert terms == list(ours.lexicon(field))
        for term in terms[:: max(1, len(terms) // 800)]:
            assert _postings(ours, field, term) == _postings(plain, field, term), (field, term)
            checked += 1
            m = ours._terms.matcher(field, term, ours.schema[field].format)
            if isinstance(m, ArrayLeafMatcher):
                blocks += 1
                ids, weights = m.block_arrays()
                assert ids.tolist()[: m._blocklength] == [p[0] for p in _postings(ours, field, term)][: len(ids)]
    assert checked > 1000 and blocks > 50  # many terms, and many of them long enough for blocks


def test_a_block_round_trips_ids_weights_and_values() -> None:
    ids = [3, 4, 90, 1000, 70_000]
    for weights in ([1.0] * 5, [2.5] * 5, [1.0, 2.0, 3.5, 1.0, 9.0]):
        data = encode_block(ids, weights, [b"a", b"", b"xyz", b"q", b"p"], None, 3)
        got_ids, got_weights = decode_arrays(data, len(ids))
        assert got_ids.tolist() == ids and got_weights.tolist() == weights
