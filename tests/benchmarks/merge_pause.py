"""Idle merge benchmark: how long a tag waits while small segments are merged into a large index.

    python tests/benchmarks/merge_pause.py --keep DIR [--commits 12] [--json]

DIR is a folder `search.py --keep DIR` left (its library and index, e.g. 100,000 articles). The index is
copied to a temporary folder (DIR stays as it was), then:
1. `--commits` commits of 100 new articles each (median and worst time of a commit);
2. the idle merge starts, and a tag (one article re-indexed) is asked for again and again until the
   merge is over: the longest wait of a tag is the pause a user would feel; the merge's total time too;
3. each merge step's time and what it did, then per kind of step (copy, stored, postings, hashes,
   assemble, commit) their number, median and longest time.
Measures only; never fails on speed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from searchcorpus import generate  # noqa: E402

from indexer.search import SearchIndex, merging  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, required=True, help="a folder search.py --keep built")
    ap.add_argument("--commits", type=int, default=12)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    db = sqlite3.connect(args.keep / "library.sqlite3")
    built = db.execute("SELECT count(*) FROM docs").fetchone()[0]
    db.close()
    with tempfile.TemporaryDirectory(prefix="merge-bench-") as tmp:
        folder = Path(tmp) / "index"
        shutil.copytree(args.keep / "index", folder)
        ix = SearchIndex(folder, lambda: [], procs=1)
        steps: list[tuple[str, float, int]] = []  # (what the step did, seconds, segments after it)
        real_step = ix.idle.step
        listing: list[float] = []  # seconds of each merge's `commit` (moving its file in, the new TOC)
        real_commit = merging.Merge.commit

        def timed_commit(merge: merging.Merge) -> bool:
            t0 = time.perf_counter()
            try:
                return real_commit(merge)
            finally:
                listing.append(time.perf_counter() - t0)

        def timed_step() -> bool:
            before = ix.idle.merge
            committing = before is not None and before.ready
            t0 = time.perf_counter()
            more = real_step()
            seconds = time.perf_counter() - t0
            after = ix.idle.merge
            if committing:
                kind = "commit"  # listing the merged segment, then searching the new generation
            elif after is not None:
                kind = getattr(after, "did", "") or "copy/write"
                kind = kind if before is not None else f"plan+{kind}"
            else:
                kind = "nothing"
            steps.append((kind, seconds, len(ix._snap.leaves) if ix._snap else 0))
            return more

        merging.Merge.commit = timed_commit  # type: ignore[method-assign]
        ix.idle.step = timed_step  # type: ignore[method-assign]
        repaired = ix.open(built, "bench")
        assert repaired is None, repaired
        commits: list[float] = []
        new = list(generate(100 * args.commits, seed=77, first_id=20_000_000))
        for k in range(args.commits):
            t0 = time.perf_counter()
            ix.update(new[100 * k : 100 * (k + 1)])
            commits.append(time.perf_counter() - t0)
        if ix.idle._timer:
            ix.idle._timer.cancel()
        segments = len(ix._snap.leaves) if ix._snap else 0
        target = new[0]
        waits: list[float] = []
        counts: list[int] = []  # segments after each tag
        t_start = time.perf_counter()
        ix.idle.start()
        first = None
        n = 0
        while True:
            n += 1
            t0 = time.perf_counter()
            ix.update([replace(target, tags=(f"bench{n}",))])
            waits.append(time.perf_counter() - t0)
            counts.append(len(ix._snap.leaves) if ix._snap else 0)
            if ix.idle._timer:
                ix.idle._timer.cancel()
            current = ix.idle.merge  # over when the first merge planned is committed
            if first is None:
                first = current
            if (first is not None and current is not first) or not ix.idle.queued:
                break
            if time.perf_counter() - t_start > 600:
                break
            time.sleep(0.1)  # a person tagging fast
        ix._run(lambda: None)  # the step running as the loop ended
        merge_s = time.perf_counter() - t_start
        after = len(ix._snap.leaves) if ix._snap else 0
        found = ix.search(f"tag:bench{n}").total
        ix.close()
    figures = {
        "articles": built,
        "commit100_median_s": round(statistics.median(commits), 2),
        "commit100_max_s": round(max(commits), 2),
        "segments_before": segments,
        "segments_after": after,
        "merge_s": round(merge_s, 2),
        "tags_during_merge": len(waits),
        "tag_wait_max_ms": round(max(waits) * 1000, 1),
        "tag_wait_median_ms": round(statistics.median(waits) * 1000, 1),
        "last_tag_found": found,
    }
    print(
        f"{built} articles: 100-article commit median {figures['commit100_median_s']} s (worst "
        f"{figures['commit100_max_s']} s); merge of {segments} -> {after} segments took {figures['merge_s']} s; "
        f"{len(waits)} tags meanwhile waited at most {figures['tag_wait_max_ms']} ms "
        f"(median {figures['tag_wait_median_ms']} ms)"
    )
    print(f"  segments after each tag: {counts}")
    for kind, seconds, count in steps:
        print(f"  merge step {kind:14} {seconds * 1000:8.1f} ms  -> {count} segments")
    by_kind: dict[str, list[float]] = {}
    for kind, seconds, _ in steps:
        by_kind.setdefault(kind, []).append(seconds * 1000)
    if listing:
        by_kind["(commit's listing)"] = [s * 1000 for s in listing]
    for kind, times in by_kind.items():
        print(
            f"  {kind:20} {len(times):3} steps, median {statistics.median(times):7.1f} ms, longest {max(times):7.1f} ms"
        )
    figures["step_max_ms"] = {kind: round(max(times), 1) for kind, times in by_kind.items()}
    figures["merge_steps"] = len(steps)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
