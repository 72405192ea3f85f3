"""The index database on real SQLite files with sqlite-vec."""

from __future__ import annotations

import threading
from pathlib import Path

import apsw
import numpy as np
import pytest
import sqlite_vec

from desktop_search.errors import SchemaTooNew
from desktop_search.records import ChunkSpan
from desktop_search.storage import Store, open_database
from desktop_search.storage.migrations import MIGRATIONS, schema_version
from tests.storage.helpers import add_text


def _store(path: Path) -> Store:
    return Store(open_database(path))


def _library_with_text(store: Store, text: str = "alpha beta gamma. delta epsilon.") -> tuple[int, int]:
    library = store.create_library("lib", "fake", [])
    store.add_root(library.id, "/data")
    root = store.roots(library.id)[0]
    add_text(store, library.id, "/data/a.txt", text, [ChunkSpan(0, 17, 3), ChunkSpan(18, len(text), 2)], "h1")
    return library.id, root.id


def test_migrates_an_empty_database_to_the_latest_schema(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "index.sqlite3")
    assert schema_version(conn) == len(MIGRATIONS)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert {"libraries", "roots", "files", "contents", "chunks", "chunk_text", "chunks_fts", "spaces"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert schema_version(open_database(tmp_path / "index.sqlite3")) == len(MIGRATIONS)  # reopening is a no-op


def test_refuses_a_database_from_a_newer_version(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "index.sqlite3")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew, match="written by a newer version of Desktop Search"):
        open_database(tmp_path / "index.sqlite3")


def test_content_chunks_and_keyword_rows_round_trip(tmp_path: Path) -> None:
    store = _store(tmp_path / "index.sqlite3")
    library_id, _ = _library_with_text(store)
    hits = store.keyword_chunks(library_id, '"epsilon"', 10)
    assert len(hits) == 1
    info = store.chunk_infos([hits[0][0]])[hits[0][0]]
    assert info.text == "delta epsilon."
    assert (info.start, info.end) == (18, 32)
    files = store.files_for_contents([info.content_id])[info.content_id]
    assert [f.path for f in files] == ["/data/a.txt"]
    reopened = _store(tmp_path / "index.sqlite3")
    assert reopened.keyword_chunks(library_id, '"alpha"', 10)


def test_vectors_are_queued_stored_and_found(tmp_path: Path) -> None:
    store = _store(tmp_path / "index.sqlite3")
    library_id, _ = _library_with_text(store)
    space = store.create_space(library_id, "fake", "1", "c", 4)
    pending = store.pending_batch(space.id, 10)
    assert [p.text for p in pending] == ["delta epsilon.", "alpha beta gamma."]  # shortest first
    vectors = np.eye(4, dtype=np.float32)[:2]
    assert store.write_vectors(space, [p.chunk_id for p in pending], vectors) == 2
    assert store.pending_count(space.id) == 0
    nearest = store.nearest_chunks(space, np.array([0, 1, 0, 0], dtype=np.float32), 2)
    assert nearest[0][0] == pending[1].chunk_id
    assert nearest[0][1] == pytest.approx(0.0, abs=1e-4)  # residuals restore each dimension to 1/1016


def test_deleting_the_last_file_drops_its_text_keyword_rows_and_vectors(tmp_path: Path) -> None:
    store = _store(tmp_path / "index.sqlite3")
    library_id, _ = _library_with_text(store)
    space = store.create_space(library_id, "fake", "1", "c", 4)
    pending = store.pending_batch(space.id, 10)
    store.write_vectors(space, [p.chunk_id for p in pending], np.eye(4, dtype=np.float32)[:2])
    store.delete_file(library_id, "/data/a.txt")
    assert store.keyword_chunks(library_id, '"alpha"', 10) == []
    assert store.vector_count(space) == 0
    assert store.conn.execute("SELECT count(*) FROM chunks").fetchone()[0] == 0
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")


def test_a_reader_searches_while_a_writer_holds_a_transaction(tmp_path: Path) -> None:
    writer = _store(tmp_path / "index.sqlite3")
    library_id, root_id = _library_with_text(writer)
    reader = _store(tmp_path / "index.sqlite3")
    results: list[int] = []
    with writer.write():
        writer.conn.execute("UPDATE files SET size = 99")
        thread = threading.Thread(target=lambda: results.append(len(reader.keyword_chunks(library_id, '"alpha"', 5))))
        thread.start()
        thread.join(timeout=5)
    assert results == [1]


def test_a_vector_for_a_chunk_deleted_meanwhile_is_not_stored(tmp_path: Path) -> None:
    store = _store(tmp_path / "index.sqlite3")
    library_id, _ = _library_with_text(store)
    space = store.create_space(library_id, "fake", "1", "c", 4)
    pending = store.pending_batch(space.id, 10)
    store.delete_file(library_id, "/data/a.txt")
    assert store.write_vectors(space, [p.chunk_id for p in pending], np.eye(4, dtype=np.float32)[:2]) == 0
    assert store.vector_count(space) == 0


