"""`newsarchive screenshot DIR` renders the main states from the demo articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

STATES = ("results", "reader", "author", "research", "import-report", "dark")


def mean_lightness(image: QImage) -> float:
    small = image.scaled(64, 40)
    values = [small.pixelColor(x, y).lightness() for x in range(small.width()) for y in range(small.height())]
    return sum(values) / len(values)


def test_screenshot_command_writes_every_state(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from desktop.launch import main
    from indexer import paths

    if not any(paths.demo_articles_dir().glob("*.html")):
        pytest.skip("no demo articles in resources/demo")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("NEWSARCHIVE_CONFIG", str(tmp_path / "config"))
    out = tmp_path / "shots"
    assert main(["screenshot", str(out)]) == 0
    images = {name: QImage(str(out / f"{name}.png")) for name in STATES}
    for name, image in images.items():
        assert not image.isNull(), name
        assert image.width() >= 400 and image.height() >= 300, name
    assert mean_lightness(images["dark"]) < mean_lightness(images["reader"]) - 60
