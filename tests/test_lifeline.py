"""A worker process ends when the process that started it is killed, whichever way it was started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import crashkit

PARENT = textwrap.dedent(
    """
    import multiprocessing, os, sys, threading
    from indexer.lifeline import tie_to_parent

    def work(queue, kernel_signal):
        tie_to_parent(kernel_signal=kernel_signal)
        os.write(1, f"ready {os.getpid()}\\n".encode())  # one write: the two workers' lines never interleave
        queue.get()  # a job that never comes, as a worker waits between an import's pages

    if __name__ == "__main__":
        ctx = multiprocessing.get_context(sys.argv[1])
        queue = ctx.Queue()
        workers = [ctx.Process(target=work, args=(queue, sys.argv[2] == "kernel")) for _ in range(2)]
        for w in workers:
            w.start()
        threading.Event().wait()
    """
)

METHODS = [m for m in ("spawn", "fork") if m in __import__("multiprocessing").get_all_start_methods()]


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL and process groups are POSIX")
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("how", ["kernel", "watcher"])
def test_workers_end_when_their_parent_is_killed(method: str, how: str, tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script), method, how],
        cwd=crashkit.PROJECT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=crashkit.child_env(),
    )
    try:
        assert parent.stdout is not None
        workers = [int(parent.stdout.readline().split()[1]) for _ in range(2)]
        assert crashkit.group_members(parent.pid) >= {parent.pid, *workers}
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        # Nothing of the group may stay: the workers notice on their own (no one else kills them).
        assert crashkit.wait_for_empty_group(parent.pid) == set()
    finally:
        crashkit.kill_group(parent.pid)
