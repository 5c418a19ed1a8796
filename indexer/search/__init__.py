"""Full-text search over the archive: a Whoosh index that SQLite can always rebuild.

`SearchIndex` is the one entry point (the `Library` facade owns one); `IndexDoc` is what it is fed,
`SearchResults` and `Hit` what it answers. The query language is described in `query`.
"""

from __future__ import annotations

from indexer.search import mapped
from indexer.search.index import Hit, SearchIndex, SearchResults
from indexer.search.schema import IndexDoc

mapped.install()  # before any index is opened: read index files from the memory map, uncopied

__all__ = ["Hit", "IndexDoc", "SearchIndex", "SearchResults"]
