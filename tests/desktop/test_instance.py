"""One window per library: files handed over to the window that has the library open, and About."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtNetwork import QLocalServer

from desktop import instance
from tests import crashkit
from tests.desktop.conftest import STORIES, titles
from tests.pages import article_html, write


def test_files_handed_over_are_imported_by_the_window_that_has_the_library(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    page = write(tmp_path / "incoming" / "lighthouse.html", article_html(title="Lighthouse keeper retires"))
    assert window.instance is not None
    # A second `newsarchive --library FOLDER lighthouse.html`, as the menu entry or "Open with" runs it.
    second = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--library", str(window.library.folder), str(page)],
        cwd=crashkit.PROJECT,
        env=crashkit.child_env({"QT_QPA_PLATFORM": "offscreen"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    qtbot.waitUntil(lambda: second.poll() is not None)  # it hands the file over and ends at once
    out, err = second.communicate()
    assert second.returncode == 0, err
    assert err.strip() == "" and out.strip() == ""
    qtbot.waitUntil(lambda: not window.imports.running and "Lighthouse keeper retires" in titles(window))
    assert window.library.count() == len(STORIES) + 1
    assert window.imports.reports  # the usual import report opened


def test_nobody_listening_means_no_hand_over(tmp_path: Path, qapp) -> None:  # noqa: ANN001
    assert instance.hand_over(tmp_path / "no-window-has-this", [tmp_path / "x.html"]) is False


def test_a_socket_left_by_a_crashed_window_does_not_block_the_next(qapp, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / "library"
    stale = QLocalServer()
    assert stale.listen(instance.server_name(folder))
    # A window that crashed leaves its socket file behind (on Unix); the next one, holding the lock, replaces it.
    server = instance.InstanceServer(folder)
    assert server.listen()
    server.close()
    stale.close()


def test_server_names_differ_per_library(tmp_path: Path) -> None:
    assert instance.server_name(tmp_path / "a") != instance.server_name(tmp_path / "b")
    assert instance.server_name(tmp_path / "a") == instance.server_name(tmp_path / "x" / ".." / "a")


def test_about_names_version_license_library_and_log(qtbot, window) -> None:  # noqa: ANN001
    from indexer import app_version

    window.actions_by_name["about"].trigger()
    qtbot.waitUntil(lambda: getattr(window, "about", None) is not None and window.about.isVisible())
    text = window.about.text.text()
    assert app_version() in text and "MIT" in text
    assert str(window.library.folder) in text and "newsarchive.log" in text
    window.about.close()


def test_a_long_runtime_folder_does_not_stop_the_window_listening(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    deep = tmp_path / ("very-long-folder-name-" * 6)
    deep.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    name = instance.server_name(tmp_path / "library")
    assert len(name.encode()) <= 100  # fits a Unix socket address; the temporary folder is used instead


def test_a_second_start_without_files_brings_the_window_forward_instead_of_refusing(qtbot, window) -> None:  # noqa: ANN001
    second = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--library", str(window.library.folder)],
        cwd=crashkit.PROJECT,
        env=crashkit.child_env({"QT_QPA_PLATFORM": "offscreen"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    qtbot.waitUntil(lambda: second.poll() is not None)
    out, err = second.communicate()
    assert second.returncode == 0 and "already open" not in err + out, err
    assert window.library.count() == len(STORIES)  # nothing imported, nothing changed
