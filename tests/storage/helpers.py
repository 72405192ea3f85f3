"""Writing a file's text and chunks straight through the Store, for storage tests."""

from __future__ import annotations

from collections.abc import Sequence

from desktop_search.records import ChunkSpan
from desktop_search.storage import Store


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
