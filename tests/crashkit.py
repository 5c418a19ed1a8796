"""Helpers for tests that run, race and kill real `newsarchive` processes on a library folder."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

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
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--library", str(library), *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(),
    )


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


def kill_at(proc: subprocess.Popen, after_s: float) -> bool:
    """SIGKILL the process `after_s` seconds after it started, as a crash or power cut would; False if it
    had finished by then. Worker processes it leaves behind are killed too (they hold no library state)."""
    deadline = time.monotonic() + after_s
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return killed


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
