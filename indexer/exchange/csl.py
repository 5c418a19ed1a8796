"""Citations in a citation style: citeproc-py with the CSL styles bundled in `resources/citation/`.

The styles are the Citation Style Language project's own (APA 7th edition, Chicago 18th edition
author-date, MLA 9th edition), unchanged on disk; the en-US locale is the one citeproc-py ships.
Nothing is fetched: styles and the locale are read from files, with lxml's network access off.

citeproc-py 0.11 departs from the CSL specification in a few places that matter for news articles.
Each is corrected here, and `tests/test_citations.py` holds every correction to the styles' own rules:

1. It ignores `initialize="false"` on a name, so Chicago and MLA printed "Smith, J." where they ask
   for "Smith, John". Corrected in the style as it is loaded (data, not code): the style-wide
   `initialize-with` moves onto the names that do not say `initialize="false"`.
2. It prints a label even when its variable is empty ("Edition." after every Chicago newspaper
   article). Corrected in the style as it is loaded: each label of a variable is wrapped in a
   condition on that variable, which is what the specification says a label does anyway.
3. It does not suppress a variable that stood in for a missing author when the variable comes
   through a macro (its issue #91): APA and MLA printed an unsigned article's headline twice,
   Chicago the newspaper's name. Corrected by noting which variables the substitution rendered and
   suppressing them for the rest of the entry, as the specification says (`_SubstitutionRecorder`).
4. It does not move periods and commas inside closing quotation marks, which the en-US locale asks
   for ("Headline." not "Headline".). Corrected after rendering (`_punctuation_in_quotes`).
"""

from __future__ import annotations

import copy
import io
import re
import threading
import warnings
from collections.abc import Sequence
from functools import lru_cache
from html import escape as html_escape
from pathlib import Path
from typing import Any

from lxml import etree

from indexer import paths

STYLE_FILES = {
    "apa": "apa.csl",  # APA Style 7th edition
    "chicago": "chicago-author-date.csl",  # Chicago Manual of Style 18th edition (author-date)
    "mla": "modern-language-association.csl",  # MLA Handbook 9th edition
}
LOCALE = "en-US"
CSL = "http://purl.org/net/xbiblio/csl"
_NS = {"cs": CSL}
_LOCK = threading.Lock()  # a loaded style holds its formatter and per-entry state: one rendering at a time


def style_path(name: str) -> Path:
    return paths.resources_dir() / "citation" / STYLE_FILES[name]


