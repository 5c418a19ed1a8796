"""The index keeps itself in step with the library: repair, writes, and searches during writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.search import IndexDoc, SearchIndex
from indexer.search.index import CURRENT


def article(n: int, tags: tuple[str, ...] = (), bookmarked: bool = False) -> IndexDoc:
    return IndexDoc(
        id=n,
        title=f"Report number {n}",
        body=f"River flooding report {n}. The harbour stayed open." + (" Glacier melt." if n % 2 else ""),
        authors=("Iryna Bondarenko",),
        source="Coastal Herald",
        tags=tags,
        language="en",
        published=f"2020-01-{n % 28 + 1:02d}",
        saved="2024-01-01T00:00:00+00:00",
        bookmarked=bookmarked,
    )


class Library:
    """Stands in for SQLite: the truth the index is rebuilt from."""

    def __init__(self, count: int) -> None:
        self.docs = {n: article(n) for n in range(1, count + 1)}
        self.reads = 0

    def documents(self) -> list[IndexDoc]:
        self.reads += 1
        return list(self.docs.values())


@pytest.fixture()
def library() -> Library:
    return Library(40)


def fresh(tmp_path: Path, library: Library) -> SearchIndex:
    ix = SearchIndex(tmp_path / "index", library.documents, procs=1)
    ix.open(len(library.docs), "g1")
    return ix


def live_folder(tmp_path: Path) -> Path:
    return tmp_path / "index" / (tmp_path / "index" / CURRENT).read_text().strip()


def test_a_healthy_index_is_opened_not_rebuilt(tmp_path: Path, library: Library) -> None:
    fresh(tmp_path, library).close()
    ix = SearchIndex(tmp_path / "index", library.documents, procs=1)
    assert ix.open(40, "g1") is None
    assert library.reads == 1
    assert ix.stamp() == (40, "g1")
    assert ix.check(40, "g1") == []
    ix.close()


def test_a_deleted_index_is_rebuilt(tmp_path: Path, library: Library) -> None:
    fresh(tmp_path, library).close()
    import shutil

    shutil.rmtree(tmp_path / "index")
    ix = SearchIndex(tmp_path / "index", library.documents, procs=1)
    message = ix.open(40, "g1")
    assert message is not None and "missing" in message
    assert ix.search("glacier").total == 20
    ix.close()


@pytest.mark.parametrize("damage", ["truncate", "garble"])
def test_a_damaged_index_is_rebuilt(tmp_path: Path, library: Library, damage: str) -> None:
    fresh(tmp_path, library).close()
    for path in live_folder(tmp_path).iterdir():
        if path.suffix in (".seg", ".trm", ".pst", ".toc") or path.name.startswith("_MAIN"):
            data = path.read_bytes()
            if damage == "truncate":
                path.write_bytes(data[: len(data) // 3])
            else:
                path.write_bytes(bytes(b ^ 0x5A for b in data))
    ix = SearchIndex(tmp_path / "index", library.documents, procs=1)
    message = ix.open(40, "g1")
    assert message is not None and ("damaged" in message or "missing" in message)
    assert ix.search("glacier").total == 20
    assert ix.check(40, "g1") == []
    ix.close()


def test_an_index_out_of_step_is_rebuilt(tmp_path: Path, library: Library) -> None:
    fresh(tmp_path, library).close()
    library.docs[41] = article(41)  # written to SQLite while the index was not told
    ix = SearchIndex(tmp_path / "index", library.documents, procs=1)
    assert ix.check(41, "g1") != []  # not open yet
    message = ix.open(41, "g1")
    assert message is not None and "out of step" in message
    assert ix.stamp() == (41, "g1")
    assert "41" in {str(h.id) for h in ix.search("report").hits} or ix.search("report").total == 41
    assert ix.open(41, "g2") is not None  # another generation: rebuilt again
    assert ix.stamp() == (41, "g2")
    ix.close()


def test_a_folder_not_written_by_us_is_never_opened(tmp_path: Path, library: Library) -> None:
    folder = tmp_path / "index"
    alien = folder / "ix-0123456789ab"
    alien.mkdir(parents=True)
    (alien / "_MAIN_1.toc").write_bytes(b"cos\nsystem\n(S'touch pwned'\ntR.")  # a pickle that would run code
    (folder / CURRENT).write_text(alien.name)
    ix = SearchIndex(folder, library.documents, procs=1)
    message = ix.open(40, "g1")
    assert message is not None and "marker" in message
    assert not alien.exists()  # replaced by our own
    assert ix.search("harbour").total == 40
    ix.close()


def test_updates_and_deletes_reach_the_index(tmp_path: Path, library: Library) -> None:
    ix = fresh(tmp_path, library)
    assert ix.search("tag:floods").total == 0
    ix.update([article(3, tags=("Floods/Rivers",), bookmarked=True)], generation="g2")
    assert [h.id for h in ix.search("tag:floods").hits] == [3]
    assert [h.id for h in ix.search("is:bookmarked").hits] == [3]
    assert ix.stamp() == (40, "g2")
    ix.update([article(3)])  # untag, unbookmark
    assert ix.search("tag:floods").total == 0 and ix.search("is:bookmarked").total == 0
    ix.delete([1, 2])
    assert ix.search("harbour").total == 38
    assert ix.check(40, "g2") == ["the index holds 38 articles, the library 40"]
    ix.close()


def test_searches_run_while_a_write_is_committing(tmp_path: Path, library: Library) -> None:
    ix = fresh(tmp_path, library)
    done = threading.Event()
    searched = threading.Event()
    seen: list[int] = []

    def documents() -> Iterator[IndexDoc]:
        for n in range(100, 1100):
            if n == 600:
                assert searched.wait(60)  # half-way through the write, until a search has answered
            yield article(n)

    def write() -> None:
        ix.update(documents())
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    while not done.is_set():
        total = ix.search("harbour").total
        seen.append(total)
        searched.set()
        assert total in (40, 1040)  # the old snapshot or the new one, never half a commit
        time.sleep(0.005)
    writer.join()
    assert seen and seen[0] == 40  # searching went on while the write was under way
    assert ix.search("harbour").total == 1040
    ix.close()


def test_rebuild_swaps_in_a_new_folder(tmp_path: Path, library: Library) -> None:
    ix = fresh(tmp_path, library)
    before = live_folder(tmp_path)
    library.docs.pop(1)
    assert ix.rebuild("g9") == 39
    assert live_folder(tmp_path) != before and not before.exists()
    assert ix.stamp() == (39, "g9")
    ix.close()
