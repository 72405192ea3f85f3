"""Per-library CDE contexts: the sample they were made from, their vectors and how stale they are."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager

import apsw

from desktop_search.records import ContextRecord
from desktop_search.storage.db import one, value

_COLUMNS = (
    "library_id, version, model_id, revision, size, dim, vectors, chunk_ids, files_sampled, files_total, created_at"
)


def _record(row: Sequence[object]) -> ContextRecord:
    values = list(row)
    values[7] = tuple(json.loads(str(values[7])))
    return ContextRecord(*values)  # type: ignore[arg-type]


class ContextStore:
    """Mixin of `Store` for contexts; `conn` and `write()` come from the store."""

    conn: apsw.Connection

    def write(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # provided by Store

    def context_candidates(self, library_id: int) -> list[tuple[int, str, str]]:
        """Every chunk of the library as (chunk id, file path, kind); identical files count once."""
        return [
            (int(r[0]), str(r[1]), str(r[2] or ""))
            for r in self.conn.execute(
                """SELECT ch.id, f.path, f.kind FROM chunks ch
                   JOIN (SELECT content_id, min(path) AS path, kind FROM files
                         WHERE library_id = ? AND status = 'indexed' AND content_id IS NOT NULL
                         GROUP BY content_id) f ON f.content_id = ch.content_id
                   ORDER BY ch.id""",
                (library_id,),
            )
        ]

    def indexed_file_count(self, library_id: int) -> int:
        return int(
            value(self.conn, "SELECT count(*) FROM files WHERE library_id = ? AND status = 'indexed'", (library_id,))
        )

    def save_context(
        self,
        library_id: int,
        model_id: str,
        revision: str,
        vectors: bytes,
        dim: int,
        chunk_ids: Sequence[int],
        files_sampled: int,
        files_total: int,
    ) -> ContextRecord:
        """Store a new context under the next version number of the library."""
        with self.write():
            version = 1 + int(
                value(self.conn, "SELECT coalesce(max(version), 0) FROM contexts WHERE library_id = ?", (library_id,))
            )
            self.conn.execute(
                f"INSERT INTO contexts({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    library_id,
                    version,
                    model_id,
                    revision,
                    len(chunk_ids),
                    dim,
                    vectors,
                    json.dumps(list(chunk_ids)),
                    files_sampled,
                    files_total,
                    time.time(),
                ),
            )
        found = self.context(library_id, version)
        assert found is not None
        return found

    def context_status(self, library_id: int) -> tuple[ContextRecord, float, bool] | None:
        """The context searches use now, its staleness, and whether a new space is being built."""
        row = one(
            self.conn,
            """SELECT max(CASE WHEN state = 'active' THEN context_version END), max(state = 'building')
               FROM spaces WHERE library_id = ? AND state IN ('active', 'building')""",
            (library_id,),
        )
        if row is None or not row[0]:
            return None
        context = self.context(library_id, int(row[0]))
        return None if context is None else (context, self.context_staleness(context), bool(row[1]))

    def context(self, library_id: int, version: int) -> ContextRecord | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM contexts WHERE library_id = ? AND version = ?", (library_id, version)
        ).fetchone()
        return _record(row) if row else None

    def context_staleness(self, context: ContextRecord) -> float:
        """Share of the sampled library that changed since: files indexed after sampling plus files gone."""
        row = one(
            self.conn,
            """SELECT coalesce(sum(indexed_at > ?), 0), count(*) FROM files
               WHERE library_id = ? AND status = 'indexed'""",
            (context.created_at, context.library_id),
        )
        assert row is not None
        changed, now = int(row[0]), int(row[1])
        removed = max(0, context.files_total - (now - changed))
        return (changed + removed) / max(1, context.files_total)

    def drop_unused_contexts(self, library_id: int) -> None:
        """Forget contexts no building or active space was made under."""
        with self.write():
            self.conn.execute(
                """DELETE FROM contexts WHERE library_id = ? AND version NOT IN
                   (SELECT context_version FROM spaces WHERE library_id = ? AND state IN ('building', 'active'))""",
                (library_id, library_id),
            )
