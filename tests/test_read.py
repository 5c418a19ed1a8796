"""The read stage: every kind of saved page comes out with its page, URL, date and files; other files are refused."""

from __future__ import annotations

import base64
import gzip
import io
import quopri
import random
import zipfile
from collections.abc import Callable
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.ingest.decode import decode
from indexer.ingest.read import MAX_RESOURCE_BYTES, MAX_RESOURCES, read_saved
from indexer.model import ImportFailure, Saved

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
STORY = "The river rose two metres overnight and the old bridge was closed to traffic."


def article(extra: str = "", head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}<title>Flood</title></head>"
        f"<body><article><h1>Flood</h1><p>{STORY}</p>{extra}</article></body></html>"
    )


def blink_mhtml(html: str, url: str, *, charset: str = "utf-8", frame: str | None = None) -> bytes:
    """An MHTML file shaped like Chrome's: quoted-printable page, base64 image, a cid: stylesheet."""
    boundary = "----MultipartBoundary--aBcD1234----"
    body = html.encode(charset)
    qp = io.BytesIO()
    quopri.encode(io.BytesIO(body), qp, quotetabs=False)
    parts = [
        (
            f"Content-Type: text/html; charset={charset}\r\nContent-ID: <frame-1@mhtml.blink>\r\n"
            f"Content-Transfer-Encoding: quoted-printable\r\nContent-Location: {url}\r\n\r\n"
        ).encode()
        + qp.getvalue().replace(b"\n", b"\r\n"),
        b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Location: https://news.example.com/img/bridge.png\r\n\r\n" + base64.encodebytes(PNG),
        b"Content-Type: text/css\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        b"Content-ID: <css-7@mhtml.blink>\r\n\r\nbody { color: black; }\r\n",
    ]
    if frame is not None:
        parts.insert(
            0,
            b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
            b"Content-Location: https://ads.example.net/frame.html\r\n\r\n" + frame.encode(),
        )
    head = (
        "From: <Saved by Blink>\r\n"
        f"Snapshot-Content-Location: {url}\r\n"
        "Subject: Flood\r\n"
        "Date: Tue, 17 Oct 2023 13:55:34 +0300\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n'
        f'\tboundary="{boundary}"\r\n\r\n\r\n'
    ).encode()
    sep = f"--{boundary}\r\n".encode()
    return head + b"".join(sep + part + b"\r\n" for part in parts) + f"--{boundary}--\r\n".encode()


# MHTML


def test_blink_mhtml_gives_page_url_date_charset_and_parts() -> None:
    url = "https://news.example.com/2023/10/flood.html"
    saved = read_saved(blink_mhtml(article('<img src="img/bridge.png">'), url), "flood.mhtml")
    assert saved.format == "mhtml"
    assert saved.url == url
    assert saved.saved_at == "2023-10-17T13:55:34+03:00"
    assert saved.charset == "utf-8"
    assert STORY in decode(saved.data, saved.charset)
    refs = {resource.ref: resource for resource in saved.resources}
    assert refs["https://news.example.com/img/bridge.png"].data == PNG
    assert refs["https://news.example.com/img/bridge.png"].mime == "image/png"
    assert refs["cid:css-7@mhtml.blink"].data.strip() == b"body { color: black; }"


def test_mhtml_page_in_a_legacy_charset_keeps_its_declared_charset() -> None:
    story = "Річка піднялася на два метри за ніч, старий міст закрили для руху."
    html = f"<html><head><title>Повінь</title></head><body><p>{story}</p></body></html>"
    saved = read_saved(blink_mhtml(html, "https://uk.example.com/a", charset="windows-1251"), "a.mht")
    assert saved.charset == "windows-1251"
    assert story in decode(saved.data, saved.charset)


def test_mhtml_picks_the_snapshot_page_not_an_earlier_frame() -> None:
    url = "https://news.example.com/flood"
    data = blink_mhtml(article(), url, frame="<html><body>advert</body></html>")
    saved = read_saved(data, "flood.mhtml")
    assert STORY.encode() in saved.data
    assert any(r.ref == "https://ads.example.net/frame.html" for r in saved.resources)


