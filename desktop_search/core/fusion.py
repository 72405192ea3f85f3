"""Combining keyword and dense chunk candidates into one ranking of documents (contents)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_search.records import ChunkInfo

Scored = Sequence[tuple[int, float]]  # (chunk id, score; higher is better), best first
Unit = tuple[int, int]  # what one result is: (content id, 0), or (content id, page) for a message of an mbox


@dataclass
class Candidate:
    """A content (the text of one or more identical files) and the evidence for it."""

    content_id: int
    score: float = 0.0
    keyword_rank: int | None = None
    dense_rank: int | None = None
    best_chunk: int = 0
    best_chunk_score: float = float("-inf")
    page: int = 0  # the message of an mbox archive, whose messages are results of their own (ChunkInfo.unit)


def _content_ranks(chunks: Scored, infos: dict[int, ChunkInfo]) -> dict[Unit, int]:
    """Rank of each content (or message) by its best chunk in a ranked chunk list (1 = best)."""
    ranks: dict[Unit, int] = {}
    for chunk_id, _ in chunks:
        info = infos.get(chunk_id)
        if info is not None and info.unit not in ranks:
            ranks[info.unit] = len(ranks) + 1
    return ranks


def _normalised(chunks: Scored, floor: float | None = None) -> dict[int, float]:
    """Scores scaled to [0, 1]: the best chunk 1, `floor` 0 (default: the weakest candidate; a lone one is 1)."""
    if not chunks:
        return {}
    scores = [s for _, s in chunks]
    high = max(scores)
    low = min(scores) if floor is None else floor
    return {c: (s - low) / (high - low) if high > low else 1.0 for c, s in chunks}


def _candidates(keyword: Scored, dense: Scored, infos: dict[int, ChunkInfo]) -> dict[Unit, Candidate]:
    kw_ranks, dn_ranks = _content_ranks(keyword, infos), _content_ranks(dense, infos)
    return {
        unit: Candidate(unit[0], keyword_rank=kw_ranks.get(unit), dense_rank=dn_ranks.get(unit), page=unit[1])
        for unit in kw_ranks.keys() | dn_ranks.keys()
    }


def _pick_passages(
    candidates: dict[Unit, Candidate], chunk_scores: dict[int, float], infos: dict[int, ChunkInfo]
) -> None:
    """Each candidate's passage is its chunk with the highest combined score."""
    for chunk_id, score in chunk_scores.items():
        info = infos.get(chunk_id)
        if info is None:
            continue
        c = candidates[info.unit]
        if score > c.best_chunk_score:
            c.best_chunk, c.best_chunk_score = chunk_id, score


def _ranked(candidates: dict[Unit, Candidate]) -> list[Candidate]:
    return sorted(candidates.values(), key=lambda c: (-c.score, c.content_id, c.page))


def fuse_rrf(
    keyword: Scored, dense: Scored, infos: dict[int, ChunkInfo], k: int, dense_weight: float = 1.0
) -> list[Candidate]:
    """Reciprocal-rank fusion at the document level: each list adds weight / (k + rank of the document)."""
    candidates = _candidates(keyword, dense, infos)
    for c in candidates.values():
        c.score = (1.0 / (k + c.keyword_rank) if c.keyword_rank else 0.0) + (
            dense_weight / (k + c.dense_rank) if c.dense_rank else 0.0
        )
    chunk_scores: dict[int, float] = {}
    for ranked, weight in ((keyword, 1.0), (dense, dense_weight)):
        for rank, (chunk_id, _) in enumerate(ranked, start=1):
            chunk_scores[chunk_id] = chunk_scores.get(chunk_id, 0.0) + weight / (k + rank)
    _pick_passages(candidates, chunk_scores, infos)
    return _ranked(candidates)


# Adaptive fusion: the dense share of a query's blend falls as its keyword list is peaked. Tuned on SciFact
# train only (docs/quality.md, "Fusion that adapts per query"): a keyword list whose best match stands far above
# its tenth is a word that singles documents out (a name, a rare term), one that is flat is topical words
# shared by many documents, where meaning decides better.
ADAPTIVE_BASE = 0.6  # the dense share when the keyword list is flat (or empty)
ADAPTIVE_SLOPE = 0.4  # how much of it a fully peaked keyword list takes away
ADAPTIVE_RANK = 10  # peakedness: how far the 10th keyword score falls below the best
ADAPTIVE_BOUNDS = (0.2, 0.8)  # neither list is ever ignored


def keyword_peak(keyword: Scored, rank: int = ADAPTIVE_RANK) -> float:
    """How far the keyword list falls from its best chunk to its `rank`-th (or last), as a share of the best:
    0 for a flat list (or none), near 1 when one match stands alone above the rest."""
    if not keyword or keyword[0][1] <= 0:
        return 0.0
    top, ref = keyword[0][1], keyword[min(rank, len(keyword)) - 1][1]
    return max(0.0, min(1.0, (top - ref) / top))


def adaptive_dense_weight(keyword: Scored) -> float:
    """The dense share of the convex blend for this query's keyword list."""
    low, high = ADAPTIVE_BOUNDS
    return max(low, min(high, ADAPTIVE_BASE - ADAPTIVE_SLOPE * keyword_peak(keyword)))


def fuse_adaptive(keyword: Scored, dense: Scored, infos: dict[int, ChunkInfo]) -> list[Candidate]:
    """The convex blend with a dense weight chosen for this query from the shape of its keyword list."""
    return fuse_convex(keyword, dense, infos, adaptive_dense_weight(keyword))


def fuse_convex(keyword: Scored, dense: Scored, infos: dict[int, ChunkInfo], dense_weight: float) -> list[Candidate]:
    """Convex combination of normalised scores: a document's part from each list is its best chunk's
    normalised score there (0 when absent), weighted `dense_weight` for dense and the rest for keyword.
    bm25 is scaled from its natural zero, not from the weakest match: a rare word matches few chunks,
    and min-max would put the second of two good matches at 0. Cosine scores use min-max."""
    candidates = _candidates(keyword, dense, infos)
    kw, dn = _normalised(keyword, floor=0.0), _normalised(dense)
    best: dict[Unit, list[float]] = {}
    for chunk_id in kw.keys() | dn.keys():
        info = infos.get(chunk_id)
        if info is not None:
            parts = best.setdefault(info.unit, [0.0, 0.0])
            parts[0] = max(parts[0], kw.get(chunk_id, 0.0))
            parts[1] = max(parts[1], dn.get(chunk_id, 0.0))
    for unit, (kw_part, dn_part) in best.items():
        candidates[unit].score = (1.0 - dense_weight) * kw_part + dense_weight * dn_part
    chunk_scores = {
        c: (1.0 - dense_weight) * kw.get(c, 0.0) + dense_weight * dn.get(c, 0.0) for c in kw.keys() | dn.keys()
    }
    _pick_passages(candidates, chunk_scores, infos)
    return _ranked(candidates)
