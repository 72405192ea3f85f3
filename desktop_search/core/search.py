"""Hybrid search: keyword (FTS5 bm25) and dense (vec0) candidates, fused, one hit per file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop_search.core.context import space_embedder
from desktop_search.core.query import ParsedQuery, parse_query
from desktop_search.core.snippets import make_snippet
from desktop_search.embed.base import Embedder
from desktop_search.records import ChunkInfo, Hit, LibraryRecord
from desktop_search.storage import Store

MODES = ("hybrid", "keyword", "dense")


@dataclass(frozen=True)
class SearchOptions:
    mode: str = "hybrid"
    limit: int = 10
    depth: int = 100  # candidates taken from each of keyword and dense search
    rrf_k: int = 60


@dataclass
class _Candidate:
    """A content (the text of one or more identical files) and the evidence for it."""

    content_id: int
    score: float = 0.0
    keyword_rank: int | None = None
    dense_rank: int | None = None
    best_chunk: int = 0
    best_chunk_score: float = -1.0


def _content_ranks(chunks: Sequence[int], infos: dict[int, ChunkInfo]) -> dict[int, int]:
    """Rank of each content by its best chunk in a ranked chunk list (1 = best)."""
    ranks: dict[int, int] = {}
    for chunk_id in chunks:
        info = infos.get(chunk_id)
        if info is not None and info.content_id not in ranks:
            ranks[info.content_id] = len(ranks) + 1
    return ranks


def fuse(keyword: Sequence[int], dense: Sequence[int], infos: dict[int, ChunkInfo], k: int) -> list[_Candidate]:
    """Reciprocal-rank fusion at the document level; the passage is the chunk strongest in both lists."""
    kw_ranks, dn_ranks = _content_ranks(keyword, infos), _content_ranks(dense, infos)
    candidates: dict[int, _Candidate] = {}
    for content_id in kw_ranks.keys() | dn_ranks.keys():
        c = _Candidate(content_id, keyword_rank=kw_ranks.get(content_id), dense_rank=dn_ranks.get(content_id))
        c.score = sum(1.0 / (k + r) for r in (c.keyword_rank, c.dense_rank) if r is not None)
        candidates[content_id] = c
    chunk_scores: dict[int, float] = {}
    for ranked in (keyword, dense):
        for rank, chunk_id in enumerate(ranked, start=1):
            chunk_scores[chunk_id] = chunk_scores.get(chunk_id, 0.0) + 1.0 / (k + rank)
    for chunk_id, score in chunk_scores.items():
        info = infos.get(chunk_id)
        if info is None:
            continue
        c = candidates[info.content_id]
        if score > c.best_chunk_score:
            c.best_chunk, c.best_chunk_score = chunk_id, score
    return sorted(candidates.values(), key=lambda c: (-c.score, c.content_id))


class Searcher:
    """Runs queries on its own read connection; the model is asked for only in dense and hybrid modes."""

    def __init__(self, store: Store, embedder_for: Callable[[str], Embedder]) -> None:
        self.store = store
        self.embedder_for = embedder_for

    def search(self, text: str, libraries: Sequence[LibraryRecord], options: SearchOptions | None = None) -> list[Hit]:
        options = options or SearchOptions()
        if options.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        query = parse_query(text)
        hits: list[Hit] = []
        for library in libraries:
            hits += self._search_library(query, library, options)
        hits.sort(key=lambda h: -h.score)
        return hits[: options.limit]

    def _search_library(self, query: ParsedQuery, library: LibraryRecord, options: SearchOptions) -> list[Hit]:
        keyword: list[int] = []
        dense: list[int] = []
        if options.mode != "dense" and query.fts:
            keyword = [c for c, _ in self.store.keyword_chunks(library.id, query.fts, options.depth)]
        space = self.store.active_space(library.id)
        if options.mode != "keyword" and space is not None and query.text.strip():
            vector = space_embedder(self.store, self.embedder_for, space).embed_query(query.text)  # its context
            dense = [c for c, _ in self.store.nearest_chunks(space, vector, options.depth)]
        infos = self.store.chunk_infos(list(dict.fromkeys(keyword + dense)))
        candidates = fuse(keyword, dense, infos, options.rrf_k)[: options.limit]
        files = self.store.files_for_contents([c.content_id for c in candidates])
        hits = []
        for c in candidates:
            info = infos[c.best_chunk]
            snippet = make_snippet(info.text, query.words)
            for f in files.get(c.content_id, []):
                hits.append(
                    Hit(
                        path=f.path,
                        score=c.score,
                        snippet=snippet.text,
                        page=info.page,
                        start=info.start,
                        end=info.end,
                        library=library.name,
                        kind=f.kind,
                        mtime_ns=f.mtime_ns,
                        chunk_id=info.chunk_id,
                        highlights=snippet.highlights,
                        keyword_rank=c.keyword_rank,
                        dense_rank=c.dense_rank,
                    )
                )
        return hits
