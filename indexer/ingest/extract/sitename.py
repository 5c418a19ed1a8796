"""A site's name beside a headline in a page's titles: "Story | Site", "Site - Story", "Story – Site"."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|•|»|::|/)\s+")
_ALNUM = re.compile(r"[\W_]+")


def strip_site_name(title: str, source: str | None, url: str | None, guess: bool = True) -> tuple[str, str | None]:
    """("Story", "Site") from "Story | Site" or "Site - Story"; with `guess`, a short trailing segment
    counts as the site too."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title, None
    marks = _SEPARATORS.findall(title)
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:  # a malformed page address
        host = ""
    removed: str | None = None
    while len(parts) > 1 and _is_site(parts[-1], source, host):
        removed = removed or parts[-1]
        parts, marks = parts[:-1], marks[:-1]
    while len(parts) > 1 and _is_site(parts[0], source, host):
        removed = removed or parts[0]
        parts, marks = parts[1:], marks[1:]
    if guess and removed is None and len(parts) > 1:
        head = _join(parts[:-1], marks[:-1])
        last = parts[-1]
        if len(last.split()) <= 3 and len(last) <= 30 and len(head.split()) >= 4 and marks[-1].strip() != "/":
            removed, parts, marks = last, parts[:-1], marks[:-1]
    return _join(parts, marks).strip(), removed


def _join(parts: list[str], marks: list[str]) -> str:
    return parts[0] + "".join(m + p for m, p in zip(marks, parts[1:], strict=False))


def _is_site(segment: str, source: str | None, host: str) -> bool:
    seg = _ALNUM.sub("", segment).lower()
    if not seg:
        return False
    if source:
        src = _ALNUM.sub("", source).lower()
        if seg == src or (len(seg) >= 4 and (seg in src or src in seg)):
            return True
    labels = [_ALNUM.sub("", p) for p in host.lower().split(".") if p not in ("www", "com", "org", "net", "co", "uk")]
    return bool(seg and seg in labels or host and seg == _ALNUM.sub("", host.lower()))
