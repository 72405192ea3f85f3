"""Hybrid search: keyword (FTS5 bm25) and dense (vec0) candidates, fused, one hit per file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_search.core.fusion import Candidate, Scored, fuse_convex, fuse_rrf
from desktop_search.core.query import ParsedQuery, fold, parse_query, words_of
from desktop_search.core.relevance import close_contents
from desktop_search.core.snippets import make_snippet
from desktop_search.records import ChunkInfo, Hit, LibraryRecord
from desktop_search.storage import Store

if TYPE_CHECKING:  # the model side (numpy, contexts) loads only when a query needs a vector
    from desktop_search.embed.base import Embedder

MODES = ("hybrid", "keyword", "dense")
FUSIONS = ("rrf", "convex")
NAME_BONUS = 1.0  # above any fused score: a query that names a file puts that file first
NAME_CANDIDATES = 200


@dataclass(frozen=True)
class SearchOptions:
    mode: str = "hybrid"
    limit: int = 10
    depth: int = 100  # candidates taken from each of keyword and dense search
    # A convex combination of normalised scores beat reciprocal ranks on SciFact train and test
    # (docs/quality.md); an even split is the untuned choice, not a value fitted to one collection.
    fusion: str = "convex"  # "convex" (normalised scores) or "rrf" (reciprocal ranks)
    rrf_k: int = 60
    dense_weight: float = 0.5  # convex: the dense share of 1; rrf: the dense list's weight (keyword's is 1)
    floor: bool = True  # leave out meaning-only candidates below the model's relevance floor


def fuse(keyword: Scored, dense: Scored, infos: dict[int, ChunkInfo], options: SearchOptions) -> list[Candidate]:
    """One ranking of contents from both candidate lists (either may be empty), by the options' fusion."""
    if options.fusion == "convex":
        return fuse_convex(keyword, dense, infos, options.dense_weight)
    return fuse_rrf(keyword, dense, infos, options.rrf_k, options.dense_weight)


def name_matches(query: ParsedQuery, path: str) -> bool:
    """Whether the query's words, in order, are a run of the words of the file's name ("q3 report" names
    "Q3-report-final.pdf"); the extension counts as a word."""
    words = [fold(w) for phrase in query.phrases for w in phrase]
    name = words_of(fold(Path(path).name))
    return bool(words) and any(name[i : i + len(words)] == words for i in range(len(name) - len(words) + 1))


class Searcher:
    """Runs queries on its own read connection; the model is asked for only in dense and hybrid modes."""

    def __init__(self, store: Store, embedder_for: Callable[[str], Embedder]) -> None:
        self.store = store
        self.embedder_for = embedder_for

    def search(self, text: str, libraries: Sequence[LibraryRecord], options: SearchOptions | None = None) -> list[Hit]:
        options = options or SearchOptions()
        if options.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if options.fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {FUSIONS}")
        query = parse_query(text)
        hits: list[Hit] = []
        for library in libraries:
            hits += self._search_library(query, library, options)
        hits.sort(key=lambda h: -h.score)
        return hits[: options.limit]

    def _search_library(self, query: ParsedQuery, library: LibraryRecord, options: SearchOptions) -> list[Hit]:
        keyword: Scored = []
        dense: Scored = []
        if options.mode != "dense" and query.fts:
            found = self.store.keyword_chunks(library.id, query.fts_phrases, options.depth)
            keyword = [(c, -bm25) for c, bm25 in found]
        space = self.store.active_space(library.id)
        floor = None
        if options.mode != "keyword" and space is not None and query.semantic:
            from desktop_search.core.context import space_embedder

            embedder = space_embedder(self.store, self.embedder_for, space)  # under its context, for a CDE model
            vector = embedder.embed_query(query.semantic)
            dense = [(c, 1.0 - d) for c, d in self.store.nearest_chunks(space, vector, options.depth)]
            floor = embedder.relevance if options.floor else None
        named = self._named_contents(query, library)
        infos = self.store.chunk_infos(list(dict.fromkeys([*(c for c, _ in [*keyword, *dense]), *named.values()])))
        fused = fuse(keyword, dense, infos, options)
        if dense and space is not None and floor is not None:
            words_found = bool(keyword) if options.mode != "dense" else self._has_words(query, library)
            close = close_contents(dense, infos, floor, self.store.searched_vectors(space), words_found)
            fused = self._floored(fused, close, query, library, options.depth)
        candidates = _boost_names(fused, named)[: options.limit]
        files = self.store.files_for_contents([c.content_id for c in candidates])
        hits = []
        for c in candidates:
            info = infos[c.best_chunk]
            snippet = make_snippet(info.text, query.highlight_words)
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
                        title=info.title or f.title,  # a message's subject, else the document's title
                    )
                )
        return hits

    def _floored(
        self, fused: list[Candidate], close: set[int], query: ParsedQuery, library: LibraryRecord, depth: int
    ) -> list[Candidate]:
        """The candidates found by a word or close in meaning. When meaning vouches for nothing, a word
        match must hold every word of the query: "best pizza in naples" is not answered by any text
        that says "best"."""
        if not close and len(query.fts_phrases) > 1:
            every = self.store.keyword_chunks(library.id, " AND ".join(query.fts_phrases), depth)
            found = {i.content_id for i in self.store.chunk_infos([c for c, _ in every]).values()}
            return [c for c in fused if c.keyword_rank is not None and c.content_id in found]
        return [c for c in fused if c.keyword_rank is not None or c.content_id in close]

    def _has_words(self, query: ParsedQuery, library: LibraryRecord) -> bool:
        """Whether any of the query's words is in the library (dense mode asks nothing else of the keyword index)."""
        return bool(query.fts and self.store.keyword_chunks(library.id, query.fts_phrases, 1))

    def _named_contents(self, query: ParsedQuery, library: LibraryRecord) -> dict[int, int]:
        """Contents of files the query names, with their first chunk (for the snippet)."""
        words = [fold(w) for phrase in query.phrases for w in phrase]
        if not words:
            return {}
        found = self.store.contents_by_name(library.id, max(words, key=len), NAME_CANDIDATES)
        return {content_id: chunk for content_id, path, chunk in found if name_matches(query, path)}


def _boost_names(candidates: list[Candidate], named: dict[int, int]) -> list[Candidate]:
    """Files the query names go first, keeping the fused order among them and after them."""
    if not named:
        return candidates
    present = {c.content_id for c in candidates}
    for c in candidates:
        if c.content_id in named:
            c.score += NAME_BONUS
    candidates += [Candidate(cid, NAME_BONUS, best_chunk=chunk) for cid, chunk in named.items() if cid not in present]
    return sorted(candidates, key=lambda c: (-c.score, c.content_id, c.page))
