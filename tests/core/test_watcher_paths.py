"""Indexing only the paths a watcher reported: same pipeline, nothing outside those paths touched."""

from __future__ import annotations

from pathlib import Path

from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import Services
from tests.conftest import index_all
from tests.core.watch_helpers import fresh_snapshot, snapshot


def _run(services: Services, *paths: Path) -> None:
    library = services.libraries.select(None)[0]
    list(services.indexer().run(library, paths=[str(p) for p in paths]))


def _indexed(services: Services, docs: Path) -> set[str]:
    return {path for path, _ in snapshot(services.settings.db_path, docs)[0]}


def test_only_the_given_paths_are_looked_at(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    (docs / "reported.txt").write_text("A change the watcher reported.\n", encoding="utf-8")
    (docs / "unreported.txt").write_text("A change nobody reported.\n", encoding="utf-8")
    _run(services, docs / "reported.txt", tmp_path / "elsewhere.txt", docs / ".hidden.txt")
    assert "reported.txt" in _indexed(services, docs)
    assert "unreported.txt" not in _indexed(services, docs)  # left to the next reconciliation
    index_all(services)
    assert snapshot(services.settings.db_path, docs) == fresh_snapshot(docs, tmp_path / "fresh")


def test_a_reported_folder_covers_everything_below_it(
    services: Services, docs: Path, tmp_path: Path, fake_embedder: HashEmbedder
) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    embedded = fake_embedder.texts_embedded
    (docs / "finance").rename(docs / "money")  # one event for the folder's old and new names
    (docs / "money/new.txt").write_text("Pension statement for 2024.\n", encoding="utf-8")
    _run(services, docs / "finance", docs / "money")
    assert snapshot(services.settings.db_path, docs) == fresh_snapshot(docs, tmp_path / "fresh")
    assert fake_embedder.texts_embedded == embedded + 1  # the moved files kept their vectors


def test_a_reported_path_that_is_now_excluded_is_dropped(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    (docs / "work").rename(docs / ".work-archive")  # hidden now: excluded like at a fresh scan
    _run(services, docs / "work", docs / ".work-archive")
    assert not any(path.startswith(("work/", ".work")) for path in _indexed(services, docs))
    assert snapshot(services.settings.db_path, docs) == fresh_snapshot(docs, tmp_path / "fresh")
