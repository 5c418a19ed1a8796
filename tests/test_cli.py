"""The `newsarchive` command-line contract, run as a user runs it: a real process on a real library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import run
from tests.pages import LOREM, article_html, write

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def imported(tmp_path: Path) -> tuple[Path, dict]:
    library = tmp_path / "lib"
    folder = tmp_path / "in"
    write(folder / "ferry.html", article_html())
    write(
        folder / "bridge.html",
        article_html(
            title="Old swing bridge to reopen in spring",
            authors=[
                {"name": "Tomas Reyes", "jobTitle": "City Editor", "description": "Tomas Reyes covers City Hall."}
            ],
            url="https://harbour-ledger.example/news/bridge",
            paragraphs=[p.replace("ferry", "bridge") for p in LOREM],
        ),
    )
    (folder / "broken.html").write_bytes(b"\x00\x01\x02 not a page")
    result = run(library, "import", str(folder), "--json")
    assert result.returncode == 1, result.stderr  # one file failed
    return library, json.loads(result.stdout)


def test_import_json_report(imported: tuple[Path, dict], tmp_path: Path) -> None:
    _, report = imported
    assert set(report) == {"imported", "duplicates", "failed"}
    assert sorted(Path(i["path"]).name for i in report["imported"]) == ["bridge.html", "ferry.html"]
    assert all(isinstance(i["id"], int) for i in report["imported"])
    (failed,) = report["failed"]
    assert Path(failed["path"]).name == "broken.html" and failed["error"]


def test_reimport_reports_duplicates_and_exits_0(imported: tuple[Path, dict], tmp_path: Path) -> None:
    library, report = imported
    result = run(library, "import", str(tmp_path / "in" / "ferry.html"), "--json")
    assert result.returncode == 0
    again = json.loads(result.stdout)
    ferry_id = next(i["id"] for i in report["imported"] if i["path"].endswith("ferry.html"))
    assert again == {
        "imported": [],
        "duplicates": [{"path": str(tmp_path / "in" / "ferry.html"), "id": ferry_id}],
        "failed": [],
    }


def test_show_json_has_every_contract_field(imported: tuple[Path, dict]) -> None:
    library, report = imported
    ids = sorted(i["id"] for i in report["imported"])
    one = json.loads(run(library, "show", str(ids[0]), "--json").stdout)
    assert set(one) == {
        "id",
        "title",
        "authors",
        "source",
        "url",
        "published",
        "modified",
        "saved_at",
        "language",
        "format",
        "text",
        "lead_image_caption",
        "tags",
        "bookmarked",
        "original",
        "origin",  # where it came from: "saved page", "web archive", "newsletter"...
        "link_only",
        "highlights",
    }
    assert set(one["authors"][0]) == {"name", "role", "bio", "url"}
    both = json.loads(run(library, "show", *map(str, ids), "--json").stdout)
    assert isinstance(both, list) and [b["id"] for b in both] == ids
    bridge = next(b for b in both if b["title"].startswith("Old swing bridge"))
    assert bridge["authors"] == [
        {"name": "Tomas Reyes", "role": "City Editor", "bio": "Tomas Reyes covers City Hall.", "url": None}
    ]
    assert bridge["text"].split("\n\n")[0] == LOREM[0].replace("ferry", "bridge")
    assert (library / bridge["original"]).is_file()


def test_show_html_is_sanitised_reader_html(imported: tuple[Path, dict]) -> None:
    library, report = imported
    out = run(library, "show", str(report["imported"][0]["id"]), "--html").stdout
    assert "<p>" in out and "<script" not in out and "<nav" not in out


def test_list_json(imported: tuple[Path, dict]) -> None:
    library, _ = imported
    rows = json.loads(run(library, "list", "--json").stdout)
    assert {tuple(sorted(r)) for r in rows} == {("authors", "bookmarked", "id", "published", "source", "tags", "title")}
    assert sorted(r["title"] for r in rows) == [
        "Council extends winter ferry service",
        "Old swing bridge to reopen in spring",
    ]


def test_tag_bookmark_and_authors(imported: tuple[Path, dict]) -> None:
    library, report = imported
    article = str(report["imported"][0]["id"])
    assert run(library, "tag", "add", article, "Local", "transport/ferries").returncode == 0
    assert run(library, "bookmark", article).returncode == 0
    assert run(library, "tag", "add", "--author", "Tomas Reyes", "city-hall").returncode == 0
    assert run(library, "bookmark", "--author", "Tomas Reyes").returncode == 0
    shown = json.loads(run(library, "show", article, "--json").stdout)
    assert shown["tags"] == ["Local", "transport/ferries"] and shown["bookmarked"] is True
    authors = {a["name"]: a for a in json.loads(run(library, "authors", "--json").stdout)}
    assert authors["Tomas Reyes"] == {
        "name": "Tomas Reyes",
        "role": "City Editor",
        "bio": "Tomas Reyes covers City Hall.",
        "url": None,
        "articles": 1,
        "tags": ["city-hall"],
        "bookmarked": True,
    }
    assert run(library, "unbookmark", article).returncode == 0
    assert json.loads(run(library, "show", article, "--json").stdout)["bookmarked"] is False


def test_doctor_is_healthy_after_import(imported: tuple[Path, dict]) -> None:
    library, _ = imported
    result = run(library, "doctor")
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    "args",
    [["show"], ["show", "abc"], ["frobnicate"], ["tag", "add", "1"], ["bookmark"], ["search", "x", "--limit", "0"]],
)
def test_usage_errors_exit_2_without_traceback(tmp_path: Path, args: list[str]) -> None:
    library = tmp_path / "lib"
    write(tmp_path / "a.html", article_html())
    run(library, "import", str(tmp_path / "a.html"))
    result = run(library, *args)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_missing_article_is_a_clear_error(imported: tuple[Path, dict]) -> None:
    library, _ = imported
    result = run(library, "show", "999")
    assert result.returncode == 1 and "no article with id 999" in result.stderr and "Traceback" not in result.stderr


def test_ctrl_c_stops_an_import_cleanly_after_the_current_article(tmp_path: Path) -> None:
    import signal

    folder = tmp_path / "many"
    for i in range(150):
        paragraphs = [f"Report number {i} opens with its own first sentence about district {i}.", *LOREM]
        write(folder / f"story-{i:02}.html", article_html(title=f"Report {i}", paragraphs=paragraphs, url=None))
    library = tmp_path / "lib"
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--library", str(library), "import", str(folder), "--json", "--workers", "1"]
        + ["--progress", "lines"],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for _ in range(3):  # interrupt once three are stored, as the progress lines report them
        assert json.loads(process.stderr.readline())["imported"] >= 1
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err
    assert "stopping after the current article" in err
    report = json.loads(out)
    stored = len(report["imported"])
    assert 3 <= stored < 150 and report["failed"] == []
    assert run(library, "doctor").returncode == 0
    listed = json.loads(run(library, "list", "--json").stdout)
    assert len(listed) == stored


def test_import_json_reports_containers_skipped_records_and_link_only_entries(tmp_path: Path) -> None:
    from tests import formats_kit as kit

    folder = tmp_path / "in"
    folder.mkdir()
    kit.warc_file(
        folder / "crawl.warc.gz",
        [
            {"url": kit.STORY_URL, "body": article_html().encode()},
            {"url": "https://harbour-ledger.example/a.png", "body": kit.PNG, "content_type": "image/png"},
        ],
    )
    (folder / "pocket.csv").write_bytes(
        kit.pocket_csv([{"title": "Seawall", "url": "https://harbour-ledger.example/s", "time_added": "1730800000"}])
    )
    result = run(tmp_path / "lib", "import", str(folder), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [i["path"] for i in report["imported"]] == [f"{folder / 'crawl.warc.gz'}/{kit.STORY_URL}"]
    assert [i["path"] for i in report["link_only"]] == [f"{folder / 'pocket.csv'}/https://harbour-ledger.example/s"]
    assert report["skipped"] == [{"path": str(folder / "crawl.warc.gz"), "reason": "not HTML", "count": 1}]
    assert [c["summary"] for c in report["containers"]] == [
        f"{folder / 'crawl.warc.gz'}: 1 article, 1 skipped: 1 not HTML",
        f"{folder / 'pocket.csv'}: 0 articles, 1 link-only entry",
    ]
    shown = json.loads(run(tmp_path / "lib", "show", "--json", str(report["imported"][0]["id"])).stdout)
    assert shown["origin"] == "web archive" and shown["highlights"] == [] and not shown["link_only"]
