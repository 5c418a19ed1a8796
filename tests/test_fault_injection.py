"""Kill real `newsarchive` processes (SIGKILL) at random moments and check that nothing is lost.

A few hundred pages are imported into one library by `import` runs that are killed part-way, between
which `reindex` runs and bursts of tags and bookmarks are killed too. After every kill the library
is opened as a user would open it, and must repair itself without help; then `doctor` must pass,
every article must be whole (its author rows, its files, one index entry), and every tag and
bookmark a process reported done must still be there. A last import must complete the set with no
duplicates. The seed is printed; FAULT_SEED=<n> replays a run.
"""

from __future__ import annotations

import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from indexer.library import Library
from tests import crashkit, integrity

IMPORT_KILLS = 30
REINDEX_KILLS = 5
BURST_KILLS = 5
PAGES = 240


@dataclass
class Tally:
    kills: dict[str, int] = field(default_factory=lambda: {"import": 0, "reindex": 0, "tag/bookmark": 0})
    finished_before_kill: int = 0
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
                self.tally.repair_kinds.update(r.split(";")[0].split("(")[0].strip()[:60] for r in lib.repairs)
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
    logs = tmp_path / "logs"
    logs.mkdir()
    run = 0

    def killed(proc_args: list[str], kind: str, low: float, high: float) -> None:
        nonlocal run
        run += 1
        out = logs / f"{run:03d}-{kind.replace('/', '-')}.log"
        proc = crashkit.start(proc_args, out)
        if crashkit.kill_at(proc, rng.uniform(low, high)):
            tally.kills[kind] += 1
        else:
            tally.finished_before_kill += 1
            assert proc.returncode in (0, 1), out.read_text()[-2000:]
        if kind == "tag/bookmark":
            tags, bookmarks = crashkit.reported(out)
            checker.tags |= tags
            checker.bookmarks |= bookmarks
        checker.after(f"{kind} run {run}")

    cli = [sys.executable, "-m", "desktop", "--library", str(library)]
    # Imports of random handfuls, killed anywhere from start-up to the last index commit.
    while tally.kills["import"] < IMPORT_KILLS and run < IMPORT_KILLS * 2:
        batch = rng.sample(pages, rng.randint(15, 50))
        killed([*cli, "import", *map(str, batch)], "import", 0.4, 4.5)
        if run % 6 == 0:
            killed([*cli, "reindex"], "reindex", 0.3, 2.0)
        if run % 6 == 3:
            burst = [sys.executable, "-c", crashkit.TAG_BURST, str(library), f"r{run}"]
            killed(burst, "tag/bookmark", 0.8, 2.5)
    while tally.kills["reindex"] < REINDEX_KILLS and run < IMPORT_KILLS * 3:
        killed([*cli, "reindex"], "reindex", 0.3, 2.0)
    while tally.kills["tag/bookmark"] < BURST_KILLS and run < IMPORT_KILLS * 4:
        killed([sys.executable, "-c", crashkit.TAG_BURST, str(library), f"r{run}"], "tag/bookmark", 0.8, 2.5)

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
        f"{tally.finished_before_kill} runs finished before their kill, "
        f"{tally.repairs} opens repaired something, {len(checker.tags)} tags and {len(checker.bookmarks)} "
        f"bookmarks reported done, losses = {len(tally.losses)}, other problems = {len(tally.problems)}"
    )
    for kind in sorted(tally.repair_kinds):
        print(f"  repair seen: {kind}")
    for line in (tally.losses + tally.problems)[:20]:
        print(f"  {line}")
    # A process can finish before its random kill time; the loops aim at 40 kills, and at least the
    # 30 the issue asks for must have landed (the count is about the test's reach, not the product).
    assert kills >= IMPORT_KILLS
    assert tally.losses == []
    assert tally.problems == []
