"""Getting everything out: the lossless JSON export and its restore, and the Markdown, HTML and CSV exports.

Every test works on a real library with real imported pages (an image beside a page, a new version
of a story, a plain-text article, a failed import), tagged and bookmarked through the facade.
"""

from __future__ import annotations

import csv
import json
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from lxml import html as lxml_html

from indexer import Library, LibraryError
from tests.cli import run
from tests.pages import LOREM, article_html, write

# Every table a library holds about its articles (meta and index_pending are the library's own).
TABLES = {
    "articles": "id",
    "sources": "id",
    "authors": "id",
    "tags": "id",
    "files": "sha256",
    "article_files": "article_id, ref",
    "article_authors": "article_id, author_id",
    "article_tags": "article_id, tag_id",
    "author_tags": "author_id, tag_id",
    "import_log": "id",
}
TRICKY_TITLE = '=1+1 "Quoted": the #1 ferry story'


def png(red: int) -> bytes:
    """A real 1x1 PNG whose colour (and so whose bytes) depend on `red`."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes([0, red, 0, 0])))
        + chunk(b"IEND", b"")
    )


def write_pages(folder: Path) -> Path:
    (folder / "a-ferry_files").mkdir(parents=True)
    (folder / "a-ferry_files" / "dawn.png").write_bytes(png(200))
    figure = (
        '<figure><img src="a-ferry_files/dawn.png" alt="The ferry at dawn">'
        "<figcaption>First crossing</figcaption></figure>"
    )
    write(folder / "a-ferry.html", article_html(extra_body=figure))
    write(
        folder / "b-bridge.html",
        article_html(
            title="Old swing bridge to reopen in spring",
            authors=[{"name": "Tomas Reyes", "jobTitle": "City Editor", "description": "Tomas covers City Hall."}],
            url="https://harbour-ledger.example/news/bridge",
            paragraphs=[p.replace("ferry", "bridge") for p in LOREM],
        ),
    )
    write(
        folder / "c-ferry-update.html",
        article_html(paragraphs=[*LOREM, "Update: the council confirmed the new timetable on Friday evening."]),
    )
    write(
        folder / "d-tricky.html",
        article_html(
            title=TRICKY_TITLE,
            authors=[{"name": "Maren Holt"}, {"name": "Ilse Varga"}],
            url="https://harbour-ledger.example/news/tricky",
            paragraphs=[p.replace("council", "harbour board") for p in LOREM],
        ),
    )
    write(folder / "e-notes.txt", "Harbour notes\n\n" + "\n\n".join(p.replace("ferry", "tug") for p in LOREM) + "\n")
    (folder / "f-broken.html").write_bytes(b"\x00\x01\x02 not a page")
    return folder


def make_source(folder: Path, pages: Path) -> dict[str, int]:
    """A library with every kind of thing an export must carry; returns article ids by file name."""
    with Library(folder) as library:
        report = library.import_paths([write_pages(pages)], workers=1)
        ids = {Path(o.path).name: o.id for o in report.outcomes if o.id is not None}
        assert len(ids) == 5 and len(report.of("failed")) == 1
        library.tag(ids["a-ferry.html"], ["war/diplomacy", "Transport"])
        library.tag(ids["b-bridge.html"], ["war"])
        library.tag(ids["d-tricky.html"], ["Transport", "odd: titles"])
        library.bookmark(ids["b-bridge.html"])
        library.tag_author("Maren Holt", ["reporters/local"])
        library.bookmark_author("Tomas Reyes")
        assert library.article(ids["c-ferry-update.html"]).previous_version == ids["a-ferry.html"]
    return ids


@pytest.fixture(scope="module")
def source_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    base = tmp_path_factory.mktemp("source")
    ids = make_source(base / "library", base / "pages")
    return base / "library", ids


@pytest.fixture()
def source(source_template: tuple[Path, dict[str, int]], tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A fresh copy of the source library for each test, so that none sees another's changes."""
    folder, ids = source_template
    copy = tmp_path / "source"
    shutil.copytree(folder, copy)
    return copy, ids


def table_rows(library: Library) -> dict[str, list[dict]]:
    return {
        table: [dict(r) for r in library.db.query(f"SELECT * FROM {table} ORDER BY {order}")]
        for table, order in TABLES.items()
    }


