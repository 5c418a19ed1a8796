"""The command-line contract for highlights, notes and saved searches, run as a user runs it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from indexer import paths
from tests.cli import run
from tests.pages import article_html, write

HIGHLIGHT_FIELDS = {"id", "article", "quote", "note", "created"}


@pytest.fixture()
def ferry(tmp_path: Path) -> tuple[Path, int]:
    library = tmp_path / "lib"
    write(tmp_path / "in" / "ferry.html", article_html())
    result = run(library, "import", str(tmp_path / "in"), "--json")
    assert result.returncode == 0, result.stderr
    [imported] = json.loads(result.stdout)["imported"]
    return library, imported["id"]


def test_highlight_add_prints_its_id_and_highlights_json_has_the_contract_fields(ferry: tuple[Path, int]) -> None:
    library, article = ferry
    added = run(library, "highlight", "add", str(article), "congested coastal road", "--note", "the main argument")
    assert added.returncode == 0, added.stderr
    hid = int(added.stdout.strip())
    note = run(library, "note", str(article), "Compare with last winter")
    assert note.returncode == 0, note.stderr
    note_id = int(note.stdout.strip())
    listed = json.loads(run(library, "highlights", str(article), "--json").stdout)
    assert [set(h) for h in listed] == [HIGHLIGHT_FIELDS, HIGHLIGHT_FIELDS]
    by_id = {h["id"]: h for h in listed}
    assert by_id[hid]["article"] == article and by_id[hid]["quote"] == "congested coastal road"
    assert by_id[hid]["note"] == "the main argument" and by_id[hid]["created"].startswith("20")
    assert by_id[note_id]["quote"] == "" and by_id[note_id]["note"] == "Compare with last winter"
    assert json.loads(run(library, "highlights", "--json").stdout) == listed
    # Notes and highlighted passages are searchable from the command line too.
    found = json.loads(run(library, "search", "note:winter is:highlighted", "--json").stdout)
    assert [h["id"] for h in found["hits"]] == [article]
    assert found["total"] == 1 and found["estimated"] is False  # a small archive counts every match
    assert run(library, "highlight", "note", str(hid), "a better note").returncode == 0
    listed = json.loads(run(library, "highlights", str(article), "--json").stdout)
    assert {h["id"]: h["note"] for h in listed}[hid] == "a better note"
    assert run(library, "highlight", "remove", str(hid)).returncode == 0
    assert [h["id"] for h in json.loads(run(library, "highlights", "--json").stdout)] == [note_id]


def test_failed_highlight_actions_exit_1_with_a_reason(ferry: tuple[Path, int]) -> None:
    library, article = ferry
    missing = run(library, "highlight", "add", str(article), "words this story never had")
    assert missing.returncode == 1 and "not in the text" in missing.stderr and missing.stdout == ""
    assert "Traceback" not in missing.stderr
    assert run(library, "highlight", "add", "999", "ferry").returncode == 1
    assert run(library, "highlight", "remove", "12345").returncode == 1
    assert run(library, "note", "999", "a note").returncode == 1
    assert run(library, "highlights", "999").returncode == 1
    assert json.loads(run(library, "highlights", "--json").stdout) == []
    assert run(library, "highlights", str(article)).stdout == f"no highlights or notes on #{article}\n"
    # Usage errors exit 2.
    assert run(library, "highlight", "add", str(article)).returncode == 2
    assert run(library, "highlight", "add", str(article), "  ").returncode == 2
    assert run(library, "note", str(article), "").returncode == 2


def test_highlights_text_lists_ones_not_found_in_this_version(ferry: tuple[Path, int]) -> None:
    library, article = ferry
    kept = run(library, "highlight", "add", str(article), "two evening departures", "--note", "timetable")
    lost = run(library, "highlight", "add", str(article), "underestimated by at least a third")
    assert kept.returncode == 0 and lost.returncode == 0
    # The article's text changes (as a new extraction would give): one quote is gone from it.
    with sqlite3.connect(library / paths.DATABASE_NAME) as conn:
        conn.execute("UPDATE articles SET text = replace(text, 'by at least a third', '') WHERE id = ?", (article,))
    conn.close()
    shown = run(library, "highlights", str(article))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"#{article}  Council extends winter ferry service"
    [lost_line] = [line for line in lines if "underestimated" in line]
    assert lost_line.strip().startswith(lost.stdout.strip()) and "(not found in this version)" in lost_line
    [kept_line] = [line for line in lines if "two evening departures" in line]
    assert "not found" not in kept_line and "timetable" in shown.stdout


def test_saved_searches_from_the_command_line(ferry: tuple[Path, int]) -> None:
    library, _ = ferry
    assert run(library, "searches", "save", "Ferries", "ferry").returncode == 0
    assert run(library, "searches", "save", "Nothing", "lighthouse").returncode == 0
    listed = json.loads(run(library, "searches", "--json").stdout)
    assert listed == [
        {"name": "Ferries", "query": "ferry", "count": 1},
        {"name": "Nothing", "query": "lighthouse", "count": 0},
    ]
    assert run(library, "searches", "rename", "Nothing", "Lighthouses").returncode == 0
    assert run(library, "searches", "delete", "Ferries").returncode == 0
    text = run(library, "searches")
    assert text.returncode == 0 and "Lighthouses" in text.stdout and "Ferries" not in text.stdout
    assert run(library, "searches", "delete", "Ferries").returncode == 1
    assert run(library, "searches", "rename", "Nope", "Other").returncode == 1
    assert run(library, "searches", "save", "only-a-name").returncode == 2
    assert run(library, "searches", "delete").returncode == 2


def test_export_only_annotations_from_the_command_line(ferry: tuple[Path, int], tmp_path: Path) -> None:
    library, article = ferry
    assert run(library, "highlight", "add", str(article), "two evening departures").returncode == 0
    wrong = run(library, "export", "--format", "html", "--only-annotations", str(tmp_path / "x"))
    assert wrong.returncode == 2 and not (tmp_path / "x").exists()
    done = run(library, "export", "--format", "markdown", "--only-annotations", str(tmp_path / "notes"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "notes" / "2024-11-05-council-extends-winter-ferry-service.md").read_text(encoding="utf-8")
    assert "> two evening departures" in page and "[Read the article](articles/" in page
