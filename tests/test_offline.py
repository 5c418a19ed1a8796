"""The offline guarantee: import, search, show, export, cite, backup and the reader never try to connect.

Pages full of remote references (images, stylesheets, CSS url(), og:image, tracking pixels) go
through the real CLI with a sitecustomize that blocks and records every network connection attempt
and name lookup (in the CLI and its extraction worker processes), and through the facade and the
desktop reader in this process with the same guard on `socket`.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.library import Library
from tests import crashkit
from tests.pages import article_html, write

GUARD = textwrap.dedent(
    """
    # Installed by tests/test_offline.py: refuse and record every network connection attempt.
    import os
    import socket

    _LOG = os.environ["NEWSARCHIVE_NET_LOG"]

    def _record(what):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {what}\\n")

    def _network(address):
        return not isinstance(address, (str, bytes))  # AF_UNIX paths are local IPC

    _connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self, address):
        if _network(address):
            _record(f"connect {address!r}")
            raise OSError("network blocked by the offline test")
        return _connect(self, address)

    def connect_ex(self, address):
        if _network(address):
            _record(f"connect_ex {address!r}")
            return 111
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        _record(f"getaddrinfo {host!r}")
        raise socket.gaierror("name lookup blocked by the offline test")

    def create_connection(address, *args, **kwargs):
        _record(f"create_connection {address!r}")
        raise OSError("network blocked by the offline test")

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.getaddrinfo, socket.create_connection = getaddrinfo, create_connection
    """
)

REMOTE_BODY = """
<link rel="stylesheet" href="https://cdn.example/site.css">
<style>@import url("https://cdn.example/more.css"); body { background: url(https://cdn.example/bg.png) }</style>
<figure><img src="https://images.example/lead.jpg" srcset="https://images.example/lead@2x.jpg 2x">
<figcaption>A remote photo</figcaption></figure>
<p style="background-image: url('https://track.example/p.gif')">Paragraph with a remote background.</p>
<img src="//track.example/pixel.gif" width="1" height="1">
<iframe src="https://video.example/embed/1"></iframe>
<script src="https://ads.example/ad.js"></script>
<video poster="https://video.example/poster.jpg"><source src="https://video.example/v.mp4"></video>
"""


def remote_pages(folder: Path, count: int) -> list[Path]:
    pages = []
    for n in range(count):
        page = article_html(
            title=f"Remote references everywhere, part {n}",
            url=f"https://news.example/remote/{n}",
            paragraphs=[f"Story {n} about the ferry and the remote images around it.", *crashkit.TOPICS],
            extra_body=REMOTE_BODY,
        ).replace("</head>", '<meta property="og:image" content="https://images.example/og.jpg"></head>')
        pages.append(write(folder / f"remote-{n}.html", page))
    return pages


@pytest.fixture()
def guarded_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    site = tmp_path / "guard"
    site.mkdir()
    (site / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "network-attempts.log"
    env = crashkit.child_env({"NEWSARCHIVE_NET_LOG": str(log)})
    env["PYTHONPATH"] = f"{site}:{env['PYTHONPATH']}"
    return env, log


def test_the_guard_catches_a_connection_attempt(guarded_env: tuple[dict[str, str], Path]) -> None:
    env, log = guarded_env
    code = "import socket\ntry:\n    socket.create_connection(('news.example', 80))\nexcept OSError:\n    pass\n"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert "create_connection ('news.example', 80)" in log.read_text()


def test_cli_import_search_show_export_and_backup_never_connect(
    request: pytest.FixtureRequest, tmp_path: Path, guarded_env: tuple[dict[str, str], Path]
) -> None:
    env, log = guarded_env
    pages = remote_pages(tmp_path / "pages", 8)  # 8: enough for the extraction worker processes to start
    pages += crashkit.corpus_pages(request, tmp_path / "pages", 4)
    format_files(tmp_path / "pages")
    library = tmp_path / "library"
    base = [sys.executable, "-m", "desktop", "--library", str(library)]

    def run(*args: str) -> str:
        done = subprocess.run([*base, *args], cwd=crashkit.PROJECT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{args}: {done.stdout[-1000:]}{done.stderr[-2000:]}"
        return done.stdout

    assert "0 failed" in run("import", str(tmp_path / "pages"))
    found = json.loads(run("search", "ferry", "--json"))
    assert found["total"] >= 8
    first = found["hits"][0]["id"]
    run("show", str(first))
    reader_html = run("show", "--html", str(first))
    assert "https://" not in reader_html.replace('href="https://', "")  # only links (clicked, opened elsewhere)
    for fmt in ("json", "markdown", "html", "csv", "bibtex", "ris", "csl-json"):
        run("export", "--format", fmt, str(tmp_path / f"export-{fmt}"))
    for fmt in ("apa", "chicago", "mla"):  # styles and locale are read from files, never fetched
        assert "https://" in run("cite", str(first), "--format", fmt)
    assert json.loads(run("timeline", "ferry", "--json"))
    run("backup", str(tmp_path / "backup.zip"))
    run("doctor")
    attempts = log.read_text() if log.exists() else ""
    assert attempts == "", f"network attempts:\n{attempts}"


def format_files(folder: Path) -> list[Path]:
    """One file of every format beyond saved pages, each full of remote references (links, images, a List-Post)."""
    from tests import formats_kit as kit

    folder.mkdir(parents=True, exist_ok=True)
    page = article_html(
        title="Archived with remote references",
        url="https://news.example/archived",
        extra_body=REMOTE_BODY,
        paragraphs=["The archived ferry story, with images that live elsewhere.", *crashkit.TOPICS],
    ).encode()
    files = [
        kit.warc_file(folder / "crawl.warc.gz", [{"url": "https://news.example/archived", "body": page}]),
        kit.omnivore_zip(
            folder / "omnivore.zip",
            [
                (
                    {"slug": "o", "title": "Omnivore copy", "url": "https://news.example/o"},
                    REMOTE_BODY + "<p>Kept text of the omnivore story about the ferry.</p>" * 3,
                    "> Kept text\n",
                )
            ],
        ),
    ]
    named = {
        "story.webarchive": kit.webarchive(page.replace(b"Archived with", b"Safari kept"), "https://news.example/s"),
        "letter.eml": kit.newsletter(list_post="<https://letters.example/p/1>"),
        "letters.mbox": kit.mbox(
            [
                kit.newsletter(
                    subject="Second letter",
                    message_id="<2@letters.example>",
                    html=kit.newsletter_html().replace("Good morning.", "Hello again."),
                )
            ]
        ),
        "clip.md": kit.clipping(
            "title: Clip\nsource: https://news.example/clip",
            "![remote](https://images.example/x.png)\n\n" + "\n\n".join(crashkit.TOPICS),
        ).encode(),
        "printed.pdf": kit.browser_print(),
        "wallabag.json": kit.wallabag(
            [
                kit.wallabag_entry(
                    url="https://news.example/w",
                    content=REMOTE_BODY + "<p>The wallabag copy of a story on the ferry.</p>" * 3,
                )
            ]
        ),
        "pocket.csv": kit.pocket_csv(
            [{"title": "Never fetched", "url": "https://news.example/link", "time_added": "1"}]
        ),
    }
    for name, data in named.items():
        files.append(write_bytes(folder / name, data))
    return files


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_every_new_format_imports_without_a_network_attempt(tmp_path: Path, blocked: Blocked) -> None:
    files = format_files(tmp_path / "formats")
    with Library(tmp_path / "library") as lib:
        report = lib.import_paths(files, workers=1)
        assert report.ok, [o for o in report.outcomes if o.status == "failed"]
        assert len(report.of("imported")) + len(report.of("duplicate")) >= 8 and len(report.of("link-only")) == 1
        for outcome in report.of("imported"):
            record = lib.article(outcome.id)  # type: ignore[arg-type]
            assert record is not None and 'src="https://' not in record.reader_html


class Blocked:
    """The same guard, in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[str] = []
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

        def refuse(what: str) -> None:
            self.attempts.append(what)
            raise OSError("network blocked by the offline test")

        def connect(sock: socket.socket, address: object) -> None:
            if isinstance(address, (str, bytes)):
                return real_connect(sock, address)  # type: ignore[arg-type]
            refuse(f"connect {address!r}")

        def connect_ex(sock: socket.socket, address: object) -> int:
            if isinstance(address, (str, bytes)):
                return real_connect_ex(sock, address)  # type: ignore[arg-type]
            self.attempts.append(f"connect_ex {address!r}")
            return 111

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: refuse(f"getaddrinfo {host!r}"))
        monkeypatch.setattr(socket, "create_connection", lambda addr, *a, **k: refuse(f"create_connection {addr!r}"))


@pytest.fixture()
def blocked(monkeypatch: pytest.MonkeyPatch) -> Iterator[Blocked]:
    guard = Blocked(monkeypatch)
    yield guard
    assert guard.attempts == [], f"network attempts: {guard.attempts}"


def test_facade_and_reader_render_never_connect(qtbot, tmp_path: Path, blocked: Blocked) -> None:  # noqa: ANN001
    pytest.importorskip("PySide6")
    from desktop.panes.reader import ReaderView

    pages = remote_pages(tmp_path / "pages", 3)
    with Library(tmp_path / "library") as lib:
        assert lib.import_paths(pages, workers=1).ok
        hits = lib.search("remote images").hits
        assert hits
        record = lib.article(hits[0].id)
        assert record is not None
        if hasattr(lib, "export"):
            lib.export(tmp_path / "export", "html")
        view = ReaderView()
        qtbot.addWidget(view)
        view.library_folder = lib.folder
        view.resize(800, 600)
        # The stored article, then the raw page with every kind of remote reference, fully laid out
        # and painted: QTextBrowser fetches nothing itself; every resource goes through loadResource.
        view.show_article(record, ["remote"])
        view.grab()
        view.setHtml(REMOTE_BODY + '<div style="background: url(https://cdn.example/x.png)">x</div>')
        view.document().adjustSize()
        view.grab()
        assert view.refused, "the remote references were never even asked for: the render did not happen"
        assert all(url.startswith(("https:", "http:", "//")) or "example" in url for url in view.refused)
