"""Helpers for tests that run, race and kill real `newsarchive` processes on a library folder."""

from __future__ import annotations

import gzip
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.cli import run
from tests.pages import article_html, write

PROJECT = Path(__file__).resolve().parents[1]
FIRST_NAMES = ["Maren", "Tomas", "Priya", "Jonas", "Ada", "Kofi", "Lena", "Ravi", "Ines", "Oskar"]
LAST_NAMES = ["Holt", "Brandt", "Venkataraman", "Okafor", "Lindqvist", "Moreau", "Castillo", "Nakamura"]
TOPICS = ["ferry", "seawall", "orchestra", "library", "bridge", "tram", "harvest", "election", "museum", "storm"]


def corpus_pages(request: pytest.FixtureRequest, folder: Path, limit: int) -> list[Path]:
    """Real saved pages from ../shared/corpus/aeb/html, decompressed into `folder`; [] without ../shared."""
    try:
        shared: Path = request.getfixturevalue("shared_dir")
    except pytest.skip.Exception:
        return []
    out = []
    for source in sorted((shared / "corpus" / "aeb" / "html").glob("*.html.gz"))[:limit]:
        target = folder / source.name.removesuffix(".gz")
        target.write_bytes(gzip.decompress(source.read_bytes()))
        out.append(target)
    return out


def generated_pages(folder: Path, count: int, start: int = 0) -> list[Path]:
    """Distinct small article pages (each its own text, title, authors and URL)."""
    out = []
    for n in range(start, start + count):
        topic = TOPICS[n % len(TOPICS)]
        authors = [{"name": f"{FIRST_NAMES[n % 10]} {LAST_NAMES[n % 8]}", "jobTitle": "Reporter"}]
        if n % 3 == 0:
            authors.append({"name": f"{FIRST_NAMES[(n + 3) % 10]} {LAST_NAMES[(n + 5) % 8]}"})
        paragraphs = [
            f"Story {n}: the {topic} report number {n} opens with what residents of ward {n % 17} saw this week.",
            f"Officials described the {topic} plans for district {n} in detail, with costs and dates attached.",
            f"Critics in ward {n % 17} said the figures for item {n} had been revised twice since the spring.",
            f"A further meeting on the {topic} question is planned, and minutes of session {n} will be published.",
        ]
        page = article_html(
            title=f"The {topic} question, part {n}",
            authors=authors,
            url=f"https://news.example/{topic}/{n}",
            paragraphs=paragraphs,
        )
        out.append(write(folder / f"gen-{n:05d}.html", page))
    return out


def cli(library: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m desktop --library LIBRARY ARGS...` to the end."""
    return run(library, *args, timeout=timeout, env=child_env())


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


def start(argv: list[str], out: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a process in its own session (so that it and its workers can be killed as a group)."""
    return subprocess.Popen(
        argv,
        cwd=PROJECT,
        stdout=out.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env or child_env(),
    )


def start_cli(library: Path, out: Path, *args: str) -> subprocess.Popen:
    return start([sys.executable, "-m", "desktop", "--library", str(library), *args], out)


def group_members(pgid: int) -> set[int]:
    """Processes of the process group `pgid` that still run (zombies, which hold nothing, left out)."""
    members = set()
    proc = Path("/proc")
    if proc.is_dir():
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z" and int(fields[2]) == pgid:
                members.add(int(entry.name))
        return members
    out = subprocess.run(["ps", "-axo", "pid=,pgid=,stat="], capture_output=True, text=True).stdout
    for line in out.splitlines():
        pid, group, state = line.split()[:3]
        if int(group) == pgid and not state.startswith("Z"):
            members.add(int(pid))
    return members


# A process that outlives its parent by this much has not noticed at all: it was left behind.
LEFT_BEHIND_S = 60.0


def wait_for_empty_group(pgid: int) -> set[int]:
    """Wait until every process of group `pgid` has ended on its own; what still runs after
    LEFT_BEHIND_S is returned (an empty set when nothing was left behind)."""
    deadline = time.monotonic() + LEFT_BEHIND_S
    while (members := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return members


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Watched:
    """A started process (in a session of its own) whose output is read line by line as it comes, so that
    a test can kill it at a point of its work: after the N-th article it reports, say. The output is
    also kept in `log`."""

    def __init__(self, argv: list[str], log: Path) -> None:
        self.log = log
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            argv,
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=child_env(),
        )
        self._lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.seen: list[tuple[float, str]] = []  # (seconds since start, line) of every line taken so far

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with self.log.open("wb") as out:
            for raw in self.proc.stdout:
                out.write(raw)
                out.flush()
                self._lines.put((time.monotonic() - self.started, raw.decode("utf-8", "replace")))
        self._lines.put(None)

    def next_line(self, startswith: str = "") -> tuple[float, str] | None:
        """The next output line starting with `startswith`, with its time since start; None once the
        output has ended (the process and everything that shared its output are gone)."""
        while True:
            item = self._lines.get()
            if item is None:
                self._lines.put(None)
                return None
            self.seen.append(item)
            if item[1].startswith(startswith):
                return item

    def kill(self) -> bool:
        """SIGKILL the process now, as a crash or a force-quit would end it; False if it had ended."""
        killed = self.proc.poll() is None
        if killed:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        return killed

    def sleep_then_kill(self, seconds: float) -> bool:
        """Kill after `seconds` more, unless the process ends first (then False)."""
        try:
            self.proc.wait(timeout=max(0.0, seconds))
        except subprocess.TimeoutExpired:
            pass
        return self.kill()

    def left_behind(self) -> set[int]:
        """Processes of this run still running once it has ended (waited for as in `wait_for_empty_group`);
        they are killed before returning, so that one failure does not spoil the runs after it."""
        self.proc.wait()
        left = wait_for_empty_group(self.proc.pid)
        kill_group(self.proc.pid)
        self._reader.join(timeout=LEFT_BEHIND_S)
        return left


TAG_BURST = textwrap.dedent(
    """
    import sys
    from indexer.library import Library

    library, prefix = sys.argv[1], sys.argv[2]
    with Library(library) as lib:
        ids = sorted(lib.recently_imported(limit=100000))
        n = 0
        while True:
            article = ids[n % len(ids)]
            name = f"{prefix}t{n}"
            lib.tag(article, [name])
            print("tag", article, name, flush=True)
            if n % 3 == 0:
                lib.bookmark(article)
                print("bookmark", article, flush=True)
            n += 1
    """
)


def reported(out: Path) -> tuple[set[tuple[int, str]], set[int]]:
    """Tags and bookmarks a burst printed as done (only whole lines: a cut-off line was not reported)."""
    tags: set[tuple[int, str]] = set()
    bookmarks: set[int] = set()
    text = out.read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines(keepends=True):
        if not line.endswith("\n"):
            continue
        parts = line.split()
        if len(parts) == 3 and parts[0] == "tag":
            tags.add((int(parts[1]), parts[2]))
        elif len(parts) == 2 and parts[0] == "bookmark":
            bookmarks.add(int(parts[1]))
    return tags, bookmarks
