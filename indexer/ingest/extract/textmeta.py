"""Metadata found in the lines of a plain-text page: dates, bylines, author blocks, captions, site names.

Each function looks at one line (or a few neighbouring ones) and answers with what the line states;
none guesses from the story itself. Lines longer than `MAX_PATTERN_LINE` are never searched.
"""

from __future__ import annotations

import re

from indexer.ingest.extract.textlines import MAX_PATTERN_LINE

_MONTHS = {
    # English, with the usual abbreviations
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # Russian and Ukrainian, as they stand in a date ("14 января 2025")
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7, "августа": 8,
    "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6, "липня": 7, "серпня": 8,
    "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
}  # fmt: skip
_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATE_FORMS = [
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    re.compile(_MONTH + r" " + _DAY + r",? " + _YEAR),
    re.compile(r"(?<!\d)" + _DAY + r"\.? (?:de )?" + _MONTH + r",? (?:de )?" + _YEAR),
    re.compile(r"(?<!\d)(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>(?:19|20)\d\d)(?!\d)"),
    re.compile(r"(?<![\d/])(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>(?:19|20)\d\d)(?!\d)"),
]

_PUBLISHED = re.compile(
    r"^(?:\W*)(?:originally |first )?(?:published|posted|released|date(?:d)?|опубликовано|опубліковано|"
    r"publicado(?: em| el)?|pubblicato(?: il)?|veröffentlicht(?: am)?|publié(?: le)?|diterbitkan)\b",
    re.IGNORECASE,
)
_UPDATED = re.compile(
    r"^(?:\W*)(?:last )?(?:updated|modified|обновлено|оновлено|actualizado|atualizado|aggiornato|"
    r"aktualisiert(?: am)?|mis à jour(?: le)?)\b",
    re.IGNORECASE,
)
# What else may stand on a line that is only a date: weekdays, times, zones, "at", "on".
_DATE_FILLER = re.compile(
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun|"
    r"am|pm|a\.m\.|p\.m\.|at|on|et|est|edt|cst|cdt|pst|pdt|gmt|utc|bst|cet|cest|ist|local time|\d{1,2}[:.]\d\d|"
    r"[+-]\d\d:?\d\d|[^\w]+)",
    re.IGNORECASE,
)

_BY = re.compile(
    r"^(?:(?:written |words |reported |story |text |photos? )?by|von|por|par|di|oleh|автор|авторка|текст)\b[:\s]*",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b|\bта\b|\bdan\b)\s*", re.IGNORECASE)
_BYLINE_CUT = re.compile(r"\s(?:\||•|·|—|–|-)\s|\s(?:updated|published|posted|on)\s", re.IGNORECASE)
_PARTICLES = frozenset("de da do dos das van von der den del della di du la le bin ibn al el ter st. y e".split())
_ROLE_WORDS = re.compile(
    r"\b(?:editor|editors|reporter|correspondent|writer|journalist|columnist|contributor|producer|critic|analyst|"
    r"staff|author|photographer|chief|intern|fellow|anchor|host|blogger|commentator|researcher|director|"
    r"редактор\w*|корреспондент\w*|кореспондент\w*|журналист\w*|журналіст\w*|обозреватель\w*|оглядач\w*|"
    r"колумнист\w*|автор\w*|autor\w*|redakteur\w*|periodista|jornalista|giornalista|rédact\w*)\b",
    re.IGNORECASE,
)
# Words of menus and page furniture that look like names when capitalised ("Privacy Policy", "Log Out").
_FURNITURE_WORDS = re.compile(
    r"\b(?:policy|privacy|terms|conditions|contact|about|home|news|subscribe|sign|log|login|newsletter|"
    r"newsletters|editorial|advertise|advertising|cookies?|search|menu|sections?|sports?|business|opinion|"
    r"video|videos|world|politics|tech|technology|latest|top|stories|more|help|careers|jobs|shop|store|"
    r"weather|events|local|national|health|science|travel|entertainment|lifestyle|music|movies|books|"
    r"reviews|podcasts?|photos|gallery|magazine|archive|archives|obituaries|classifieds|edition|today|"
    r"daily|weekly|live|breaking|media|press|group|inc|ltd|llc|company|center|centre|university|"
    r"school|street|read|share|follow|watch|listen|comments?|reply|posts?|blog|feed|login|online)\b",
    re.IGNORECASE,
)
_AGENCIES = re.compile(
    r"^(?:the )?(?:associated press|ap|reuters|afp|agence france-presse|bloomberg|cnn|bbc|upi|dpa|efe|ansa|"
    r"tass|ria novosti|interfax|ukrinform|pa|press association|xinhua|kyodo|yonhap)$",
    re.IGNORECASE,
)

