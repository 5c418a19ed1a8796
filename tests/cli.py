"""The command line as a user runs it: `python -m desktop --library LIBRARY ARGS...`, to the end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def run(
    library: Path, *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one command on `library` and return what it printed and its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--library", str(library), *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
