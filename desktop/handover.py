"""Handing files to the window that has a library open, without Qt: what `newsarchive FILE...` does first.

The window listens on a local socket named after its library (`desktop.instance.InstanceServer`). A new
process tries to give it its files before loading anything else, so that "Open with" on a running
window costs a fraction of a second, not a whole start-up. On Windows the socket is a named pipe and
Qt's own client is used (`desktop.instance.hand_over`).

A request is one JSON line, {"files": [absolute paths]}; the window answers "ok".
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import tempfile
from pathlib import Path

REPLY = b"ok\n"
TIMEOUT_S = 5.0
# A Unix socket's path must fit in sockaddr_un (104 bytes on macOS, 108 on Linux, with its final NUL).
MAX_SOCKET_PATH = 100


def _key(folder: Path) -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name to be had: the folder alone still tells libraries apart
        user = "user"
    return hashlib.sha256(f"{user}\0{Path(folder).expanduser().resolve()}".encode()).hexdigest()[:20]


def server_name(folder: Path) -> str:
    """The local socket of a library's window: one per library folder and user. On POSIX systems a socket
    file in the user's runtime folder (or the temporary folder); on Windows a pipe name."""
    if os.name == "nt":
        return f"newsarchive-{_key(folder)}"
    name = f"newsarchive-{_key(folder)}.sock"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime) and os.access(runtime, os.W_OK):
        path = os.path.join(runtime, name)
        if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
            return path
    return os.path.join(tempfile.gettempdir(), name)


def request(files: list[Path]) -> bytes:
    return json.dumps({"files": [str(Path(f).absolute()) for f in files]}).encode() + b"\n"


def hand_over_posix(folder: Path, files: list[Path]) -> bool:
    """Give `files` to the window that has `folder` open; True once it has answered. False at once when
    no window listens (POSIX only: see the module's docstring)."""
    if os.name == "nt":
        return False
    path = server_name(folder)
    if not os.path.exists(path):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(TIMEOUT_S)
        try:
            client.connect(path)
            client.sendall(request(files))
            answer = b""
            while not answer.endswith(b"\n") and len(answer) < 64:
                chunk = client.recv(64)
                if not chunk:
                    break
                answer += chunk
        except OSError:  # nobody listening (a socket file left by a crash), or it did not answer
            return False
    return answer == REPLY