def test_mhtml_written_by_another_mime_library_is_read() -> None:
    message = MIMEMultipart("related", type="text/html")
    message["Content-Location"] = "https://news.example.com/other"
    message["Date"] = "Wed, 01 Mar 2023 08:00:00 -0000"
    page = MIMEText(article('<img src="cid:pic1">'), "html", "utf-8")
    message.attach(page)
    image = MIMEImage(PNG, "png")
    image["Content-ID"] = "<pic1>"
    message.attach(image)
    saved = read_saved(message.as_bytes(), "x.mht")
    assert saved.format == "mhtml"
    assert saved.url == "https://news.example.com/other"
    assert saved.saved_at == "2023-03-01T08:00:00+00:00"
    assert STORY in decode(saved.data, saved.charset)
    assert [(r.ref, r.data) for r in saved.resources] == [("cid:pic1", PNG)]


def test_mhtml_with_preamble_nested_parts_and_bare_newlines_is_read() -> None:
    html64 = base64.encodebytes(article('<img src="bridge.png">').encode("utf-8")).decode()
    data = (
        "MIME-Version: 1.0\nContent-Location: https://news.example.com/ie\n"
        'Content-Type: multipart/related; boundary="----=_NextPart_000"; type="text/html"\n\n'
        "This is a multi-part message in MIME format.\n\n"
        "------=_NextPart_000\nContent-Type: multipart/alternative; boundary=inner\n\n"
        "--inner\nContent-Type: text/plain\n\nplain version\n"
        '--inner\nContent-Type: text/html;\n\tcharset="utf-8"\nContent-Transfer-Encoding: base64\n\n'
        f"{html64}--inner--\n\n"
        "------=_NextPart_000\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n"
        f"Content-Location: https://news.example.com/bridge.png\n\n{base64.encodebytes(PNG).decode()}\n"
        "------=_NextPart_000--\n"
    ).encode()
    saved = read_saved(data, "ie.mht")
    assert (saved.format, saved.url, saved.charset) == ("mhtml", "https://news.example.com/ie", "utf-8")
    assert STORY in decode(saved.data, saved.charset)
    assert [(r.ref, r.data) for r in saved.resources] == [("https://news.example.com/bridge.png", PNG)]


def test_mhtml_without_a_page_is_refused() -> None:
    message = MIMEMultipart("related")
    message.attach(MIMEImage(PNG, "png"))
    with pytest.raises(ImportFailure, match="without a web page"):
        read_saved(message.as_bytes(), "x.mhtml")


def test_truncated_mhtml_still_ends_in_saved_or_failure() -> None:
    data = blink_mhtml(article(), "https://news.example.com/a")
    for cut in (200, 400, len(data) // 2, len(data) - 10):
        try:
            saved = read_saved(data[:cut], "a.mhtml")
        except ImportFailure:
            continue
        assert isinstance(saved, Saved)


# SingleFile, Mark of the Web, XHTML


def test_singlefile_page_gives_url_and_date_and_keeps_inline_images() -> None:
    data_uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    html = (
        "<!DOCTYPE html> <html lang=en><!--\n Page saved with SingleFile \n url: https://news.example.com/flood?id=7 \n"
        " saved date: Tue Oct 17 2023 13:55:34 GMT+0300 (Eastern European Summer Time)\n-->"
        f"<head><meta charset=utf-8><title>Flood</title></head><body><p>{STORY}</p><img src={data_uri}></body></html>"
    )
    saved = read_saved(html.encode(), "Flood (17.10.2023 13_55_34).html")
    assert saved.format == "singlefile"
    assert saved.url == "https://news.example.com/flood?id=7"
    assert saved.saved_at == "2023-10-17T13:55:34+03:00"
    assert data_uri.encode() in saved.data


def test_mark_of_the_web_gives_the_url() -> None:
    url = "https://news.example.com/a/b.html"
    html = f"<!DOCTYPE html>\n<!-- saved from url=({len(url):04d}){url} -->\n" + article()
    saved = read_saved(html.encode(), "b.html")
    assert (saved.format, saved.url) == ("html", url)


def test_plain_html_without_markers_has_no_url() -> None:
    saved = read_saved(article().encode(), "page.htm")
    assert (saved.format, saved.url, saved.saved_at, saved.resources) == ("html", None, None, ())


def test_xhtml_is_recognised() -> None:
    xhtml = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body><p>{STORY}</p></body></html>'
    )
    assert read_saved(xhtml.encode(), "a.xhtml").format == "xhtml"


