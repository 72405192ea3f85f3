"""Hybrid search: keyword (FTS5 bm25) and dense (vec0) candidates within the query's scope, fused, one hit
per file, sorted as asked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_search.core.fusion import Candidate, Scored, fuse_adaptive, fuse_convex, fuse_rrf
from desktop_search.core.query import ParsedQuery, fold, parse_query, words_of
from desktop_search.core.relevance import close_contents, vouches
from desktop_search.core.snippets import make_snippet
from desktop_search.records import ChunkInfo, Hit, LibraryRecord, SearchFilter, SpaceRecord
from desktop_search.storage import Store
from desktop_search.storage.scope import Scope

if TYPE_CHECKING:  # the model side (numpy, contexts) loads only when a query needs a vector
    import numpy as np

    from desktop_search.embed.base import Embedder
    from desktop_search.embed.catalog import RelevanceFloor

MODES = ("hybrid", "keyword", "dense")
FUSIONS = ("adaptive", "convex", "rrf")
SORTS = ("relevance", "date", "name")
NAME_BONUS = 1.0  # above any fused score: a query that names a file puts that file first
NAME_CANDIDATES = 200


@dataclass(frozen=True)
class SearchOptions:
    mode: str = "hybrid"
    limit: int = 10
    depth: int = 100  # candidates taken from each of keyword and dense search
    # A convex combination of normalised scores beat reciprocal ranks on SciFact train and test; "adaptive"
    # chooses its dense share per query from the keyword list's shape (docs/quality.md).
    fusion: str = "adaptive"  # "adaptive", "convex" (normalised scores, fixed weight) or "rrf" (reciprocal ranks)
    rrf_k: int = 60
    # convex: the dense share of 1 (default 0.5); rrf: the dense list's weight, keyword's being 1 (default 1,
    # standard RRF); adaptive chooses it per query and takes none.
    dense_weight: float | None = None
    floor: bool = True  # leave out meaning-only candidates below the model's relevance floor
    filter: SearchFilter = field(default_factory=SearchFilter)  # from the GUI's filter bar or the CLI's flags
    sort: str = "relevance"  # "date": newest first, "name": by file name; both among the relevant files


@dataclass(frozen=True)
class SearchResults:
    query: ParsedQuery  # the one parse of the text, for highlighting the preview
    hits: list[Hit]


def fuse(keyword: Scored, dense: Scored, infos: dict[int, ChunkInfo], options: SearchOptions) -> list[Candidate]:
    """One ranking of contents from both candidate lists (either may be empty), by the options' fusion."""
    if options.fusion == "adaptive":
        return fuse_adaptive(keyword, dense, infos)
    if options.fusion == "convex":
        return fuse_convex(keyword, dense, infos, 0.5 if options.dense_weight is None else options.dense_weight)
    return fuse_rrf(keyword, dense, infos, options.rrf_k, 1.0 if options.dense_weight is None else options.dense_weight)


def name_matches(query: ParsedQuery, path: str) -> bool:
    """Whether the query's words, in order, are a run of the words of the file's name ("q3 report" names
    "Q3-report-final.pdf"); the extension counts as a word."""
    words = [fold(w) for phrase in query.phrases for w in phrase]
    name = words_of(fold(Path(path).name))
    return bool(words) and any(name[i : i + len(words)] == words for i in range(len(name) - len(words) + 1))


def sort_hits(hits: list[Hit], sort: str) -> list[Hit]:
    """Relevance (files equally relevant, such as a search of filters only: newest first), date or name."""
    if sort == "date":
        return sorted(hits, key=lambda h: (-h.mtime_ns, -h.score, h.path))
    if sort == "name":
        return sorted(hits, key=lambda h: (fold(Path(h.path).name), h.path))
    return sorted(hits, key=lambda h: (-h.score, -h.mtime_ns, h.path))


def check_options(options: SearchOptions) -> None:
    for name, value, allowed in (("mode", options.mode, MODES), ("fusion", options.fusion, FUSIONS)):
        if value not in allowed:
            raise ValueError(f"{name} must be one of {allowed}")
    if options.sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}")
    if options.depth < 1 or options.rrf_k < 0:
        raise ValueError("depth must be at least 1 and rrf_k at least 0")
    if options.dense_weight is not None and options.fusion == "adaptive":
        raise ValueError("adaptive fusion chooses the dense weight per query: give a weight with convex or rrf")
    if options.dense_weight is not None and not (
        0.0 <= options.dense_weight <= (1.0 if options.fusion == "convex" else float("inf"))
    ):
        raise ValueError("dense_weight must be within 0..1 for convex fusion and at least 0 for rrf")


