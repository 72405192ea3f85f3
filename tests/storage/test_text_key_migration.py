"""Migration 12 keys the chunks of an existing index by their text, so its vectors are reused from then on."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from desktop_search.records import ChunkSpan
from desktop_search.storage import Store
from desktop_search.storage.db import open_database
from desktop_search.storage.text_key import text_key
from tests.storage.helpers import add_text, database_at

TEXT_KEYS = 12  # the migration that added chunks.text_key
PASSAGES = ["Licensed under the Apache License, Version 2.0.", "Water the tomatoes every morning.", "Ünïcode ✓ 東京"]


def _database_before_text_keys(path: Path) -> None:
    conn = database_at(path, TEXT_KEYS - 1)
    conn.execute("INSERT INTO roots(id, library_id, path, added_at) VALUES (1, 1, '/docs', 0)")
    conn.execute("INSERT INTO contents(id, library_id, hash, text, chunker) VALUES (1, 1, 'old', '', 'c')")
    conn.execute(
        "INSERT INTO files(library_id, root_id, path, size, mtime_ns, status, content_id) "
        "VALUES (1, 1, '/docs/old.txt', 1, 1, 'indexed', 1)"
    )
    for seq, text in enumerate(PASSAGES):
        conn.execute(
            "INSERT INTO chunks(id, content_id, seq, start, end, n_tokens, text) VALUES (?, 1, ?, 0, 1, 5, ?)",
            (10 + seq, seq, text),
        )
    conn.close()


def test_the_migration_keys_existing_chunks_and_a_new_file_reuses_their_vectors(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    _database_before_text_keys(path)
    store = Store(open_database(path))
    keys = dict(store.conn.execute("SELECT text, text_key FROM chunks"))
    assert keys == {text: text_key(text) for text in PASSAGES}
    assert len(set(keys.values())) == len(PASSAGES)
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM chunks WHERE text_key = ?", (text_key(PASSAGES[0]),)
    ).fetchall()
    assert "chunks_text_key" in str(plan)

    space = store.create_space(1, "fake", "1", "c", 8)
    vectors = np.random.default_rng(0).normal(size=(len(PASSAGES), 8)).astype(np.float32)
    assert store.write_vectors(space, [10, 11, 12], vectors) == 3

    text = PASSAGES[0] + "\n\nA sentence of its own."
    first = len(PASSAGES[0])
    spans = [ChunkSpan(0, first, 5, None), ChunkSpan(first + 2, len(text), 5, None)]
    add_text(store, 1, "/docs/new.txt", text, spans, "new")
    assert store.pending_count(space.id) == 1  # only the sentence of its own waits for the model
    copied = store.conn.execute(
        f"""SELECT v.embedding FROM {space.table} v JOIN chunks ch ON ch.id = v.chunk_id
            WHERE ch.text = ? ORDER BY ch.id""",
        (PASSAGES[0],),
    ).fetchall()
    assert len(copied) == 2
    assert bytes(copied[0][0]) == bytes(copied[1][0])
    residuals = store.conn.execute(
        """SELECT r.code FROM vector_residuals r JOIN chunks ch ON ch.id = r.chunk_id
           WHERE ch.text = ? AND r.space_id = ? ORDER BY ch.id""",
        (PASSAGES[0], space.id),
    ).fetchall()
    assert len(residuals) == 2
    assert bytes(residuals[0][0]) == bytes(residuals[1][0])
