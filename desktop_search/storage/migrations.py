"""Numbered schema migrations, keyed on PRAGMA user_version."""

from __future__ import annotations

import re
from collections.abc import Callable

import apsw

from desktop_search.errors import SchemaTooNew


# Each entry moves the schema from version i to i + 1. Never edit a released entry: append a new one.
def _int8_vector_tables(conn: apsw.Connection) -> None:
    """Rebuild vec0 tables of float vectors (or int8 with a bits column) as int8 codes only, keeping
    every vector: searches now run on int8 codes in memory (storage/vector_index.py)."""
    import numpy as np

    from desktop_search.storage.vector_index import quantize

    tables = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE name GLOB 'vec_[0-9]*' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).fetchall()
    for row in tables:
        name, sql = str(row[0]), str(row[1])
        found = re.search(r"embedding (float|int8)\[(\d+)\]", sql)
        if found is None or (found.group(1) == "int8" and "bits" not in sql):
            continue
        kind, dim = found.group(1), int(found.group(2))
        kept = conn.execute(f"SELECT chunk_id, embedding FROM {name}").fetchall()
        conn.execute(f"DROP TABLE {name}")
        # Frozen as written for schema 5, whatever the current code creates for a new space.
        conn.execute(f"CREATE VIRTUAL TABLE {name} USING vec0(chunk_id INTEGER PRIMARY KEY, embedding int8[{dim}])")
        for chunk_id, blob in kept:
            raw = bytes(blob)  # type: ignore[arg-type]
            code = quantize(np.frombuffer(raw, dtype=np.float32))[0].tobytes() if kind == "float" else raw
            conn.execute(f"INSERT INTO {name}(chunk_id, embedding) VALUES (?, vec_int8(?))", (chunk_id, code))


def _add_column(conn: apsw.Connection, table: str, column: str, declaration: str) -> None:
    """ALTER TABLE ADD COLUMN, unless the column is there (an index rebuilt from an older version's backup)."""
    if not any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})")):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


def _words_of_unspaced_scripts(conn: apsw.Connection) -> None:
    """Rebuild the keyword index with each Chinese, Japanese, Thai, Lao, Khmer or Myanmar character a token
    (storage/tokenizer.py): unicode61 took a whole sentence of them as one word, so no query matched it."""
    from desktop_search.storage import tokenizer

    tokenizer.register(conn)
    conn.execute(
        f"""DROP TABLE chunks_fts;
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, content='chunk_text', content_rowid='id', tokenize='{tokenizer.TOKENIZE}'
        );
        INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');"""
    )


def _chunk_text_keys(conn: apsw.Connection) -> None:
    """Key every chunk by its exact text (storage/text_key.py), so a passage that another file, or an
    earlier version of the same file, already has a vector for takes that vector instead of being embedded
    again."""
    from desktop_search.storage.text_key import text_key

    _add_column(conn, "chunks", "text_key", "INTEGER")
    conn.create_scalar_function("migration_text_key", lambda *text: text_key(str(text[0])), 1, deterministic=True)
    try:
        conn.execute("UPDATE chunks SET text_key = migration_text_key(text) WHERE text_key IS NULL")
    finally:
        conn.create_scalar_function("migration_text_key", None)
    conn.execute("CREATE INDEX IF NOT EXISTS chunks_text_key ON chunks(text_key)")


