"""Render the app icon (resources/icons/newsarchive.svg) into what each system's packaging wants.

    python resources/packaging/make_icons.py OUTDIR

writes OUTDIR/hicolor/<N>x<N>/apps/newsarchive.png for the freedesktop.org sizes (16 to 512),
OUTDIR/hicolor/scalable/apps/newsarchive.svg, OUTDIR/newsarchive.ico (Windows) and
OUTDIR/newsarchive.icns (macOS). Qt renders the SVG, offscreen; the .ico and .icns files hold the
sizes as PNG images, which both formats allow.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path
from typing import Any

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}
SOURCE = Path(__file__).resolve().parents[1] / "icons" / "newsarchive.svg"


def render(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - painting needs one
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    written: list[Path] = []
    pngs: dict[int, bytes] = {}
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        pngs[size] = _png(image)
        target = out / "hicolor" / f"{size}x{size}" / "apps" / "newsarchive.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
        written.append(target)
    scalable = out / "hicolor" / "scalable" / "apps" / "newsarchive.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable)
    ico = out / "newsarchive.ico"
    ico.write_bytes(ico_bytes([(s, pngs[s]) for s in ICO_SIZES]))
    icns = out / "newsarchive.icns"
    icns.write_bytes(icns_bytes([(s, pngs[s]) for s in ICNS_TYPES]))
    return [*written, scalable, ico, icns]


def _png(image: Any) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("Qt could not write a PNG image")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[tuple[int, bytes]]) -> bytes:
    """A Windows .ico: a header, one 16-byte directory entry per image, then the PNG images."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        side = 0 if size >= 256 else size  # 0 stands for 256 in an icon directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns_bytes(images: list[tuple[int, bytes]]) -> bytes:
    """A macOS .icns: "icns" and the file's length, then per size its type code, length and PNG image."""
    body = b"".join(ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png for size, png in images)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    for path in render(Path(sys.argv[1])):
        print(path)