_CREDIT = re.compile(
    r"(?:\((?:[^()]{0,120}?(?:getty|reuters|\bap\b|afp|epa|photo|image|courtesy|shutterstock|credit|pool|"
    r"bloomberg|associated press|/|via |фото)[^()]{0,120})\)\s*$|"
    r"(?:^|\s)(?:photo|photograph|picture|image|credit|foto|фото|imagem|immagine|bild)s?(?: by| credit)?"
    r"\s*(?::|\.\.\.|…|—|–|-)\s*\S|"
    r"(?:getty images|shutterstock|\bap photo|reuters|afp|epa-efe|istock\w*|alamy|unsplash)\W{0,3}$)",
    re.IGNORECASE,
)
_GALLERY_TAIL = re.compile(r"\s(?:less|more|\.\.\. more)$")

_SOURCE_FROM_BIO = re.compile(
    r"\b(?:editor|reporter|correspondent|writer|journalist|columnist|contributor|producer|critic|intern|"
    r"fellow|analyst|writes|working|works)\w*(?: [a-z]+){0,3} (?:for|at|with) "
    r"(?P<name>(?:[Tt]he )?[A-Z][\w'’&-]*(?:\.[\w'’&-]+)*(?: (?:of |de |the )?[A-Z][\w'’&-]*(?:\.[\w'’&-]+)*){0,5})"
)
_COPYRIGHT_OWNER = re.compile(
    r"(?i:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s*)?"
    r"(?P<name>[A-Z][\w'’&-]*(?:\.[\w'’&-]+)*(?: [A-Z][\w'’&-]*(?:\.[\w'’&-]+)*){0,5})"
)
_COMPANY_SUFFIX = re.compile(
    r"(?:,? (?:Media|Publishing|Publications|News|Newspapers?|Holdings|Group|Digital))*"
    r"(?:,? (?:Co|Company|Inc|Corp|Corporation|LLC|Ltd|Limited|GmbH|AG|SA|S\.A|plc|PLC))+$"
)
_TITLE_SEPARATOR = re.compile(r"\s(?:\||-|–|—|::|»|·)\s")


def parse_date(text: str) -> str | None:
    """The first calendar date written in `text`, as ISO YYYY-MM-DD, or None."""
    if len(text) > MAX_PATTERN_LINE:
        return None
    found: list[tuple[int, str]] = []
    for form in _DATE_FORMS:
        for match in form.finditer(text):
            iso = _iso(match.group("year"), match.group("month"), match.group("day"))
            if iso:
                found.append((match.start(), iso))
                break
    return min(found)[1] if found else None


def _iso(year: str, month: str, day: str) -> str | None:
    if month.isdigit():
        m = int(month)
    else:
        m = _MONTHS.get(month.lower().rstrip("."), 0)
    d = int(day)
    if not 1 <= m <= 12 or not 1 <= d <= 31:
        return None
    return f"{int(year):04d}-{m:02d}-{d:02d}"


def date_statement(text: str) -> tuple[str, str] | None:
    """("published" | "updated" | "date", ISO date) when the line states when the story came out."""
    if len(text) > 160:
        return None
    iso = parse_date(text)
    if not iso:
        return None
    if _PUBLISHED.match(text):
        return "published", iso
    if _UPDATED.match(text):
        return "updated", iso
    if is_date_only(text):
        return "date", iso
    return None


def is_date_only(text: str) -> bool:
    """A line that is a date and nothing else (weekday, time and zone allowed)."""
    if len(text) > 80 or not parse_date(text):
        return False
    rest = text
    for form in _DATE_FORMS:
        rest = form.sub(" ", rest)
    rest = _DATE_FILLER.sub(" ", rest)
    return not rest.strip()


