"""Embedding spaces: their vec0 tables, the embedding queue and nearest-neighbour search."""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import apsw

from desktop_search.records import PendingChunk, SpaceRecord
from desktop_search.storage.db import one, rows, value

if TYPE_CHECKING:  # numpy loads with the first vector read or written: keyword search never needs it
    import numpy as np

_SPACE_COLUMNS = "id, library_id, model_id, revision, chunker, context_version, dim, state"

# Vectors are stored as int8 (a quarter of float32; recall@10 against exact float search stays ~0.99) plus
# their sign bits. Up to PREFILTER_FROM vectors a query scans the int8 column; above it, a Hamming search
# over the bits picks max(PREFILTER_MIN, PREFILTER_FACTOR × k) candidates that are then ranked by int8
# cosine. Measured on MiniLM vectors of SciFact with real queries: 400 candidates keep recall@10 at 0.99,
# 800 keep recall@100 at 0.985 (docs/performance.md).
PREFILTER_FROM = 20_000
PREFILTER_FACTOR = 10
PREFILTER_MIN = 400
MAX_K = 4096  # sqlite-vec's limit on k


def quantize(vectors: np.ndarray) -> np.ndarray:
    """int8 codes scaled per vector to its own largest component: cosine ignores each vector's scale,
    so this uses the whole int8 range without a global calibration."""
    import numpy as np

    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    peak[peak == 0] = 1.0
    codes: np.ndarray = np.rint(vectors / peak * 127.0).astype(np.int8)
    return codes


def _has_bits(space: SpaceRecord) -> bool:
    return space.dim % 8 == 0


