"""E-mail newsletters (.eml, .mbox): Subject, Date, sender, byline and link taken; mail furniture left out."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from pathlib import Path

import pytest

from indexer.ingest.read import read_saved
from indexer.library import Library
from indexer.model import ImportFailure
from tests import formats_kit as kit
from tests.test_read import blink_mhtml


def import_one(tmp_path: Path, name: str, data: bytes) -> tuple[Library, int]:
    path = tmp_path / name
    path.write_bytes(data)
    lib = Library(tmp_path / "lib")
    report = lib.import_paths([path], workers=1)
    assert report.ok, report.outcomes
    [outcome] = report.of("imported")
    assert outcome.id is not None
    return lib, outcome.id


def test_a_newsletter_is_an_article_without_its_mail_furniture(tmp_path: Path) -> None:
    mail = kit.newsletter()
    lib, article_id = import_one(tmp_path, "ferry.eml", mail)
    with lib:
        a = lib.article(article_id)
        assert a is not None
        assert a.title == "The winter ferry stays"  # "Fwd: Re:" gone
        assert a.published == "2024-11-05T07:30:00+00:00"
        assert a.source == "Harbour Notes"
        assert [x.name for x in a.authors] == ["Ilse Marten"]
        assert a.url == "https://letters.example/p/ferry-winter"  # the "View in browser" link
        assert a.origin == "newsletter" and a.format == "email"
        assert a.text.startswith("Good morning. The harbour authority confirmed")
        assert "timetable becomes permanent" in a.text
        for furniture in (
            "View in browser",
            "nsubscribe",
            "preferences",
            "Quay Street",
            "Preview text",
            "received this",
        ):
            assert furniture not in a.text and furniture not in a.reader_html
        assert "track.letters" not in a.reader_html  # no tracking pixel
        assert 'src="files/' in a.reader_html  # the chart sent inside the message
        original = lib.original_path(article_id)
        assert original is not None and original.read_bytes() == mail


def test_list_post_gives_the_url_when_there_is_no_view_in_browser_link(tmp_path: Path) -> None:
    html = kit.newsletter_html().replace(">View in browser<", "><")
    mail = kit.newsletter(html=html, list_post="<https://letters.example/p/ferry-winter-post>")
    saved = read_saved(mail, "m.eml")
    assert saved.url == "https://letters.example/p/ferry-winter-post"


@pytest.mark.parametrize("cte", ["quoted-printable", "base64", "8bit"])
def test_parts_in_every_transfer_encoding_and_without_a_charset_are_read(tmp_path: Path, cte: str) -> None:
    html = kit.newsletter_html().replace("Good morning.", "Guten Morgen, Grüße aus Übersee.")
    mail = kit.newsletter(html=html, cte=cte, charset=None)
    assert not [line for line in mail.splitlines() if line.startswith(b"Content-Type") and b"charset" in line]
    lib, article_id = import_one(tmp_path, "m.eml", mail)
    with lib:
        a = lib.article(article_id)
        assert a is not None and "Grüße aus Übersee" in a.text


def test_a_plain_text_mail_is_read_too(tmp_path: Path) -> None:
    raw = (
        b"From: Ilse Marten <ilse@letters.example>\r\nTo: reader@home.example\r\nSubject: RE: Ferry notes\r\n"
        b"Date: Tue, 05 Nov 2024 07:30:00 +0000\r\nMessage-ID: <plain@letters.example>\r\n"
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    ) + base64.encodebytes("\n\n".join(kit.NEWSLETTER_PARAGRAPHS).encode())
    lib, article_id = import_one(tmp_path, "plain.eml", raw)
    with lib:
        a = lib.article(article_id)
        assert a is not None and a.title == "Ferry notes" and a.source == "Ilse Marten"
        assert "evening crossing on Fridays" in a.text


def test_an_mbox_gives_one_article_per_message_named_by_message_id(tmp_path: Path) -> None:
    second = kit.newsletter(
        subject="Seawall holds",
        message_id="<seawall-2@letters.example>",
        date=datetime(2024, 11, 12, 7, 30, tzinfo=timezone.utc),
        html=kit.newsletter_html()
        .replace("The winter ferry stays", "Seawall holds")
        .replace("Good morning.", "From the quay: the seawall held.")
        .replace("ferry timetable", "seawall repair"),
    )
    box = tmp_path / "letters.mbox"
    box.write_bytes(kit.mbox([kit.newsletter(), second]))
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths([box], workers=1)
        assert [o.path for o in report.of("imported")] == [
            f"{box}/ferry-1@letters.example",
            f"{box}/seawall-2@letters.example",
        ]
        seawall = lib.article(report.of("imported")[1].id)  # type: ignore[arg-type]
        assert seawall is not None and seawall.title == "Seawall holds"
        assert seawall.published == "2024-11-12T07:30:00+00:00"
        assert seawall.text.startswith("From the quay")  # the mbox's ">From " quoting undone
        assert report.containers()[0].line("letters.mbox") == "letters.mbox: 2 articles"


def test_a_binary_file_named_eml_and_an_outlook_msg_are_refused_in_one_line() -> None:
    with pytest.raises(ImportFailure, match="binary data") as binary:
        read_saved(bytes(range(256)) * 64, "message.eml")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "__substg1.0_0037001F".encode("utf-16-le")
    with pytest.raises(ImportFailure, match="Outlook .msg") as outlook:
        read_saved(ole, "message.msg")
    assert "\n" not in str(binary.value) + str(outlook.value)


def test_a_browser_mhtml_save_is_still_a_saved_page_not_a_mail() -> None:
    saved = read_saved(blink_mhtml("<html><body><p>x</p></body></html>", "https://news.example/a"), "a.mhtml")
    assert saved.format == "mhtml"
