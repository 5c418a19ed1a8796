"""What `pip install .` puts in site-packages, and the version's one source."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
PYPROJECT = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")


def listed_packages() -> set[str]:
    block = re.search(r"^packages = \[(.*?)\]", PYPROJECT, re.S | re.M)
    assert block is not None
    return set(re.findall(r'"([\w.]+)"', block.group(1)))


def test_every_package_folder_is_installed() -> None:
    folders = {
        "newsarchive." + ".".join(init.parent.relative_to(PROJECT).parts)
        for top in ("indexer", "desktop", "resources")
        for init in (PROJECT / top).rglob("__init__.py")
        if "packaging" not in init.parts  # resources/packaging/launcher is `newsarchive` itself
    }
    assert folders <= listed_packages(), sorted(folders - listed_packages())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(PROJECT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = out.glob("newsarchive-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_keeps_the_app_inside_its_own_package(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"newsarchive"}  # no top-level indexer/, desktop/ or resources/ to collide with others
    for needed in (
        "newsarchive/__init__.py",
        "newsarchive/indexer/library/facade.py",
        "newsarchive/indexer/ingest/extract/page.py",
        "newsarchive/desktop/panes/reader.py",
        "newsarchive/resources/icons/newsarchive.svg",
        "newsarchive/resources/demo/harbor-ledger-seawall-king-tide_files/pier4-gauge-feb12.png",
        "newsarchive/resources/citation/apa.csl",  # the citation styles and their license
        "newsarchive/resources/citation/chicago-author-date.csl",
        "newsarchive/resources/citation/modern-language-association.csl",
        "newsarchive/resources/citation/LICENSE.md",
    ):
        assert needed in names
    assert not [n for n in names if "/packaging/" in n]  # build material stays out of the installed app
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "newsarchive = newsarchive:main" in wheel.read(entry_points).decode()


def test_version_comes_from_pyproject() -> None:
    version = re.search(r'^version = "([^"]+)"', PYPROJECT, re.M)
    assert version is not None
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--version"], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"newsarchive {version.group(1)}"
