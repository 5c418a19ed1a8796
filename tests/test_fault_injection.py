"""Kill real `newsarchive` processes (SIGKILL) at points of their work and check that nothing is lost.

A few hundred pages are imported into one library by `import` runs that are killed part-way, between
which `reindex` runs and bursts of tags and bookmarks are killed too. After every kill the library
is opened as a user would open it, and must repair itself without help; then `doctor` must pass,
every article must be whole (its author rows, its files, one index entry), every tag and bookmark a
process reported done must still be there, and no process of the killed run may be left running.
A last import must complete the set with no duplicates.

Kill points come from the work, not from the clock, so the test reaches as far on a fast machine as
on a loaded one: an import is killed after the N-th article it reports stored (`--progress lines`),
within its start-up, or after its last article while it commits the index, each timed from what
earlier runs of the same work took; a burst after its N-th reported tag; a reindex at a random point
of an unkilled reindex of the same library measured just before. A run that ends before its kill
point is run again until one is killed. The seed is printed; FAULT_SEED=<n> replays the choices.
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from indexer.library import Library
from tests import crashkit, integrity

IMPORT_KILLS = 30
REINDEX_KILLS = 5
BURST_KILLS = 5
PAGES = 240
# Runs allowed for one kill. A run misses its kill only when it ends inside the last stretch of its work
# before the kill point, and each miss teaches the next run how long that stretch takes.
TRIES = 8


@dataclass
class Tally:
    kills: dict[str, int] = field(default_factory=lambda: {"import": 0, "reindex": 0, "tag/bookmark": 0})
    finished_before_kill: int = 0
    moments: Counter[str] = field(default_factory=Counter)
    repairs: int = 0
    repair_kinds: set[str] = field(default_factory=set)
    losses: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class Checker:
    """Opens the library after each kill and records repairs, losses and other problems."""

    def __init__(self, library: Path, reference: dict[str, integrity.Stored], tally: Tally) -> None:
        self.library = library
        self.reference = reference
        self.tally = tally
        self.tags: set[tuple[int, str]] = set()
        self.bookmarks: set[int] = set()

    def after(self, what: str) -> None:
        with Library(self.library) as lib:
            if lib.repairs:
                self.tally.repairs += 1
                kinds = (re.sub(r"\d+", "N", r.split(";")[0].split("(")[0].strip()[:60]) for r in lib.repairs)
                self.tally.repair_kinds.update(kinds)
            for article, name in sorted(self.tags):
                record = lib.article(article)
                if record is None or name not in record.tags:
                    self.tally.losses.append(f"after {what}: tag {name} on #{article} reported done, now gone")
                elif article not in {h.id for h in lib.search(f"tag:{name}", limit=5).hits}:
                    self.tally.losses.append(f"after {what}: tag {name} on #{article} is not in the search index")
            for article in sorted(self.bookmarks):
                record = lib.article(article)
                if record is None or not record.bookmarked:
                    self.tally.losses.append(f"after {what}: bookmark on #{article} reported done, now gone")
        doctor = crashkit.cli(self.library, "doctor")
        if doctor.returncode != 0:
            self.tally.problems.append(f"after {what}: doctor exit {doctor.returncode}: {doctor.stdout[-300:]}")
        for problem in integrity.problems(self.library, self.reference):
            target = self.tally.losses if "not whole" in problem or "missing" in problem else self.tally.problems
            target.append(f"after {what}: {problem}")


@pytest.fixture(scope="module")
def pages(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("pages")
    found = crashkit.corpus_pages(request, folder, PAGES)
    return found + crashkit.generated_pages(folder, PAGES - len(found))


@dataclass
class Pace:
    """How long stretches of the work took in earlier runs of this test (seconds), to place kills inside."""

    startup: float = 1.0  # from start to the first article stored
    tail: float = 1.0  # from the last article stored to the end of the process (the index commit)
    burst_startup: float = 1.0  # from start to the first tag of a burst


def test_killed_imports_reindexes_and_tag_bursts_lose_nothing(pages: list[Path], tmp_path: Path) -> None:
    seed = int(os.environ.get("FAULT_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    started = time.monotonic()

    reference_dir = tmp_path / "reference"
    with Library(reference_dir) as ref:
        report = ref.import_paths(pages)
    imported = len(report.of("imported"))
    reference = integrity.articles(reference_dir)
    assert imported >= PAGES * 0.9 and len(reference) == imported

    library = tmp_path / "library"
    tally = Tally()
    checker = Checker(library, reference, tally)
    pace = Pace()
    logs = tmp_path / "logs"
    logs.mkdir()
    cli = [sys.executable, "-m", "desktop", "--library", str(library)]
    run = 0

    def start(argv: list[str], kind: str) -> crashkit.Watched:
        nonlocal run
        run += 1
        return crashkit.Watched(argv, logs / f"{run:03d}-{kind.replace('/', '-')}.log")

    def ended(watched: crashkit.Watched, kind: str, killed: bool, moment: str) -> None:
        """After a run: count its kill, look for processes it left, and check the library as a user opens it."""
        left = watched.left_behind()
        if left:
            tally.problems.append(f"{kind} run {run} ({moment}) left {len(left)} process(es) running: {sorted(left)}")
        if killed:
            tally.kills[kind] += 1
            tally.moments[f"{kind}: {moment}"] += 1
        else:
            tally.finished_before_kill += 1
            code = watched.proc.returncode
            assert code in (0, 1), f"{kind} run {run} ended with {code}: {watched.log.read_text()[-2000:]}"
        if kind == "tag/bookmark":
            tags, bookmarks = crashkit.reported(watched.log)
            checker.tags |= tags
            checker.bookmarks |= bookmarks
        checker.after(f"{kind} run {run}")

    def import_run() -> bool:
        batch = rng.sample(pages, rng.randint(15, 50))
        watched = start([*cli, "import", "--progress", "lines", *map(str, batch)], "import")
        where = rng.random()
        if where < 0.15:
            moment = "start-up"
            killed = watched.sleep_then_kill(rng.uniform(0, pace.startup))
        else:
            moment, target = ("after the last article", len(batch)) if where < 0.3 else ("mid-import", 0)
            target = target or rng.randint(1, len(batch))
            line = previous = None
            for _ in range(target):
                previous, line = line, watched.next_line("{")
                if line is None:
                    break
            if line is None:
                killed = watched.kill()
            elif target == len(batch):
                killed = watched.sleep_then_kill(rng.uniform(0, pace.tail))
            else:
                # Somewhere in the work on the next article: as long again as the last one took.
                gap = line[0] - (previous[0] if previous else 0.0)
                killed = watched.sleep_then_kill(rng.uniform(0, gap))
        firsts = [t for t, text in watched.seen if text.startswith("{")]
        if firsts:
            pace.startup = firsts[0]
            if not killed:
                pace.tail = max(0.05, (time.monotonic() - watched.started) - firsts[-1])
        ended(watched, "import", killed, moment)
        return killed

    def reindex_run() -> bool:
        measured = start([*cli, "reindex"], "reindex")
        measured.proc.wait()
        duration = time.monotonic() - measured.started
        assert measured.proc.returncode == 0, measured.log.read_text()[-2000:]
        assert measured.left_behind() == set()
        watched = start([*cli, "reindex"], "reindex")
        killed = watched.sleep_then_kill(rng.uniform(0, duration))
        ended(watched, "reindex", killed, "rebuilding")
        return killed

    def burst_run() -> bool:
        watched = start([sys.executable, "-c", crashkit.TAG_BURST, str(library), f"r{run}"], "tag/bookmark")
        if rng.random() < 0.2:
            moment = "start-up"
            killed = watched.sleep_then_kill(rng.uniform(0, pace.burst_startup))
        else:
            moment = "tagging"
            for _ in range(rng.randint(1, 200)):
                if watched.next_line("tag ") is None:
                    break
            killed = watched.kill()
        firsts = [t for t, text in watched.seen if text.startswith("tag ")]
        if firsts:
            pace.burst_startup = firsts[0]
        ended(watched, "tag/bookmark", killed, moment)
        return killed

    def land(attempt: Callable[[], bool], kind: str) -> None:
        for _ in range(TRIES):
            if attempt():
                return
        tally.problems.append(f"no {kind} run of {TRIES} was killed: each ended before its kill point")

    for number in range(IMPORT_KILLS):
        if tally.problems:
            break  # the verdict is known: no need to go on killing
        land(import_run, "import")
        if number % 6 == 2:
            land(burst_run, "tag/bookmark")
        if number % 6 == 5:
            land(reindex_run, "reindex")
    while tally.kills["reindex"] < REINDEX_KILLS and not tally.problems:
        land(reindex_run, "reindex")
    while tally.kills["tag/bookmark"] < BURST_KILLS and not tally.problems:
        land(burst_run, "tag/bookmark")

    # Re-running the import completes the set, with no duplicates.
    final = crashkit.cli(library, "import", *map(str, pages))
    assert final.returncode in (0, 1), final.stderr[-2000:]
    checker.after("the final import")
    stored = integrity.articles(library)
    if set(stored) != set(reference):
        tally.losses.append(f"final set differs: {len(set(reference) - set(stored))} missing")

    kills = sum(tally.kills.values())
    print(
        f"\nfault injection (FAULT_SEED={seed}, {len(pages)} pages, {time.monotonic() - started:.0f} s): "
        f"{kills} kills ({', '.join(f'{k} {v}' for k, v in tally.kills.items())}), "
        f"{tally.finished_before_kill} runs ended before their kill point and were run again, "
        f"{tally.repairs} opens repaired something, {len(checker.tags)} tags and {len(checker.bookmarks)} "
        f"bookmarks reported done, losses = {len(tally.losses)}, other problems = {len(tally.problems)}"
    )
    print("  killed: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.moments.items())))
    for kind in sorted(tally.repair_kinds):
        print(f"  repair seen: {kind}")
    for line in (tally.losses + tally.problems)[:20]:
        print(f"  {line}")
    assert tally.losses == []
    assert tally.problems == []
    assert tally.kills == {"import": IMPORT_KILLS, "reindex": REINDEX_KILLS, "tag/bookmark": BURST_KILLS}
    assert kills >= 30