def test_xhtml_entity_bomb_is_not_expanded() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)
    )
    xhtml = (
        f'<?xml version="1.0"?><!DOCTYPE html [{entities}]>'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&lol9;</p><p>{STORY}</p></body></html>'
    ).encode()
    saved = read_saved(xhtml, "bomb.xhtml")
    assert saved.format == "xhtml"
    text = decode(saved.data, saved.charset)
    assert len(text) == len(xhtml)  # nothing expanded
    assert "&lol9;" in text


def test_xhtml_external_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xhtml = (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY e SYSTEM "file://{secret}">]>'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&e;</p><p>{STORY}</p></body></html>'
    ).encode()
    asked: list[str] = []
    saved = read_saved(xhtml, "x.xhtml", lambda path: asked.append(path) or None)
    assert b"TOP-SECRET-VALUE" not in saved.data
    assert "TOP-SECRET-VALUE" not in decode(saved.data)
    assert asked == []


# Web Page, Complete


def make_sibling(folder: Path, asked: list[str]) -> Callable[[str], bytes | None]:
    def sibling(relative: str) -> bytes | None:
        asked.append(relative)
        target = (folder / relative).resolve()
        assert folder.resolve() in target.parents, f"asked outside the folder: {relative}"
        return target.read_bytes() if target.is_file() else None

    return sibling


def test_web_page_complete_brings_its_files_folder(tmp_path: Path) -> None:
    files = tmp_path / "Flood _ News_files"
    files.mkdir()
    (files / "bridge.png").write_bytes(PNG)
    (files / "river 2.png").write_bytes(PNG + b"2")
    (files / "big.png").write_bytes(PNG + b"big")
    (files / "site.css").write_bytes(b"p { margin: 0 }")
    (tmp_path / "outside.png").write_bytes(PNG)
    extra = (
        '<img src="./Flood%20_%20News_files/bridge.png" alt="bridge">'
        "<img src='Flood _ News_files/river 2.png?v=3'>"
        '<picture><source srcset="Flood%20_%20News_files/big.png 2x, https://cdn.example.com/x.png 1x"></picture>'
        '<img src="../outside.png"><img src="/etc/passwd"><img src="file:///etc/passwd">'
        '<img src="https://tracker.example.com/pixel.gif"><img src="C:\\Windows\\win.ini">'
        '<img src="Flood _ News_files/%2e%2e/%2e%2e/outside.png"><img src="data:image/png;base64,AAAA">'
        '<img src="Flood _ News_files/missing.png">'
    )
    head = '<link rel="stylesheet" href="Flood%20_%20News_files/site.css"><link rel="icon" href="x.ico">'
    page = tmp_path / "Flood _ News.html"
    page.write_text(article(extra, head), encoding="utf-8")
    asked: list[str] = []
    saved = read_saved(page.read_bytes(), page.name, make_sibling(tmp_path, asked))
    got = {resource.ref: resource.data for resource in saved.resources}
    assert got == {
        "./Flood%20_%20News_files/bridge.png": PNG,
        "Flood _ News_files/river 2.png?v=3": PNG + b"2",
        "Flood%20_%20News_files/big.png": PNG + b"big",
        "Flood%20_%20News_files/site.css": b"p { margin: 0 }",
    }
    assert not any(".." in path or path.startswith("/") or ":" in path for path in asked)
    assert {r.mime for r in saved.resources if r.ref.endswith(".png") or ".png?" in r.ref} == {"image/png"}


