"""Recent searches are kept in the data folder, newest first, one of each, and can be cleared."""

from __future__ import annotations

from pathlib import Path

from desktop_search.core.recent import KEEP, RecentSearches


def test_newest_first_one_of_each_and_typing_on_replaces(tmp_path: Path) -> None:
    recent = RecentSearches(tmp_path)
    recent.add("budget")
    recent.add("invoice")
    recent.add("invoice march")  # typed on from the last one
    recent.add("Budget")
    assert RecentSearches(tmp_path).load() == ["Budget", "invoice march"]
    assert (tmp_path / "recent-searches.json").exists()


def test_at_most_keep_and_clear(tmp_path: Path) -> None:
    recent = RecentSearches(tmp_path)
    for n in range(KEEP + 5):
        recent.add(f"query {n} done")
    assert len(recent.load()) == KEEP
    recent.clear()
    assert recent.load() == []


def test_an_unreadable_file_counts_as_none(tmp_path: Path) -> None:
    (tmp_path / "recent-searches.json").write_text("{not json", encoding="utf-8")
    assert RecentSearches(tmp_path).load() == []
