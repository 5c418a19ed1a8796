"""One window per library, and files handed to it from the system.

`newsarchive FILE...` (what the menu entry, "Open with" and the file associations run) must not open
a second window on a library that is already open: the running window imports the files. Each window
listens on a local socket named after its library (`handover.server_name`); a new process first tries
to hand its files over (`desktop.handover`, before it loads anything else) and exits when the window
took them. The socket lives exactly as long as the library's lock (desktop.lock): the window listens
only once it holds the lock, and a socket left by a window that crashed is removed by the next window
that gets the lock, so neither blocks a start.

macOS sends the files of "Open With" and of a drop on the Dock icon as QFileOpenEvent to the running
app instead: `FileOpenEvents` collects those for the window.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop import handover
from desktop.handover import REPLY, server_name

log = logging.getLogger("newsarchive.instance")

MAX_REQUEST_BYTES = 4 * 1024 * 1024
MAX_FILES = 100_000
CONNECT_MS = 1000
ANSWER_MS = 5000


def hand_over(folder: Path, files: list[Path], *, wait_s: float = 0.0) -> bool:
    """Give `files` (none: just come to the front) to the window that has `folder` open; True once it
    has answered. With `wait_s`, keep trying that long (a window that is starting up listens shortly)."""
    deadline = time.monotonic() + wait_s
    while True:
        if _hand_over_qt(folder, files) if os.name == "nt" else handover.hand_over_posix(folder, files):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def _hand_over_qt(folder: Path, files: list[Path]) -> bool:
    """The same request through Qt's local socket (Windows: the window listens on a named pipe)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(folder))
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(QByteArray(handover.request(files)))
    socket.flush()
    answer = b""
    while socket.waitForReadyRead(ANSWER_MS):
        answer += bytes(socket.readAll().data())
        if answer.endswith(b"\n"):
            break
    socket.disconnectFromServer()
    return answer == REPLY


class InstanceServer(QObject):
    """Listens for `hand_over` requests to the window that has a library open."""

    files_received = Signal(list)  # list[Path], possibly empty: then the window only comes to the front

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(folder)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)  # this user only
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening; call it while holding the library's lock, which makes any socket of this
        name the remains of a window that crashed."""
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        if self._server.listen(self.name):
            return True
        # The window works on; only files opened from the system will open a window of their own.
        log.warning("cannot listen for files handed over at %s: %s", self.name, self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        data = self._buffers.get(socket, b"") + bytes(socket.readAll().data())
        if len(data) > MAX_REQUEST_BYTES:
            socket.abort()
            return
        self._buffers[socket] = data
        if not data.endswith(b"\n"):
            return
        files = _files_of(data)
        if files is None:
            socket.abort()
            return
        socket.write(QByteArray(REPLY))
        socket.flush()
        self.files_received.emit(files)


def _files_of(data: bytes) -> list[Path] | None:
    """The paths a request names, or None for anything that is not a request of ours."""
    try:
        request = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    files = request.get("files") if isinstance(request, dict) else None
    if not isinstance(files, list) or len(files) > MAX_FILES or not all(isinstance(f, str) for f in files):
        return None
    return [Path(f) for f in files]


class FileOpenEvents(QObject):
    """macOS: files opened with the app arrive as QFileOpenEvent, at launch before the window exists too.
    Installed on the application; they are kept until a window asks for them, then passed on as they come."""

    files_opened = Signal(list)  # list[Path]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pending: list[Path] = []
        self.delivering = False

    def deliver(self) -> list[Path]:
        """The files that came before the window was ready; from now on `files_opened` carries them."""
        self.delivering = True
        pending, self.pending = self.pending, []
        return pending

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent) and event.file():
            path = Path(event.file())
            if self.delivering:
                self.files_opened.emit([path])
            else:
                self.pending.append(path)
            return True
        return super().eventFilter(watched, event)
