"""Each step of the idle merge does a bounded share of its work, counted (never timed): a term row, a
posting, a hash table entry or a byte of the compound file is written by one step only, no step writes
more than its bound, and a tag is committed between any two steps. The merged index answers every
search the unmerged one did, and a merge cut short or killed mid-way leaves nothing behind."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from indexer.search import IndexDoc, SearchIndex, copying, merging, termfile
from indexer.search.lexicon import TERM_INFO
from tests.benchmarks.searchcorpus import generate
from tests.test_search_update import ids, opened, segments

WRITE = 500  # postings (and hash entries) a step, small enough that a 60-article merge takes many steps
DOCS = 4  # documents a step copies: each 6-article segment takes two steps, then its postings more
ASSEMBLE = 64 * 1024  # bytes of the compound file a step
READ = 16 * 1024


def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(merging, "WRITE_STEP_POSTINGS", WRITE)
    monkeypatch.setattr(merging, "COPY_STEP_DOCS", DOCS)
    monkeypatch.setattr(merging, "ASSEMBLE_STEP_BYTES", ASSEMBLE)
    monkeypatch.setattr(merging, "_READ_BYTES", READ)


def archive(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[SearchIndex, list[IndexDoc]]:
    """An index of 12 generated articles and ten small commits of 6 more each: ten segments to merge."""
    from indexer.search import idle

    monkeypatch.setattr(idle, "MAX_SEGMENTS", 1000)  # these commits start no merge by themselves ...
    monkeypatch.setattr(idle, "IDLE_MERGE_S", 3600.0)  # ... nor does an idle moment: the test takes the steps
    docs = list(generate(72, seed=11))
    ix = opened(folder, docs[:12])
    for k in range(10):
        ix.update(docs[12 + 6 * k : 18 + 6 * k])
    if ix.idle._timer:
        ix.idle._timer.cancel()
    return ix, docs


def queries(docs: list[IndexDoc]) -> list[str]:
    """Words of every frequency, phrases, prefixes, authors and tags of the articles."""
    out: set[str] = set()
    for doc in docs[::5]:
        words = [w.strip(".,").lower() for w in doc.body.split()]
        out.update(words[::60])
        out.add(f'"{words[3]} {words[4]}"')
        out.add(words[7][:3] + "*")
        out.add(f'author:"{doc.authors[0]}"')
        out.update(f'tag:"{tag}"' for tag in doc.tags)
    return sorted(q for q in out if q.strip('"*'))


def answers(ix: SearchIndex, asked: list[str]) -> dict[str, list[int]]:
    return {q: ids(ix, q) for q in asked}


def seg_bytes(side: Path) -> int:
    return sum(path.stat().st_size for path in side.glob("*.seg"))


def test_each_merge_step_writes_a_bounded_share_and_a_tag_commits_between_any_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_steps(monkeypatch)
    ix, docs = archive(tmp_path / "index", monkeypatch)
    asked = queries(docs)
    before = answers(ix, asked)
    assert sum(map(len, before.values())) > 100  # the queries find things

    work = {"docs": 0, "read": 0, "terms": 0, "postings": 0, "hashed": 0}
    nothing = dict.fromkeys(work, 0)
    most_read = [0]  # the longest posting list of a copied segment, never split between steps
    real_read = copying._term_postings

    def read(postfile: Any, entry: bytes, fmt: Any) -> Any:
        postings = real_read(postfile, entry, fmt)
        work["read"] += len(postings[0])
        most_read[0] = max(most_read[0], len(postings[0]))
        return postings

    most_postings = [0]  # the longest posting list: one term's list is never split between steps
    real_add, real_flush, real_table = termfile.TermRows.add, termfile.TermRows.flush, termfile._hash_table

    def add(rows: termfile.TermRows, key: bytes, entry: bytes) -> None:
        count = TERM_INFO.unpack_from(entry)[2]  # the term entry's document count: its postings
        work["postings"] += count
        most_postings[0] = max(most_postings[0], count)
        real_add(rows, key, entry)

    def flush(rows: termfile.TermRows) -> None:
        work["terms"] += len(rows.keys)  # term rows written to the term file
        real_flush(rows)

    most_hashed = [0]  # the biggest of the 256 hash tables: one table is never split between steps

    def table(entries: list[tuple[int, int]]) -> bytes:
        work["hashed"] += len(entries)
        most_hashed[0] = max(most_hashed[0], len(entries))
        return real_table(entries)

    moved: list[str] = []
    real_replace: Callable[..., Any] = os.replace

    def replace_file(src: Any, dst: Any) -> None:
        if Path(src).parent.name.startswith(merging.SIDE_PREFIX):  # out of a merge's side folder
            moved.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(copying, "_term_postings", read)
    monkeypatch.setattr(termfile.TermRows, "add", add)
    monkeypatch.setattr(termfile.TermRows, "flush", flush)
    monkeypatch.setattr(termfile, "_hash_table", table)
    monkeypatch.setattr(merging.os, "replace", replace_file)

    retagged = docs[20]  # in a segment the merge copies: its retagging must survive the merge
    steps: list[tuple[str, dict[str, int], int]] = []  # (what the step did, its work, compound bytes it wrote)
    merge: merging.Merge | None = None
    n = 0
    while True:
        for key in work:
            work[key] = 0
        side = merge.side if merge else None
        size = seg_bytes(side) if side else 0
        committing = merge is not None and merge.ready
        docs_before = merge.writer.docnum if merge else 0
        assert ix._run(ix.idle.step)
        if merge is None:
            merge = ix.idle.merge
            assert merge is not None
        work["docs"] = merge.writer.docnum - docs_before
        if committing:
            steps.append(("commit", dict(work), 0))
            assert ix.idle.merge is not merge
            break
        assert ix.idle.merge is merge  # still the one merge, taken up again after the tag below
        steps.append((merge.did, dict(work), seg_bytes(merge.side) - size))
        n += 1
        ix.update([replace(retagged, tags=(f"step{n}",))])  # a tag between this step and the next
        assert ids(ix, f"tag:step{n}") == [retagged.id]
        assert ids(ix, f"tag:step{n - 1}") == []

    kinds = [kind for kind, _, _ in steps]
    copies = kinds.index("stored")
    assert copies >= 30 and set(kinds[:copies]) == {"copy"} and kinds[-1] == "commit"  # 3+ steps a segment
    assert kinds.count("postings") >= 5 and kinds.count("hashes") >= 2 and kinds.count("assemble") >= 5
    # The ten segments' 60 articles, less the retagged one if it was replaced before its segment's copy began.
    assert sum(done["docs"] for _, done, _ in steps) in (59, 60)
    for kind, done, grew in steps:
        assert done["docs"] <= DOCS and done["read"] <= WRITE + most_read[0], (kind, done)
        if kind != "copy":
            assert done["docs"] == done["read"] == 0, (kind, done)
        assert done["terms"] <= WRITE and done["postings"] <= WRITE + most_postings[0], (kind, done)
        assert done["hashed"] <= WRITE + most_hashed[0], (kind, done)
        assert grew <= ASSEMBLE + READ + 4096, (kind, grew)  # the last one adds the file's directory
        if kind in ("stored", "commit"):
            assert done == nothing and grew == 0, (kind, done, grew)
        if kind == "copy":
            assert done["terms"] == done["postings"] == done["hashed"] == grew == 0, (kind, done, grew)
    assert sum(done["terms"] for _, done, _ in steps) > 10 * WRITE  # the bound was met many times over
    assert moved == [f"{merge.segment.segment_id()}.seg"]  # the commit step moves one file in, nothing else

    listed = {leaf[0].segment().segment_id() for leaf in ix._snap.leaves} if ix._snap else set()
    assert merge.segment.segment_id() in listed and not listed & set(merge.merged)  # the ten are one now ...
    after = answers(ix, asked)
    for q in asked:  # ... and every search answers as before the merge, the retagged article's tags aside
        assert after[q] == before[q] or q.startswith("tag:"), q
    assert ids(ix, f"tag:step{n}") == [retagged.id]
    assert ix.stamp()[0] == 72
    ix.close()


def test_a_merge_dropped_while_assembling_leaves_the_index_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_steps(monkeypatch)
    ix, docs = archive(tmp_path / "index", monkeypatch)
    asked = queries(docs)
    before = answers(ix, asked)
    live = Path(ix._require().storage.folder)
    files = sorted(p.name for p in live.iterdir())
    while ix.idle.merge is None or ix.idle.merge.did != "assemble":
        assert ix._run(ix.idle.step)
    merge = ix.idle.merge
    assert merge is not None and not merge.ready and seg_bytes(merge.side) > 0  # half-assembled

    killed = tmp_path / "killed"  # the folder as a process killed now would leave it
    shutil.copytree(tmp_path / "index", killed)

    ix._run(ix.idle.drop)
    assert not merge.side.exists() and ix.idle.merge is None
    assert sorted(p.name for p in live.iterdir()) == files
    assert answers(ix, asked) == before
    ix.close()

    again = SearchIndex(killed, lambda: list(docs), procs=1)
    assert again.open(72, "g1", sweep=True) is None  # no rebuild: the live index was never touched
    killed_live = Path(again._require().storage.folder)
    assert not [p for p in killed_live.iterdir() if p.name.startswith(merging.SIDE_PREFIX)]
    assert answers(again, asked) == before
    assert again.merge_now() > 0 and segments(again) == 2  # and the merge is simply done again
    assert answers(again, asked) == before
    again.close()
