"""The decode stage: the text a reader sees must be the text the page was written in."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.ingest.decode import decode, decode_detailed, web_encoding

UKRAINIAN = (
    "У Львові відкрили нову бібліотеку для дітей. Міська рада виділила кошти на ремонт старої будівлі, "
    "а волонтери зібрали понад дві тисячі книжок. Директорка каже, що читальня працюватиме щодня."
)
RUSSIAN = (
    "В Новосибирске открылся новый мост через Обь. Строительство заняло четыре года, движение по нему "
    "уже запущено. Жители говорят, что дорога до центра стала вдвое короче."
)
CZECH = (
    "V Brně otevřeli novou knihovnu pro děti. Městská rada uvolnila peníze na opravu staré budovy a "
    "dobrovolníci sehnali přes dva tisíce knížek. Ředitelka říká, že čítárna bude otevřená každý den."
)
POLISH = (
    "W Gdańsku otwarto nową bibliotekę dla dzieci. Rada miasta przeznaczyła pieniądze na remont starego "
    "budynku, a wolontariusze zebrali ponad dwa tysiące książek. Dyrektorka mówi, że czytelnia będzie czynna."
)
JAPANESE = (
    "札幌で子ども向けの新しい図書館が開館しました。市は古い建物の改修に予算を出し、ボランティアが本を集めました。"
)
FRENCH = "À Lyon, une nouvelle bibliothèque a ouvert ses portes. « C’est formidable », déclare la directrice."


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (UKRAINIAN, "cp1251"),
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
        (CZECH, "iso-8859-2"),
        (POLISH, "iso-8859-2"),
        (CZECH, "cp1250"),
        (POLISH, "cp1250"),
        (JAPANESE, "shift_jis"),
    ],
)
def test_undeclared_legacy_page_is_read_in_its_own_encoding(text: str, codec: str) -> None:
    data = page(text).encode(codec)
    assert text in decode(data)


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (UKRAINIAN, "cp1251", "windows-1251"),
        (RUSSIAN, "koi8-r", "KOI8-R"),
        (CZECH, "iso-8859-2", "ISO-8859-2"),
        (POLISH, "cp1250", "x-cp1250"),
    ],
)
def test_meta_charset_is_honoured(text: str, codec: str, label: str) -> None:
    for head in (f'<meta charset="{label}">', f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'):
        decoded = decode_detailed(page(text, head).encode(codec))
        assert text in decoded.text
        assert decoded.source == "meta"


def test_meta_saying_utf8_over_cp1251_bytes_falls_through_to_the_detector() -> None:
    decoded = decode_detailed(page(UKRAINIAN, '<meta charset="utf-8">').encode("cp1251"))
    assert UKRAINIAN in decoded.text
    assert decoded.source == "detector"


def test_utf8_bytes_under_a_legacy_meta_are_read_as_utf8() -> None:
    text = decode(page(RUSSIAN, '<meta charset="windows-1251">').encode("utf-8"))
    assert RUSSIAN in text


def test_declared_charset_outranks_meta_and_a_failing_one_falls_through() -> None:
    data = page(RUSSIAN, '<meta charset="windows-1251">').encode("koi8-r")
    assert RUSSIAN in decode(data, "koi8-r")
    # A container that claims UTF-8 for bytes that are not: the page's own meta decides.
    assert RUSSIAN in decode(page(RUSSIAN, '<meta charset="koi8-r">').encode("koi8-r"), "utf-8")


@pytest.mark.parametrize("label", ["no-such-charset", "utf-7", "base64", "rot13", "x-user-defined", "", "  "])
def test_bogus_or_unsafe_labels_are_ignored(label: str) -> None:
    data = page(UKRAINIAN, f'<meta charset="{label}">').encode("cp1251")
    assert UKRAINIAN in decode(data, label)
    assert web_encoding(label) is None


def test_utf7_is_never_used_so_encoded_markup_stays_inert() -> None:
    data = b"<meta charset=utf-7><p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>"
    text = decode(data, "utf-7")
    assert "<script>" not in text
    assert "+ADw-script+AD4-" in text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"])
def test_byte_order_mark_wins_and_is_removed(codec: str) -> None:
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
        "utf-8": codecs.BOM_UTF8,
    }[codec]
    html = page(UKRAINIAN, '<meta charset="windows-1251">')
    text = decode(bom + html.encode(codec), "koi8-r")
    assert text == html


def test_utf16_without_bom_is_recognised() -> None:
    html = page(FRENCH)
    assert decode(html.encode("utf-16-le")) == html
    assert decode(html.encode("utf-16-be")) == html


def test_xml_declaration_names_the_encoding() -> None:
    xhtml = '<?xml version="1.0" encoding="ISO-8859-2"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
    xhtml += f"<body><p>{CZECH}</p></body></html>"
    decoded = decode_detailed(xhtml.encode("iso-8859-2"))
    assert CZECH in decoded.text
    assert decoded.encoding == "iso8859-2"


def test_meta_inside_a_comment_does_not_count() -> None:
    html = page(RUSSIAN, '<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">')
    assert RUSSIAN in decode(html.encode("cp1251"))


def test_plain_text_mode_ignores_markup_lookalikes() -> None:
    text = '<meta charset="koi8-r">\n' + UKRAINIAN
    decoded = decode_detailed(text.encode("cp1251"), html=False)
    assert decoded.text == text


def test_latin1_label_means_windows_1252_as_in_browsers() -> None:
    data = page("\u201cQuoted\u201d \u20ac5", '<meta charset="iso-8859-1">').encode("cp1252")
    assert "\u201cQuoted\u201d \u20ac5" in decode(data)


def test_undeclared_western_page_is_not_read_as_latin1_controls() -> None:
    text = decode(page(FRENCH).encode("cp1252"))
    assert FRENCH in text
    assert not any("\x80" <= ch <= "\x9f" for ch in text)


def test_line_endings_and_content_are_left_alone() -> None:
    html = "<p>one</p>\r\n<p>two</p>\r\n"
    assert decode(html.encode()) == html


def test_a_stray_byte_beyond_the_detectors_sample_does_not_lose_the_page() -> None:
    # 300 KB of cp1251 text, then a byte cp1251 leaves undefined (0x98): the text stays readable.
    data = page(" ".join([UKRAINIAN] * 1500)).encode("cp1251") + b"\x98"
    decoded = decode_detailed(data)
    assert decoded.encoding == "cp1251"
    assert UKRAINIAN in decoded.text
    assert decoded.text.endswith("\ufffd")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.one_of(st.none(), st.text(max_size=20)), st.booleans())
def test_any_bytes_decode_to_text(data: bytes, declared: str | None, html: bool) -> None:
    assert isinstance(decode(data, declared, html=html), str)
