"""A publication date written out in the page's visible text, in the site's language.

Some pages state their date nowhere but in the line under the headline: "14 вересня 2024",
"4. Mai 2025", "Do 25.04.24 | 14:07 Uhr", "5 de marzo de 2024", "2025年1月13日". `date_in_text`
reads one such date from a short string; `visible_date` looks for it only where pages print the
story's date (elements named for a date or time, the byline's line, the lines next to the headline),
never in the story's text.
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree
from lxml.html import HtmlElement

from .byline import tidy

MAX_LINE = 160  # characters of a line that can state the story's date
MAX_LINES = 40  # candidate lines looked at

_MONTHS_BY_LANGUAGE = {
    "en": "january february march april may june july august september october november december",
    "en3": "jan feb mar apr may jun jul aug sep oct nov dec",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "de-at": "jänner feber märz april mai juni juli august september oktober november dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "es2": "enero febrero marzo abril mayo junio julio agosto setiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "no": "januar februar mars april mai juni juli august september oktober november desember",
    "fi": "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta "
    "lokakuuta marraskuuta joulukuuta",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    "tr": "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
    "id": "januari februari maret april mei juni juli agustus september oktober november desember",
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "uk1": "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад грудень",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "ru1": "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    "el": "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου οκτωβρίου "
    "νοεμβρίου δεκεμβρίου",
}
MONTHS: dict[str, int] = {}
for _names in _MONTHS_BY_LANGUAGE.values():
    for _number, _name in enumerate(_names.split(), start=1):
        MONTHS.setdefault(_name, _number)
MONTHS.update({"sept": 9, "mrz": 3, "mär": 3, "okt": 10, "dez": 12, "mei": 5, "maj": 5, "ene": 1, "dic": 12})

_WORD = r"([^\W\d_]{3,15})\.?"
_DAY_MONTH_YEAR = re.compile(
    r"(?<!\d)(\d{1,2})(?:\.|º|er|st|nd|rd|th)?\s*(?:de\s+)?" + _WORD + r",?\s+(?:de\s+)?(\d{4})(?!\d)"
)
_MONTH_DAY_YEAR = re.compile(_WORD + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)")
_CJK = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
_YEAR_FIRST = re.compile(r"(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.])")
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")

_GLUED = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SENTENCE_END = re.compile(r"[^\W\d_]{2}[.!?](?:\s|$)")
_DATE_MARK = re.compile(r"date|time|datum|fecha|tarih|publi|byline|author", re.I)
_HEADING_MARK = re.compile(r"headline|title|teaser|caption", re.I)
_CANDIDATES = etree.XPath(
    "//body//*[self::time or self::span or self::div or self::p or self::li or self::small or self::header]"
    "[contains(@class, 'date') or contains(@class, 'Date') or contains(@class, 'time') or contains(@class, 'Time')"
    " or contains(@class, 'datum') or contains(@class, 'fecha') or contains(@class, 'tarih')"
    " or contains(@class, 'publi') or contains(@class, 'byline') or contains(@class, 'author')"
    " or contains(@class, 'meta') or contains(@class, 'line') or contains(@class, 'info') or self::time]"
)

# Words that introduce a story's date or its byline, in the languages pages are written in.
_DATE_LABELS = (
    "published",
    "posted",
    "written by",
    "updated",
    "publiziert",
    "veröffentlicht",
    "erschienen",
    "publicado",
    "publié",
    "pubblicato",
    "gepubliceerd",
    "publicerad",
    "publisert",
    "udgivet",
    "julkaistu",
    "opublikowano",
    "yayınlanma",
    "yayın tarihi",
    "опубликовано",
    "опубліковано",
    "기사입력",
    "입력",
    "公開",
    "配信",
    "发布",
)
_LABELLED = etree.XPath(
    "//body//text()["
    + " or ".join(f"contains(translate(., 'PWUVEGJOYÖ', 'pwuvegjoyö'), '{label}')" for label in _DATE_LABELS)
    + "]"
)


def date_in_text(text: str, language: str | None = None) -> str | None:
    """The first date "YYYY-MM-DD" written in `text`, read the way a reader of `language` reads it."""
    # Markup that sets a byline and its date in adjacent elements can glue them: "Jane DoeNovember 15, 2019".
    text = _GLUED.sub(" ", text)
    found: list[tuple[int, str | None]] = []
    for match in _CJK.finditer(text):
        found.append((match.start(), _iso(match.group(1), match.group(2), match.group(3))))
    for match in _YEAR_FIRST.finditer(text):
        found.append((match.start(), _iso(match.group(1), match.group(2), match.group(3))))
    for match in _DAY_MONTH_YEAR.finditer(text):
        month = MONTHS.get(match.group(2).casefold())
        if month:
            found.append((match.start(), _iso(match.group(3), str(month), match.group(1))))
    for match in _MONTH_DAY_YEAR.finditer(text):
        month = MONTHS.get(match.group(1).casefold())
        if month:
            found.append((match.start(), _iso(match.group(3), str(month), match.group(2))))
    for match in _DOTTED.finditer(text):
        found.append((match.start(), _iso(_full_year(match.group(3)), match.group(2), match.group(1))))
    for match in _SLASHED.finditer(text):
        first, second = int(match.group(1)), int(match.group(2))
        # A number over 12 is the day; otherwise US English writes the month first, the rest the day.
        if first > 12:
            month_first = False
        elif second > 12:
            month_first = True
        else:
            month_first = (language or "").lower().replace("_", "-") == "en-us"
        month, day = (first, second) if month_first else (second, first)
        found.append((match.start(), _iso(match.group(3), str(month), str(day))))
    valid = sorted((pos, iso) for pos, iso in found if iso)
    return valid[0][1] if valid else None  # the earliest in the line


def visible_date(root: HtmlElement, language: str | None = None) -> str | None:
    """The story's date as printed near its headline or byline, if the page prints one: lines below the
    headline are read before those above it."""
    found = dated_line(root, language)
    return found[0] if found else None


def dated_line(root: HtmlElement, language: str | None = None) -> tuple[str, HtmlElement] | None:
    """(date, element printing it), as `visible_date` finds them."""
    candidates = _CANDIDATES(root)
    headline = next((h for h in root.iter("h1") if not _in_furniture(h)), None)
    if headline is not None:
        order = {e: i for i, e in enumerate(root.iter())}
        at = order.get(headline, 0)
        candidates = [c for c in candidates if order.get(c, 0) > at] + [c for c in candidates if order.get(c, 0) < at]
    looked = 0
    for element in candidates:
        if looked >= MAX_LINES:
            break
        marks = element.get("class") or ""
        # "post__title__author-date" names the date line inside the title block, not the headline itself.
        if _in_furniture(element) or (_HEADING_MARK.search(marks) and not _DATE_MARK.search(marks)):
            continue
        if any(True for _ in element.iter("h1", "h2", "h3", "h4")):
            continue
        line = tidy(element.text_content())
        if not line or len(line) > MAX_LINE:
            continue
        looked += 1
        found = date_in_text(line, language)
        if found:
            return found, element
    return _labelled_date(root, language)


def _labelled_date(root: HtmlElement, language: str | None) -> tuple[str, HtmlElement] | None:
    """A date in a line that says what it is ("publiziert am 25. September 2018", "Written by Jane Doe on
    November 14, 2019", "기사입력 : 2018-08-25"), wherever the page's markup puts that line."""
    for text in _LABELLED(root)[:MAX_LINES]:
        holder = text.getparent()
        if holder is None or _in_furniture(holder) and holder.tag != "a":
            continue
        for line in (tidy(str(text)), tidy(holder.text_content())):
            # A sentence of the story that mentions a date is not the line stating the story's date.
            if len(line) > MAX_LINE or _SENTENCE_END.search(line):
                continue
            found = date_in_text(line, language)
            if found:
                return found, holder
    return None


def _in_furniture(element: HtmlElement) -> bool:
    for node in element.iterancestors():
        if node.tag in ("nav", "footer", "aside", "a", "li", "form") or node.tag == "body":
            return node.tag != "body"
    return False


def _full_year(year: str) -> str:
    if len(year) == 4:
        return year
    return str(2000 + int(year)) if int(year) <= date.today().year % 100 + 1 else str(1900 + int(year))


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        when = date(int(year), int(month), int(day))
    except ValueError:
        return None
    if not 1990 <= when.year <= date.today().year + 1:
        return None
    return when.isoformat()
