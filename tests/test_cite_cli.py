"""`newsarchive cite` and the citation exports, run as a user runs them on a real library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import Library
from tests.cli import run
from tests.pages import LOREM, article_html, write
from tests.test_citations import bibtex_entries, parse_ris

FERRY = "https://harbour-ledger.example/news/ferry-winter"
BRIDGE = "https://harbour-ledger.example/news/bridge"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("cite")
    pages = root / "pages"
    write(
        pages / "ferry.html",
        article_html(authors=[{"name": "Maren Holt"}, {"name": "Tomas Reyes"}], url=FERRY),
    )
    write(
        pages / "bridge.html",
        article_html(
            title="Old swing bridge to reopen in spring",
            authors=[],
            url=BRIDGE,
            published="2024-03-02T08:00:00+00:00",
            paragraphs=[p.replace("ferry", "bridge") for p in LOREM],
        ),
    )
    folder = root / "lib"
    result = run(folder, "import", str(pages), "--json")
    assert result.returncode == 0, result.stderr
    ids = {Path(i["path"]).stem: i["id"] for i in json.loads(result.stdout)["imported"]}
    return folder, ids


def test_cite_prints_the_citation_in_each_style(library: tuple[Path, dict[str, int]]) -> None:
    folder, ids = library
    apa = run(folder, "cite", str(ids["ferry"]))
    assert apa.returncode == 0, apa.stderr
    assert apa.stdout == (
        f"Holt, M., & Reyes, T. (2024, November 5). Council extends winter ferry service. The Harbour Ledger. {FERRY}\n"
    )
    mla = run(folder, "cite", str(ids["bridge"]), "--format", "mla")
    assert mla.stdout == f"“Old Swing Bridge to Reopen in Spring.” The Harbour Ledger, 2 Mar. 2024, {BRIDGE}.\n"
    chicago = run(folder, "cite", str(ids["bridge"]), "--format", "chicago")
    assert chicago.stdout == (f"The Harbour Ledger. 2024. “Old Swing Bridge to Reopen in Spring.” March 2. {BRIDGE}.\n")
    html = run(folder, "cite", str(ids["bridge"]), "--format", "chicago", "--html")
    assert html.stdout == (
        '<div class="csl-entry"><i>The Harbour Ledger</i>. 2024. “Old Swing Bridge to Reopen in Spring.” '
        f"March 2. {BRIDGE}.</div>\n"
    )


def test_cite_several_as_data(library: tuple[Path, dict[str, int]]) -> None:
    folder, ids = library
    result = run(folder, "cite", str(ids["ferry"]), str(ids["bridge"]), "--format", "bibtex")
    assert result.returncode == 0, result.stderr
    entries = bibtex_entries(result.stdout)
    assert [(kind, key) for kind, key, _ in entries] == [("article", "holt2024council"), ("article", "harbour2024old")]
    assert entries[0][2]["url"] == FERRY and entries[1][2]["title"] == "Old swing bridge to reopen in spring"
    data = json.loads(run(folder, "cite", str(ids["bridge"]), "--format", "csl-json").stdout)
    assert data[0]["title"] == "Old swing bridge to reopen in spring" and "author" not in data[0]


def test_cite_an_unknown_id_is_one_line_and_exit_1(library: tuple[Path, dict[str, int]]) -> None:
    folder, ids = library
    result = run(folder, "cite", str(ids["ferry"]), "999")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "newsarchive: no article with id 999\n"


def test_export_citations_to_a_file_or_an_empty_folder(library: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    folder, _ = library
    ris = tmp_path / "ferry.ris"
    result = run(folder, "export", "--format", "ris", str(ris), "--query", "ferry")
    assert result.returncode == 0, result.stderr
    raw = ris.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # RIS lines end in CRLF, as reference managers expect
    (record,) = parse_ris(raw.decode("utf-8"))
    assert ("UR", FERRY) in record

    empty = tmp_path / "refs"
    empty.mkdir()
    result = run(folder, "export", "--format", "bibtex", str(empty))
    assert result.returncode == 0, result.stderr
    assert len(bibtex_entries((empty / "citations.bib").read_text(encoding="utf-8"))) == 2
    assert not (empty / "citations.bib").read_bytes().startswith(b"\xef\xbb\xbf")  # no BOM: BibTeX reads it as text

    result = run(folder, "export", "--format", "csl-json", str(ris))
    assert result.returncode == 2 and "already exists" in result.stderr
    assert parse_ris(ris.read_text(encoding="utf-8"))  # untouched


def test_library_cite_offers_html_for_rich_text(library: tuple[Path, dict[str, int]]) -> None:
    folder, ids = library
    with Library(folder) as lib:
        html = lib.cite([ids["ferry"]], "chicago", html=True)
    assert html.startswith('<div class="csl-entry">Holt, Maren, and Tomas Reyes. 2024.')
    assert "<i>The Harbour Ledger</i>" in html
