"""The decode stage: a saved page's bytes to text.

The order of evidence, strongest first:

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. the charset the container declares (an MHTML part header, an HTTP header);
3. for a page without either, UTF-16 recognised by its pattern of zero bytes;
4. for HTML, ``<meta charset>``, ``<meta http-equiv="Content-Type">`` or the XML declaration in the
   first 4 KB;
5. strict UTF-8;
6. the chardet detector, over the page's text rather than its markup;
7. windows-1252, the web's default, with undecodable bytes replaced.

A label the web does not know (or a codec that is not a text encoding, such as ``base64`` or the
script-smuggling ``utf-7``) is ignored, and a declared charset the bytes do not decode in falls
through to the next step. Apart from a leading byte-order mark nothing is removed or normalised.
"""

from __future__ import annotations

import codecs
import functools
import re
import warnings
from dataclasses import dataclass

import chardet

__all__ = ["Decoded", "decode", "decode_detailed", "unicode_encoding", "web_encoding"]

# The WHATWG Encoding Standard's encodings, as Python codec names. Labels resolve through
# codecs.lookup plus the aliases below; anything else is not a label a browser would honour.
_WEB_CODECS = frozenset(
    {
        "utf-8",
        "utf-16-le",
        "utf-16-be",
        "cp866",
        "iso8859-2",
        "iso8859-3",
        "iso8859-4",
        "iso8859-5",
        "iso8859-6",
        "iso8859-7",
        "iso8859-8",
        "iso8859-10",
        "iso8859-13",
        "iso8859-14",
        "iso8859-15",
        "iso8859-16",
        "koi8-r",
        "koi8-u",
        "mac-roman",
        "mac-cyrillic",
        "cp874",
        "cp1250",
        "cp1251",
        "cp1252",
        "cp1253",
        "cp1254",
        "cp1255",
        "cp1256",
        "cp1257",
        "cp1258",
        "gb18030",
        "big5hkscs",
        "euc_jp",
        "iso2022_jp",
        "cp932",
        "cp949",
    }
)

# Where browsers read a label as a wider encoding than its name says (WHATWG), do the same:
# a page labelled ISO-8859-1 is really windows-1252, GB2312 is really GBK/GB18030, and so on.
_WIDER = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "utf-16": "utf-16-le",
}

# Web labels Python's codec registry does not know.
_ALIASES = {
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "iso-8859-8-i": "iso8859-8",
    "logical": "iso8859-8",
    "visual": "iso8859-8",
    "csiso88598i": "iso8859-8",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "mac": "mac-roman",
    "x-mac-roman": "mac-roman",
    "csmacintosh": "mac-roman",
    "windows-874": "cp874",
    "dos-874": "cp874",
    "koi8-ru": "koi8-u",
    "koi": "koi8-r",
    "windows-31j": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp",
    "x-gbk": "gb18030",
    "x-cp1250": "cp1250",
    "x-cp1251": "cp1251",
    "x-cp1252": "cp1252",
    "x-cp1253": "cp1253",
    "x-cp1254": "cp1254",
    "x-cp1255": "cp1255",
    "x-cp1256": "cp1256",
    "x-cp1257": "cp1257",
    "x-cp1258": "cp1258",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_PRESCAN_BYTES = 4096
_DETECTOR_WINDOW = 2_000_000  # bytes of the page the detector's sample is taken from
_DETECTOR_SAMPLE = 200_000
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.S)
_META = re.compile(rb"<meta\b[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""")
_TAG = re.compile(rb"<[^<>]{0,4000}>")
_SPACES = re.compile(rb"\s+")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class Decoded:
    """A decoded page, with the encoding used and which piece of evidence chose it."""

    text: str
    encoding: str  # a Python codec name
    source: str  # "bom", "declared", "utf-16 pattern", "meta", "utf-8", "detector" or "default"


def decode(data: bytes, declared: str | None = None, *, html: bool = True) -> str:
    """Decode a saved page; `declared` is the charset its container names, `html` enables the meta prescan."""
    return decode_detailed(data, declared, html=html).text


def web_encoding(label: str | None) -> str | None:
    """The Python codec a browser would use for a charset label, or None for an unknown or unsafe label."""
    if not label:
        return None
    name = label.strip().strip("\"'").strip().lower()
    if not name or len(name) > 40:
        return None
    name = _ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    codec = _WIDER.get(info.name, info.name)
    return codec if codec in _WEB_CODECS else None


