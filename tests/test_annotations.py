"""Highlights, notes and saved searches through the `Library` facade, on a real library and index."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from indexer import paths
from indexer.library import Library
from indexer.model import LibraryError
from indexer.store.backup import restore_backup
from tests.pages import LOREM, article_html, write

FERRY = "Council extends winter ferry service"
BRIDGE = "Old swing bridge to reopen in spring"


@pytest.fixture()
def lib(tmp_path: Path) -> Library:
    folder = tmp_path / "in"
    write(folder / "ferry.html", article_html())
    write(
        folder / "bridge.html",
        article_html(
            title=BRIDGE,
            url="https://harbour-ledger.example/news/bridge",
            paragraphs=[p.replace("ferry", "bridge") for p in LOREM],
        ),
    )
    library = Library(tmp_path / "library")
    assert len(library.import_paths([folder], workers=1).of("imported")) == 2
    yield library
    library.close()


def article_id(lib: Library, title: str) -> int:
    return next(a.id for a in lib.articles() if a.title == title)


def found(lib: Library, query: str) -> set[int]:
    return {h.id for h in lib.search(query, limit=50).hits}


def test_a_highlight_is_anchored_in_the_text_and_carries_its_note(lib: Library) -> None:
    ferry = article_id(lib, FERRY)
    text = lib.article(ferry).text  # type: ignore[union-attr]
    record = lib.add_highlight(ferry, "congested coastal road", note="the main argument")
    assert text[record.start : record.end] == "congested coastal road"  # type: ignore[misc]
    assert record.found and record.note == "the main argument" and record.origin == "reader"
    assert record.prefix and text[: record.start].endswith(record.prefix)  # type: ignore[misc]
    assert [h.id for h in lib.highlights(ferry)] == [record.id]
    # The same passage again is the same highlight; a new note replaces the old one.
    again = lib.add_highlight(ferry, "congested coastal road", note="changed my mind")
    assert again.id == record.id and [h.note for h in lib.highlights(ferry)] == ["changed my mind"]


def test_a_quote_not_in_the_text_is_refused_and_nothing_is_stored(lib: Library) -> None:
    ferry = article_id(lib, FERRY)
    with pytest.raises(LibraryError, match="not in the text"):
        lib.add_highlight(ferry, "a sentence this story never had")
    with pytest.raises(LibraryError, match="no article"):
        lib.add_highlight(999, "ferry")
    assert lib.highlights() == []


def test_start_picks_the_occurrence_and_spacing_does_not_matter(lib: Library) -> None:
    ferry = article_id(lib, FERRY)
    text = lib.article(ferry).text  # type: ignore[union-attr]
    first, second = text.find("the council"), text.find("the council", text.find("the council") + 1)
    assert 0 <= first < second
    assert lib.add_highlight(ferry, "the council").start == first
    assert lib.add_highlight(ferry, "the council", start=second + 3).start == second
    spaced = lib.add_highlight(ferry, "shift   workers\nwho have")
    assert spaced.found and text[spaced.start : spaced.end] == "shift workers who have"  # type: ignore[misc]


def test_notes_on_the_article_and_on_highlights_can_be_changed_and_removed(lib: Library) -> None:
    ferry = article_id(lib, FERRY)
    note = lib.add_note(ferry, "  Compare with the 2022 timetable.  ")
    assert note.quote == "" and note.is_article_note and note.found and note.note == "Compare with the 2022 timetable."
    mark = lib.add_highlight(ferry, "two evening departures")
    assert lib.set_note(mark.id, "useful").note == "useful"
    assert lib.set_note(mark.id, "").note is None  # cleared, the highlight stays
    assert [h.id for h in lib.highlights(ferry)] == [note.id, mark.id]  # the article's note first
    lib.set_note(note.id, None)  # a note on the article with nothing left goes
    assert [h.id for h in lib.highlights(ferry)] == [mark.id]
    lib.remove_highlight(mark.id)
    assert lib.highlights(ferry) == []
    with pytest.raises(LibraryError, match="no highlight"):
        lib.remove_highlight(mark.id)
    with pytest.raises(LibraryError, match="empty"):
        lib.add_note(ferry, "   ")


def test_search_finds_notes_and_highlighted_passages(lib: Library) -> None:
    ferry, bridge = article_id(lib, FERRY), article_id(lib, BRIDGE)
    assert found(lib, "is:highlighted") == set()
    assert found(lib, "lighthouse") == set()
    mark = lib.add_highlight(ferry, "congested coastal road", note="Ask the lighthouse keeper about this")
    lib.add_note(bridge, "Photographs from the archive")
    assert found(lib, "lighthouse") == {ferry}  # a plain word finds a note
    assert found(lib, "note:lighthouse") == {ferry}
    assert found(lib, "notes:photographs") == {bridge}
    # note: searches notes only: "council" is in both bodies and in no note.
    assert found(lib, "council") == {ferry, bridge} and found(lib, "note:council") == set()
    assert found(lib, "quote:congested") == {ferry}
    assert found(lib, "is:highlighted") == {ferry, bridge} and found(lib, "is:annotated") == {ferry, bridge}
    assert found(lib, "is:highlighted ferry") == {ferry}
    lib.remove_highlight(mark.id)
    assert found(lib, "lighthouse") == set() and found(lib, "is:annotated") == {bridge}


def test_annotations_lists_newest_first_with_titles_filtered_by_the_query(lib: Library) -> None:
    ferry, bridge = article_id(lib, FERRY), article_id(lib, BRIDGE)
    a = lib.add_highlight(ferry, "two evening departures")
    b = lib.add_note(bridge, "Ask about the bridge tender's hours")
    c = lib.add_highlight(bridge, "congested coastal road", note="same argument as the ferry")
    assert [(h.id, title) for h, title in lib.annotations()] == [(c.id, BRIDGE), (b.id, BRIDGE), (a.id, FERRY)]
    assert [h.id for h, _ in lib.annotations("title:ferry")] == [a.id]
    assert [h.id for h, _ in lib.annotations("tender")] == [c.id, b.id]
    assert lib.annotations("nothing-matches-this") == []
    assert len(lib.annotations(limit=2)) == 2


def test_saved_searches_keep_their_query_and_count_what_they_find_now(lib: Library, tmp_path: Path) -> None:
    lib.save_search("Ferries", "ferry")
    lib.save_search("Swing", "swing")
    assert [(s.name, s.query, s.count) for s in lib.saved_searches()] == [
        ("Ferries", "ferry", 1),
        ("Swing", "swing", 1),
    ]
    lib.save_search("ferries", "ferry OR bridge")  # the same name, any case: the query is replaced
    assert [(s.name, s.query, s.count) for s in lib.saved_searches()][0] == ("ferries", "ferry OR bridge", 2)
    summer = [p.replace("winter", "summer") for p in LOREM]
    write(
        tmp_path / "more" / "fares.html",
        article_html(title="Summer ferry", url="https://x.example/f", paragraphs=summer),
    )
    assert lib.import_paths([tmp_path / "more"], workers=1).ok
    assert lib.saved_searches()[0].count == 3  # counts follow imports
    lib.rename_search("Swing", "Season")
    with pytest.raises(LibraryError, match="already"):
        lib.rename_search("Season", "FERRIES")
    lib.delete_search("ferries")
    assert [s.name for s in lib.saved_searches()] == ["Season"]
    with pytest.raises(LibraryError, match="no saved search"):
        lib.delete_search("ferries")
    with pytest.raises(LibraryError, match="name"):
        lib.save_search(" ", "x")
    with pytest.raises(LibraryError, match="empty"):
        lib.save_search("x", "")


def test_a_changed_text_finds_highlights_again_and_keeps_the_lost_ones(lib: Library) -> None:
    ferry = article_id(lib, FERRY)
    kept = lib.add_highlight(ferry, "two evening departures", note="kept")
    lost = lib.add_highlight(ferry, "underestimated by at least a third", note="lost")
    # A re-extraction that gives different text: a paragraph more at the top, and one sentence reworded.
    text = lib.article(ferry).text  # type: ignore[union-attr]
    changed = "A new first paragraph.\n\n" + text.replace("underestimated by at least a third", "underestimated")
    with lib.db.transaction() as conn:
        conn.execute("UPDATE articles SET text = ? WHERE id = ?", (changed, ferry))
    by_id = {h.id: h for h in lib.highlights(ferry)}
    assert by_id[kept.id].found and changed[by_id[kept.id].start : by_id[kept.id].end] == "two evening departures"  # type: ignore[misc]
    moved = len("A new first paragraph.\n\n") - len(" by at least a third")  # the reworded sentence comes before it
    assert by_id[kept.id].start == kept.start + moved  # type: ignore[operator]
    assert not by_id[lost.id].found and by_id[lost.id].start is None and by_id[lost.id].note == "lost"
    assert [h.id for h in lib.highlights(ferry)] == [kept.id, lost.id]  # not found ones last, never dropped


def test_among_several_occurrences_the_context_picks_the_right_one(lib: Library) -> None:
    ferry = article_id(lib, FERRY)
    old = "Clerks at the town hall said on Monday that the vote was close.\n\nResidents said the vote was close again."
    with lib.db.transaction() as conn:
        conn.execute("UPDATE articles SET text = ? WHERE id = ?", (old, ferry))
    mark = lib.add_highlight(ferry, "the vote was close", start=old.rfind("the vote"))
    assert mark.start == old.rfind("the vote")
    # A new text where the offset is stale and another occurrence sits nearer to it than the right one:
    # the text around the highlight ("Residents said … again.") picks the right one.
    first = "Residents said the vote was close again.\n\n"
    decoy = "." * (mark.start + 1 - len(first) - len("Clerks said ")) + "Clerks said the vote was close."  # type: ignore[operator]
    new = first + decoy
    assert new.find("the vote", len(first)) == mark.start + 1  # type: ignore[operator]
    with lib.db.transaction() as conn:
        conn.execute("UPDATE articles SET text = ? WHERE id = ?", (new, ferry))
    [again] = lib.highlights(ferry)
    assert again.found and again.start == len("Residents said ")


def test_a_new_version_of_the_page_keeps_the_highlights(tmp_path: Path) -> None:
    page = tmp_path / "in" / "ferry.html"
    write(page, article_html())
    with Library(tmp_path / "library") as lib:
        [first] = lib.import_paths([page], workers=1).of("imported")
        old = first.id
        assert old is not None
        lib.add_highlight(old, "two evening departures", note="kept")
        lib.add_highlight(old, "underestimated by at least a third")
        lib.add_note(old, "Follow up in March")
        # The same URL, changed: the publisher reworded a sentence. The import keeps it as a new version.
        changed = [p.replace("underestimated by at least a third", "underestimated") for p in LOREM]
        write(page, article_html(paragraphs=["An update was added.", *changed]))
        [second] = lib.import_paths([page], workers=1).of("imported")
        new = second.id
        assert new is not None and new != old and lib.article(new).previous_version == old  # type: ignore[union-attr]
        carried = {h.quote: h for h in lib.highlights(new)}
        assert set(carried) == {"two evening departures", "underestimated by at least a third", ""}
        assert carried["two evening departures"].found and carried["two evening departures"].note == "kept"
        assert not carried["underestimated by at least a third"].found
        assert carried[""].note == "Follow up in March"
        assert all(h.found for h in lib.highlights(old))  # the earlier version keeps its own
        assert found(lib, "note:march") == {old, new}
        # Importing the same file again changes nothing.
        assert lib.import_paths([page], workers=1).of("duplicate")
        assert len(lib.highlights(new)) == 3


def _archive(folder: Path) -> dict:
    data = json.loads((folder / "archive.json").read_text(encoding="utf-8"))
    data.pop("exported_at")
    return data


def test_the_json_export_round_trip_is_exact(lib: Library, tmp_path: Path) -> None:
    ferry, bridge = article_id(lib, FERRY), article_id(lib, BRIDGE)
    lib.add_highlight(ferry, "two evening departures", note="kept")
    lib.add_note(bridge, "A note on the whole article\nover two lines")
    lost = lib.add_highlight(bridge, "congested coastal road")
    with lib.db.transaction() as conn:  # one highlight whose quote the text has lost
        conn.execute("UPDATE highlights SET quote = 'a passage that went', start = 7 WHERE id = ?", (lost.id,))
    lib.save_search("Ferries", "ferry")
    lib.save_search("Annotated", "is:annotated")
    lib.export(tmp_path / "first", "json")
    first = _archive(tmp_path / "first")
    assert first["saved_searches"][0]["name"] == "Annotated"
    marks = [h for a in first["articles"] for h in a["highlights"]]
    assert {tuple(sorted(h)) for h in marks} == {
        ("created", "id", "note", "origin", "prefix", "quote", "start", "suffix")
    }
    with Library(tmp_path / "restored") as restored:
        assert restored.import_paths([tmp_path / "first"]).ok
        restored.export(tmp_path / "second", "json")
        assert [(s.name, s.query, s.count) for s in restored.saved_searches()] == [
            ("Annotated", "is:annotated", 2),
            ("Ferries", "ferry", 1),
        ]
        assert found(restored, "note:whole") == {bridge}
        assert [(h.id, h.found) for h in restored.highlights()] == [(h.id, h.found) for h in lib.highlights()]
        assert restored.import_paths([tmp_path / "first"]).ok  # restoring again adds nothing
        assert len(restored.highlights()) == 3 and len(restored.saved_searches()) == 2
    assert _archive(tmp_path / "second") == first


def test_restoring_onto_the_same_article_adds_its_highlights_and_indexes_them(lib: Library, tmp_path: Path) -> None:
    ferry = article_id(lib, FERRY)
    lib.add_highlight(ferry, "two evening departures", note="about the timetable")
    lib.export(tmp_path / "out", "json")
    mark = lib.highlights(ferry)[0]
    lib.remove_highlight(mark.id)
    assert found(lib, "note:timetable") == set()
    report = lib.import_paths([tmp_path / "out"])
    assert report.of("duplicate") and report.ok
    assert [h.note for h in lib.highlights(ferry)] == ["about the timetable"]
    assert found(lib, "note:timetable") == {ferry}


def test_backup_and_restore_keep_highlights_notes_and_saved_searches(lib: Library, tmp_path: Path) -> None:
    ferry = article_id(lib, FERRY)
    lib.add_highlight(ferry, "two evening departures", note="kept")
    lib.add_note(ferry, "whole-article note")
    lib.save_search("Ferries", "ferry")
    before = lib.highlights()
    lib.backup(tmp_path / "backup.zip")
    restore_backup(tmp_path / "backup.zip", tmp_path / "restored")
    with Library(tmp_path / "restored") as restored:
        assert restored.highlights() == before
        assert [(s.name, s.count) for s in restored.saved_searches()] == [("Ferries", 1)]
        assert found(restored, "note:kept") == {ferry} and found(restored, "is:highlighted") == {ferry}
        assert restored.doctor() == []


def test_markdown_and_html_exports_put_highlights_as_quotes_with_notes_after_the_article(
    lib: Library, tmp_path: Path
) -> None:
    ferry = article_id(lib, FERRY)
    lib.add_highlight(ferry, "two evening departures", note="Check the *new* timetable")
    lib.add_note(ferry, "Whole-article note")
    lib.export(tmp_path / "md", "markdown")
    lib.export(tmp_path / "html", "html")
    page = (tmp_path / "md" / "2024-11-05-council-extends-winter-ferry-service.md").read_text(encoding="utf-8")
    section = page[page.index("## Highlights and notes") :]
    assert page.index("## Highlights and notes") > page.index("a Sunday morning crossing")
    assert "> two evening departures\n\nCheck the \\*new\\* timetable" in section
    assert "Whole-article note" in section
    bridge_page = (tmp_path / "md" / "2024-11-05-old-swing-bridge-to-reopen-in-spring.md").read_text(encoding="utf-8")
    assert "Highlights and notes" not in bridge_page
    html_page = (tmp_path / "html" / "2024-11-05-council-extends-winter-ferry-service.html").read_text(encoding="utf-8")
    assert "<blockquote>two evening departures</blockquote>" in html_page
    assert '<p class="note">Check the *new* timetable</p>' in html_page
    assert html_page.index("<blockquote>two evening departures") > html_page.index("</article>")


def test_only_annotations_writes_one_file_per_annotated_article_linking_to_the_article(
    lib: Library, tmp_path: Path
) -> None:
    ferry = article_id(lib, FERRY)
    lib.add_highlight(ferry, "two evening departures", note="kept")
    report = lib.export(tmp_path / "notes", "markdown", only_annotations=True)
    assert report.articles == 1
    notes = tmp_path / "notes"
    names = sorted(p.name for p in notes.glob("*.md"))
    assert names == ["2024-11-05-council-extends-winter-ferry-service.md", "index.md"]
    page = (notes / names[0]).read_text(encoding="utf-8")
    assert "# Council extends winter ferry service" in page
    assert "The Harbour Ledger · 2024-11-05" in page and "<https://harbour-ledger.example/news/ferry-winter>" in page
    assert "> two evening departures\n\nkept" in page
    assert "congested coastal road" not in page  # only the highlights, not the article's text
    link = page.split("[Read the article](")[1].split(")")[0]
    target = notes / link
    assert target.is_file() and "congested coastal road" in target.read_text(encoding="utf-8")
    with pytest.raises(LibraryError, match="markdown"):
        lib.export(tmp_path / "x", "html", only_annotations=True)
    with pytest.raises(LibraryError, match="nothing exported"):
        lib.export(tmp_path / "y", "markdown", query="title:bridge", only_annotations=True)
    assert not (tmp_path / "y").exists()


def test_an_index_of_an_older_format_is_rebuilt_on_open_with_annotations(tmp_path: Path) -> None:
    write(tmp_path / "in" / "ferry.html", article_html())
    folder = tmp_path / "library"
    with Library(folder) as lib:
        [outcome] = lib.import_paths([tmp_path / "in"], workers=1).of("imported")
        lib.add_note(outcome.id, "lighthouse")  # type: ignore[arg-type]
    live = folder / paths.INDEX_DIR / (folder / paths.INDEX_DIR / "CURRENT").read_text(encoding="utf-8").strip()
    marker = json.loads((live / "newsarchive-search.json").read_text(encoding="utf-8"))
    marker["format"] = "newsarchive-search/1"  # older than any format an open can bring up to date
    (live / "newsarchive-search.json").write_text(json.dumps(marker), encoding="utf-8")
    with Library(folder) as lib:
        assert any("another version" in r for r in lib.repairs)
        assert found(lib, "note:lighthouse") == {outcome.id} and lib.doctor() == []


def test_a_read_only_library_lists_annotations_and_refuses_changes(lib: Library) -> None:
    ferry = article_id(lib, FERRY)
    lib.add_highlight(ferry, "two evening departures")
    lib.save_search("Ferries", "ferry")
    folder = lib.folder
    lib.close()
    with Library(folder, read_only=True) as ro:
        assert [h.quote for h in ro.highlights()] == ["two evening departures"]
        assert [s.name for s in ro.saved_searches()] == ["Ferries"]
        for change in (
            lambda: ro.add_highlight(ferry, "ferry"),
            lambda: ro.add_note(ferry, "x"),
            lambda: ro.save_search("x", "y"),
        ):
            with pytest.raises(LibraryError, match="read-only"):
                change()


def test_deleting_an_article_removes_its_annotations(lib: Library) -> None:
    ferry = article_id(lib, FERRY)
    lib.add_note(ferry, "gone with it")
    lib.delete_articles([ferry])
    assert lib.highlights() == [] and lib.annotations() == [] and lib.doctor() == []
    assert sqlite3.connect(lib.folder / paths.DATABASE_NAME).execute("SELECT COUNT(*) FROM highlights").fetchone() == (
        0,
    )


def test_an_index_of_the_previous_format_is_upgraded_in_place_not_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.search import index as index_module
    from indexer.search import rebuild, schema, storage

    # The index as the previous version wrote it: no fields for notes and highlighted passages.
    def old_schema() -> object:
        fields = schema.build_schema()
        fields.remove("notes")
        fields.remove("quotes")
        return fields

    def old_fields(doc: object) -> dict:
        values = schema.fields_of(doc)  # type: ignore[arg-type]
        return {k: v for k, v in values.items() if k not in ("notes", "quotes")}

    monkeypatch.setattr(index_module, "build_schema", old_schema)
    monkeypatch.setattr(index_module, "fields_of", old_fields)
    monkeypatch.setattr(rebuild, "fields_of", old_fields)
    monkeypatch.setattr(storage, "FORMAT", "newsarchive-search/2")
    folder = tmp_path / "library"
    write(tmp_path / "in" / "ferry.html", article_html())
    write(tmp_path / "in" / "bridge.html", article_html(title=BRIDGE, url="https://x.example/b", paragraphs=LOREM[:3]))
    with Library(folder) as lib:
        assert len(lib.import_paths([tmp_path / "in"], workers=1).of("imported")) == 2
        ferry, bridge = article_id(lib, FERRY), article_id(lib, BRIDGE)
        lib.add_note(ferry, "Ask the lighthouse keeper")
    monkeypatch.undo()
    current = (folder / paths.INDEX_DIR / "CURRENT").read_text(encoding="utf-8")
    with Library(folder) as lib:
        assert lib.repairs == []  # no rebuild
        assert (folder / paths.INDEX_DIR / "CURRENT").read_text(encoding="utf-8") == current
        assert found(lib, "note:lighthouse") == {ferry} and found(lib, "lighthouse") == {ferry}
        assert found(lib, "is:annotated") == {ferry} and found(lib, "council") == {ferry, bridge}
        lib.add_highlight(bridge, "congested coastal road", note="Harbour master")
        assert found(lib, "note:harbour") == {bridge} and lib.doctor() == []
    with Library(folder) as lib:  # the marker now names this format: nothing more to do
        assert lib.repairs == [] and found(lib, "note:harbour") == {bridge}
        for word in ("tide", "wind", "rain"):  # a few more commits: enough small segments for a merge
            lib.add_note(bridge, word)
        # Merging the old segments with the new ones keeps every entry.
        before = len(lib.index._snap.leaves)  # type: ignore[union-attr]
        _merge(lib)
        assert len(lib.index._snap.leaves) < before  # type: ignore[union-attr]
        assert found(lib, "note:lighthouse") == {ferry} and found(lib, "quote:congested") == {bridge}
        assert found(lib, "note:wind") == {bridge} and found(lib, "council") == {ferry, bridge}
        assert lib.doctor() == []


def _merge(lib: Library) -> None:
    """Run the index's idle merge to its end now (the bounded-step merge's `merge_now` where there is one)."""
    merge_now = getattr(lib.index, "merge_now", None)
    if merge_now is not None:
        merge_now()
        return
    lib.index._merge_when_idle()
    lib.index._run(lambda: None)  # the merge job was queued on the writer thread before this one