class Searcher:
    """Runs queries on its own read connection; the model is asked for only in dense and hybrid modes."""

    def __init__(self, store: Store, embedder_for: Callable[[str], Embedder]) -> None:
        self.store = store
        self.embedder_for = embedder_for

    def search(self, text: str, libraries: Sequence[LibraryRecord], options: SearchOptions | None = None) -> list[Hit]:
        return self.run(text, libraries, options).hits

    def run(
        self, text: str | ParsedQuery, libraries: Sequence[LibraryRecord], options: SearchOptions | None = None
    ) -> SearchResults:
        """Search the libraries (those the options' filter names, when it names any)."""
        options = options or SearchOptions()
        check_options(options)
        query = parse_query(text) if isinstance(text, str) else text
        chosen = [lib for lib in libraries if not options.filter.libraries or lib.name in options.filter.libraries]
        hits: list[Hit] = []
        for library in chosen:
            hits += self._search_library(query, library, options)
        return SearchResults(query, sort_hits(hits, options.sort)[: options.limit])

    def _search_library(self, query: ParsedQuery, library: LibraryRecord, options: SearchOptions) -> list[Hit]:
        scope = Scope((options.filter, query.filter), query.left_out, query.required_fts, query.excluded_fts)
        contents = self.store.scope_contents(library.id, scope) if scope.restricts else None
        if contents == [] or not (query.terms or contents):
            return []
        # Sorting by date or name orders the relevant files, so it looks at more than the first `limit`.
        wanted = options.limit if options.sort == "relevance" else max(options.limit, options.depth)
        if not query.terms:  # filters only: the newest files they let through
            found = self.store.newest_contents(library.id, scope, wanted)
            candidates = [Candidate(content_id, 0.0, best_chunk=chunk) for content_id, chunk in found]
            infos = self.store.chunk_infos([chunk for _, chunk in found])
        else:
            candidates, infos = self._ranked(query, library, options, contents)
        return self._hits(query, library, candidates[:wanted], infos, scope)

    def _ranked(
        self, query: ParsedQuery, library: LibraryRecord, options: SearchOptions, contents: list[int] | None
    ) -> tuple[list[Candidate], dict[int, ChunkInfo]]:
        keyword: Scored = []
        dense: Scored = []
        if options.mode != "dense" and query.fts:
            found = self.store.keyword_chunks(library.id, query.fts_phrases, options.depth, contents)
            keyword = [(c, -bm25) for c, bm25 in found]
        space = self.store.active_space(library.id)
        searched = 0
        floor = vector = None
        if options.mode != "keyword" and space is not None and query.semantic:
            from desktop_search.core.context import space_embedder

            embedder = space_embedder(self.store, self.embedder_for, space)  # under its context, for a CDE model
            vector = embedder.embed_query(query.semantic)
            among = self.store.chunks_of(contents) if contents is not None else None
            dense = [(c, 1.0 - d) for c, d in self.store.nearest_chunks(space, vector, options.depth, among)]
            searched = len(among) if among is not None else self.store.searched_vectors(space)
            floor = embedder.relevance if options.floor else None
        named = self._named_contents(query, library, contents)
        infos = self.store.chunk_infos(list(dict.fromkeys([*(c for c, _ in [*keyword, *dense]), *named.values()])))
        fused = fuse(keyword, dense, infos, options)
        if dense and floor is not None:
            words_found = bool(keyword) if options.mode != "dense" else self._has_words(query, library, contents)
            vouched = vouches(dense[0][1], floor, searched, words_found)
            # A filter narrows what is shown, not what the query means: meaning may vouch from outside it.
            if not vouched and contents is not None:
                vouched = self._meant_in_library(query, library, space, vector, floor)
            close = close_contents(dense, infos, floor) if vouched else set()
            fused = self._floored(fused, close, vouched, query, library, options.depth, contents)
        return _boost_names(fused, named), infos

    def _hits(
        self,
        query: ParsedQuery,
        library: LibraryRecord,
        candidates: list[Candidate],
        infos: dict[int, ChunkInfo],
        scope: Scope,
    ) -> list[Hit]:
        files = self.store.files_for_contents([c.content_id for c in candidates], scope if scope.restricts else None)
        hits = []
        for c in candidates:
            info = infos[c.best_chunk]
            snippet = make_snippet(info.text, query)
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
        self,
        fused: list[Candidate],
        close: set[int],
        vouched: bool,
        query: ParsedQuery,
        library: LibraryRecord,
        depth: int,
        contents: list[int] | None,
    ) -> list[Candidate]:
        """The candidates found by a word or close in meaning. When meaning vouches for nothing in the library,
        a word match must hold every word of the query: "best pizza in naples" is not answered by any text that
        says "best"."""
        if not vouched and len(query.fts_phrases) > 1:
            every = self.store.keyword_chunks(library.id, " AND ".join(query.fts_phrases), depth, contents)
            found = {i.content_id for i in self.store.chunk_infos([c for c, _ in every]).values()}
            return [c for c in fused if c.keyword_rank is not None and c.content_id in found]
        return [c for c in fused if c.keyword_rank is not None or c.content_id in close]

    def _meant_in_library(
        self,
        query: ParsedQuery,
        library: LibraryRecord,
        space: SpaceRecord | None,
        vector: np.ndarray | None,
        floor: RelevanceFloor,
    ) -> bool:
        """Whether meaning vouches for the query in the whole library, when its filtered search found nothing close."""
        if space is None or vector is None:
            return False
        best = self.store.nearest_chunks(space, vector, 1, None)
        words_found = self._has_words(query, library, None)
        return bool(best) and vouches(1.0 - best[0][1], floor, self.store.searched_vectors(space), words_found)

    def _has_words(self, query: ParsedQuery, library: LibraryRecord, contents: list[int] | None) -> bool:
        """Whether any of the query's words is in the library (dense mode asks nothing else of the keyword index)."""
        return bool(query.fts and self.store.keyword_chunks(library.id, query.fts_phrases, 1, contents))

    def _named_contents(self, query: ParsedQuery, library: LibraryRecord, contents: list[int] | None) -> dict[int, int]:
        """Contents of files the query names, with their first chunk (for the snippet), within the scope."""
        words = [fold(w) for phrase in query.phrases for w in phrase]
        if not words:
            return {}
        found = self.store.contents_by_name(library.id, max(words, key=len), NAME_CANDIDATES)
        allowed = set(contents) if contents is not None else None
        return {
            content_id: chunk
            for content_id, path, chunk in found
            if name_matches(query, path) and (allowed is None or content_id in allowed)
        }


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
