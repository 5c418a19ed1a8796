"""Readers for the formats beyond saved pages, one module each: web archives (WARC, WACZ, Safari), mail,
Markdown clippings, PDFs and read-later exports. Each turns bytes into a `Saved`, or lists the records
of a container for the walk; `limits` holds the caps they share."""
