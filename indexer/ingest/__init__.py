"""The import pipeline: from the paths a user drops to articles ready for the store.

walk (`walk`) → read containers (`read`, `mhtml`) → decode (`decode`) → extract (`extract/`)
→ sanitise (`sanitize`), run per input by `pipeline.prepare`, and ordered by the one orchestrator,
`importer.Importer`, which hands each draft to the store and the search index.

Nothing is imported here: the pipeline's dependencies (lxml, trafilatura, chardet) load only when
an import starts, not when the window opens.
"""