MIGRATIONS: list[str | Callable[[apsw.Connection], None]] = [
    """
    CREATE TABLE libraries(
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        model_id TEXT NOT NULL,
        exclusions TEXT NOT NULL DEFAULT '[]',
        created_at REAL NOT NULL,
        last_indexed_at REAL
    );
    CREATE TABLE roots(
        id INTEGER PRIMARY KEY,
        library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        added_at REAL NOT NULL,
        UNIQUE(library_id, path)
    );
    -- Extracted text, stored once per distinct file content (hash) in a library.
    CREATE TABLE contents(
        id INTEGER PRIMARY KEY,
        library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
        hash TEXT NOT NULL,
        text TEXT NOT NULL,
        page_starts TEXT,
        chunker TEXT NOT NULL,
        UNIQUE(library_id, hash)
    );
    CREATE TABLE files(
        id INTEGER PRIMARY KEY,
        library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
        root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        kind TEXT,
        page_count INTEGER,
        status TEXT NOT NULL,
        error TEXT,
        content_id INTEGER REFERENCES contents(id) ON DELETE SET NULL,
        indexed_at REAL,
        UNIQUE(library_id, path)
    );
    CREATE INDEX files_content ON files(content_id);
    CREATE INDEX files_root ON files(root_id);
    -- A chunk is a character span of its content's text.
    CREATE TABLE chunks(
        id INTEGER PRIMARY KEY,
        content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        page INTEGER,
        n_tokens INTEGER NOT NULL
    );
    CREATE INDEX chunks_content ON chunks(content_id, seq);
    CREATE VIEW chunk_text(id, text) AS
        SELECT ch.id, substr(co.text, ch.start + 1, ch.end - ch.start)
        FROM chunks ch JOIN contents co ON co.id = ch.content_id;
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, content='chunk_text', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    -- An embedding space: one model revision, chunker and context; vectors live in vec_<id>.
    CREATE TABLE spaces(
        id INTEGER PRIMARY KEY,
        library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,
        revision TEXT NOT NULL,
        chunker TEXT NOT NULL,
        context_version INTEGER NOT NULL DEFAULT 0,
        dim INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('building', 'active', 'retired')),
        created_at REAL NOT NULL
    );
    -- The persistent embedding queue: chunks that still need a vector in a space.
    CREATE TABLE pending_embeds(
        space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
        n_tokens INTEGER NOT NULL,
        PRIMARY KEY(space_id, chunk_id)
    ) WITHOUT ROWID;
    CREATE INDEX pending_order ON pending_embeds(space_id, n_tokens);
    """,
    # 2: per-library CDE contexts. A space's context_version names the row its vectors were made under.
    """
    CREATE TABLE contexts(
        library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        model_id TEXT NOT NULL,
        revision TEXT NOT NULL,
        size INTEGER NOT NULL,
        dim INTEGER NOT NULL,
        vectors BLOB NOT NULL,          -- float32 (size, dim), row i = stage-1 vector of sample i
        chunk_ids TEXT NOT NULL,        -- JSON list: the sampled chunk of each row, in order
        files_sampled INTEGER NOT NULL, -- distinct files the sample came from
        files_total INTEGER NOT NULL,   -- indexed files in the library when it was sampled
        created_at REAL NOT NULL,
        PRIMARY KEY(library_id, version)
    );
    """,
    # 3: keyword search matches word forms (Porter stemming: "treatments" finds "treatment", "treated").
    # Identifiers and numbers are unaffected: the index and the query are stemmed the same way.
    """
    DROP TABLE chunks_fts;
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
        text, content='chunk_text', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );
    INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
    """,
    # 4: chunk text is stored with each chunk. Reading a passage through substr() of the whole document loaded
    # the entire text of its file for every chunk looked up (a 300-page PDF per search hit). The document
    # text is not kept a second time: previews are rebuilt from neighbouring chunks (Store.chunk_context).
    """
    ALTER TABLE chunks ADD COLUMN text TEXT NOT NULL DEFAULT '';
    UPDATE chunks SET text = (
        SELECT substr(co.text, chunks.start + 1, chunks.end - chunks.start) FROM contents co
        WHERE co.id = chunks.content_id
    );
    UPDATE contents SET text = '';
    DROP VIEW chunk_text;
    CREATE VIEW chunk_text(id, text) AS SELECT id, text FROM chunks;
    """,
    # 5: vectors kept as int8 codes only, searched in memory; older float / int8+bits tables converted.
    _int8_vector_tables,
    # 6: two more bits per dimension (what int8 rounding left, storage/vector_index.py), read only to rescore
    # the best few candidates: recall@10 at 1M chunks from 0.969 to 0.99. Vectors written before have none
    # and are scored by their int8 code alone.
    """
    CREATE TABLE vector_residuals(
        chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
        space_id INTEGER NOT NULL,
        code BLOB NOT NULL,
        PRIMARY KEY(chunk_id, space_id)
    ) WITHOUT ROWID;
    """,
    # 7: a library may follow symbolic links wherever they point (off: only links into its own folders).
    "ALTER TABLE libraries ADD COLUMN follow_links INTEGER NOT NULL DEFAULT 0;",
    # 8: a document's own title (HTML <title>, PDF or Office metadata), shown with the file name in results.
    # Contents indexed before have none ('') until their file changes.
    "ALTER TABLE contents ADD COLUMN title TEXT NOT NULL DEFAULT '';",
    # 9: Chinese, Japanese and other scripts without spaces between words become searchable by keyword.
    _words_of_unspaced_scripts,
    # 10: e-mail subjects: a JSON list, one per message; in an mbox archive each page is a message (a result).
    lambda conn: _add_column(conn, "contents", "titles", "TEXT"),
    # 11: how many pages (or pictures) of a content were read by OCR, for `status`.
    lambda conn: _add_column(conn, "contents", "ocr_pages", "INTEGER NOT NULL DEFAULT 0"),
    # 12: a key of each chunk's exact text: a passage repeated in another file or version reuses its vector.
    _chunk_text_keys,
]


def schema_version(conn: apsw.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0]) if row else 0


def too_new(version: int, path: object = None) -> SchemaTooNew:
    where = f" at {path}" if path else ""
    return SchemaTooNew(
        f"The index{where} was written by a newer version of Desktop Search (schema {version}; this version knows "
        f"up to {len(MIGRATIONS)}). Update Desktop Search, or choose another data folder."
    )


def migrate(conn: apsw.Connection) -> int:
    """Apply every migration newer than the database; returns the resulting version."""
    target = len(MIGRATIONS)
    if schema_version(conn) == target:
        return target
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)  # re-read under the write lock: another process may have migrated
        if version > target:
            raise too_new(version)
        for number in range(version, target):
            step = MIGRATIONS[number]
            if callable(step):
                step(conn)
            else:
                conn.execute(step)
        conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return target
