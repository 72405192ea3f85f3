"""Migration 3 rebuilds the keyword index of an existing database with stemming, keeping every chunk."""

from __future__ import annotations

from pathlib import Path

import apsw
import sqlite_vec

from desktop_search.storage import Store
from desktop_search.storage.migrations import MIGRATIONS, migrate
from tests.storage.helpers import database_at

STEMMED = 3  # the migration that added the porter tokenizer


def _database_before_stemming(path: Path) -> apsw.Connection:
    conn = apsw.Connection(str(path))
    conn.enable_load_extension(True)
    conn.load_extension(sqlite_vec.loadable_path())
    for script in MIGRATIONS[: STEMMED - 1]:
        conn.execute(script)
    conn.execute(f"PRAGMA user_version = {STEMMED - 1}")
    conn.execute("INSERT INTO libraries(id, name, model_id, created_at) VALUES (1, 'lib', 'fake', 0)")
    text = "Pinch out the side shoots every week."
    conn.execute("INSERT INTO contents(id, library_id, hash, text, chunker) VALUES (1, 1, 'h', ?, 'c')", (text,))
    conn.execute(
        "INSERT INTO chunks(id, content_id, seq, start, end, n_tokens) VALUES (7, 1, 0, 0, ?, 7)", (len(text),)
    )
    conn.execute("INSERT INTO chunks_fts(rowid, text) SELECT id, text FROM chunk_text")
    return conn


def test_existing_chunks_are_found_by_other_word_forms_after_the_upgrade(tmp_path: Path) -> None:
    conn = _database_before_stemming(tmp_path / "index.sqlite3")
    store = Store(conn)
    assert store.keyword_chunks(1, '"pinching"', 10) == []
    assert [c for c, _ in store.keyword_chunks(1, '"pinch"', 10)] == [7]
    migrate(conn)
    assert [c for c, _ in store.keyword_chunks(1, '"pinching"', 10)] == [7]
    assert [c for c, _ in store.keyword_chunks(1, '"shoot" "week"', 10)] == [7]


UNSPACED = 8  # the migration that cut Chinese, Japanese and Thai text into characters


def test_an_upgraded_index_finds_chinese_and_japanese_words_it_could_not_before(tmp_path: Path) -> None:
    conn = database_at(tmp_path / "index.sqlite3", UNSPACED - 1)
    conn.execute("INSERT INTO contents(id, library_id, hash, text, chunker) VALUES (1, 1, 'h', '', 'c')")
    for chunk_id, text in ((7, "东京到京都的新干线很快。"), (8, "東京から京都まで新幹線で行きました。")):
        conn.execute(
            "INSERT INTO chunks(id, content_id, seq, start, end, n_tokens, text) VALUES (?, 1, 0, 0, 1, 1, ?)",
            (chunk_id, text),
        )
    conn.execute("INSERT INTO chunks_fts(rowid, text) SELECT id, text FROM chunk_text")
    store = Store(conn)
    assert store.keyword_chunks(1, '"京都"', 10) == []
    migrate(conn)
    assert sorted(c for c, _ in store.keyword_chunks(1, '"京都"', 10)) == [7, 8]
    assert [c for c, _ in store.keyword_chunks(1, '"新幹線"', 10)] == [8]
