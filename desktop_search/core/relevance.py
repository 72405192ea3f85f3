"""The relevance floor: which meaning-only candidates are close enough to the query to be shown."""

from __future__ import annotations

from desktop_search.core.fusion import Scored
from desktop_search.embed.catalog import RelevanceFloor
from desktop_search.records import ChunkInfo


def close_contents(dense: Scored, infos: dict[int, ChunkInfo], floor: RelevanceFloor) -> set[int]:
    """Contents with a passage close in meaning, from cosine scores, for a query meaning vouches for (`vouches`)."""
    return {infos[c].content_id for c, score in dense if score >= floor.passage and c in infos}


def vouches(best: float, floor: RelevanceFloor, searched: int, words_found: bool) -> bool:
    """Whether a query whose best passage among `searched` has cosine `best` has anything close in meaning: not
    when even the best stays at the level chance reaches among that many, or below the passage floor."""
    return best >= floor.query_bar(searched, words_found) and best >= floor.passage
