"""The relevance floor with the real MiniLM: nonsense finds nothing, real questions still find their file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.cli import main
from desktop_search.core.search import SearchOptions
from desktop_search.embed.base import Embedder
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from tests.conftest import DOCUMENTS, index_all, write_documents
from tests.core.extract.samples import make_pdf

# No recipe here: the bread note is left out, and a PDF about something else stands where the issue's
# unrelated PDF stood (the only hit for "banana bread" before the floor).
FOLDER = {name: text for name, text in DOCUMENTS.items() if name != "recipes/bread.txt"}
PDF_LINES = ["Quarterly safety inspection", "Fire exits were checked on every floor.", "Two extinguishers expired."]

NOTHING = [
    "xyzzyqq flibbertigibbet",  # nonsense words
    "kjhsdf",
    "x",  # a lone letter
    "?!",  # punctuation only
    "...",
    "banana bread",  # real questions this folder has no answer to
    "quantum physics lecture",
    "jazz guitar chords",
    "best pizza in naples",  # "in" is a stop word; no other word is here
]

FOUND = [
    ("how do I keep my tomato plants healthy", "garden.md"),
    ("high speed train between Japanese cities", "japan.md"),  # no word in common: meaning alone
    ("avoid getting hurt while training for a race", "running.txt"),
    ("what do new staff get when they start", "onboarding.md"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("floor")
    docs = write_documents(root / "docs", FOLDER)
    (docs / "inspection.pdf").write_bytes(make_pdf([PDF_LINES]))
    return docs


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, folder: Path, minilm: Embedder) -> Iterator[Services]:
    services = build_services(Settings(home=tmp_path_factory.mktemp("floor-home")), embedder=minilm)
    services.libraries.add_folders([str(folder)])
    index_all(services)
    yield services
    services.close()


def _names(services: Services, query: str, mode: str) -> list[str]:
    hits = services.searcher().search(query, services.libraries.select(None), SearchOptions(mode=mode, limit=50))
    return [Path(h.path).name for h in hits]


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
@pytest.mark.parametrize("query", NOTHING)
def test_a_query_with_no_match_in_words_or_meaning_finds_nothing(indexed: Services, query: str, mode: str) -> None:
    assert _names(indexed, query, mode) == []


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
@pytest.mark.parametrize(("query", "expected"), FOUND)
def test_real_questions_still_find_their_file_first(indexed: Services, query: str, expected: str, mode: str) -> None:
    assert _names(indexed, query, mode)[:1] == [expected]


def test_exact_words_are_found_whatever_their_meaning(indexed: Services) -> None:
    assert _names(indexed, "INV-2023-0042", "hybrid")[:1] == ["invoice-march.txt"]
    assert _names(indexed, "inspection extinguishers", "hybrid")[:1] == ["inspection.pdf"]


def test_without_the_floor_nonsense_has_neighbours(indexed: Services) -> None:
    """What the floor removes: every file is someone's nearest neighbour."""
    hits = indexed.searcher().search(
        "xyzzyqq flibbertigibbet", indexed.libraries.select(None), SearchOptions(mode="dense", floor=False, limit=50)
    )
    assert len(hits) == len(FOLDER) + 1


def test_meaning_matches_stop_at_the_floor(indexed: Services) -> None:
    """A question about one file lists that file, not the whole folder ranked by distance."""
    names = _names(indexed, "avoid getting hurt while training for a race", "dense")
    assert names == ["running.txt"]


@pytest.mark.slow  # the CLI indexes with the real MiniLM
def test_the_cli_says_nothing_was_found(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "cli-home"
    assert main(["--home", str(home), "add", str(folder)]) == 0
    assert main(["--home", str(home), "index"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "search", "xyzzyqq flibbertigibbet"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        "Nothing found for 'xyzzyqq flibbertigibbet': no indexed file contains its words or comes close to it "
        "in meaning."
    )
    assert main(["--home", str(home), "search", "banana bread", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
