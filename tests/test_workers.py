"""Extraction workers: forked only where that is safe, and an import through them stores what one process stores."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer.library import Library
from tests import crashkit

START = textwrap.dedent(
    """
    import sys, threading
    from indexer.ingest.workers import ExtractionPool

    if __name__ == "__main__":
        if sys.argv[1] == "thread":
            threading.Thread(target=threading.Event().wait, daemon=True).start()
        pool = ExtractionPool.start(2)
        print(pool.method)
        pool.shutdown()
    """
)


def _start_method(tmp_path: Path, *args: str) -> str:
    script = tmp_path / "start.py"
    script.write_text(START)
    out = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=crashkit.PROJECT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=crashkit.child_env(),
    )
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_workers_are_forked_from_a_process_with_one_thread(tmp_path: Path) -> None:
    assert _start_method(tmp_path, "alone") == "fork"


def test_workers_are_never_forked_while_another_thread_runs(tmp_path: Path) -> None:
    assert _start_method(tmp_path, "thread") == "spawn"


def _stored(folder: Path) -> list[tuple[str, str, str]]:
    with Library(folder) as lib:
        return sorted((a.title, ", ".join(x.name for x in a.authors), a.text) for a in lib.articles())


def test_an_import_through_the_workers_stores_what_one_process_stores(tmp_path: Path) -> None:
    pages = crashkit.generated_pages(tmp_path / "pages", 12)
    (tmp_path / "pages" / "broken.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    done = crashkit.cli(tmp_path / "workers", "import", str(tmp_path / "pages"), "--json", "--workers", "2")
    report = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr  # the broken file fails, the rest is imported
    assert len(report["imported"]) == len(pages)
    assert [Path(f["path"]).name for f in report["failed"]] == ["broken.html"]
    with Library(tmp_path / "alone") as lib:
        alone = lib.import_paths([tmp_path / "pages"], workers=1)
    assert len(alone.of("imported")) == len(pages)
    assert _stored(tmp_path / "workers") == _stored(tmp_path / "alone")
