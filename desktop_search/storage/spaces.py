"""Embedding spaces: their vec0 tables, the embedding queue and nearest-neighbour search."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import apsw

from desktop_search.records import PendingChunk, SpaceRecord, SpaceState
from desktop_search.storage.db import one, rows, value
from desktop_search.storage.scope import id_list
from desktop_search.storage.text_key import text_key

if TYPE_CHECKING:  # numpy loads with the first vector read or written: keyword search never needs it
    import numpy as np

    from desktop_search.storage.vector_index import VectorIndex

_SPACE_COLUMNS = "id, library_id, model_id, revision, chunker, context_version, dim, state"

# Vectors are stored as int8 codes (a quarter of float32) and searched in memory by VectorIndex, which
# sqlite-vec 0.1.9's own top-k is too slow for. The best candidates are then rescored with two more bits
# per dimension (vector_residuals), which int8 alone loses among near ties.


def vec_table_sql(table: str, dim: int) -> str:
    return f"CREATE VIRTUAL TABLE {table} USING vec0(chunk_id INTEGER PRIMARY KEY, embedding int8[{dim}])"


class SpaceStore:
    """Mixin of `Store` for vectors; `conn` and `write()` come from the store."""

    conn: apsw.Connection

    def write(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # provided by Store

    def spaces(self, library_id: int, states: Sequence[SpaceState]) -> list[SpaceRecord]:
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
        state: SpaceState = "active",
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
            self.conn.execute(vec_table_sql(space.table, dim))
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
        self.conn.execute("DELETE FROM vector_residuals WHERE space_id = ?", (space.id,))
        self.conn.execute("DELETE FROM pending_embeds WHERE space_id = ?", (space.id,))
        self.conn.execute("UPDATE spaces SET state = 'retired' WHERE id = ?", (space.id,))

    def _enqueue_content(self, space: SpaceRecord, content_id: int, chunks: Sequence[tuple[int, str]]) -> int:
        """Inside a write: a new content's chunks, as (id, text), whose exact text has a vector in the space already
        (another file, or the version of this file that it replaces) take a copy; the rest are queued. Returns how
        many were queued."""
        reused = self._copy_vectors(space, self._vector_sources(space, chunks))
        self.conn.execute(
            """INSERT OR IGNORE INTO pending_embeds(space_id, chunk_id, n_tokens) SELECT ?, id, n_tokens FROM chunks
               WHERE content_id = ? AND id NOT IN (SELECT value FROM json_each(?))""",
            (space.id, content_id, id_list(sorted(reused))),
        )
        return int(self.conn.changes())

    def reuse_vectors(self, space: SpaceRecord, chunks: Sequence[tuple[int, str]]) -> set[int]:
        """Queued chunks, as (id, text), whose exact text has a vector in the space take a copy of it instead of
        being embedded; returns the chunks given one (none: nothing is written)."""
        sources = self._vector_sources(space, chunks)  # looked up before the write: most batches have none
        if not sources:
            return set()
        with self.write():
            return self._copy_vectors(space, sources)

    def _vector_sources(self, space: SpaceRecord, chunks: Sequence[tuple[int, str]]) -> list[tuple[int, int]]:
        """(chunk, another chunk of the same exact text with a vector in the space) for those of these chunks, given
        as (id, text) and without a vector, that have such a twin. The keys are looked up in their index alone; only
        a twin's text is read, to compare."""
        keyed = json.dumps([[chunk_id, text_key(text)] for chunk_id, text in chunks])
        found = rows(
            self.conn,
            f"""SELECT json_extract(j.value, '$[0]'), (
                  SELECT d.id FROM chunks d JOIN {space.table}_rowids v ON v.rowid = d.id
                  WHERE d.text_key = json_extract(j.value, '$[1]') LIMIT 1) AS source
                FROM json_each(?) j WHERE source IS NOT NULL""",
            (keyed,),
        )
        texts = dict(chunks)
        return [
            (int(chunk_id), int(source))
            for chunk_id, source in found
            if value(self.conn, "SELECT text FROM chunks WHERE id = ?", (source,)) == texts[int(chunk_id)]
        ]

    def _copy_vectors(self, space: SpaceRecord, sources: Sequence[tuple[int, int]]) -> set[int]:
        """Inside a write: each (chunk, source) pair's chunk takes a copy of the source's vector, unless the source
        lost it meanwhile; returns the chunks given one."""
        reused: set[int] = set()
        for chunk_id, source in sources:
            code = one(self.conn, f"SELECT embedding FROM {space.table} WHERE chunk_id = ?", (source,))
            if code is None:
                continue
            residual = one(
                self.conn, "SELECT code FROM vector_residuals WHERE chunk_id = ? AND space_id = ?", (source, space.id)
            )
            self.conn.execute("DELETE FROM pending_embeds WHERE space_id = ? AND chunk_id = ?", (space.id, chunk_id))
            self._put_vector(space, chunk_id, bytes(code[0]), bytes(residual[0]) if residual else None)
            reused.add(chunk_id)
        return reused

    def _put_vector(self, space: SpaceRecord, chunk_id: int, code: bytes, residual: bytes | None) -> None:
        """Inside a write: store one chunk's int8 code and, when it has one, its residual (vectors written
        before schema 6 have none)."""
        self.conn.execute(f"INSERT INTO {space.table}(chunk_id, embedding) VALUES (?, vec_int8(?))", (chunk_id, code))
        if residual is not None:
            self.conn.execute(
                "INSERT OR REPLACE INTO vector_residuals(chunk_id, space_id, code) VALUES (?, ?, ?)",
                (chunk_id, space.id, residual),
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
        from desktop_search.storage.vector_index import encode

        stored = 0
        codes, rest = encode(vectors)
        with self.write():
            for chunk_id, code, residual in zip(chunk_ids, codes, rest, strict=True):
                if self.conn.execute(
                    "DELETE FROM pending_embeds WHERE space_id = ? AND chunk_id = ? RETURNING chunk_id",
                    (space.id, chunk_id),
                ).fetchone():
                    self._put_vector(space, chunk_id, code.tobytes(), residual.tobytes())
                    stored += 1
        return stored

    def nearest_chunks(
        self, space: SpaceRecord, query: np.ndarray, k: int, among: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """The k chunks closest to `query` in a space, as (chunk id, cosine distance to the stored vector);
        with `among`, only those chunks are candidates."""
        import numpy as np

        index = self._vector_index(space)
        index.refresh(self.conn)
        allowed = None if among is None else np.asarray(among, dtype=np.int64)
        return index.search(query, k, lambda ids: self._residuals(space.id, ids), allowed)

    def searched_vectors(self, space: SpaceRecord) -> int:
        """How many vectors the space's in-memory index held at its last search."""
        return self._vector_index(space).size

    def _vector_index(self, space: SpaceRecord) -> VectorIndex:
        from desktop_search.storage.vector_index import VectorIndex

        # One in-memory index per library: a library searches only its active space, so a space that
        # replaced another (context refresh, model change) frees the old one's arrays.
        indexes: dict[int, tuple[int, VectorIndex]] = self.__dict__.setdefault("_vector_indexes", {})
        cached = indexes.get(space.library_id)
        if cached is None or cached[0] != space.id:
            cached = indexes[space.library_id] = (space.id, VectorIndex(space.table, space.dim))
        return cached[1]

    def _residuals(self, space_id: int, chunk_ids: Sequence[int]) -> dict[int, bytes]:
        marks = ",".join("?" * len(chunk_ids))
        found = self.conn.execute(
            f"SELECT chunk_id, code FROM vector_residuals WHERE space_id = ? AND chunk_id IN ({marks})",
            (space_id, *chunk_ids),
        )
        return {int(r[0]): bytes(r[1]) for r in found}

    def vector_count(self, space: SpaceRecord) -> int:
        # vec0 keeps a plain rowid table beside its chunks; counting it avoids reading any vector.
        return int(value(self.conn, f"SELECT count(*) FROM {space.table}_rowids"))

    def activate_space(self, new: SpaceRecord, old: SpaceRecord | None) -> None:
        """Make a fully built space the one searches use and drop the old one, in one transaction."""
        with self.write():
            self.conn.execute("UPDATE spaces SET state = 'active' WHERE id = ?", (new.id,))
            if old is not None:
                self._drop_space(old)