def test_preview_context_is_rebuilt_from_neighbouring_chunks_with_true_offsets(tmp_path: Path) -> None:
    store = _store(tmp_path / "index.sqlite3")
    library = store.create_library("lib", "fake", [])
    store.add_root(library.id, "/data")
    text = "First part here.\n\nSecond part overlaps. Third part ends it."
    spans = [ChunkSpan(0, 16, 3), ChunkSpan(18, 40, 3), ChunkSpan(34, len(text), 4)]  # a gap, then an overlap
    add_text(store, library.id, "/data/a.txt", text, spans, "h")
    middle = store.keyword_chunks(library.id, '"overlaps"', 1)[0][0]
    excerpt, begin = store.chunk_context(middle, 100)  # type: ignore[misc]
    assert begin == 0
    assert excerpt == text.replace("\n\n", "  ")  # the whitespace between chunks becomes spaces
    excerpt, begin = store.chunk_context(middle, 3)  # type: ignore[misc]
    assert (begin, excerpt) == (15, text[15:43].replace("\n\n", "  "))


def test_migration_4_moves_passage_text_into_chunks(tmp_path: Path) -> None:
    conn = apsw.Connection(str(tmp_path / "old.sqlite3"))
    conn.enable_load_extension(True)
    conn.load_extension(sqlite_vec.loadable_path())
    for script in MIGRATIONS[:3]:
        conn.execute(script)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO libraries(id, name, model_id, created_at) VALUES (1, 'lib', 'fake', 0)")
    conn.execute(
        "INSERT INTO contents(id, library_id, hash, text, chunker) VALUES (1, 1, 'h', 'alpha beta gamma', 'c')"
    )
    conn.execute("INSERT INTO chunks(id, content_id, seq, start, end, n_tokens) VALUES (1, 1, 0, 6, 16, 2)")
    conn.execute("INSERT INTO chunks_fts(rowid, text) SELECT id, text FROM chunk_text")
    conn.close()
    store = _store(tmp_path / "old.sqlite3")
    assert schema_version(store.conn) == len(MIGRATIONS)
    assert store.chunk_infos([1])[1].text == "beta gamma"
    assert store.keyword_chunks(1, '"gamma"', 5) == [(1, pytest.approx(store.keyword_chunks(1, '"gamma"', 5)[0][1]))]
    store.conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")


def test_keyword_search_keeps_to_its_library_when_there_are_several(tmp_path: Path) -> None:
    store = _store(tmp_path / "index.sqlite3")
    first, _ = _library_with_text(store, "shared words in the first library.")
    assert [c for c, _ in store.keyword_chunks(first, '"shared"', 10)]  # the single-library fast path
    other = store.create_library("other", "fake", [])
    store.add_root(other.id, "/other")
    add_text(store, other.id, "/other/b.txt", "shared words elsewhere.", [ChunkSpan(0, 23, 3)], "h2")
    mine = {store.chunk_infos([c])[c].content_id for c, _ in store.keyword_chunks(first, '"shared"', 10)}
    theirs = {store.chunk_infos([c])[c].content_id for c, _ in store.keyword_chunks(other.id, '"shared"', 10)}
    assert len(mine) == len(theirs) == 1
    assert mine != theirs


def test_status_lists_files_indexed_in_part_with_their_note(tmp_path: Path) -> None:
    store = _store(tmp_path / "index.sqlite3")
    library_id, root_id = _library_with_text(store)
    text = "the start of a very long log."
    store.store_content(
        library_id,
        root_id,
        "/data/huge.log",
        30 * 2**20,
        1,
        "text",
        content_hash="h-log",
        text=text,
        page_starts=None,
        chunker="c",
        spans=[ChunkSpan(0, len(text), 7)],
        note="indexed the first 8 MB of 30 MB",
    )
    status = store.library_status(store.libraries()[0])
    assert status.files == 2
    assert status.failed_files == ()
    assert [(f.path, f.error) for f in status.partial_files] == [("/data/huge.log", "indexed the first 8 MB of 30 MB")]


def test_migration_8_keeps_an_older_index_searchable_with_no_titles_yet(tmp_path: Path) -> None:
    store = _store(tmp_path / "index.sqlite3")
    library_id, root_id = _library_with_text(store)
    store.conn.execute("ALTER TABLE contents DROP COLUMN title")  # the schema before titles
    store.conn.execute("PRAGMA user_version = 7")
    store.conn.close()
    upgraded = _store(tmp_path / "index.sqlite3")
    [(chunk, _)] = upgraded.keyword_chunks(library_id, '"epsilon"', 10)
    content_id = upgraded.chunk_infos([chunk])[chunk].content_id
    assert [(f.path, f.title) for f in upgraded.files_for_contents([content_id])[content_id]] == [("/data/a.txt", "")]
    upgraded.store_content(
        library_id, root_id, "/data/page.html", 9, 1, "html", content_hash="h2", text="Zebra crossing",
        page_starts=None, chunker="c", spans=[ChunkSpan(0, 14, 2)], title="Road safety",
    )  # fmt: skip
    [(chunk, _)] = upgraded.keyword_chunks(library_id, '"zebra"', 10)
    content_id = upgraded.chunk_infos([chunk])[chunk].content_id
    assert upgraded.files_for_contents([content_id])[content_id][0].title == "Road safety"
