"""Extraction: an article out of a decoded page or pasted text.

`page` (HTML: main content, reader HTML) and `text` (plain text copied from a page) are the two
entry points. `metadata` reads JSON-LD, OpenGraph, meta tags and microdata, with `byline` for
authors and `dates` for dates; `textlines` and `textmeta` classify the lines of pasted text.
"""