def losses(before: Library, after: Library) -> tuple[int, int, list[str]]:
    """Fields compared, fields lost or changed, and what they were (the libraries' rows and files)."""
    compared, lost, what = 0, 0, []
    rows_a, rows_b = table_rows(before), table_rows(after)
    for table in TABLES:
        a, b = rows_a[table], rows_b[table]
        if len(a) != len(b):
            lost += abs(len(a) - len(b))
            what.append(f"{table}: {len(a)} rows became {len(b)}")
        for row_a, row_b in zip(a, b, strict=False):  # a length difference is counted above
            for key, value in row_a.items():
                compared += 1
                if row_b.get(key) != value:
                    lost += 1
                    what.append(f"{table}.{key}: {value!r} became {row_b.get(key)!r}")
    for row in rows_a["files"]:
        compared += 1
        sha = row["sha256"]
        if not after.files.has(sha) or after.files.read(sha) != before.files.read(sha):
            lost += 1
            what.append(f"file {sha} missing or different")
    for record in before.articles():  # and what the facade answers, as the window and CLI see it
        compared += 1
        if after.article(record.id) != record:
            lost += 1
            what.append(f"article {record.id} reads back differently")
    compared += 1
    if after.authors() != before.authors():
        lost += 1
        what.append("authors read back differently")
    return compared, lost, what


# -- JSON: export and restore ---------------------------------------------------------------------