def is_name(text: str) -> bool:
    """A person's name as bylines write it: two to five capitalised words, initials and particles allowed."""
    if not 4 <= len(text) <= 50 or any(ch.isdigit() for ch in text):
        return False
    tokens = text.split()
    if not 2 <= len(tokens) <= 5:
        return False
    capitals = 0
    for token in tokens:
        if token.lower() in _PARTICLES:
            continue
        core = token.replace("-", "").replace("'", "").replace("’", "").replace(".", "")
        if not core.isalpha() or not token[0].isupper():
            return False
        capitals += 1
    return capitals >= 2 and not _ROLE_WORDS.search(text) and not _FURNITURE_WORDS.search(text)


def is_role(text: str) -> bool:
    """A short job title under a byline: "News Editor", "Opinion Columnist", "Staff Writer"."""
    return len(text) <= 60 and len(text.split()) <= 6 and bool(_ROLE_WORDS.search(text)) and not text.endswith(".")


def starts_with_by(text: str) -> bool:
    """The line opens with "By", "Written by", "Автор:" or the like."""
    return bool(_BY.match(text))


def parse_byline(text: str) -> list[tuple[str, str | None]] | None:
    """[(name, role)] from "By Jane Doe and John Roe", "Jane Doe, Reuters", "Tom Roe, AP Auto Writer"."""
    if len(text) > 200:
        return None
    had_by = _BY.match(text)
    body = text[had_by.end() :] if had_by else text
    cut = _BYLINE_CUT.search(body)
    if cut:
        body = body[: cut.start()]
    body = body.strip(" :|•·-—–")
    if not body:
        return None
    people: list[tuple[str, str | None]] = []
    for part in _NAME_SPLIT.split(body):
        part = part.strip(" .")
        if not part:
            continue
        if is_name(part) or (had_by and _single_name(part)):
            people.append((part, None))
        elif people and is_role(part):
            people[-1] = (people[-1][0], _tidy_role(part))
        elif people and _AGENCIES.match(part):
            continue
        else:
            return None
    if not people or (not had_by and len(people) > 1 and "," in body and " and " not in body.lower()):
        return people or None
    return people


def _single_name(part: str) -> bool:
    return 2 <= len(part) <= 30 and part[0].isupper() and part.replace("-", "").isalpha()


def _tidy_role(role: str) -> str:
    # Bylines shout the agency ("Ap Auto Writer"); keep the words as written otherwise.
    return " ".join(w.upper() if w.lower() in {"ap", "afp", "bbc", "cnn"} else w for w in role.split())


def is_credit(text: str) -> bool:
    """A caption or photo credit: ends in "(Name/Getty Images)", says "Photo: ...", or names an agency."""
    return len(text) <= MAX_PATTERN_LINE and bool(_CREDIT.search(text))


def tidy_caption(text: str) -> str:
    return _GALLERY_TAIL.sub("", text).strip()


def source_from_bio(text: str) -> str | None:
    """The publication a bio says the author works for: "... is a news editor for The Kyiv Independent."."""
    match = _SOURCE_FROM_BIO.search(text[:MAX_PATTERN_LINE])
    return match.group("name").rstrip(".") if match else None


def source_from_copyright(text: str) -> str | None:
    if len(text) > 200:
        return None
    match = _COPYRIGHT_OWNER.search(text)
    if not match:
        return None
    # "© 2025 The Harbor Ledger Media Co." names the owning company, not the masthead.
    name = _COMPANY_SUFFIX.sub("", match.group("name").rstrip("."))
    if name.lower() in {"all", "copyright", "the"} or len(name) < 2:
        return None
    return name


def split_page_title(text: str) -> tuple[str, str | None]:
    """("Headline", "Site") from a browser title such as "Headline - Site" or "Site | Headline"."""
    parts = [part.strip() for part in _TITLE_SEPARATOR.split(text) if part.strip()]
    if len(parts) < 2:
        return text, None
    longest = max(parts, key=len)
    if parts[-1] is not longest and len(parts[-1].split()) <= 5:
        return longest, parts[-1]
    if parts[0] is not longest and len(parts[0].split()) <= 4:
        return longest, parts[0]
    return text, None