def test_web_page_complete_is_bounded_in_count(tmp_path: Path) -> None:
    folder = tmp_path / "p_files"
    folder.mkdir()
    for i in range(MAX_RESOURCES + 50):
        (folder / f"{i}.png").write_bytes(PNG + str(i).encode())
    images = "".join(f'<img src="p_files/{i}.png">' for i in range(MAX_RESOURCES + 50))
    saved = read_saved(article(images).encode(), "p.html", make_sibling(tmp_path, []))
    assert len(saved.resources) == MAX_RESOURCES


def test_web_page_complete_is_bounded_in_size() -> None:
    chunk = b"x" * (MAX_RESOURCE_BYTES // 3 + 1)
    images = "".join(f'<img src="p_files/{i}.jpg">' for i in range(5))
    saved = read_saved(article(images).encode(), "p.html", lambda path: chunk)
    assert sum(len(r.data) for r in saved.resources) <= MAX_RESOURCE_BYTES
    assert len(saved.resources) == 2


def test_a_failing_sibling_lookup_only_loses_that_file() -> None:
    def sibling(path: str) -> bytes | None:
        if "bad" in path:
            raise PermissionError(path)
        return PNG

    saved = read_saved(article('<img src="p_files/bad.png"><img src="p_files/good.png">').encode(), "p.html", sibling)
    assert [r.ref for r in saved.resources] == ["p_files/good.png"]


# Plain text and the name as a hint


def test_plain_text_is_text() -> None:
    text = f"Flood closes bridge\n\nBy A. Reporter\n\n{STORY}\n"
    assert read_saved(text.encode(), "story.txt").format == "text"
    cyrillic = "Повінь закрила міст\n\nРічка піднялася на два метри за ніч. Старий міст закрили для руху.\n"
    saved = read_saved(cyrillic.encode("cp1251"), "story.txt")
    assert saved.format == "text"
    assert decode(saved.data, html=False) == cyrillic


def test_text_mentioning_a_tag_is_still_text() -> None:
    text = f"{STORY}\nEditors wrap each quote in a <blockquote> element, the style guide says.\n"
    assert read_saved(text.encode(), "note.txt").format == "text"


def test_format_comes_from_content_not_extension() -> None:
    assert read_saved(article().encode(), "story.txt").format == "html"
    assert read_saved(f"{STORY}\n".encode(), "story.html").format == "text"
    url = "https://news.example.com/a"
    assert read_saved(blink_mhtml(article(), url), "story.html").format == "mhtml"


def test_a_page_after_much_blank_space_is_still_found() -> None:
    saved = read_saved(b"\r\n" * 40000 + article().encode(), "p.html")
    assert saved.format == "html"
    url = "https://news.example.com/long"
    big = f"<!-- saved from url=({len(url):04d}){url} -->" + article(f"<p>{STORY}</p>" * 20000)
    assert read_saved(big.encode(), "p.html").url == url  # over a megabyte, the marker at the very start


def test_utf16_page_with_bom_is_html() -> None:
    saved = read_saved(b"\xff\xfe" + article().encode("utf-16-le"), "p.html")
    assert saved.format == "html"
    assert STORY in decode(saved.data)


# Refusals


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.html", article())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b" \r\n\t \n", "blank"),
        (PNG, "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "JPEG image"),
        (b"GIF89a\x01\x00\x01\x00" + bytes(30), "GIF image"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(30), "WebP image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "damaged or truncated PDF"),
        (_zip(), "zip archive"),
        (gzip.compress(article().encode()), "gzip"),
        (b"\x7fELF\x02\x01\x01" + bytes(60), "program"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(100), "Windows program"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "SVG image"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>n</title></channel></rss>', "feed"),
        (b"hello\x00world\x00" * 20, "binary"),
        (random.Random(7).randbytes(4096), "binary"),
        (b"!!! ??? ... ---\n", "no words"),
    ],
)
def test_non_pages_are_refused_with_a_reason(data: bytes, says: str) -> None:
    with pytest.raises(ImportFailure, match=says) as failure:
        read_saved(data, "dropped.html")
    assert "\n" not in str(failure.value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_end_in_saved_or_failure(data: bytes) -> None:
    try:
        saved = read_saved(data, "x.html", lambda path: None)
    except ImportFailure as failure:
        assert str(failure) and "\n" not in str(failure)
        return
    assert saved.format in ("html", "xhtml", "mhtml", "singlefile", "text", "email", "markdown", "pdf", "webarchive")


PREFIXES = [
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
    b"bplist00\xd1\x01\x02_\x10\x0fWebMainResource",
    b'<?xml version="1.0"?><plist version="1.0"><dict><key>WebMainResource</key><dict><key>WebResourceData</key>',
    b"---\ntitle: ",
    b"From: Harbour Notes <n@letters.example>\r\nTo: r@home.example\r\nMessage-ID: <x@y>\r\n"
    b"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n",
    b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\n",
    b"Content-Type: text/html\r\nMIME-Version: 1.0\r\n\r\n",
    b"<!DOCTYPE html><html><!--\n Page saved with SingleFile \n url: ",
    b'<?xml version="1.0"?><!DOCTYPE x [',
    b"<html><body><img src=",
    b"\xff\xfe",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.binary(max_size=2000))
def test_damaged_containers_end_in_saved_or_failure(prefix: bytes, rest: bytes) -> None:
    try:
        read_saved(prefix + rest, "x.mhtml", lambda path: PNG)
    except ImportFailure as failure:
        assert "\n" not in str(failure)


# Hostile files in the new formats: each ends in a one-line reason, and the rest of the import goes on.


def _hostile_files(folder: Path) -> dict[str, tuple[Path, str]]:
    from tests import formats_kit as kit

    folder.mkdir(parents=True, exist_ok=True)
    bomb = gzip.compress(b"<html><body><p>" + b"x" * (48 * 1024 * 1024) + b"</p></body></html>", 9)
    files = {
        "gzip bomb in a WARC record": (
            kit.warc_file(
                folder / "bomb.warc.gz",
                [{"url": "https://bomb.example/", "body": bomb, "headers": [("Content-Encoding", "gzip")]}],
            ),
            "gzip bomb",
        ),
        "plist nested 500 deep": (folder / "deep.webarchive", "nest"),
        "YAML alias bomb": (folder / "bomb.md", "aliases"),
        "truncated PDF": (folder / "cut.pdf", "PDF"),
        "binary file named .eml": (folder / "noise.eml", "binary data"),
    }
    files["plist nested 500 deep"][0].write_bytes(kit.deep_webarchive_binary(500))
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    files["YAML alias bomb"][0].write_text(kit.clipping(laughs), encoding="utf-8")
    printed = kit.browser_print()
    files["truncated PDF"][0].write_bytes(printed[: len(printed) // 2])
    files["binary file named .eml"][0].write_bytes(random.Random(11).randbytes(20_000))
    return files


def test_hostile_files_in_every_new_format_end_in_a_one_line_reason(tmp_path: Path) -> None:
    from indexer.library import Library

    files = _hostile_files(tmp_path / "hostile")
    good = tmp_path / "hostile" / "good.html"
    good.write_text(article(), encoding="utf-8")
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([*(path for path, _ in files.values()), good], workers=1)
        assert len(report.of("imported")) == 1
        failed = report.of("failed")
        for what, (path, says) in files.items():
            [outcome] = [o for o in failed if o.path.startswith(str(path))]
            assert says in (outcome.error or ""), f"{what}: {outcome.error}"
            assert "\n" not in (outcome.error or ""), what
