"""Two writers on one library at once: CLI imports side by side, and the window importing and tagging
while a CLI import runs. Both must succeed, every article must be there exactly once, doctor passes."""

from __future__ import annotations

import threading
from pathlib import Path

from indexer.library import Library
from tests import crashkit, integrity


def folders(tmp_path: Path, names: list[str], per_folder: int) -> dict[str, list[Path]]:
    out = {}
    for n, name in enumerate(names):
        out[name] = crashkit.generated_pages(tmp_path / name, per_folder, start=n * per_folder)
    return out


def test_two_cli_imports_into_a_new_library_at_once(tmp_path: Path) -> None:
    pages = folders(tmp_path, ["a", "b"], 60)
    library = tmp_path / "library"
    procs = [crashkit.start_cli(library, tmp_path / f"{name}.log", "import", str(tmp_path / name)) for name in pages]
    for proc in procs:
        proc.wait(timeout=300)
    logs = {name: (tmp_path / f"{name}.log").read_text() for name in pages}
    assert [p.returncode for p in procs] == [0, 0], logs
    for name in pages:
        assert "60 imported, 0 duplicates, 0 failed" in logs[name], logs[name][-1500:]
    assert integrity.problems(library) == []
    assert len(integrity.articles(library)) == 120
    doctor = crashkit.cli(library, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    with Library(library) as lib:
        assert lib.search("ward", limit=200).total == 120


def test_window_imports_and_tags_while_a_cli_import_runs(tmp_path: Path) -> None:
    folders(tmp_path, ["first", "window", "cli"], 50)
    library = tmp_path / "library"
    with Library(library) as window:
        window.import_paths([tmp_path / "first"])
        first_ids = sorted(window.recently_imported(limit=1000))
        proc = crashkit.start_cli(library, tmp_path / "cli.log", "import", str(tmp_path / "cli"))
        errors: list[BaseException] = []

        def tag_away() -> None:
            # The window's user tags and bookmarks while both imports write.
            try:
                with Library(library) as other:
                    for n, article in enumerate(first_ids):
                        other.tag(article, [f"busy{n}"])
                        if n % 5 == 0:
                            other.bookmark(article)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        tagger = threading.Thread(target=tag_away)
        tagger.start()
        report = window.import_paths([tmp_path / "window"])
        tagger.join(timeout=300)
        proc.wait(timeout=300)
        log = (tmp_path / "cli.log").read_text()
        assert errors == []
        assert len(report.of("imported")) == 50 and report.ok
        assert proc.returncode == 0 and "50 imported, 0 duplicates, 0 failed" in log, log[-1500:]
    assert integrity.problems(library) == []
    assert len(integrity.articles(library)) == 150
    with Library(library) as lib:
        assert lib.doctor() == []
        for n, article in enumerate(first_ids):
            record = lib.article(article)
            assert record is not None and f"busy{n}" in record.tags
            assert record.bookmarked == (n % 5 == 0)
            assert [h.id for h in lib.search(f"tag:busy{n}").hits] == [article]
        assert lib.search("ward", limit=500).total == 150


def test_an_import_running_elsewhere_keeps_its_files_when_the_library_is_opened(tmp_path: Path) -> None:
    """Files a running import stored a moment before their rows are not debris for another process."""
    from indexer.store import markers

    library = tmp_path / "library"
    Library(library).close()
    with markers.running(library, "import"):
        # As if the import had just stored this file and was about to write its row.
        with Library(library) as lib:
            digest = lib.files.put(b"stored by an import that is still running")
        with Library(library) as lib:
            assert lib.files.has(digest) and lib.repairs == []
    # Had that import been killed, its marker would stay behind with no process holding its lock:
    (library / f"import-killed{markers.SUFFIX}").write_text("4242")
    with Library(library) as lib:  # then what it left is debris, removed on open
        assert not lib.files.has(digest)
        assert any("interrupted import" in r for r in lib.repairs)
