"""Read-later exports: wallabag and Omnivore bring articles with tags, bookmarks and highlights; Pocket and
Instapaper bring links, kept as link-only entries that a later import of the page fills in."""

from __future__ import annotations

import json
from pathlib import Path

from indexer.library import Library
from tests import formats_kit as kit
from tests.pages import LOREM, article_html

SECOND_URL = "https://harbour-ledger.example/news/seawall"


def test_a_wallabag_export_gives_articles_with_tags_bookmarks_and_highlights(tmp_path: Path) -> None:
    second = kit.wallabag_entry(
        id=42,
        url=SECOND_URL,
        title="Seawall holds against the king tide",
        content="<h2>Night of the tide</h2>" + "".join(f"<p>The seawall held, night {n}.</p>" for n in range(5)),
        is_starred=0,
        tags=[{"id": 1, "label": "climate", "slug": "climate"}],
        published_by=None,
        annotations=[],
    )
    export = tmp_path / "wallabag-export.json"
    export.write_bytes(kit.wallabag([kit.wallabag_entry(), second]))
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([export], workers=1)
        assert report.ok
        assert [o.path for o in report.of("imported")] == [f"{export}/{kit.STORY_URL}", f"{export}/{SECOND_URL}"]
        ferry = lib.article(report.of("imported")[0].id)  # type: ignore[arg-type]
        assert ferry is not None
        assert ferry.title == "Council extends winter ferry service" and ferry.url == kit.STORY_URL
        assert [a.name for a in ferry.authors] == ["Maren Holt"]
        assert ferry.published == "2024-11-05T09:30:00+00:00" and ferry.saved_at == "2024-11-06T08:15:00+01:00"
        assert ferry.tags == ["council/ferries", "transport"] and ferry.bookmarked
        assert ferry.origin == "read-later export (wallabag)" and ferry.text.split("\n\n") == LOREM
        [highlight] = lib.highlights(ferry.id)
        assert (highlight.quote, highlight.note, highlight.origin) == (
            "ending a two-year dispute",
            "finally",
            "wallabag",
        )
        assert highlight.created == "2024-11-06T09:01:00+01:00"
        assert highlight.start == ferry.text.index("ending a two-year dispute")
        assert highlight.prefix == ferry.text[highlight.start - 32 : highlight.start]
        assert highlight.suffix == ferry.text[highlight.start + len(highlight.quote) :][:32]
        seawall = lib.article(report.of("imported")[1].id)  # type: ignore[arg-type]
        assert seawall is not None and seawall.tags == ["climate"] and not seawall.bookmarked
        assert seawall.text.startswith("Night of the tide\n\nThe seawall held, night 0.")
        assert [h.id for h in lib.search("tag:climate").hits] == [seawall.id]


def test_an_omnivore_export_gives_labels_as_tags_and_its_highlights(tmp_path: Path) -> None:
    notes = (
        "## Highlights\n\n> ending a two-year dispute over who should pay [⤴️](https://omnivore.app/me/ferry#a1)\n\n"
        "Worth a follow-up.\n\n> a third [⤴️](https://omnivore.app/me/ferry#a2)\n"
    )
    item = {
        "id": "5e0c",
        "slug": "ferry",
        "title": "Council extends winter ferry service",
        "author": "Maren Holt",
        "url": kit.STORY_URL,
        "labels": [{"name": "transport"}, "council"],
        "savedAt": "2024-11-06T08:15:00.000Z",
        "publishedAt": "2024-11-05T09:30:00.000Z",
        "state": "Archived",
    }
    link = {"id": "77aa", "slug": "no-text", "title": "A page Omnivore kept no text of", "url": SECOND_URL}
    content = "<div><article>" + "".join(f"<p>{p}</p>" for p in LOREM) + "</article></div>"
    export = kit.omnivore_zip(tmp_path / "omnivore-export.zip", [(item, content, notes), (link, None, None)])
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([export], workers=1)
        assert [o.path for o in report.of("imported")] == [f"{export}/ferry"]
        assert [o.path for o in report.of("link-only")] == [f"{export}/no-text"]
        ferry = lib.article(report.of("imported")[0].id)  # type: ignore[arg-type]
        assert ferry is not None and ferry.tags == ["council", "transport"]
        assert [a.name for a in ferry.authors] == ["Maren Holt"] and ferry.saved_at == "2024-11-06T08:15:00+00:00"
        quotes = [(h.quote, h.note) for h in lib.highlights(ferry.id)]
        assert quotes == [("ending a two-year dispute over who should pay", "Worth a follow-up."), ("a third", None)]
        assert report.containers()[0].line("omnivore-export.zip") == (
            "omnivore-export.zip: 1 article, 1 link-only entry"
        )


