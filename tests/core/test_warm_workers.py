"""While folders are watched, extraction workers stay up between runs, so a saved edit does not wait for them."""

from __future__ import annotations

from pathlib import Path

from desktop_search.core.search import SearchOptions
from desktop_search.services import Services


def _worker_pids(indexer: object) -> set[int]:
    pool = indexer._pool  # type: ignore[attr-defined]
    return {w.process.pid for w in pool._workers if w.process.is_alive()}


def test_workers_are_reused_between_runs_and_stopped_at_the_end(services: Services, docs: Path) -> None:
    services.libraries.add_folders([str(docs)])
    library = services.libraries.get("default")
    indexer = services.indexer()
    with indexer.warm_workers():
        list(indexer.run(library))
        pids = _worker_pids(indexer)
        assert pids  # the first run started them and they are still alive
        note = docs / "new-note.txt"
        note.write_text("Quarterly marmalade inventory", encoding="utf-8")
        list(indexer.run(library, paths=[str(note)]))
        assert _worker_pids(indexer) == pids
        processes = [w.process for w in indexer._pool._workers]  # type: ignore[union-attr]
    hits = services.searcher().search("marmalade", [library], SearchOptions(mode="keyword"))
    assert [Path(h.path).name for h in hits] == ["new-note.txt"]
    for process in processes:
        process.join(timeout=10)
        assert not process.is_alive()


def test_a_plain_run_leaves_no_workers_behind(services: Services, docs: Path) -> None:
    services.libraries.add_folders([str(docs)])
    indexer = services.indexer()
    list(indexer.run(services.libraries.get("default")))
    assert indexer._pool is None