def unicode_encoding(data: bytes) -> str | None:
    """The UTF-16/32 codec a page is in, by its byte-order mark or its pattern of zero bytes; None otherwise."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec if codec != "utf-8" else None
    return _utf16_by_pattern(data)


def decode_detailed(data: bytes, declared: str | None = None, *, html: bool = True) -> Decoded:
    """Like `decode`, and say which encoding was used and why."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            # A byte-order mark is the strongest evidence there is: decode by it, come what may.
            return Decoded(data[len(bom) :].decode(codec, errors="replace"), codec, "bom")

    declared_codec = web_encoding(declared)
    if declared_codec:
        text = _strict(data, declared_codec)
        if text is not None:
            return Decoded(text, declared_codec, "declared")

    utf16 = _utf16_by_pattern(data)
    if utf16:
        text = _strict(data, utf16)
        if text is not None:
            return Decoded(text, utf16, "utf-16 pattern")

    utf8 = _strict(data, "utf-8")
    if html:
        meta = _prescan(data[:_PRESCAN_BYTES])
        if meta and meta != "utf-8":
            if utf8 is not None and not data.isascii():
                # Bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever the page says: legacy
                # text almost never forms valid multi-byte sequences by chance, while pages re-saved as
                # UTF-8 under their old <meta> are common.
                return Decoded(utf8, "utf-8", "utf-8")
            text = _strict(data, meta)
            if text is not None:
                return Decoded(text, meta, "meta")
        elif meta and utf8 is not None:
            return Decoded(utf8, "utf-8", "meta")

    if utf8 is not None:
        return Decoded(utf8, "utf-8", "utf-8")

    detected = _detect(data, html)
    if detected:
        text = _strict(data, detected)
        # The detector saw a sample only: a stray byte elsewhere should not undo a good guess.
        if text is None:
            text = data.decode(detected, errors="replace")
        return Decoded(text, detected, "detector")
    return Decoded(data.decode("cp1252", errors="replace"), "cp1252", "default")


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _prescan(head: bytes) -> str | None:
    """The charset a page declares for itself near its start, if any is a usable web encoding."""
    match = _XML_DECL.match(head)
    if match:
        codec = _in_document(match.group(1))
        if codec:
            return codec
    head = _COMMENT.sub(b"", head)
    for meta in _META.finditer(head):
        found = _META_CHARSET.search(meta.group(0))
        if found:
            codec = _in_document(found.group(1))
            if codec:
                return codec
    return None


def _in_document(label: bytes) -> str | None:
    codec = web_encoding(label.decode("ascii", errors="replace"))
    # A page that could state its encoding in ASCII is not UTF-16; browsers read such a label as UTF-8.
    if codec in ("utf-16-le", "utf-16-be"):
        return "utf-8"
    return codec


def _utf16_by_pattern(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark, recognised by mostly-ASCII text with every other byte zero."""
    sample = data[:4096]
    if len(sample) < 8 or len(data) % 2:
        return None
    half = len(sample) // 2
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    if odd_zero >= 0.8 * half and even_zero <= 0.05 * half:
        return "utf-16-le"
    if even_zero >= 0.8 * half and odd_zero <= 0.05 * half:
        return "utf-16-be"
    return None


def _detect(data: bytes, html: bool) -> str | None:
    """Ask chardet, over the part of the page that holds text, and keep only answers browsers know."""
    window = data[:_DETECTOR_WINDOW]
    if html:
        # Markup is ASCII and only dilutes the statistics the detector works from.
        window = _SPACES.sub(b" ", _TAG.sub(b" ", window))
    first = _HIGH_BYTE.search(window)
    # Start the sample just before the first non-ASCII byte: that is where the evidence begins.
    start = max(0, first.start() - 2000) if first else 0
    # chardet honours <meta charset> and <?xml encoding?> it finds; those have had their turn (or, in
    # plain text, are not declarations at all), so hide them from it.
    sample = window[start : start + _DETECTOR_SAMPLE].replace(b"<", b" ")
    result = chardet.detect(sample, include_encodings=_detectable())
    label = result.get("encoding")
    codec = web_encoding(label)
    if codec is None and label and label.lower() in _DETECTOR_EXTRAS:
        codec = label.lower()
    return None if codec == "utf-8" else codec


# chardet names a few Japanese encodings by their 2004 supersets, which Python decodes as well.
_DETECTOR_EXTRAS = frozenset({"euc_jis_2004", "shift_jis_2004", "iso2022_jp_2"})


@functools.cache
def _detectable() -> list[str]:
    """The web encodings this chardet can tell (asked once, when a page first needs the detector: the
    probes cost some 80 ms of every process's start-up, and most pages declare their charset)."""
    names = []
    for name in sorted((_WEB_CODECS - {"utf-16-le", "utf-16-be"}) | {"euc-jp", "iso-2022-jp"}):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the probe's own fallback answer is not in a one-name list
                chardet.detect(b"a", include_encodings=[name])
        except ValueError:  # a codec this chardet does not model
            continue
        names.append(name)
    return names
