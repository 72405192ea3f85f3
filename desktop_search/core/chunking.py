"""Cutting text into chunks of the model's token length, on natural boundaries, keeping spans."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from desktop_search.embed.base import TextTokenizer
from desktop_search.records import ChunkSpan

SEGMENT_CHARS = 200_000  # tokenise long texts piecewise so memory stays bounded


def _segments(text: str) -> list[tuple[int, int]]:
    """Split a long text into pieces of at most ~SEGMENT_CHARS, cutting at blank lines where possible."""
    spans = []
    start = 0
    while len(text) - start > SEGMENT_CHARS:
        limit = start + SEGMENT_CHARS
        cut = text.rfind("\n\n", start + SEGMENT_CHARS // 2, limit)
        if cut < 0:
            cut = text.rfind(" ", start + SEGMENT_CHARS // 2, limit)
        cut = limit if cut < 0 else cut + 1
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def _pieces(text: str, page_starts: Sequence[int]) -> list[tuple[int, int]]:
    """The text cut at every page start, then into segments: a chunk never spans two pages, so its page
    number is where all of its passage is (a hit on page 2 must not say page 1)."""
    edges = [0, *(p for p in page_starts if 0 < p < len(text)), len(text)]
    return [(a + s, a + e) for a, b in zip(edges, edges[1:], strict=False) if b > a for s, e in _segments(text[a:b])]


def _break_quality(text: str, tokens: list[tuple[int, int]], k: int) -> int:
    """How good a place it is to end a chunk before token k: paragraph 3, sentence/line 2, word 1."""
    gap = text[tokens[k - 1][1] : tokens[k][0]]
    if "\n\n" in gap:
        return 3
    if "\n" in gap or (gap and text[tokens[k - 1][1] - 1] in ".!?;:"):
        return 2
    return 1 if gap else 0


def _choose_end(text: str, tokens: list[tuple[int, int]], start: int, limit: int) -> int:
    """The best token index to end a chunk that starts at `start` and may not pass `limit`."""
    if limit >= len(tokens):
        return len(tokens)
    floor = start + max(1, (limit - start) // 2)
    best_k, best_q = limit, -1
    for k in range(limit, floor, -1):
        quality = _break_quality(text, tokens, k)
        if quality > best_q:
            best_k, best_q = k, quality
            if quality == 3:
                break
    return best_k


def _word_start(text: str, tokens: list[tuple[int, int]], k: int, stop: int) -> int:
    """Move k forward to the first token that begins a word (so overlaps never start mid-word)."""
    while k < stop and k > 0 and tokens[k][0] == tokens[k - 1][1]:
        k += 1
    return k


def chunk_text(
    text: str,
    tokenizer: TextTokenizer,
    chunk_tokens: int,
    overlap: int,
    page_starts: Sequence[int] = (),
    separate_pages: bool = False,
) -> list[ChunkSpan]:
    """Chunks of at most `chunk_tokens` tokens overlapping by about `overlap` tokens. With `separate_pages`
    (the messages of an mbox archive) no chunk crosses from one page into the next."""
    if separate_pages and page_starts:
        ends = [*page_starts[1:], len(text)]
        return [
            ChunkSpan(c.start + a, c.end + a, c.n_tokens, number)
            for number, (a, b) in enumerate(zip(page_starts, ends, strict=True), start=1)
            for c in chunk_text(text[a:b], tokenizer, chunk_tokens, overlap)
        ]
    chunks: list[ChunkSpan] = []
    for seg_start, seg_end in _pieces(text, page_starts):
        tokens = [(s + seg_start, e + seg_start) for s, e in tokenizer.offsets(text[seg_start:seg_end])]
        i = 0
        while i < len(tokens):
            end = _choose_end(text, tokens, i, i + chunk_tokens)
            start_char, end_char = tokens[i][0], tokens[end - 1][1]
            page = bisect.bisect_right(page_starts, start_char) if page_starts else None
            chunks.append(ChunkSpan(start_char, end_char, end - i, page))
            if end >= len(tokens):
                break
            i = max(i + 1, _word_start(text, tokens, end - overlap, end))
    return chunks
