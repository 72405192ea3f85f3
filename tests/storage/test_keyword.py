"""Keyword search: skipping the bm25 scoring of rows with common phrases only must not change any result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_search.records import ChunkSpan
from desktop_search.storage import Store, keyword, open_database
from tests.storage.helpers import add_text


def _library(tmp_path: Path, name: str = "lib", chunks: int = 300) -> tuple[Store, int]:
    """Chunks of varied length: 'river' in nine of ten, 'delta' in one of ten, 'otter' in one of thirty."""
    store = Store(open_database(tmp_path / "index.sqlite3"))
    library = store.create_library(name, "fake", [])
    store.add_root(library.id, f"/{name}")
    rng = np.random.default_rng(5)
    pieces = []
    for i in range(chunks):
        words = [f"filler{w}" for w in rng.integers(0, 50, int(rng.integers(5, 40)))]
        words += ["river"] * int(rng.integers(1, 4)) if i % 10 else []
        words += ["delta"] if i % 10 == 3 else []
        words += ["otter"] * int(rng.integers(1, 3)) if i % 30 == 7 else []
        rng.shuffle(words)
        pieces.append(" ".join(words) + ".")
    spans, pos = [], 0
    for piece in pieces:
        spans.append(ChunkSpan(pos, pos + len(piece), 1))
        pos += len(piece) + 1
    add_text(store, library.id, f"/{name}/a.txt", " ".join(pieces), spans, f"h-{name}")
    return store, library.id


@pytest.fixture
def plans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rare-phrase filters the searches ran with ('' for the plain query); 'common' above 20 rows."""
    monkeypatch.setattr(keyword, "COMMON_ROWS", 20)
    seen: list[str] = []
    ranked = keyword._ranked

    def spy(conn, library_id, match, limit, required="", contents=None):  # type: ignore[no-untyped-def]
        seen.append(required)
        return ranked(conn, library_id, match, limit, required, contents)

    monkeypatch.setattr(keyword, "_ranked", spy)
    return seen


@pytest.mark.parametrize("library_id", [None, 1])  # the single-library path and the one joining libraries
def test_rows_with_only_common_phrases_are_not_scored_and_results_stay_the_same(
    tmp_path: Path, plans: list[str], library_id: int | None
) -> None:
    store, _ = _library(tmp_path)
    phrases = ['"otter"', '"river"']
    found = keyword.search(store.conn, library_id, phrases, 5)
    assert plans == ['"otter"']  # 'river' (270 rows) was scored only on the ten rows with 'otter'
    assert found == keyword.search(store.conn, library_id, " OR ".join(phrases), 5)
    assert found[0][1] < found[-1][1] < 0  # best first, river counted in the scores
    alone = dict(keyword.search(store.conn, library_id, '"otter"', 10))
    assert all(score < alone[chunk] for chunk, score in found)


def test_the_plain_query_runs_when_rare_rows_cannot_fill_the_limit(tmp_path: Path, plans: list[str]) -> None:
    store, _ = _library(tmp_path)
    phrases = ['"otter"', '"river"']
    found = keyword.search(store.conn, None, phrases, 50)  # 10 rows hold 'otter': 40 must come from 'river'
    assert plans == ['"otter"', ""]
    assert found == keyword.search(store.conn, None, " OR ".join(phrases), 50)
    assert len(found) == 50


def test_the_plain_query_runs_when_a_common_phrase_could_outscore_the_rare_rows(
    tmp_path: Path, plans: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = _library(tmp_path)
    monkeypatch.setattr(keyword, "COMMON_ROWS", 15)  # 'delta' (30 rows) is common now, and worth far more
    phrases = ['"otter"', '"delta"']
    found = keyword.search(store.conn, None, phrases, 10)
    assert plans == ['"otter"', ""]
    assert found == keyword.search(store.conn, None, " OR ".join(phrases), 10)


def test_multi_library_search_keeps_to_its_library(tmp_path: Path, plans: list[str]) -> None:
    store, first = _library(tmp_path)
    other = store.create_library("other", "fake", [])
    store.add_root(other.id, "/other")
    add_text(store, other.id, "/other/b.txt", "otter river otter river", [ChunkSpan(0, 23, 4)], "h-other")
    found = keyword.search(store.conn, first, ['"otter"', '"river"'], 5)
    assert plans == ['"otter"']
    mine = {store.chunk_infos([c])[c].content_id for c, _ in found}
    assert len(mine) == 1
    assert found == keyword.search(store.conn, first, '"otter" OR "river"', 5)
