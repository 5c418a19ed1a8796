"""The SQLite schema of a library and its migrations.

`PRAGMA user_version` holds the schema version. Each entry of `MIGRATIONS` takes the database from
version N-1 to N inside one transaction; a snapshot of the database is taken before any of them runs
(see `store.open_database`). Versions are never edited once released: a change is a new entry.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the first schema.
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE sources (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    );
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        size   INTEGER NOT NULL,
        mime   TEXT
    );
    CREATE TABLE articles (
        id                 INTEGER PRIMARY KEY,
        title              TEXT NOT NULL,
        source_id          INTEGER REFERENCES sources(id),
        url                TEXT,
        url_key            TEXT,
        published          TEXT,
        modified           TEXT,
        saved_at           TEXT,
        imported_at        TEXT NOT NULL,
        language           TEXT,
        format             TEXT NOT NULL,
        text               TEXT NOT NULL,
        reader_html        TEXT NOT NULL,
        lead_image         TEXT,
        lead_image_caption TEXT,
        word_count         INTEGER NOT NULL,
        fingerprint        TEXT NOT NULL,
        original_sha256    TEXT NOT NULL REFERENCES files(sha256),
        original_name      TEXT NOT NULL,
        previous_version   INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        bookmarked_at      TEXT
    );
    CREATE INDEX articles_url_key ON articles(url_key);
    CREATE INDEX articles_fingerprint ON articles(fingerprint);
    CREATE INDEX articles_original ON articles(original_sha256);
    CREATE INDEX articles_source ON articles(source_id);
    CREATE TABLE article_files (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        sha256     TEXT NOT NULL REFERENCES files(sha256),
        ref        TEXT NOT NULL,
        PRIMARY KEY (article_id, ref)
    );
    CREATE TABLE authors (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        name_key      TEXT NOT NULL UNIQUE,
        role          TEXT,
        bio           TEXT,
        url           TEXT,
        bookmarked_at TEXT
    );
    CREATE TABLE article_authors (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        author_id  INTEGER NOT NULL REFERENCES authors(id),
        position   INTEGER NOT NULL,
        PRIMARY KEY (article_id, author_id)
    );
    CREATE INDEX article_authors_author ON article_authors(author_id);
    CREATE TABLE tags (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    );
    CREATE TABLE article_tags (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        tag_id     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (article_id, tag_id)
    );
    CREATE TABLE author_tags (
        author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
        tag_id    INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (author_id, tag_id)
    );
    CREATE TABLE import_log (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        path       TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('imported', 'duplicate', 'failed')),
        article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        error      TEXT
    );
    -- Articles whose search-index entry is behind the database. Written in the same transaction as
    -- the change and cleared once the index has committed it, so a crash in between is repaired
    -- on the next open instead of leaving the index silently out of step.
    CREATE TABLE index_pending (
        article_id INTEGER PRIMARY KEY
    );
    """,
    # 2: highlights and notes on articles (kept from read-later exports; made in the reader later).
    # `start` is the quote's offset in the article's text, `prefix`/`suffix` the text around it,
    # so a highlight can be found again if the text is re-extracted; NULL when the quote is not found.
    """
    CREATE TABLE highlights (
        id         INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        quote      TEXT NOT NULL,
        prefix     TEXT,
        suffix     TEXT,
        start      INTEGER,
        note       TEXT,
        created    TEXT NOT NULL,
        origin     TEXT NOT NULL
    );
    CREATE INDEX highlights_article ON highlights(article_id, start);
    """,
    # 3: highlights and notes made in the reader (the same table), and saved searches. Names are unique
    # ignoring case; what a saved search finds is counted by the search index when asked.
    """
    CREATE TABLE saved_searches (
        id      INTEGER PRIMARY KEY,
        name    TEXT NOT NULL UNIQUE COLLATE NOCASE,
        query   TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX highlights_created ON highlights(created);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
