"""Exact names, numbers, identifiers and phrases come first; paraphrases still find their document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.core.search import SearchOptions
from desktop_search.embed.base import Embedder
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from tests.conftest import DOCUMENTS, index_all, write_documents

# Near-misses sit beside every exact target: a neighbouring invoice number, a similar function, a
# flight number one off, the same words as a quoted phrase in another order.
EXACT_DOCUMENTS = {
    **DOCUMENTS,
    "finance/invoice-april.txt": (
        "Invoice INV-2023-0043\n\nBilled to ACME Corporation for consulting services delivered in April.\n"
        "Amount due: 3,900 EUR. Payment within 30 days to the account below.\n"
    ),
    "finance/reminder.txt": (
        "Payment reminder\n\nOur bill for the consulting work is still open. Please pay the outstanding "
        "amount for the services we delivered as soon as possible.\n"
    ),
    "code/config.py": (
        "def parse_config_file(path):\n"
        "    with open(path) as f:\n"
        "        return dict(line.split('=', 1) for line in f)\n"
    ),
    "code/settings.py": (
        "def load_settings(path):\n    # read the configuration file and parse every key\n    return parse(path)\n"
    ),
    "travel/flight.txt": "Booking confirmed\n\nFlight LH 4711 leaves Frankfurt at 07:45 from gate B22.\n",
    "travel/flight-return.txt": "Return booking\n\nFlight LH 4712 leaves Tokyo at 21:10 from gate 65.\n",
    "work/retro.md": (
        "# Retrospective\n\nSwitching over went well. Before the next release the team wants more tests of load "
        "and fewer manual steps.\n"
    ),
    "plans/quarterly-roadmap-2024.md": (
        "# Plans for the next three months\n\nShip the mobile app, hire two engineers, retire the old server.\n"
    ),
}

EXACT = [
    ("INV-2023-0042", "invoice-march.txt"),  # a rare identifier, not its neighbour 0043
    ("parse_config_file", "config.py"),  # a code symbol
    ("4711", "flight.txt"),  # a bare number
    ('"load tests before switching"', "minutes.rst"),  # a quoted phrase, not the same words elsewhere
    ("quarterly-roadmap-2024", "quarterly-roadmap-2024.md"),  # a file name whose words are not in the text
    ("quarterly-roadmap-2024.md", "quarterly-roadmap-2024.md"),
    ("shinkansen", "japan.md"),  # a rare word
]

PARAPHRASES = [
    ("how do I keep my tomato plants healthy", "garden.md"),
    ("making a loaf with natural leaven", "bread.txt"),
    ("high speed train between Japanese cities", "japan.md"),
    ("avoid getting hurt while training for a race", "running.txt"),
    ("moving our servers to another hosting company", "minutes.rst"),
    ("the bill has not been paid yet", "reminder.txt"),
]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, minilm: Embedder) -> Iterator[Services]:
    root = tmp_path_factory.mktemp("exactness")
    folder = write_documents(root / "docs", EXACT_DOCUMENTS)
    services = build_services(Settings(home=root / "home"), embedder=minilm)
    services.libraries.add_folders([str(folder)])
    index_all(services)
    yield services
    services.close()


def _names(services: Services, query: str, mode: str = "hybrid") -> list[str]:
    hits = services.searcher().search(query, services.libraries.select(None), SearchOptions(mode=mode, limit=10))
    return [Path(h.path).name for h in hits]


@pytest.mark.parametrize(("query", "expected"), EXACT)
def test_exact_queries_return_their_file_first(indexed: Services, query: str, expected: str) -> None:
    assert _names(indexed, query)[0] == expected


@pytest.mark.parametrize(("query", "expected"), EXACT)
def test_exact_queries_come_first_in_keyword_mode_too(indexed: Services, query: str, expected: str) -> None:
    assert _names(indexed, query, "keyword")[0] == expected


@pytest.mark.parametrize(("query", "expected"), PARAPHRASES)
def test_paraphrases_find_their_file_in_the_top_3(indexed: Services, query: str, expected: str) -> None:
    assert expected in _names(indexed, query)[:3]


def test_word_forms_match_in_keyword_mode(indexed: Services) -> None:
    # garden.md says "Pinch out"; only a stemmed index finds it from "pinching"
    assert _names(indexed, "pinching", "keyword") == ["garden.md"]
