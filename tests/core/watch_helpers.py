"""Helpers for the watching tests: a live index in a thread, and what a fresh index of a folder holds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop_search.core.live import LiveIndex, LiveOptions
from desktop_search.embed.fake import HashEmbedder
from desktop_search.records import Progress
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from desktop_search.storage import Store, open_database

FAST = LiveOptions(quiet_s=0.2, max_wait_s=10.0, tick_s=0.2, poll_interval_s=3600.0)


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    """Poll until `condition()` holds; generous timeouts because the test machine is small and shared."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


Snapshot = tuple[tuple[tuple[str, str], ...], int, int, int]


def snapshot(db_path: Path, folder: Path) -> Snapshot:
    """(relative path, status) of every file, chunks, vectors and queued chunks: what a user can find."""
    store = Store(open_database(db_path, readonly=True))
    try:
        conn = store.conn
        files = tuple(
            sorted((str(Path(r[0]).relative_to(folder)), r[1]) for r in conn.execute("SELECT path, status FROM files"))
        )
        chunks = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
        vectors = sum(store.vector_count(s) for lib in store.libraries() for s in store.spaces(lib.id, ("active",)))
        pending = conn.execute("SELECT count(*) FROM pending_embeds").fetchone()[0]
        return files, chunks, vectors, pending
    finally:
        store.conn.close()


def fresh_snapshot(folder: Path, home: Path) -> Snapshot:
    """What a clean index of `folder`, made from scratch, contains."""
    services = build_services(Settings(home=home), embedder=HashEmbedder())
    try:
        services.libraries.add_folders([str(folder)])
        indexer = services.indexer()
        for library in services.libraries.select(None):
            list(indexer.run(library))
    finally:
        services.close()
    return snapshot(home / "index.sqlite3", folder)


class LiveThread:
    """A LiveIndex running in its own thread through `start()`, as the desktop app runs it."""

    def __init__(self, services: Services, options: LiveOptions = FAST, **kwargs: Any) -> None:
        self.indexer = services.indexer()
        self.live = LiveIndex(services.store, self.indexer, None, options, services.settings.home, **kwargs)
        self.reports: list[Progress] = []
        self.error: BaseException | None = None

    def start(self) -> None:
        self.thread = self.live.start(self.reports.append, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.error = exc

    def messages(self) -> list[str]:
        return [m for r in list(self.reports) if r.phase == "watch" for m in r.messages]

    def done_runs(self) -> int:
        return sum(1 for r in list(self.reports) if r.phase == "done")


@contextmanager
def running(services: Services, options: LiveOptions = FAST, **kwargs: Any) -> Iterator[LiveThread]:
    live = LiveThread(services, options, **kwargs)
    live.start()
    try:
        wait_until(lambda: live.done_runs() >= 1 or live.error is not None, what="the start-up reconciliation")
        yield live
    finally:
        live.live.stop()
        live.thread.join(30)
        assert not live.thread.is_alive(), "the live index did not stop"
    if live.error is not None:
        raise live.error
