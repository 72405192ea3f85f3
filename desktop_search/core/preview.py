"""A hit's preview: its document's text (all of it, up to a size), every term of the query marked, and where
the pages start."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_search.core.highlight import Span, highlight_spans
from desktop_search.core.query import ParsedQuery
from desktop_search.records import Hit
from desktop_search.storage import Store

PREVIEW_CHARS = 400_000  # a longer document is shown in a window of this size around the hit


@dataclass(frozen=True)
class Preview:
    hit: Hit
    text: str
    offset: int  # where `text` starts in the document's text; -1: the document is gone, this is the snippet
    highlights: tuple[Span, ...]  # the query's terms in `text`
    pages: tuple[tuple[int, int], ...] = ()  # (position in `text`, page number) where a page starts
    length: int = 0  # the whole document's length; more than len(text) when only a window is shown

    @property
    def passage(self) -> Span:
        """The hit's passage in `text` (all of it when the document is gone)."""
        if self.offset < 0:
            return 0, len(self.text)
        a = max(0, min(len(self.text), self.hit.start - self.offset))
        return a, max(a, min(len(self.text), self.hit.end - self.offset))

    @property
    def best(self) -> int:
        """The highlight the preview opens at: the first in the passage, else the first after it, else 0."""
        start = self.passage[0]
        return next((i for i, (a, _) in enumerate(self.highlights) if a >= start), 0)


def document_preview(store: Store, hit: Hit, query: ParsedQuery, max_chars: int = PREVIEW_CHARS) -> Preview:
    """The preview of a hit as the index holds its document now."""
    found = store.chunk_context(hit.chunk_id, max_chars // 2)
    if found is None:  # re-indexed since the search: the snippet is all there is
        return Preview(hit, hit.snippet, -1, hit.highlights, (), len(hit.snippet))
    text, offset = found
    length, starts = store.document_extent(hit.chunk_id)
    pages = tuple((s - offset, n) for n, s in enumerate(starts, start=1) if offset <= s < offset + len(text))
    return Preview(hit, text, offset, tuple(highlight_spans(text, query)), pages, length)
