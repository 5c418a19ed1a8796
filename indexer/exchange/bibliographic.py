"""Reference-manager data written from CSL-JSON items: BibTeX and RIS (CSL-JSON is the items themselves).

BibTeX (for LaTeX, Zotero, JabRef): `@article` with `journal` for a news article, `@misc` with
`howpublished` for a page without a source; `author` as "Family, Given and …" with organisations in
braces so they are never split; `date` (biblatex) beside `year` and `month` (BibTeX); `url` and
`urldate` (the access date), repeated in `note` for BibTeX styles that know no urldate. Keys are
authoryearword ("smith2024floods"), ASCII, made unique with a letter ("smith2024floodsb"). Text is
kept as UTF-8 (biber and modern BibTeX read it); the characters TeX gives a meaning (& % $ # _ { } ~ ^ \\)
are escaped, and words a style must not lower-case (NATO, McCarthy, and names: capitalised words inside
a sentence of the title) are braced so styles that lower-case titles keep them.

RIS (EndNote, Zotero, Mendeley): `TY  - NEWS` (or `ELEC` for a page without a source), one `AU` per
author, `TI`, `T2` (the newspaper), `PY` year, `DA` date as YYYY/MM/DD, `UR`, `Y2` access date,
`LA`, `ER  - `. Values are one line each (RIS has no escaping).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TEX = re.compile("[" + re.escape("".join(_TEX_SPECIAL)) + "]")
_WORD = re.compile(r"\w+")
# Text before a word that does not open the title or one of its sentences: some word, then no sentence end.
_OPENS = re.compile(r"\w[^\w.:?!|]*$")
_KEY_STOP = {"a", "an", "the", "of", "on", "in", "and", "to", "for", "at", "by", "with", "from"}


# -- BibTeX ------------------------------------------------------------------------------------------


def bibtex(items: Sequence[dict]) -> str:
    used: set[str] = set()
    return "\n".join(_bibtex_entry(item, used) for item in items)


def _bibtex_entry(item: dict, used: set[str]) -> str:
    key = _unique(_key(item), used)
    news = item.get("type") == "article-newspaper"
    fields: list[tuple[str, str]] = []
    if item.get("author"):
        fields.append(("author", " and ".join(_bibtex_name(n) for n in item["author"])))
    fields.append(("title", _protect(tex_escape(item.get("title", "")))))
    if news:
        fields.append(("journal", tex_escape(item.get("container-title", ""))))
    issued = _parts(item, "issued")
    if issued:
        fields.append(("date", _iso(issued)))
        fields.append(("year", str(issued[0])))
        if len(issued) > 1:
            fields.append(("month", _MONTHS[issued[1] - 1]))  # the standard macro, unbraced
        if len(issued) > 2:
            fields.append(("day", str(issued[2])))
    url = item.get("URL")
    if url:
        if not news:
            fields.append(("howpublished", "\\url{" + _url(url) + "}"))
        fields.append(("url", _url(url)))
    accessed = _parts(item, "accessed")
    if accessed:
        fields.append(("urldate", _iso(accessed)))
        if url:
            fields.append(("note", f"Accessed {_iso(accessed)}"))
    if item.get("language"):
        fields.append(("langid", tex_escape(item["language"])))
    kind = "article" if news else "misc"
    body = ",\n".join(f"  {name} = {value if name == 'month' else '{' + value + '}'}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def tex_escape(text: str) -> str:
    """Text with the characters TeX gives a meaning escaped; everything else kept as it is (UTF-8)."""
    return _TEX.sub(lambda m: _TEX_SPECIAL[m.group()], " ".join(text.split()))


def _protect(text: str) -> str:
    """Words a style must not lower-case, in braces so they are kept as written: those with a capital after
    their first letter (NATO, McCarthy, iPhone), and capitalised words that do not open the title or a
    sentence or part of it (after ". ", ": ", "? ", "! " or "| "), which in a headline are names ("Council
    votes to turn {Dock} {Street} garage into homes"). A headline in title case is thus kept as it is."""

    def brace(m: re.Match) -> str:
        word = m.group()
        opening = not _OPENS.search(text[: m.start()])
        if any(ch.isupper() for ch in word[1:]) or (word[0].isupper() and not opening):
            return "{" + word + "}"
        return word

    return _WORD.sub(brace, text)


def _bibtex_name(name: dict) -> str:
    if "literal" in name:
        return "{" + tex_escape(name["literal"]) + "}"
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    parts = [tex_escape(family)]
    if name.get("suffix"):
        parts.append(tex_escape(name["suffix"]))
    if name.get("given"):
        parts.append(tex_escape(name["given"]))
    return ", ".join(parts)  # "von Last, Jr, First" or "von Last, First"


def _url(url: str) -> str:
    # Braces and backslashes would end the field or start a command; percent-encoded they are the same URL.
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _key(item: dict) -> str:
    authors = item.get("author") or []
    if authors:
        first = authors[0]
        who = first.get("family") or first.get("literal", "")
        who = who.split()[0] if "literal" in first and who.split() else who
    else:  # the source stands in, without a leading article ("The Harbour Ledger" -> harbour)
        words = (item.get("container-title") or "").split()
        who = next((w for w in words if w.lower() not in _KEY_STOP), words[0] if words else "anonymous")
    issued = _parts(item, "issued")
    year = str(issued[0]) if issued else "nd"
    words = [w for w in re.findall(r"\w+", _ascii(item.get("title", "")).lower()) if w not in _KEY_STOP]
    return (_ascii(who).lower() or "anonymous") + year + (words[0] if words else "")


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9 ]", "", folded)


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 0
    while candidate in used:
        n += 1
        candidate = key + _suffix(n)
    used.add(candidate)
    return candidate


def _suffix(n: int) -> str:
    """b, c, … z, ba, bb, …: the second entry of a key gets "b" (the first has none)."""
    letters = ""
    while n:
        n, r = divmod(n, 26)
        letters = chr(ord("a") + r) + letters
    return letters


# -- RIS ---------------------------------------------------------------------------------------------


def ris(items: Sequence[dict], *, newline: str = "\n") -> str:
    return "".join(_ris_entry(item, newline) for item in items)


def _ris_entry(item: dict, newline: str) -> str:
    news = item.get("type") == "article-newspaper"
    lines = [("TY", "NEWS" if news else "ELEC")]
    for name in item.get("author") or []:
        lines.append(("AU", _ris_name(name)))
    lines.append(("TI", item.get("title", "")))
    if item.get("container-title"):
        lines.append(("T2", item["container-title"]))
    issued = _parts(item, "issued")
    if issued:
        lines.append(("PY", str(issued[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(issued))))
    if item.get("URL"):
        lines.append(("UR", item["URL"]))
    accessed = _parts(item, "accessed")
    if accessed:
        lines.append(("Y2", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(accessed))))
    if item.get("language"):
        lines.append(("LA", item["language"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}{newline}" for tag, value in lines)


def _ris_name(name: dict) -> str:
    if "literal" in name:
        return name["literal"]
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    return ", ".join(p for p in (family, name.get("given"), name.get("suffix")) if p)


# -- shared ------------------------------------------------------------------------------------------


def _parts(item: dict, field: str) -> list[int]:
    value = item.get(field) or {}
    parts = value.get("date-parts") or [[]]
    return [int(p) for p in parts[0]]


def _iso(parts: list[int]) -> str:
    return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))