def render(items: Sequence[dict], style: str, *, html: bool = False) -> list[str]:
    """One bibliography entry per CSL-JSON item, in the style's bibliography order (plain text or HTML)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    if style not in STYLE_FILES:
        raise ValueError(f"unknown citation style {style!r}")
    with _LOCK, warnings.catch_warnings():
        # citeproc-py warns about style features it does not know; the entry is still made.
        warnings.simplefilter("ignore")
        loaded = _load_style(style)
        # citeproc-py's HTML output escapes the style's own text but not the item's: escape it going in.
        source = CiteProcJSON([_escaped(item) for item in items] if html else copy.deepcopy(list(items)))
        bibliography = CitationStylesBibliography(loaded, source, formatter.html if html else formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"]) for item in items]))
        bibliography.sort()
        with _SubstitutionRecorder():
            entries = [str(entry) for entry in bibliography.bibliography()]
    return [_punctuation_in_quotes(entry) for entry in entries]


def _escaped(value: Any) -> Any:
    """A CSL-JSON item (or part of one) with its text HTML-escaped; numbers (dates) as they are."""
    if isinstance(value, str):
        return html_escape(value, quote=False)
    if isinstance(value, dict):
        return {k: v if k in ("id", "type", "language") else _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


@lru_cache(maxsize=len(STYLE_FILES))
def _load_style(name: str) -> Any:
    from citeproc import CitationStylesStyle

    prepared = prepare_style(style_path(name).read_bytes())
    return CitationStylesStyle(io.BytesIO(prepared), locale=LOCALE, validate=False)


# -- corrections made in the style (1 and 2) ------------------------------------------------------


def prepare_style(xml: bytes) -> bytes:
    """The style with corrections 1 and 2 (see the module's docstring) made in its XML."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, remove_comments=True)
    root = etree.fromstring(xml, parser)
    _initialize_only_where_asked(root)
    _labels_only_with_their_variable(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _initialize_only_where_asked(root: Any) -> None:
    """citeproc-py initialises every given name when the style sets `initialize-with`, even on names
    that say `initialize="false"`; leave the option only on the names that do not say so."""
    inherited = {el: el.attrib.pop("initialize-with") for el in _option_holders(root) if "initialize-with" in el.attrib}
    if not inherited:
        return
    value = inherited.get(root)
    for names in root.iter(f"{{{CSL}}}names"):
        parent = names.getparent()
        if names.find("cs:name", _NS) is None and (parent is None or parent.tag != f"{{{CSL}}}substitute"):
            # A names element without a name of its own takes the style's options: make that name explicit.
            names.append(etree.Element(f"{{{CSL}}}name"))
    for name in root.iter(f"{{{CSL}}}name"):
        if name.get("initialize") == "false" or "initialize-with" in name.attrib:
            continue
        own = _context_value(name, inherited) or value
        if own is not None:
            name.set("initialize-with", own)


def _option_holders(root: Any) -> list[Any]:
    return [root, *root.findall("cs:citation", _NS), *root.findall("cs:bibliography", _NS)]


def _context_value(name: Any, inherited: dict[Any, str]) -> str | None:
    """The option a citation or bibliography element set for the name inside it (not for macros)."""
    for ancestor in name.iterancestors():
        if ancestor in inherited and ancestor.tag != f"{{{CSL}}}style":
            return inherited[ancestor]
    return None


def _labels_only_with_their_variable(root: Any) -> None:
    """A label of an empty variable is not rendered (CSL 1.0.2, cs:label); citeproc-py renders it."""
    for label in list(root.iter(f"{{{CSL}}}label")):
        variable = label.get("variable")
        parent = label.getparent()
        if not variable or variable == "locator" or parent is None or parent.tag == f"{{{CSL}}}names":
            continue
        choose = etree.Element(f"{{{CSL}}}choose")
        condition = etree.SubElement(choose, f"{{{CSL}}}if", variable=variable)
        parent.replace(label, choose)
        condition.append(label)


# -- correction 3: what stood in for the author is not repeated ------------------------------------


class _SubstitutionRecorder:
    """While active, a substitution (cs:substitute) suppresses in the rest of the entry every variable
    it rendered, also through macros (citeproc-py only suppresses a variable named by the substitute's
    own child). Installed around citeproc-py's methods for the time of one rendering, under `_LOCK`."""

    def __enter__(self) -> _SubstitutionRecorder:
        from citeproc import model

        self._model = model
        self._saved = (model.Substitute.render, model.Text._variable)
        recording: list[list[tuple[str, str]]] = []
        render_substitute, text_variable = self._saved

        def substitute(element: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
            recording.append([])
            try:
                text = render_substitute(element, item, context=context, **kwargs)
            finally:
                rendered = recording.pop()
            if text:
                layout = (context if context is not None else element).get_layout()
                for tag, variable in rendered:
                    layout.repressed.setdefault(tag, []).append(variable)
            return text

        def variable(element: Any, item: Any, context: Any) -> Any:
            text = text_variable(element, item, context)
            if text is not None and recording:
                recording[-1].append((element.tag, element.get("variable")))
            return text

        model.Substitute.render = substitute
        model.Text._variable = variable
        return self

    def __exit__(self, *exc: object) -> None:
        self._model.Substitute.render, self._model.Text._variable = self._saved


# -- correction 4: punctuation inside quotation marks (en-US) -------------------------------------

# Only the double closing mark: its single twin is also the apostrophe ("the players’.").
_OUTSIDE = re.compile("(\u201d)([.,])")
_DOUBLED = re.compile("([?!]\u201d)\\.")


def _punctuation_in_quotes(text: str) -> str:
    """American usage: a period or comma after a closing quotation mark goes inside it; after a
    question or exclamation mark that ends the quotation, the period is dropped."""
    text = _DOUBLED.sub(r"\1", text)
    return _OUTSIDE.sub(lambda m: m.group(2) + m.group(1), text)