def test_pocket_and_instapaper_rows_are_link_only_entries_found_by_title_and_tags(tmp_path: Path) -> None:
    pocket = tmp_path / "part_000000.csv"
    pocket.write_bytes(
        kit.pocket_csv(
            [
                {
                    "title": "Council extends winter ferry service",
                    "url": kit.STORY_URL,
                    "time_added": "1730800000",
                    "tags": "transport|council",
                    "status": "unread",
                },
                {"title": "", "url": "", "time_added": "", "tags": "", "status": "unread"},
            ]
        )
    )
    instapaper = tmp_path / "instapaper-export.csv"
    instapaper.write_bytes(
        kit.instapaper_csv(
            [
                {
                    "URL": SECOND_URL,
                    "Title": "Seawall holds against the king tide",
                    "Selection": "",
                    "Folder": "Starred",
                    "Timestamp": "1731400000",
                }
            ]
        )
    )
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([pocket, instapaper], workers=1)
        assert report.ok and not report.of("imported")
        assert [o.path for o in report.of("link-only")] == [f"{pocket}/{kit.STORY_URL}", f"{instapaper}/{SECOND_URL}"]
        ferry = lib.article(report.of("link-only")[0].id)  # type: ignore[arg-type]
        assert ferry is not None and ferry.link_only and ferry.text == ""
        assert ferry.title == "Council extends winter ferry service" and ferry.tags == ["council", "transport"]
        assert ferry.saved_at == "2024-11-05T09:46:40+00:00"
        assert f'href="{kit.STORY_URL}"' in ferry.reader_html and "Not saved offline" in ferry.reader_html
        seawall = lib.article(report.of("link-only")[1].id)  # type: ignore[arg-type]
        assert seawall is not None and seawall.bookmarked and seawall.link_only
        assert [h.id for h in lib.search("winter ferry").hits] == [ferry.id]
        assert [h.id for h in lib.search("tag:council").hits] == [ferry.id]
        lines = [c.line() for c in report.containers()]
        assert lines == [
            f"{pocket}: 0 articles, 1 link-only entry, 1 skipped: 1 row without a link",
            f"{instapaper}: 0 articles, 1 link-only entry",
        ]
        # The same export again adds nothing.
        again = lib.import_paths([pocket], workers=1)
        assert len(again.of("duplicate")) == 1 and lib.count() == 2


def test_a_later_import_of_the_page_fills_the_link_in_and_keeps_its_tags_and_saved_date(tmp_path: Path) -> None:
    pocket = tmp_path / "pocket.csv"
    pocket.write_bytes(
        kit.pocket_csv([{"title": "Ferry", "url": kit.STORY_URL, "time_added": "1730800000", "tags": "transport"}])
    )
    page = tmp_path / "ferry.html"
    page.write_text(article_html(), encoding="utf-8")
    with Library(tmp_path / "lib") as lib:
        [link] = lib.import_paths([pocket], workers=1).of("link-only")
        lib.bookmark(link.id)  # type: ignore[arg-type]
        report = lib.import_paths([page], workers=1)
        [filled] = report.of("imported")
        assert filled.id == link.id and lib.count() == 1
        a = lib.article(link.id)  # type: ignore[arg-type]
        assert a is not None and not a.link_only
        assert a.title == "Council extends winter ferry service" and a.text.split("\n\n") == LOREM
        assert a.tags == ["transport"] and a.bookmarked and a.saved_at == "2024-11-05T09:46:40+00:00"
        assert [x.name for x in a.authors] == ["Maren Holt"]
        assert [h.id for h in lib.search("congested coastal road").hits] == [a.id]
        assert lib.doctor() == []


def test_highlights_travel_through_the_json_export_and_back(tmp_path: Path) -> None:
    export = tmp_path / "wallabag.json"
    export.write_bytes(kit.wallabag([kit.wallabag_entry()]))
    with Library(tmp_path / "lib") as lib:
        assert lib.import_paths([export], workers=1).ok
        before = [(h.quote, h.note, h.created, h.origin, h.start, h.prefix, h.suffix) for h in lib.highlights()]
        lib.export(tmp_path / "out", "json")
    archive = json.loads((tmp_path / "out" / "archive.json").read_text(encoding="utf-8"))
    assert archive["articles"][0]["highlights"][0]["quote"] == "ending a two-year dispute"
    with Library(tmp_path / "restored") as restored:
        assert restored.import_paths([tmp_path / "out"]).ok
        after = [(h.quote, h.note, h.created, h.origin, h.start, h.prefix, h.suffix) for h in restored.highlights()]
        assert after == before
        assert restored.import_paths([tmp_path / "out"]).ok  # restoring twice adds nothing
        assert len(restored.highlights()) == 1


def test_deleting_an_article_deletes_its_highlights(tmp_path: Path) -> None:
    export = tmp_path / "wallabag.json"
    export.write_bytes(kit.wallabag([kit.wallabag_entry()]))
    with Library(tmp_path / "lib") as lib:
        [outcome] = lib.import_paths([export], workers=1).of("imported")
        assert lib.highlights()
        lib.delete_articles([outcome.id])  # type: ignore[list-item]
        assert lib.highlights() == [] and lib.doctor() == []


def test_a_pocket_zip_of_csv_parts_gives_its_links(tmp_path: Path) -> None:
    import zipfile

    export = tmp_path / "pocket.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "part_000000.csv",
            kit.pocket_csv(
                [
                    {"title": "Ferry", "url": kit.STORY_URL, "time_added": "1730800000", "tags": "transport"},
                    {"title": "Seawall", "url": SECOND_URL, "time_added": "1731400000", "tags": ""},
                ]
            ),
        )
        archive.writestr("annotations/part_000000.json", "[]")
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([export], workers=1)
        assert report.ok
        assert [o.path for o in report.of("link-only")] == [f"{export}/{kit.STORY_URL}", f"{export}/{SECOND_URL}"]
        seawall = lib.article(report.of("link-only")[1].id)  # type: ignore[arg-type]
        assert seawall is not None and seawall.title == "Seawall" and seawall.saved_at == "2024-11-12T08:26:40+00:00"
