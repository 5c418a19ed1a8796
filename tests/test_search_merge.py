"""The idle merge goes a step at a time: a write asked for during a merge is committed between its steps,
and what it changed in a segment already copied survives the merge."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from indexer.search import SearchIndex, merging
from tests.test_search_update import article, ids, opened, segments


def small_segments(folder: Path, monkeypatch: pytest.MonkeyPatch) -> SearchIndex:
    from indexer.search import idle

    monkeypatch.setattr(idle, "MAX_SEGMENTS", 1000)  # these commits start no merge by themselves
    ix = opened(folder, [article(n) for n in range(1, 31)])
    for batch in range(12):  # twelve small commits: twelve small segments
        ix.update([article(100 + 3 * batch + k, f"batch{batch} tide") for k in range(3)])
    ix.update([article(5, "tide replaced")])  # the smallest segment: copied by the merge's first step
    return ix


def settle(ix: SearchIndex) -> None:
    """Wait until the chain of merge steps has run out."""
    ix._run(lambda: None)
    while ix.idle.queued:
        ix._run(lambda: None)


def test_a_write_during_a_merge_is_committed_between_its_steps_and_survives_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = small_segments(tmp_path / "index", monkeypatch)
    before = segments(ix)
    steps: list[tuple[int, list[int]]] = []  # (segments copied by the step, articles tagged "between" then)
    writer: list[threading.Thread] = []
    real_step = merging.Merge.step

    def step(merge: merging.Merge) -> bool:
        copied = len(merge.merged)
        ok = real_step(merge)
        steps.append((len(merge.merged) - copied, ids(ix, "tag:between")))
        if len(steps) == 1:  # a tag is asked for while the merge is under way
            retag = threading.Thread(target=ix.update, args=([replace(article(5), tags=("between",))],))
            retag.start()
            writer.append(retag)
            deadline = time.monotonic() + 60
            while ix._writer._work_queue.qsize() == 0 and time.monotonic() < deadline:
                time.sleep(0.001)  # until the update is queued behind this step
        return ok

    monkeypatch.setattr(merging.Merge, "step", step)
    ix.idle.start()
    settle(ix)
    writer[0].join()

    assert len(steps) > 2 and all(copied <= 1 for copied, _ in steps)  # one segment a step at most
    assert steps[0][1] == []  # the tag is not there before the step it was queued behind ...
    assert steps[1][1] == [5]  # ... and there at the next step, long before the merge's end
    assert segments(ix) < before
    # Article 5 was copied (old version) before the tag replaced it: the merge must not bring it back.
    assert ids(ix, "tag:between") == [5]
    assert ids(ix, '"tide replaced"') == []
    assert ix.stamp()[0] == 66
    assert ids(ix, "tide") == sorted(100 + n for n in range(36))
    ix.close()


def test_a_merge_is_planned_once_and_its_due_list_kept_between_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = small_segments(tmp_path / "index", monkeypatch)
    due = [s.segment_id() for s in merging.due(ix._require()._read_toc().segments)]
    assert len(due) == merging.MAX_SEGMENTS
    assert ix._run(ix.idle.step)  # the first step plans the merge and copies one segment
    merge = ix.idle.merge
    assert merge is not None and merge.merged == due[:1] and merge.todo == due[1:]
    ix.update([article(200, "between steps")])  # a write between steps leaves the plan as it was
    assert ix.idle.merge is merge and merge.todo == due[1:]
    ix.merge_now()
    assert ix.idle.merge is None
    assert not {leaf[0].segment().segment_id() for leaf in ix._snap.leaves} & set(due) if ix._snap else False
    assert ids(ix, '"between steps"') == [200]
    ix.close()


def test_a_merge_cut_short_by_a_rebuild_is_dropped_with_its_side_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = small_segments(tmp_path / "index", monkeypatch)
    assert ix._run(ix.idle.step)
    side = ix.idle.merge.side if ix.idle.merge else None
    assert side is not None and side.is_dir()
    ix.rebuild("g1")
    assert not side.exists() and ix.idle.merge is None
    assert ix.merge_now() == 0  # a rebuilt index has nothing small to merge
    ix.close()


def test_a_long_run_of_commits_merges_without_waiting_for_a_pause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.search import idle

    monkeypatch.setattr(idle, "IDLE_MERGE_S", 3600.0)  # no idle moment comes during this test
    ix = opened(tmp_path / "index", [article(n) for n in range(1, 31)])
    most = 0
    for batch in range(40):  # an import's stream of small commits
        ix.update([article(100 + 3 * batch + k, f"batch{batch} tide") for k in range(3)])
        # How far merge steps get between two commits depends on the machine; once the steps a commit
        # started have run out, the count is the work's, not the clock's.
        settle(ix)
        most = max(most, segments(ix))
    assert most <= 2 * merging.MAX_SEGMENTS + 1  # without merging there would be 41
    assert segments(ix) <= merging.MAX_SEGMENTS
    assert ix.stamp()[0] == 150
    assert ids(ix, "tide") == sorted(100 + n for n in range(120))
    ix.close()
