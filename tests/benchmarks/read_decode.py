"""Read + decode throughput and memory on very large saved pages (the read and decode stages only).

    python tests/benchmarks/read_decode.py [--mb 60]

Builds, in memory, a UTF-8 page, a windows-1251 page without any charset declaration (so the
detector runs), a "Web Page, Complete" page with 400 sibling images, and a Blink-style MHTML file,
each of about --mb megabytes, and prints seconds and peak memory (tracemalloc) per read+decode.
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
import tracemalloc
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from indexer.ingest.decode import decode_detailed  # noqa: E402
from indexer.ingest.read import read_saved  # noqa: E402

PARAGRAPH_EN = "<p>The river rose two metres overnight and the old bridge was closed to traffic for the week.</p>\n"
PARAGRAPH_UK = "<p>Річка піднялася на два метри за ніч, і старий міст закрили для руху на тиждень.</p>\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def page(paragraph: str, size: int, codec: str, head: str = "", extra: str = "") -> bytes:
    body = paragraph * (size // len(paragraph.encode(codec)))
    return f"<!DOCTYPE html><html><head>{head}<title>Big</title></head><body>{extra}{body}</body></html>".encode(codec)


def mhtml(size: int) -> bytes:
    html = page(PARAGRAPH_EN, size // 2, "utf-8", "<meta charset=utf-8>")
    image = base64.encodebytes(PNG * (size // 2 // len(PNG)))
    return (
        b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://news.example.com/big\r\n"
        b"Date: Tue, 17 Oct 2023 13:55:34 +0300\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        b"Content-Location: https://news.example.com/big\r\n\r\n" + html + b"\r\n"
        b"--B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Location: https://news.example.com/big.png\r\n\r\n" + image + b"\r\n--B--\r\n"
    )


def measure(label: str, data: bytes, sibling: object = None) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    saved = read_saved(data, "big.html", sibling)  # type: ignore[arg-type]
    decoded = decode_detailed(saved.data, saved.charset, html=saved.format != "text")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{label:34} {len(data) / 2**20:6.1f} MB  {seconds:6.2f} s  peak {peak / 2**20:7.1f} MB "
        f"({peak / len(data):4.1f}x)  {saved.format}/{decoded.encoding}/{decoded.source}"
        f"  resources={len(saved.resources)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=60)
    size = parser.parse_args().mb * 2**20
    measure("utf-8 page, meta charset", page(PARAGRAPH_EN, size, "utf-8", "<meta charset=utf-8>"))
    measure("windows-1251 page, undeclared", page(PARAGRAPH_UK, size, "cp1251"))
    images = "".join(f'<img src="big_files/{i}.png">' for i in range(400))
    measure("Web Page, Complete, 400 images", page(PARAGRAPH_EN, size, "utf-8", extra=images), lambda path: PNG)
    measure("MHTML (page + one big image)", mhtml(size))


if __name__ == "__main__":
    main()