def test_json_round_trip_into_an_empty_library_loses_nothing(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "export"
    with Library(folder) as original:
        report = original.export(dest, "json")
        assert report.articles == 5 and report.missing == []
        assert report.files == len(original.db.query("SELECT sha256 FROM files"))
        with Library(tmp_path / "copy") as restored:
            outcome = restored.import_paths([dest])
            assert [o.status for o in outcome.outcomes] == ["imported"] * 5
            assert {o.path for o in outcome.outcomes} == {f"{dest}/archive.json#{i}" for i in ids.values()}
            compared, lost, what = losses(original, restored)
            print(f"\nJSON round trip: {compared} fields and files compared, losses = {lost}")
            assert (lost, what) == (0, [])
            assert restored.doctor() == []
            for query in ("ferry", "tag:war", "author:holt", "tag:reporters/local"):
                found = original.search(query).total
                assert found and restored.search(query).total == found, query
            # The nested tag, the author's tag and the bookmarks, as a user looks at them.
            assert restored.article(ids["a-ferry.html"]).tags == ["Transport", "war/diplomacy"]
            assert restored.article(ids["b-bridge.html"]).bookmarked
            assert restored.author("Tomas Reyes").bookmarked
            assert restored.author("Maren Holt").tags == ["reporters/local"]
            assert restored.article(ids["c-ferry-update.html"]).previous_version == ids["a-ferry.html"]
            failed = [e for e in restored.import_log() if e["status"] == "failed"]
            assert [Path(e["path"]).name for e in failed] == ["f-broken.html"]


def test_export_folder_holds_the_originals_byte_for_byte(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "export"
    with Library(folder) as library:
        library.export(dest, "json")
        archive = json.loads((dest / "archive.json").read_text(encoding="utf-8"))
        assert (archive["format"], archive["version"]) == ("newsarchive-export", 1)
        ferry = next(a for a in archive["articles"] if a["id"] == ids["a-ferry.html"])
        original = library.original_path(ferry["id"])
        assert (dest / "files" / ferry["original_sha256"][:2] / ferry["original_sha256"]).read_bytes() == (
            original.read_bytes()
        )
        (image,) = ferry["files"]
        assert image["ref"] == "a-ferry_files/dawn.png"
        assert (dest / "files" / image["sha256"][:2] / image["sha256"]).read_bytes() == png(200)
        columns = {r[1] for r in library.db.query("PRAGMA table_info(articles)")}
        assert columns <= set(ferry)
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


def test_reimporting_an_export_into_its_library_gives_duplicates(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "export"
    with Library(folder) as library:
        library.export(dest, "json")
        before = table_rows(library)
        report = library.import_paths([dest / "archive.json"])
        assert sorted((o.status, o.id) for o in report.outcomes) == sorted(("duplicate", i) for i in ids.values())
        after = table_rows(library)
        assert {t: v for t, v in after.items() if t != "import_log"} == {
            t: v for t, v in before.items() if t != "import_log"
        }
        added = after["import_log"][len(before["import_log"]) :]
        assert after["import_log"][: len(before["import_log"])] == before["import_log"]
        assert sorted(e["status"] for e in added) == ["duplicate"] * 5
        assert library.doctor() == []


def test_restoring_into_a_library_with_articles_maps_ids(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "export"
    with Library(folder) as library:
        library.export(dest, "json")
    target = tmp_path / "target"
    with Library(target) as other:
        page = write(
            tmp_path / "own" / "storm.html",
            article_html(
                title="Storm closes the harbour",
                authors=[{"name": "Maren Holt", "description": "Maren writes about the harbour."}],
                url="https://harbour-ledger.example/news/storm",
                paragraphs=[p.replace("ferry", "storm") for p in LOREM],
            ),
        )
        (own,) = other.import_paths([page]).outcomes
        other.tag(own.id, ["WAR"])
        report = other.import_paths([dest])
        assert [o.status for o in report.outcomes] == ["imported"] * 5
        assert all(o.path.startswith(f"{dest}/archive.json#") for o in report.outcomes)
        mapped = {int(o.path.rsplit("#", 1)[1]): o.id for o in report.outcomes}
        assert own.id not in mapped.values()
        assert set(mapped) == set(ids.values()) and len(set(mapped.values())) == 5
        update = other.article(mapped[ids["c-ferry-update.html"]])
        assert update.previous_version == mapped[ids["a-ferry.html"]]
        assert other.article(mapped[ids["b-bridge.html"]]).tags == ["WAR"]  # tags are case-insensitive: merged
        assert other.article(mapped[ids["a-ferry.html"]]).tags == ["Transport", "war/diplomacy"]
        holt = other.author("Maren Holt")  # the same person: one author, bio kept, export's tags added
        assert holt.articles == 4 and holt.bio == "Maren writes about the harbour." and holt.tags == ["reporters/local"]
        assert other.author("Tomas Reyes").bookmarked
        assert other.search("tag:reporters/local").total == 4  # the own article gained its author's tag
        assert other.search("bridge").total >= 1 and other.count() == 6
        assert other.doctor() == []


def test_query_export_holds_only_what_the_search_finds(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "bridge"
    with Library(folder) as library:
        report = library.export(dest, "json", query="bridge")
    assert report.articles == 1
    archive = json.loads((dest / "archive.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in archive["articles"]] == [ids["b-bridge.html"]]
    assert [a["name"] for a in archive["authors"]] == ["Tomas Reyes"]
    assert [t["name"] for t in archive["tags"]] == ["war"]
    assert [e["path"] for e in archive["import_log"]] == [
        e["path"] for e in archive["import_log"] if e["article_id"] == ids["b-bridge.html"]
    ]
    stored = {p.name for p in (dest / "files").rglob("*") if p.is_file()}
    assert stored == {f["sha256"] for f in archive["files"]} == {archive["articles"][0]["original_sha256"]}
    with Library(tmp_path / "target") as target:
        (outcome,) = target.import_paths([dest]).outcomes
        assert outcome.status == "imported"
        record = target.article(outcome.id)
        assert record.title == "Old swing bridge to reopen in spring" and record.bookmarked and record.tags == ["war"]
        assert [a.name for a in target.authors()] == ["Tomas Reyes"]


def test_export_refuses_a_folder_that_is_not_empty(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = source
    dest = tmp_path / "taken"
    write(dest / "notes.txt", "mine")
    with Library(folder) as library:
        for fmt in ("json", "markdown", "html", "csv"):
            with pytest.raises(LibraryError, match="not empty"):
                library.export(dest, fmt)
        with pytest.raises(LibraryError, match="already exists"):
            library.export(dest / "notes.txt", "csv")
        library.export(tmp_path / "empty-is-fine", "json")
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]
    assert (dest / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty-is-fine", "source", "taken"]


def test_a_damaged_or_edited_export_costs_only_what_it_touches(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "export"
    with Library(folder) as library:
        library.export(dest, "json")
    archive = json.loads((dest / "archive.json").read_text(encoding="utf-8"))
    by_id = {a["id"]: a for a in archive["articles"]}
    image = by_id[ids["a-ferry.html"]]["files"][0]["sha256"]
    (dest / "files" / image[:2] / image).write_bytes(png(10))  # no longer the file its name promises
    bridge = by_id[ids["b-bridge.html"]]
    bridge["reader_html"] += '<script>alert(1)</script><img src="https://tracker.example/p.gif" onerror="x()">'
    by_id[ids["e-notes.txt"]]["original_sha256"] = "../../etc/passwd"
    (dest / "archive.json").write_text(json.dumps(archive), encoding="utf-8")
    with Library(tmp_path / "target") as target:
        report = target.import_paths([dest])
        status = {int(o.path.rsplit("#", 1)[1]): o for o in report.outcomes}
        assert status[ids["a-ferry.html"]].status == "failed" and "damaged" in status[ids["a-ferry.html"]].error
        assert status[ids["e-notes.txt"]].status == "failed" and "SHA-256" in status[ids["e-notes.txt"]].error
        assert status[ids["b-bridge.html"]].status == "imported"
        html = target.article(status[ids["b-bridge.html"]].id).reader_html
        assert "<script" not in html and "tracker.example" not in html and "onerror" not in html
        assert target.count() == 3 and target.doctor() == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [("{not json", "not valid JSON"), ('{"format": "newsarchive-export", "version": 99}', "newer")],
)
def test_an_unreadable_archive_is_one_failure_with_a_reason(tmp_path: Path, content: str, reason: str) -> None:
    dest = write(tmp_path / "export" / "archive.json", '{"format": "newsarchive-export", ' + content[1:])
    with Library(tmp_path / "target") as target:
        (outcome,) = target.import_paths([dest.parent]).outcomes
    assert outcome.status == "failed" and reason in outcome.error and "\n" not in outcome.error


# -- reading elsewhere ----------------------------------------------------------------------------


def front_matter(text: str) -> dict:
    """The front matter of an exported page; every value must parse on its own (so quoting held)."""
    assert text.startswith("---\n")
    block = text[4 : text.index("\n---\n", 4)]
    return {key: json.loads(value) for key, value in (line.split(": ", 1) for line in block.splitlines())}


def test_markdown_export_is_one_readable_file_per_article(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "markdown"
    with Library(folder) as library:
        report = library.export(dest, "markdown")
        records = {r.id: r for r in library.articles()}
    pages = sorted(p for p in dest.glob("*.md") if p.name != "index.md")
    assert len(pages) == report.articles == 5 and len({p.name.casefold() for p in pages}) == 5
    meta = {p.name: front_matter(p.read_text(encoding="utf-8")) for p in pages}
    by_id = {m["id"]: (name, m) for name, m in meta.items()}
    name, ferry = by_id[ids["a-ferry.html"]]
    assert name == "2024-11-05-council-extends-winter-ferry-service.md"
    assert ferry["title"] == "Council extends winter ferry service" and ferry["authors"] == ["Maren Holt"]
    assert (
        ferry["source"] == "The Harbour Ledger" and ferry["url"] == "https://harbour-ledger.example/news/ferry-winter"
    )
    assert ferry["published"].startswith("2024-11-05") and ferry["tags"] == ["Transport", "war/diplomacy"]
    assert by_id[ids["b-bridge.html"]][1]["bookmarked"] is True
    tricky_name, tricky = by_id[ids["d-tricky.html"]]
    assert tricky["title"] == records[ids["d-tricky.html"]].title and '"Quoted"' in tricky["title"]
    assert tricky["authors"] == ["Maren Holt", "Ilse Varga"] and tricky["tags"] == ["odd: titles", "Transport"]
    text = (dest / name).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    assert "# Council extends winter ferry service" in body
    assert all(p in body for p in LOREM[:2])
    (image_ref,) = [line for line in body.splitlines() if line.startswith("![")]
    target = image_ref[image_ref.index("](") + 2 : -1]
    assert image_ref.startswith("![The ferry at dawn](images/") and (dest / target).read_bytes() == png(200)
    index = (dest / "index.md").read_text(encoding="utf-8")
    assert all(f"({p.name})" in index for p in pages)


def test_html_export_pages_stand_alone_with_escaped_metadata(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "html"
    with Library(folder) as library:
        library.export(dest, "html")
        tricky_title = library.article(ids["d-tricky.html"]).title
    pages = {p.name: lxml_html.parse(str(p)).getroot() for p in dest.glob("*.html") if p.name != "index.html"}
    assert len(pages) == 5
    ferry = pages["2024-11-05-council-extends-winter-ferry-service.html"]
    assert ferry.findtext(".//title") == "Council extends winter ferry service"
    assert ferry.findtext(".//h1") == "Council extends winter ferry service"
    terms = [dt.text_content() for dt in ferry.iter("dt")]
    meta = dict(zip(terms, [dd.text_content() for dd in ferry.iter("dd")], strict=True))
    assert meta["Authors"] == "Maren Holt" and meta["Source"] == "The Harbour Ledger"
    assert meta["URL"] == "https://harbour-ledger.example/news/ferry-winter"
    assert meta["Tags"] == "Transport, war/diplomacy"
    assert meta["Published"].startswith("2024-11-05")
    paragraphs = [p.text_content() for p in ferry.iter("p")]
    assert LOREM[0] in paragraphs
    (img,) = ferry.iter("img")
    assert img.get("src").startswith("images/") and (dest / img.get("src")).read_bytes() == png(200)
    csp = ferry.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    assert "default-src 'none'" in csp
    assert not list(ferry.iter("script"))
    tricky = next(page for page in pages.values() if page.findtext(".//h1") == tricky_title)
    assert tricky.findtext(".//title") == tricky_title
    index = lxml_html.parse(str(dest / "index.html")).getroot()
    assert sorted(a.get("href") for a in index.iter("a")) == sorted(pages)


def test_csv_export_opens_in_a_spreadsheet(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "articles.csv"
    with Library(folder) as library:
        library.export(dest, "csv")
        records = {r.id: r for r in library.articles()}
    assert dest.read_bytes().startswith(b"\xef\xbb\xbf")
    with dest.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "id", "title", "authors", "source", "url", "published", "saved_at", "language", "tags", "bookmarked",
        "word_count", "text",
    ]  # fmt: skip
    by_id = {int(r["id"]): r for r in rows}
    assert set(by_id) == set(ids.values())
    bridge = by_id[ids["b-bridge.html"]]
    assert bridge["title"] == "Old swing bridge to reopen in spring" and bridge["authors"] == "Tomas Reyes"
    assert bridge["bookmarked"] == "yes" and bridge["tags"] == "war"
    assert bridge["text"] == records[ids["b-bridge.html"]].text
    assert int(bridge["word_count"]) == records[ids["b-bridge.html"]].word_count
    tricky = by_id[ids["d-tricky.html"]]
    assert tricky["authors"] == "Maren Holt; Ilse Varga"
    title = records[ids["d-tricky.html"]].title
    # A title that starts like a formula stays text in a spreadsheet.
    assert tricky["title"] == ("'" + title if title.startswith("=") else title)


# -- the command line -----------------------------------------------------------------------------


def test_cli_export_and_import_of_the_export(source: tuple[Path, dict], tmp_path: Path) -> None:
    folder, ids = source
    dest = tmp_path / "export"
    result = run(folder, "export", "--format", "json", str(dest), "--query", "ferry")
    assert result.returncode == 0, result.stderr
    assert "exported" in result.stdout
    again = run(folder, "export", "--format", "json", str(dest))
    assert again.returncode == 2 and "not empty" in again.stderr and "Traceback" not in again.stderr
    nothing = run(folder, "export", "--format", "csv", str(tmp_path / "none.csv"), "--query", "zeppelin")
    assert nothing.returncode == 1 and "finds no article" in nothing.stderr and not (tmp_path / "none.csv").exists()
    for bad in (["export", str(tmp_path / "x")], ["export", "--format", "pdf", str(tmp_path / "x")]):
        usage = run(folder, *bad)
        assert usage.returncode == 2 and "Traceback" not in usage.stderr
    imported = run(tmp_path / "target", "import", str(dest), "--json")
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    exported = {a["id"] for a in json.loads((dest / "archive.json").read_text(encoding="utf-8"))["articles"]}
    assert {int(i["path"].rsplit("#", 1)[1]) for i in report["imported"]} == exported
    assert ids["a-ferry.html"] in exported and ids["b-bridge.html"] not in exported
    assert run(tmp_path / "target", "doctor").returncode == 0
