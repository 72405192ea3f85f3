"""Fusing keyword and dense candidates: document-level, passage choice, and file-name matches."""

from __future__ import annotations

import pytest

from desktop_search.core.fusion import fuse_convex, fuse_rrf
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


def test_convex_combines_normalised_scores() -> None:
    keyword = [(3, 12.0), (1, 6.0), (4, 2.0)]  # bm25 from its zero: 1, 0.5, 1/6
    dense = [(1, 0.8), (4, 0.6), (3, 0.4)]  # cosine min-max: 1, 0.5, 0
    ranked = fuse_convex(keyword, dense, INFOS, dense_weight=0.5)
    scores = {c.content_id: c.score for c in ranked}
    assert scores == pytest.approx({10: 0.75, 20: 0.5, 30: (1 / 6 + 0.5) / 2})
    assert fuse_convex(keyword, dense, INFOS, dense_weight=0.2)[0].content_id == 20


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
