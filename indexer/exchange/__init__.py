"""Getting a library out and back in: `export` (lossless JSON), `reading` (Markdown, HTML, CSV) and
`restore` (a JSON export read back into a library). Exporters take the store and the article ids
they are given; they never call the `Library` facade.
"""
