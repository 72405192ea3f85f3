"""The index's data access: libraries, folders, files, extracted contents and chunks."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager

import apsw

from desktop_search.records import (
    ChunkInfo,
    ChunkSpan,
    FailedFile,
    FileHitInfo,
    FileState,
    FileStatus,
    LibraryRecord,
    LibraryStatus,
    NoText,
    RootRecord,
)
from desktop_search.storage import keyword
from desktop_search.storage.contexts import ContextStore
from desktop_search.storage.db import Row, one, rows, storage_error, value
from desktop_search.storage.scope import Scope, file_scope_conditions, id_list, scope_conditions
from desktop_search.storage.spaces import SpaceStore
from desktop_search.storage.text_key import text_key

_LIBRARY_COLUMNS = "id, name, model_id, exclusions, created_at, last_indexed_at, follow_links"


def _library(row: Row) -> LibraryRecord:
    return LibraryRecord(row[0], row[1], row[2], tuple(json.loads(row[3])), row[4], row[5], bool(row[6]))


class Store(SpaceStore, ContextStore):
    """All reads and writes of the index go through here; one instance per connection."""

    def __init__(self, conn: apsw.Connection) -> None:
        self.conn = conn

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction; takes the write lock at once so it never fails half-way on BUSY."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                if not self.conn.get_autocommit():  # SQLite may have rolled back already (disk full, I/O error)
                    self.conn.execute("ROLLBACK")
                raise
        except (apsw.FullError, apsw.ReadOnlyError) as exc:
            raise storage_error(exc) from exc

    # -- libraries and folders -------------------------------------------------------------

    def create_library(self, name: str, model_id: str, exclusions: Sequence[str]) -> LibraryRecord:
        with self.write():
            self.conn.execute(
                "INSERT INTO libraries(name, model_id, exclusions, created_at) VALUES (?, ?, ?, ?)",
                (name, model_id, json.dumps(list(exclusions)), time.time()),
            )
        library = self.library_by_name(name)
        assert library is not None
        return library

    def library_by_name(self, name: str) -> LibraryRecord | None:
        row = self.conn.execute(f"SELECT {_LIBRARY_COLUMNS} FROM libraries WHERE name = ?", (name,)).fetchone()
        return _library(row) if row else None

    def libraries(self) -> list[LibraryRecord]:
        rows = self.conn.execute(f"SELECT {_LIBRARY_COLUMNS} FROM libraries ORDER BY name").fetchall()
        return [_library(row) for row in rows]

    def set_library_model(self, library_id: int, model_id: str) -> None:
        with self.write():
            self.conn.execute("UPDATE libraries SET model_id = ? WHERE id = ?", (model_id, library_id))

    def set_follow_links(self, library_id: int, follow: bool) -> None:
        with self.write():
            self.conn.execute("UPDATE libraries SET follow_links = ? WHERE id = ?", (int(follow), library_id))

    def set_last_indexed(self, library_id: int, when: float) -> None:
        with self.write():
            self.conn.execute("UPDATE libraries SET last_indexed_at = ? WHERE id = ?", (when, library_id))

    def roots(self, library_id: int) -> list[RootRecord]:
        found = rows(
            self.conn, "SELECT id, library_id, path FROM roots WHERE library_id = ? ORDER BY path", (library_id,)
        )
        return [RootRecord(*row) for row in found]

    def add_root(self, library_id: int, path: str) -> None:
        with self.write():
            self.conn.execute(
                "INSERT OR IGNORE INTO roots(library_id, path, added_at) VALUES (?, ?, ?)",
                (library_id, path, time.time()),
            )

    def merge_root(self, library_id: int, child: str, parent: str) -> None:
        """Fold a folder into a newly added folder that contains it, keeping its files and vectors."""
        with self.write():
            self.conn.execute(
                """UPDATE files SET root_id = (SELECT id FROM roots WHERE library_id = ?1 AND path = ?3)
                   WHERE root_id = (SELECT id FROM roots WHERE library_id = ?1 AND path = ?2)""",
                (library_id, child, parent),
            )
            self.conn.execute("DELETE FROM roots WHERE library_id = ? AND path = ?", (library_id, child))

    def remove_root(self, library_id: int, path: str) -> bool:
        """Forget a folder and everything indexed from it; False when it was not in the library."""
        row = self.conn.execute("SELECT id FROM roots WHERE library_id = ? AND path = ?", (library_id, path)).fetchone()
        if row is None:
            return False
        with self.write():
            content_ids = [r[0] for r in self.conn.execute("SELECT content_id FROM files WHERE root_id = ?", (row[0],))]
            self.conn.execute("DELETE FROM files WHERE root_id = ?", (row[0],))
            self.conn.execute("DELETE FROM roots WHERE id = ?", (row[0],))
            for content_id in set(content_ids):
                self._drop_content_if_orphan(content_id)
        return True

    # -- files ----------------------------------------------------------------------------

    def file_states(self, library_id: int) -> dict[str, FileState]:
        rows = self.conn.execute(
            """SELECT f.id, f.path, f.size, f.mtime_ns, f.status, c.hash
               FROM files f LEFT JOIN contents c ON c.id = f.content_id WHERE f.library_id = ?""",
            (library_id,),
        )
        return {row[1]: FileState(*row) for row in rows}

    def file_states_under(self, library_id: int, paths: Sequence[str]) -> dict[str, FileState]:
        """Like `file_states`, but only these paths and the files below them (a watcher's changed paths)."""
        found: dict[str, FileState] = {}
        for path in paths:
            below = path.rstrip(os.sep) + os.sep  # files inside, as the range [below, below-with-next-char)
            for row in self.conn.execute(
                """SELECT f.id, f.path, f.size, f.mtime_ns, f.status, c.hash
                   FROM files f LEFT JOIN contents c ON c.id = f.content_id
                   WHERE f.library_id = ? AND (f.path = ? OR (f.path >= ? AND f.path < ?))""",
                (library_id, path, below, below[:-1] + chr(ord(os.sep) + 1)),
            ):
                found[row[1]] = FileState(*row)
        return found

    def content_id_by_hash(self, library_id: int, content_hash: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM contents WHERE library_id = ? AND hash = ?", (library_id, content_hash)
        ).fetchone()
        return int(row[0]) if row else None

    def known_hashes(self, library_id: int) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT hash FROM contents WHERE library_id = ?", (library_id,))}

    def record_unindexed_file(
        self,
        library_id: int,
        root_id: int,
        path: str,
        size: int,
        mtime_ns: int,
        kind: str | None,
        status: NoText,
        error: str,
    ) -> None:
        """Remember a file that has no text in the index (failed, skipped), with the reason."""
        with self.write():
            old = self._upsert_file(library_id, root_id, path, size, mtime_ns, kind, None, status, error, None)
            if old is not None:
                self._drop_content_if_orphan(old)

    def store_content(
        self,
        library_id: int,
        root_id: int,
        path: str,
        size: int,
        mtime_ns: int,
        kind: str,
        *,
        content_hash: str,
        text: str,
        page_starts: Sequence[int] | None,
        chunker: str,
        spans: Sequence[ChunkSpan],
        note: str | None = None,
        title: str = "",
        titles: Sequence[str] = (),
        ocr_pages: int = 0,
    ) -> int:
        """Store a file's extracted text and chunks, queueing them for every live space; one transaction.
        Returns how many chunks were queued: a passage whose exact text has a vector already (in another file,
        or in the version of this file being replaced, whose vectors go only after) takes a copy of it.

        `note` (kept in files.error) says what a size or page cap left out of an indexed file; `title` is the
        document's own title; `titles` the subjects of an mbox archive's messages (Extracted.titles).
        """
        page_count = len(page_starts) if page_starts else None
        queued = 0
        with self.write():
            content_id = self.content_id_by_hash(library_id, content_hash)
            if content_id is None:
                content_id, queued = self._insert_content(
                    library_id, content_hash, text, page_starts, chunker, spans, title, titles
                )
                if ocr_pages:
                    self.conn.execute("UPDATE contents SET ocr_pages = ? WHERE id = ?", (ocr_pages, content_id))
            old = self._upsert_file(
                library_id, root_id, path, size, mtime_ns, kind, page_count, "indexed", note, content_id
            )
            if old is not None and old != content_id:
                self._drop_content_if_orphan(old)
        return queued

    def link_file(
        self, library_id: int, root_id: int, path: str, size: int, mtime_ns: int, kind: str | None, content_hash: str
    ) -> bool:
        """Point a file at already-stored content with this hash (a copy, move or touch); False if none."""
        with self.write():
            content_id = self.content_id_by_hash(library_id, content_hash)
            if content_id is None:
                return False
            page_count = value(
                self.conn, "SELECT json_array_length(page_starts) FROM contents WHERE id = ?", (content_id,)
            )
            old = self._upsert_file(
                library_id, root_id, path, size, mtime_ns, kind, page_count, "indexed", None, content_id
            )
            if old is not None and old != content_id:
                self._drop_content_if_orphan(old)
        return True

    def delete_file(self, library_id: int, path: str) -> None:
        with self.write():
            row = self.conn.execute(
                "DELETE FROM files WHERE library_id = ? AND path = ? RETURNING content_id", (library_id, path)
            ).fetchone()
            if row is not None and row[0] is not None:
                self._drop_content_if_orphan(row[0])

    def _upsert_file(
        self,
        library_id: int,
        root_id: int,
        path: str,
        size: int,
        mtime_ns: int,
        kind: str | None,
        page_count: int | None,
        status: FileStatus,
        error: str | None,
        content_id: int | None,
    ) -> int | None:
        """Insert or update a file row; returns the content id it pointed at before, if any."""
        old = self.conn.execute(
            "SELECT content_id FROM files WHERE library_id = ? AND path = ?", (library_id, path)
        ).fetchone()
        self.conn.execute(
            """INSERT INTO files(library_id, root_id, path, size, mtime_ns, kind, page_count, status, error,
                                 content_id, indexed_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(library_id, path) DO UPDATE SET
                 root_id = excluded.root_id, size = excluded.size, mtime_ns = excluded.mtime_ns,
                 kind = excluded.kind, page_count = excluded.page_count, status = excluded.status,
                 error = excluded.error, content_id = excluded.content_id, indexed_at = excluded.indexed_at""",
            (library_id, root_id, path, size, mtime_ns, kind, page_count, status, error, content_id, time.time()),
        )
        return int(old[0]) if old and old[0] is not None else None

    def _insert_content(
        self,
        library_id: int,
        content_hash: str,
        text: str,
        page_starts: Sequence[int] | None,
        chunker: str,
        spans: Sequence[ChunkSpan],
        title: str = "",
        titles: Sequence[str] = (),
    ) -> tuple[int, int]:
        """Inside a write: a new content and its chunks; returns its id and how many chunks were queued."""
        pages = json.dumps(list(page_starts)) if page_starts else None
        titled = json.dumps(list(titles), ensure_ascii=False) if titles else None
        content_id = int(
            value(
                self.conn,
                """INSERT INTO contents(library_id, hash, text, page_starts, chunker, title, titles)
                   VALUES (?, ?, '', ?, ?, ?, ?) RETURNING id""",
                (library_id, content_hash, pages, chunker, title, titled),
            )
        )
        self.conn.executemany(
            """INSERT INTO chunks(content_id, seq, start, end, page, n_tokens, text, text_key)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    content_id,
                    seq,
                    s.start,
                    s.end,
                    s.page,
                    s.n_tokens,
                    text[s.start : s.end],
                    text_key(text[s.start : s.end]),
                )
                for seq, s in enumerate(spans)
            ],
        )
        self.conn.execute(
            """INSERT INTO chunks_fts(rowid, text)
               SELECT id, text FROM chunk_text WHERE id IN (SELECT id FROM chunks WHERE content_id = ?)""",
            (content_id,),
        )
        ids = [
            int(r[0])
            for r in self.conn.execute("SELECT id FROM chunks WHERE content_id = ? ORDER BY seq", (content_id,))
        ]
        chunks = [(chunk_id, text[s.start : s.end]) for chunk_id, s in zip(ids, spans, strict=True)]
        queued = sum(
            self._enqueue_content(space, content_id, chunks)
            for space in self.spaces(library_id, ("building", "active"))
        )
        return content_id, queued

    def _drop_content_if_orphan(self, content_id: int) -> None:
        """Delete content no file points at any more, with its keyword rows and vectors."""
        if self.conn.execute("SELECT 1 FROM files WHERE content_id = ? LIMIT 1", (content_id,)).fetchone():
            return
        row = self.conn.execute("SELECT library_id FROM contents WHERE id = ?", (content_id,)).fetchone()
        if row is None:
            return
        self.conn.execute(
            """INSERT INTO chunks_fts(chunks_fts, rowid, text)
               SELECT 'delete', id, text FROM chunk_text WHERE id IN (SELECT id FROM chunks WHERE content_id = ?)""",
            (content_id,),
        )
        for space in self.spaces(row[0], ("building", "active")):
            self.conn.execute(
                f"DELETE FROM {space.table} WHERE chunk_id IN (SELECT id FROM chunks WHERE content_id = ?)",
                (content_id,),
            )
        self.conn.execute("DELETE FROM contents WHERE id = ?", (content_id,))

    # -- search support ---------------------------------------------------------------------

    def keyword_chunks(
        self, library_id: int, match: str | Sequence[str], limit: int, contents: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """Chunks matching an FTS5 expression, or any of a list of phrase expressions, best first, as
        (chunk id, bm25 score; lower is better); with `contents`, only chunks of those (a scoped search)."""
        if contents is not None:
            return keyword.search(self.conn, library_id, match, limit, id_list(contents))
        only_library = [r[0] for r in self.conn.execute("SELECT id FROM libraries LIMIT 2")] == [library_id]
        return keyword.search(self.conn, None if only_library else library_id, match, limit)

    def scope_contents(self, library_id: int, scope: Scope) -> list[int]:
        """The library's contents that a scoped search may return."""
        where, params = scope_conditions(scope)
        return [
            int(r[0])
            for r in self.conn.execute(
                f"""SELECT DISTINCT f.content_id FROM files f
                    WHERE f.library_id = ? AND f.content_id IS NOT NULL AND {where}""",
                (library_id, *params),
            )
        ]

    def chunks_of(self, content_ids: Sequence[int]) -> list[int]:
        """Every chunk of these contents, in id order."""
        return [
            int(r[0])
            for r in self.conn.execute(
                "SELECT id FROM chunks WHERE content_id IN (SELECT value FROM json_each(?)) ORDER BY id",
                (id_list(content_ids),),
            )
        ]

    def newest_contents(self, library_id: int, scope: Scope, limit: int) -> list[tuple[int, int]]:
        """(content id, first chunk id) of the newest files in scope: a search of filters and no words."""
        where, params = scope_conditions(scope)
        return [
            (int(r[0]), int(r[1]))
            for r in self.conn.execute(
                f"""SELECT f.content_id, (SELECT id FROM chunks WHERE content_id = f.content_id ORDER BY seq LIMIT 1)
                    AS first FROM files f WHERE f.library_id = ? AND f.content_id IS NOT NULL AND {where}
                    AND first IS NOT NULL GROUP BY f.content_id ORDER BY max(f.mtime_ns) DESC LIMIT ?""",
                (library_id, *params, limit),
            )
        ]

    def chunk_infos(self, chunk_ids: Sequence[int]) -> dict[int, ChunkInfo]:
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        # A content with one title per page is an mbox archive: each page (message) is a result of its own.
        rows = self.conn.execute(
            f"""SELECT ch.id, ch.content_id, ch.start, ch.end, ch.page, t.text,
                       CASE WHEN json_array_length(co.titles) = json_array_length(co.page_starts)
                            THEN json_extract(co.titles, '$[' || (ch.page - 1) || ']')
                            ELSE json_extract(co.titles, '$[0]') END,
                       coalesce(json_array_length(co.titles) = json_array_length(co.page_starts), 0)
                FROM chunks ch JOIN chunk_text t ON t.id = ch.id JOIN contents co ON co.id = ch.content_id
                WHERE ch.id IN ({marks})""",
            tuple(chunk_ids),
        )
        return {int(r[0]): ChunkInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7])) for r in rows}

    def contents_by_name(self, library_id: int, fragment: str, limit: int) -> list[tuple[int, str, int]]:
        """(content id, path, first chunk id) of indexed files whose path holds `fragment` (ASCII case ignored)."""
        return [
            (int(r[0]), str(r[1]), int(r[2]))
            for r in self.conn.execute(
                """SELECT f.content_id, f.path,
                          (SELECT id FROM chunks WHERE content_id = f.content_id ORDER BY seq LIMIT 1) AS first
                   FROM files f WHERE f.library_id = ? AND f.content_id IS NOT NULL AND instr(lower(f.path), ?) > 0
                   AND first IS NOT NULL LIMIT ?""",
                (library_id, fragment.lower(), limit),
            )
        ]

    def files_for_contents(
        self, content_ids: Sequence[int], scope: Scope | None = None
    ) -> dict[int, list[FileHitInfo]]:
        """The files holding each content; with `scope`, only the files its filters let through (a copy of a
        file elsewhere may not be)."""
        if not content_ids:
            return {}
        marks = ",".join("?" * len(content_ids))
        where, params = file_scope_conditions(scope) if scope is not None else ("1", [])
        out: dict[int, list[FileHitInfo]] = {}
        for r in self.conn.execute(
            f"""SELECT f.id, f.content_id, f.path, f.kind, f.mtime_ns, f.size, c.title
                FROM files f JOIN contents c ON c.id = f.content_id
                WHERE f.content_id IN ({marks}) AND {where} ORDER BY f.path""",
            (*content_ids, *params),
        ):
            out.setdefault(int(r[1]), []).append(FileHitInfo(*r))
        return out

    # -- status ------------------------------------------------------------------------------

    def library_status(self, library: LibraryRecord) -> LibraryStatus:
        counts = dict(
            self.conn.execute("SELECT status, count(*) FROM files WHERE library_id = ? GROUP BY status", (library.id,))
        )
        chunks = value(
            self.conn,
            "SELECT count(*) FROM chunks ch JOIN contents co ON co.id = ch.content_id WHERE co.library_id = ?",
            (library.id,),
        )
        noted = [
            FailedFile(*r)
            for r in self.conn.execute(
                """SELECT path, status, error FROM files WHERE library_id = ? AND error IS NOT NULL
                   AND status IN ('failed', 'indexed') ORDER BY path""",
                (library.id,),
            )
        ]
        failed = [f for f in noted if f.status == "failed"]
        skipped_reasons = tuple(
            (str(r[0] or "not a document"), int(r[1]))
            for r in self.conn.execute(
                """SELECT error, count(*) FROM files WHERE library_id = ? AND status = 'skipped'
                   GROUP BY error ORDER BY count(*) DESC, error""",
                (library.id,),
            )
        )
        active = self.active_space(library.id)
        pending = self.pending_count(active.id) if active else chunks
        return LibraryStatus(
            name=library.name,
            model_id=library.model_id,
            folders=tuple(r.path for r in self.roots(library.id)),
            files=int(counts.get("indexed", 0)),
            chunks=int(chunks),
            embedded=int(chunks) - pending,
            pending=pending,
            failed=len(failed),
            skipped=int(counts.get("skipped", 0)),
            failed_files=tuple(failed),
            last_indexed_at=library.last_indexed_at,
            partial_files=tuple(f for f in noted if f.status == "indexed"),
            follow_links=library.follow_links,
            skipped_reasons=skipped_reasons,
            ocr_files=tuple(
                (str(r[0]), int(r[1]))
                for r in self.conn.execute(
                    """SELECT f.path, c.ocr_pages FROM files f JOIN contents c ON c.id = f.content_id
                       WHERE f.library_id = ? AND c.ocr_pages > 0 ORDER BY f.path""",
                    (library.id,),
                )
            ),
        )

    def look_again_at_kinds(self, library_id: int, kinds: Collection[str]) -> int:
        """Files of these kinds are read again on the next run, changed or not. Returns how many."""
        with self.write():
            self.conn.execute(
                "UPDATE files SET mtime_ns = -1 WHERE library_id = ? AND kind IN (SELECT value FROM json_each(?))",
                (library_id, json.dumps(sorted(kinds))),
            )
            return int(self.conn.changes())

    def look_again_for_ocr(self, library_id: int) -> int:
        """After the library's OCR setting changed: files whose text OCR changes (pictures, PDFs that failed
        or have a page without text, PDFs read by OCR) are looked at on the next run. Returns how many."""
        with self.write():
            self.conn.execute(
                """UPDATE files SET mtime_ns = -1 WHERE library_id = ? AND (kind = 'image' OR (kind = 'pdf' AND (
                     status != 'indexed' OR content_id IN (
                       SELECT c.id FROM contents c WHERE c.library_id = files.library_id AND (c.ocr_pages > 0
                         OR EXISTS (SELECT 1 FROM json_each(c.page_starts) a JOIN json_each(c.page_starts) b
                                    ON b.key = a.key + 1 WHERE b.value - a.value <= 2))))))""",
                (library_id,),
            )
            return int(self.conn.changes())

    # -- desktop app support ------------------------------------------------------------------

    def chunk_context(self, chunk_id: int, margin: int) -> tuple[str, int] | None:
        """The extracted text around a chunk, about `margin` characters either side, and where it starts.

        Rebuilt from the neighbouring chunks' spans: overlaps are merged and the whitespace between two
        chunks that do not touch becomes spaces, so every offset stays that of the extracted text. In an mbox
        archive the text around a message's passage is that message's only."""
        row = one(
            self.conn,
            """SELECT ch.content_id, ch.start, ch.end, ch.page,
                      coalesce(json_array_length(co.titles) = json_array_length(co.page_starts), 0)
               FROM chunks ch JOIN contents co ON co.id = ch.content_id WHERE ch.id = ?""",
            (chunk_id,),
        )
        if row is None:
            return None
        content_id, start, end, page, per_page = row
        lo, hi = max(start - margin, 0), end + margin
        pieces = rows(
            self.conn,
            """SELECT start, end, text FROM chunks WHERE content_id = ? AND end > ? AND start < ?
               AND (? = 0 OR page = ?) ORDER BY start""",
            (content_id, lo, hi, per_page, page),
        )
        first = int(pieces[0][0])
        out: list[str] = []
        cursor = first
        for piece_start, piece_end, text in pieces:
            if piece_start > cursor:
                out.append(" " * (piece_start - cursor))
                cursor = piece_start
            if piece_end > cursor:
                out.append(text[cursor - piece_start :])
                cursor = piece_end
        merged = "".join(out)
        begin = max(lo, first)
        return merged[begin - first : hi - first], begin

    def document_extent(self, chunk_id: int) -> tuple[int, list[int]]:
        """The length of the extracted text holding a chunk, and where its pages start (empty: no pages)."""
        row = one(
            self.conn,
            """SELECT (SELECT max(end) FROM chunks WHERE content_id = co.id), co.page_starts
               FROM chunks ch JOIN contents co ON co.id = ch.content_id WHERE ch.id = ?""",
            (chunk_id,),
        )
        if row is None:
            return 0, []
        return int(row[0] or 0), list(json.loads(row[1])) if row[1] else []

    def set_library_exclusions(self, library_id: int, exclusions: Sequence[str]) -> None:
        with self.write():
            self.conn.execute(
                "UPDATE libraries SET exclusions = ? WHERE id = ?", (json.dumps(list(exclusions)), library_id)
            )
