"""Keyword search in scripts other than Latin: a query in the script finds the file and marks the words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.core.search import SearchOptions
from desktop_search.core.snippets import mark
from desktop_search.embed.fake import HashEmbedder
from desktop_search.records import Hit
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from tests.conftest import index_all, write_documents

DOCUMENTS = {
    "zh/meeting.txt": "我们在北京的会议上讨论了数据库迁移的计划。下周进行负载测试。",
    "ja/trip.txt": "東京から京都まで新幹線で行きました。お寺を見て、ラーメンを食べました。",
    "ar/library.txt": "ذهبنا إلى المكتبة لقراءة الكتب القديمة عن تاريخ الأندلس.",
    "ru/server.txt": "Мы обсудили перенос базы данных на новый облачный сервер.",
    "ko/plan.txt": "회의에서 데이터베이스 이전 계획을 논의했습니다.",
    "th/market.txt": "เราไปตลาดน้ำเพื่อซื้อผลไม้และกินก๋วยเตี๋ยว",
    "en/notes.txt": "Notes about the garden: tomatoes need full sun.",
}


def _search(services: Services, query: str) -> list[Hit]:
    libraries = services.libraries.select(None)
    return services.searcher().search(query, libraries, SearchOptions(mode="keyword"))


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """One index for the module: the searches only read it."""
    root = tmp_path_factory.mktemp("scripts")
    services = build_services(Settings(home=root / "home"), embedder=HashEmbedder())
    services.libraries.add_folders([str(write_documents(root / "docs", DOCUMENTS))])
    index_all(services)
    yield services
    services.close()


@pytest.mark.parametrize(
    ("query", "file", "marked"),
    [
        ("数据库", "zh/meeting.txt", "**数据库**"),
        ("北京 会议", "zh/meeting.txt", "**北京**的**会议**"),
        ("京都", "ja/trip.txt", "から**京都**まで"),
        ("ラーメン", "ja/trip.txt", "、**ラーメン**を"),
        ("المكتبة", "ar/library.txt", "**المكتبة**"),
        ("базы данных", "ru/server.txt", "**базы** **данных**"),
        ("Сервер", "ru/server.txt", "**сервер**"),
        ("데이터베이스", "ko/plan.txt", "**데이터베이스**"),
        ("ผลไม้", "th/market.txt", "**ผลไม้**"),
    ],
)
def test_a_query_in_the_script_finds_its_file_and_marks_the_words(
    indexed: Services, query: str, file: str, marked: str
) -> None:
    hits = _search(indexed, query)
    assert [Path(h.path).relative_to(Path(h.path).parents[1]).as_posix() for h in hits] == [file]
    assert marked in mark_hit(hits[0])


def mark_hit(hit: Hit) -> str:
    from desktop_search.core.snippets import Snippet

    return mark(Snippet(hit.snippet, hit.highlights))


def test_characters_of_a_word_apart_do_not_match_it(indexed: Services) -> None:
    # 京 and 都 both occur in the Japanese file, but "都京" (reversed) never stands in it.
    assert _search(indexed, "都京") == []
    assert _search(indexed, "上海") == []
