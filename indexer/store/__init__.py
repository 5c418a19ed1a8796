"""The library's store: SQLite (the source of truth) and the content-addressed file store.

`database` (connections, transactions, migrations from `schema`), `catalog` (articles, authors,
sources), `tags`, `highlights` (highlights and notes), `searches` (saved searches), `files`,
`markers` (what an interrupted run left behind) and `backup`.
Nothing here knows the search index or the import pipeline.
"""
