"""Chunks follow the tokenizer's limits, keep exact spans and prefer natural boundaries."""

from __future__ import annotations

from desktop_search.core.chunking import chunk_text
from desktop_search.embed.base import Embedder
from desktop_search.embed.fake import WordTokenizer

TEXT = "\n\n".join(" ".join(f"Sentence {p}.{s} has some words in it." for s in range(6)) for p in range(8))


def test_chunks_stay_within_the_token_limit_and_cover_the_text() -> None:
    tokenizer = WordTokenizer()
    chunks = chunk_text(TEXT, tokenizer, 40, 8)
    assert all(c.n_tokens <= 40 for c in chunks)
    for c in chunks:
        assert tokenizer.count([TEXT[c.start : c.end]]) == [c.n_tokens]
    assert chunks[0].start == 0
    assert chunks[-1].end == len(TEXT.rstrip())
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered or TEXT[i].isspace() for i in range(len(TEXT)))


def test_consecutive_chunks_overlap_and_end_on_sentences() -> None:
    chunks = chunk_text(TEXT, WordTokenizer(), 40, 8)
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert b.start < a.end  # overlap
        assert TEXT[a.end - 1] == "."  # a sentence end was available within every window


def test_page_numbers_come_from_page_starts() -> None:
    text = "page one text here. " * 20 + "page two text here. " * 20
    chunks = chunk_text(text, WordTokenizer(), 30, 0, page_starts=[0, 400])
    assert chunks[0].page == 1
    assert chunks[-1].page == 2


def test_no_chunk_spans_two_pages() -> None:
    """Two short pages fit in one chunk, but a hit on page 2 must say page 2."""
    text = "Dunes and marram grass.\n\nOctopus under a ledge."
    chunks = chunk_text(text, WordTokenizer(), 100, 10, page_starts=[0, 25])
    assert [(text[c.start : c.end], c.page) for c in chunks] == [
        ("Dunes and marram grass.", 1),
        ("Octopus under a ledge.", 2),
    ]


def test_empty_and_blank_text_give_no_chunks() -> None:
    assert chunk_text("", WordTokenizer(), 30, 4) == []
    assert chunk_text(" \n\n\t", WordTokenizer(), 30, 4) == []


def test_real_tokenizer_spans_map_back_to_the_text(minilm: Embedder) -> None:
    text = "Zürich's café served naïve crème brûlée. " * 40
    chunks = chunk_text(text, minilm.tokenizer, minilm.chunk_tokens, minilm.chunk_overlap)
    assert len(chunks) > 1
    for c in chunks:
        assert c.n_tokens <= minilm.chunk_tokens
        assert text[c.start : c.end].startswith("Z") or text[c.start - 1] == " "
