"""Writing a file's text and chunks straight through the Store, and indexes as older versions left them, for
storage tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import apsw
import sqlite_vec

from desktop_search.records import ChunkSpan
from desktop_search.storage import Store
from desktop_search.storage.migrations import MIGRATIONS


def add_text(
    store: Store, library_id: int, path: str, text: str, spans: Sequence[ChunkSpan], content_hash: str
) -> None:
    """Store `text` as the content of `path` in the library's first folder, cut into `spans`."""
    root = store.roots(library_id)[0]
    store.store_content(
        library_id,
        root.id,
        path,
        len(text),
        1,
        "text",
        content_hash=content_hash,
        text=text,
        page_starts=None,
        chunker="c",
        spans=spans,
    )


def database_at(path: Path, version: int) -> apsw.Connection:
    """A new index at an older schema `version`, as that version created it, with one library (id 1)."""
    conn = apsw.Connection(str(path))
    conn.enable_load_extension(True)
    conn.load_extension(sqlite_vec.loadable_path())
    for step in MIGRATIONS[:version]:
        step(conn) if callable(step) else conn.execute(step)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO libraries(id, name, model_id, created_at) VALUES (1, 'lib', 'fake', 0)")
    return conn
