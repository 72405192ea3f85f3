"""Quantised vector storage: int8 codes, the bit prefilter, and the recall they keep."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_search.records import ChunkSpan, SpaceRecord
from desktop_search.storage import Store, open_database, vector_index
from desktop_search.storage.vector_index import quantize
from tests.storage.helpers import add_text


def _clustered(n: int, dim: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((20, dim))
    v = centres[rng.integers(0, 20, n)] + 2.0 * rng.standard_normal((n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _space_with(tmp_path: Path, vectors: np.ndarray) -> tuple[Store, SpaceRecord, list[int]]:
    store = Store(open_database(tmp_path / "index.sqlite3"))
    library = store.create_library("lib", "fake", [])
    store.add_root(library.id, "/d")
    text = " ".join(f"w{i}" for i in range(len(vectors)))
    spans, pos = [], 0
    for i in range(len(vectors)):
        word = f"w{i}"
        spans.append(ChunkSpan(pos, pos + len(word), 1))
        pos += len(word) + 1
    add_text(store, library.id, "/d/a.txt", text, spans, "h")
    space = store.create_space(library.id, "fake", "1", "c", vectors.shape[1])
    ids = [p.chunk_id for p in sorted(store.pending_batch(space.id, len(vectors)), key=lambda p: p.chunk_id)]
    store.write_vectors(space, ids, vectors)
    return store, space, ids


def test_quantize_uses_the_full_int8_range_per_vector() -> None:
    codes = quantize(np.array([[0.01, -0.02, 0.005], [0.0, 0.0, 0.0]], dtype=np.float32))
    assert codes.dtype == np.int8
    assert codes[0].tolist() == [64, -127, 32]
    assert codes[1].tolist() == [0, 0, 0]


def test_residuals_restore_each_dimension_to_an_eighth_of_an_int8_step() -> None:
    vectors = np.random.default_rng(4).standard_normal((50, 37)).astype(np.float32)  # 37: a partial byte
    codes, packed = vector_index.encode(vectors)
    assert (codes == quantize(vectors)).all()
    assert packed.shape == (50, 10)
    assert packed.dtype == np.uint8
    scale = 127.0 / np.abs(vectors).max(axis=1, keepdims=True)
    error = np.abs(vector_index.refined(codes, packed) - vectors * scale)
    assert error.max() <= 0.125 + 1e-4
    assert np.abs(codes - vectors * scale).max() > 0.4  # int8 alone is four times coarser


def test_residuals_separate_vectors_that_share_an_int8_code(tmp_path: Path) -> None:
    near = np.array([[1.0, 0.300, 0.1, 0.0], [1.0, 0.302, 0.1, 0.0]], dtype=np.float32)
    assert (quantize(near)[0] == quantize(near)[1]).all()
    store, space, ids = _space_with(tmp_path, near)
    assert [c for c, _ in store.nearest_chunks(space, near[1], 2)] == [ids[1], ids[0]]
    assert [c for c, _ in store.nearest_chunks(space, near[0], 2)] == [ids[0], ids[1]]
    store.conn.execute("DELETE FROM vector_residuals")  # written before residuals: int8 codes alone
    assert {c for c, _ in store.nearest_chunks(space, near[1], 2)} == set(ids)


def test_residuals_go_with_their_chunks_and_spaces(tmp_path: Path) -> None:
    store, space, ids = _space_with(tmp_path, _clustered(10, 8))
    assert store.conn.execute("SELECT count(*) FROM vector_residuals").fetchone()[0] == 10
    store.delete_file(space.library_id, "/d/a.txt")
    assert store.conn.execute("SELECT count(*) FROM vector_residuals").fetchone()[0] == 0
    store, space, ids = _space_with(tmp_path / "b", _clustered(10, 8))
    store.retire_space(space)
    assert store.conn.execute("SELECT count(*) FROM vector_residuals").fetchone()[0] == 0


@pytest.mark.parametrize("prefilter", [False, True])
def test_nearest_chunks_keep_recall_against_exact_float_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefilter: bool
) -> None:
    monkeypatch.setattr(vector_index, "EXACT_UP_TO", 100 if prefilter else 10**9)
    monkeypatch.setattr(vector_index, "CANDIDATES_MIN", 100)  # 100 Hamming candidates of 1,500 vectors
    vectors = _clustered(1500, 384)
    store, space, ids = _space_with(tmp_path, vectors)
    # Queries near stored vectors, as relevant passages are near their queries; the pathological case of
    # equidistant random vectors is not what the prefilter is for (real-vector recall: docs/performance.md).
    rng = np.random.default_rng(9)
    queries = vectors[rng.integers(0, len(vectors), 20)] + 0.03 * rng.standard_normal((20, 384)).astype(np.float32)
    recalls = []
    for q in queries:
        exact = {ids[i] for i in np.argsort(-(vectors @ q))[:10]}
        found = [c for c, _ in store.nearest_chunks(space, q, 10)]
        assert len(found) == 10
        recalls.append(len(exact & set(found)) / 10)
    print(f"recall@10 {np.mean(recalls):.3f}")
    assert np.mean(recalls) >= (0.9 if prefilter else 0.97)


def test_distances_are_cosine_distances(tmp_path: Path) -> None:
    vectors = _clustered(50, 16)
    store, space, ids = _space_with(tmp_path, vectors)
    chunk, distance = store.nearest_chunks(space, vectors[7], 1)[0]
    assert chunk == ids[7]
    assert distance == pytest.approx(0.0, abs=1e-3)
    assert store.vector_count(space) == 50


def test_the_in_memory_index_follows_added_and_deleted_vectors(tmp_path: Path) -> None:
    vectors = _clustered(60, 32)
    store, space, ids = _space_with(tmp_path, vectors[:40])
    reader = Store(open_database(tmp_path / "index.sqlite3"))
    assert reader.nearest_chunks(space, vectors[5], 1)[0][0] == ids[5]
    # the writer adds a file with 20 more chunks: the reader's next search sees them
    spans = [ChunkSpan(2 * i, 2 * i + 1, 1) for i in range(20)]
    add_text(store, space.library_id, "/d/b.txt", "x " * 20, spans, "h2")
    new = [p.chunk_id for p in sorted(store.pending_batch(space.id, 100), key=lambda p: p.chunk_id)]
    store.write_vectors(space, new, vectors[40:])
    assert reader.nearest_chunks(space, vectors[55], 1)[0][0] == new[15]
    store.delete_file(space.library_id, "/d/a.txt")
    assert {c for c, _ in reader.nearest_chunks(space, vectors[5], 60)} == set(new)


def test_float_vector_tables_from_older_versions_are_converted(tmp_path: Path) -> None:
    vectors = _clustered(30, 16)
    store, space, ids = _space_with(tmp_path, vectors)
    conn = store.conn
    conn.execute(f"DROP TABLE {space.table}")  # rebuild it the way versions before 5 stored vectors
    conn.execute(f"CREATE VIRTUAL TABLE {space.table} USING vec0(chunk_id INTEGER PRIMARY KEY, embedding float[16])")
    for chunk_id, v in zip(ids, vectors, strict=True):
        conn.execute(f"INSERT INTO {space.table}(chunk_id, embedding) VALUES (?, ?)", (chunk_id, v.tobytes()))
    conn.execute("DROP TABLE vector_residuals")  # added by migration 6
    conn.execute("ALTER TABLE libraries DROP COLUMN follow_links")  # added by migration 7
    conn.execute("ALTER TABLE contents DROP COLUMN title")  # added by migration 8
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    migrated = Store(open_database(tmp_path / "index.sqlite3"))
    assert migrated.vector_count(space) == 30
    assert migrated.nearest_chunks(space, vectors[9], 1)[0][0] == ids[9]


def test_bulk_loading_reads_exactly_what_the_vec0_scan_returns(tmp_path: Path) -> None:
    vectors = _clustered(2500, 24)  # three of sqlite-vec's 1,024-slot chunks
    store, space, ids = _space_with(tmp_path, vectors)
    store.conn.execute(f"DELETE FROM {space.table} WHERE chunk_id IN (?, ?, ?)", (ids[3], ids[1500], ids[2499]))
    index = vector_index.VectorIndex(space.table, space.dim)
    assert index._load_chunks(store.conn, store.vector_count(space))
    scanned = dict(store.conn.execute(f"SELECT chunk_id, embedding FROM {space.table}").fetchall())
    assert sorted(index.ids.tolist()) == sorted(scanned)
    for chunk_id, code in zip(index.ids.tolist(), index.codes, strict=True):
        assert code.tobytes() == scanned[chunk_id]


def test_a_new_space_replaces_the_cached_index_of_its_library(tmp_path: Path) -> None:
    vectors = _clustered(20, 16)
    store, space, ids = _space_with(tmp_path, vectors)
    assert store.nearest_chunks(space, vectors[2], 1)[0][0] == ids[2]
    newer = store.create_space(space.library_id, "fake", "2", "c", 16, state="building")
    store.write_vectors(newer, ids, vectors[::-1].copy())
    assert store.nearest_chunks(newer, vectors[2], 1)[0][0] == ids[-3]
    cached = store.__dict__["_vector_indexes"]
    assert list(cached) == [space.library_id]
    assert cached[space.library_id][0] == newer.id


def test_numpy_blas_keeps_to_one_thread_once_vectors_are_searched() -> None:
    """BLAS threads spinning beside the model's threads made a MiniLM query 4x slower on 2 cores."""
    from threadpoolctl import threadpool_info

    assert vector_index.EXACT_UP_TO  # the module is imported, and with it the limit
    # NumPy's own BLAS only: a library imported later (opencv-python, for OCR) may bring another one, whose
    # threads this module never set and whose presence depends on which tests ran before.
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas" and "numpy" in pool["filepath"]]
    assert blas
    assert all(pool["num_threads"] == 1 for pool in blas)
