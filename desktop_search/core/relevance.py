"""The relevance floor: which meaning-only candidates are close enough to the query to be shown."""

from __future__ import annotations

from desktop_search.core.fusion import Scored
from desktop_search.embed.catalog import RelevanceFloor
from desktop_search.records import ChunkInfo


def close_contents(
    dense: Scored, infos: dict[int, ChunkInfo], floor: RelevanceFloor, searched: int, words_found: bool
) -> set[int]:
    """Contents with a passage close in meaning, from cosine scores (best first) among `searched` passages.
    Nothing is close when even the best passage stays at the level chance reaches among that many."""
    if not dense or dense[0][1] < floor.query_bar(searched, words_found):
        return set()
    return {infos[c].content_id for c, score in dense if score >= floor.passage and c in infos}
