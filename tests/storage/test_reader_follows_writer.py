"""A searching reader follows the writer by what it changed, not by reading every vector again."""

from __future__ import annotations

from pathlib import Path

import apsw
import numpy as np

from desktop_search.storage import open_reader
from desktop_search.storage.vector_index import VectorIndex, quantize
from tests.storage.test_vectors import _clustered, _space_with


def _vector_bytes_read(conn: apsw.Connection, index: VectorIndex) -> int:
    """Refresh the index, counting the bytes of vector codes SQLite hands back meanwhile."""
    read = 0

    def tracer(cursor: apsw.Cursor, row: tuple[object, ...]) -> tuple[object, ...]:
        nonlocal read
        description = [d[0] for d in cursor.get_description()]
        read += sum(len(v) for name, v in zip(description, row, strict=True) if name in ("vectors", "embedding"))
        return row

    conn.row_trace = tracer
    try:
        index.refresh(conn)
    finally:
        conn.row_trace = None
    return read


def test_deletions_and_additions_are_followed_without_reading_every_vector_again(tmp_path: Path) -> None:
    dim = 16
    vectors = _clustered(3000, dim)  # three of sqlite-vec's 1,024-vector chunks
    store, space, ids = _space_with(tmp_path, vectors)
    reader = open_reader(tmp_path / "index.sqlite3")
    index = VectorIndex(space.table, dim)
    assert _vector_bytes_read(reader, index) == 3000 * dim  # the first look reads them all

    # The writer re-indexes edited files: their old vectors go, new ones come.
    gone = ids[10:15] + ids[2000:2003] + ids[-2:]  # holes to fill, and rows at the very end
    store.conn.execute(f"DELETE FROM {space.table} WHERE chunk_id IN ({','.join('?' * len(gone))})", gone)
    added = np.arange(max(ids) + 1, max(ids) + 11)
    for chunk_id, code in zip(added.tolist(), quantize(_clustered(10, dim, seed=9)), strict=True):
        store.conn.execute(
            f"INSERT INTO {space.table}(chunk_id, embedding) VALUES (?, vec_int8(?))", (chunk_id, code.tobytes())
        )

    read = _vector_bytes_read(reader, index)
    assert read <= 1024 * dim  # the codes of the one chunk that holds the new vectors, not all 3,000 again
    fresh = VectorIndex(space.table, dim)
    fresh.refresh(reader)
    assert sorted(index.ids.tolist()) == sorted(fresh.ids.tolist()) == sorted(set(ids) - set(gone) | set(added))
    by_id = dict(zip(fresh.ids.tolist(), fresh.codes, strict=True))
    assert all((code == by_id[i]).all() for i, code in zip(index.ids.tolist(), index.codes, strict=True))
    query = _clustered(1, dim, seed=11)[0]
    assert index.search(query, 10) == fresh.search(query, 10)