class SpaceStore:
    """Mixin of `Store` for vectors; `conn` and `write()` come from the store."""

    conn: apsw.Connection

    def write(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # provided by Store

    def spaces(self, library_id: int, states: Sequence[str]) -> list[SpaceRecord]:
        marks = ",".join("?" * len(states))
        found = rows(
            self.conn,
            f"SELECT {_SPACE_COLUMNS} FROM spaces WHERE library_id = ? AND state IN ({marks}) ORDER BY id",
            (library_id, *states),
        )
        return [SpaceRecord(*row) for row in found]

    def active_space(self, library_id: int) -> SpaceRecord | None:
        spaces = self.spaces(library_id, ("active",))
        return spaces[-1] if spaces else None

    def create_space(
        self,
        library_id: int,
        model_id: str,
        revision: str,
        chunker: str,
        dim: int,
        *,
        context_version: int = 0,
        state: str = "active",
    ) -> SpaceRecord:
        """A new space with its vec0 table, and every chunk of the library queued for it."""
        with self.write():
            row = one(
                self.conn,
                f"""INSERT INTO spaces(library_id, model_id, revision, chunker, context_version, dim, state, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_SPACE_COLUMNS}""",
                (library_id, model_id, revision, chunker, context_version, dim, state, time.time()),
            )
            assert row is not None
            space = SpaceRecord(*row)
            bits = f", bits bit[{dim}]" if _has_bits(space) else ""
            self.conn.execute(
                f"CREATE VIRTUAL TABLE {space.table} USING vec0("
                f"chunk_id INTEGER PRIMARY KEY, embedding int8[{dim}] distance_metric=cosine{bits})"
            )
            self.conn.execute(
                """INSERT INTO pending_embeds(space_id, chunk_id, n_tokens)
                   SELECT ?, ch.id, ch.n_tokens FROM chunks ch JOIN contents co ON co.id = ch.content_id
                   WHERE co.library_id = ?""",
                (space.id, library_id),
            )
        return space

    def retire_space(self, space: SpaceRecord) -> None:
        """Drop a space's vectors and queue; used after another space has become active."""
        with self.write():
            self._drop_space(space)

    def _drop_space(self, space: SpaceRecord) -> None:
        """Inside a write: a space's tables and queue go, its row stays as 'retired'."""
        self.conn.execute(f"DROP TABLE IF EXISTS {space.table}")
        self.conn.execute("DELETE FROM pending_embeds WHERE space_id = ?", (space.id,))
        self.conn.execute("UPDATE spaces SET state = 'retired' WHERE id = ?", (space.id,))

    def _enqueue_content(self, space_id: int, content_id: int) -> None:
        self.conn.execute(
            """INSERT OR IGNORE INTO pending_embeds(space_id, chunk_id, n_tokens)
               SELECT ?, id, n_tokens FROM chunks WHERE content_id = ?""",
            (space_id, content_id),
        )

    def pending_count(self, space_id: int) -> int:
        return int(value(self.conn, "SELECT count(*) FROM pending_embeds WHERE space_id = ?", (space_id,)))

    def pending_batch(self, space_id: int, limit: int) -> list[PendingChunk]:
        """Up to `limit` queued chunks, shortest first, so a batch needs little padding."""
        rows = self.conn.execute(
            """SELECT p.chunk_id, t.text, p.n_tokens FROM pending_embeds p JOIN chunk_text t ON t.id = p.chunk_id
               WHERE p.space_id = ? ORDER BY p.n_tokens, p.chunk_id LIMIT ?""",
            (space_id, limit),
        )
        return [PendingChunk(int(r[0]), r[1], int(r[2])) for r in rows]

    def write_vectors(self, space: SpaceRecord, chunk_ids: Sequence[int], vectors: np.ndarray) -> int:
        """Store vectors of chunks still queued (a chunk deleted meanwhile is skipped); returns how many."""
        stored = 0
        import numpy as np

        floats = np.ascontiguousarray(vectors, dtype=np.float32)
        codes = quantize(floats)
        if _has_bits(space):
            insert = (
                f"INSERT INTO {space.table}(chunk_id, embedding, bits) VALUES (?, vec_int8(?), vec_quantize_binary(?))"
            )
        else:
            insert = f"INSERT INTO {space.table}(chunk_id, embedding) VALUES (?, vec_int8(?))"
        with self.write():
            for chunk_id, code, vector in zip(chunk_ids, codes, floats, strict=True):
                if self.conn.execute(
                    "DELETE FROM pending_embeds WHERE space_id = ? AND chunk_id = ? RETURNING chunk_id",
                    (space.id, chunk_id),
                ).fetchone():
                    params = (chunk_id, code.tobytes(), vector.tobytes())
                    self.conn.execute(insert, params if _has_bits(space) else params[:2])
                    stored += 1
        return stored

    def nearest_chunks(self, space: SpaceRecord, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k chunks closest to `query` in a space, as (chunk id, cosine distance of the int8 codes)."""
        k = min(k, MAX_K)
        code = quantize(query)[0].tobytes()
        if not _has_bits(space) or self.vector_count(space) <= PREFILTER_FROM:
            sql = f"SELECT chunk_id, distance FROM {space.table} WHERE embedding MATCH vec_int8(?) AND k = ?"
            found = self.conn.execute(sql, (code, k))
        else:
            candidates = min(MAX_K, max(PREFILTER_MIN, PREFILTER_FACTOR * k))
            floats = query.astype("float32").tobytes()
            found = self.conn.execute(
                f"""WITH candidates AS (
                        SELECT chunk_id FROM {space.table} WHERE bits MATCH vec_quantize_binary(?) AND k = ?)
                    SELECT v.chunk_id, vec_distance_cosine(v.embedding, vec_int8(?)) AS d
                    FROM {space.table} v JOIN candidates c ON c.chunk_id = v.chunk_id ORDER BY d LIMIT ?""",
                (floats, candidates, code, k),
            )
        return [(int(r[0]), float(r[1])) for r in found]

    def vector_count(self, space: SpaceRecord) -> int:
        # vec0 keeps a plain rowid table beside its chunks; counting it avoids reading any vector.
        return int(value(self.conn, f"SELECT count(*) FROM {space.table}_rowids"))

    def activate_space(self, new: SpaceRecord, old: SpaceRecord | None) -> None:
        """Make a fully built space the one searches use and drop the old one, in one transaction."""
        with self.write():
            self.conn.execute("UPDATE spaces SET state = 'active' WHERE id = ?", (new.id,))
            if old is not None:
                self._drop_space(old)
