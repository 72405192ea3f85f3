"""Fusing keyword and dense candidates: document-level, passage choice, and file-name matches."""

from __future__ import annotations

import pytest

from desktop_search.core.fusion import adaptive_dense_weight, fuse_adaptive, fuse_convex, fuse_rrf, keyword_peak
from desktop_search.core.query import parse_query
from desktop_search.core.search import name_matches
from desktop_search.records import ChunkInfo

# chunks 1, 2 belong to content 10; chunk 3 to 20; chunk 4 to 30
INFOS = {c: ChunkInfo(c, content, 0, 1, None, "") for c, content in {1: 10, 2: 10, 3: 20, 4: 30}.items()}


def test_rrf_ranks_documents_by_their_best_chunk_in_each_list() -> None:
    keyword = [(3, 9.0), (1, 5.0), (2, 4.0)]
    dense = [(2, 0.9), (4, 0.8), (3, 0.1)]
    ranked = fuse_rrf(keyword, dense, INFOS, k=60)
    scores = {c.content_id: c.score for c in ranked}
    assert scores[10] == pytest.approx(1 / 62 + 1 / 61)  # keyword rank 2 (chunk 1), dense rank 1 (chunk 2)
    assert scores[20] == pytest.approx(1 / 61 + 1 / 63)
    assert [c.content_id for c in ranked] == [10, 20, 30]
    assert ranked[0].best_chunk == 2  # the chunk strongest in both lists together
    assert (ranked[0].keyword_rank, ranked[0].dense_rank) == (2, 1)


def test_rrf_weights_the_dense_list() -> None:
    keyword, dense = [(3, 1.0)], [(4, 1.0)]
    assert fuse_rrf(keyword, dense, INFOS, 60, dense_weight=2.0)[0].content_id == 30
    assert fuse_rrf(keyword, dense, INFOS, 60, dense_weight=0.5)[0].content_id == 20


def test_rrf_without_a_weight_is_standard_rrf_and_convex_an_even_split() -> None:
    from desktop_search.core.search import SearchOptions, fuse

    keyword, dense = [(3, 1.0), (1, 0.5)], [(4, 1.0), (3, 0.2)]
    rrf = {c.content_id: c.score for c in fuse(keyword, dense, INFOS, SearchOptions(fusion="rrf", rrf_k=0))}
    assert rrf == pytest.approx({20: 1 / 1 + 1 / 2, 10: 1 / 2, 30: 1 / 1})  # 1 / (k + rank), each list weight 1
    convex = {c.content_id: c.score for c in fuse(keyword, dense, INFOS, SearchOptions(fusion="convex"))}
    assert convex == pytest.approx({20: 0.5, 10: 0.25, 30: 0.5})


def test_convex_combines_normalised_scores() -> None:
    keyword = [(3, 12.0), (1, 6.0), (4, 2.0)]  # bm25 from its zero: 1, 0.5, 1/6
    dense = [(1, 0.8), (4, 0.6), (3, 0.4)]  # cosine min-max: 1, 0.5, 0
    ranked = fuse_convex(keyword, dense, INFOS, dense_weight=0.5)
    scores = {c.content_id: c.score for c in ranked}
    assert scores == pytest.approx({10: 0.75, 20: 0.5, 30: (1 / 6 + 0.5) / 2})
    assert fuse_convex(keyword, dense, INFOS, dense_weight=0.2)[0].content_id == 20


def test_adaptive_fusion_leans_on_meaning_when_the_keyword_list_is_flat() -> None:
    """Topical words shared by many documents give a flat keyword list: meaning decides. A word that
    singles one document out gives a peaked list: the words decide."""
    flat = [(3, 10.0), (1, 9.8), *((100 + n, 9.5) for n in range(8))]  # content 20 barely ahead
    peaked = [(3, 10.0), (1, 2.0), *((100 + n, 1.0) for n in range(8))]
    dense = [(1, 0.9), (4, 0.6), (3, 0.5)]  # meaning: content 10
    infos = {**INFOS, **{100 + n: ChunkInfo(100 + n, 100 + n, 0, 1, None, "") for n in range(8)}}
    assert keyword_peak(flat) == pytest.approx(0.05)
    assert keyword_peak(peaked) == pytest.approx(0.9)
    assert keyword_peak([]) == 0.0
    assert adaptive_dense_weight(flat) > 0.5 > adaptive_dense_weight(peaked) >= 0.2
    assert fuse_adaptive(flat, dense, infos)[0].content_id == 10
    assert fuse_adaptive(peaked, dense, infos)[0].content_id == 20
    # a fixed even blend gives the same answer to both: it cannot tell them apart
    assert fuse_convex(flat, dense, infos, 0.5)[0].content_id == fuse_convex(peaked, dense, infos, 0.5)[0].content_id


def test_a_lone_candidate_counts_fully_and_one_list_alone_keeps_its_order() -> None:
    assert fuse_convex([(4, 3.0)], [], INFOS, 0.5)[0].score == pytest.approx(0.5)
    # the second of two keyword matches keeps most of its weight (min-max would give it 0)
    assert {c.content_id: c.score for c in fuse_convex([(3, 4.0), (4, 3.0)], [], INFOS, 0.5)}[30] == 0.375
    ranked = fuse_convex([], [(4, 0.3), (3, 0.2), (1, 0.1)], INFOS, 0.5)
    assert [c.content_id for c in ranked] == [30, 20, 10]


@pytest.mark.parametrize(
    ("query", "path", "expected"),
    [
        ("quarterly-roadmap-2024", "/docs/plans/quarterly-roadmap-2024.md", True),
        ("Roadmap 2024.MD", "/docs/plans/quarterly-roadmap-2024.md", True),
        ("roadmap quarterly", "/docs/plans/quarterly-roadmap-2024.md", False),  # not in the name's order
        ("road", "/docs/plans/quarterly-roadmap-2024.md", False),  # whole words only
        ("plans", "/docs/plans/quarterly-roadmap-2024.md", False),  # the folder is not the name
        ("Über", "/docs/über-notes.txt", True),
        ("", "/docs/a.txt", False),
    ],
)
def test_a_query_names_a_file_when_its_words_are_a_run_of_the_name(query: str, path: str, expected: bool) -> None:
    assert name_matches(parse_query(query), path) is expected
