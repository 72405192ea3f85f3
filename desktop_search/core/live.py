"""Keeping libraries up to date while they change: watch, index what changed, and rescan to catch the rest."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_search.core.events import Debouncer
from desktop_search.core.indexer import Indexer
from desktop_search.core.scanner import Exclusions, excluded_below, root_of
from desktop_search.core.watcher import Watcher
from desktop_search.errors import DiskFull, EmbeddingServerDown, ReadOnlyIndex
from desktop_search.records import LibraryRecord, Progress, RootRecord
from desktop_search.storage import Store

log = logging.getLogger(__name__)


# watchdog reports a lost-events overflow on Linux only (inotify); on Windows a ReadDirectoryChangesW
# overflow and on macOS an FSEvents MustScanSubDirs drop events silently (watchdog issues #1019, #124),
# so there the periodic rescan is what catches up.
DEFAULT_RESCAN_S = 3600.0 if sys.platform.startswith("linux") else 900.0


@dataclass(frozen=True)
class LiveOptions:
    quiet_s: float = 0.5  # a changed file must be this long without events and size/mtime changes
    max_wait_s: float = 30.0  # a file that never settles is indexed anyway this often
    rescan_interval_s: float = DEFAULT_RESCAN_S  # a full reconciliation this often, whatever the events said
    poll_interval_s: float = 120.0  # folders without live events (network, removable, watch limit)
    sleep_jump_s: float = 20.0  # wall clock ahead of the monotonic clock by this much: we were asleep
    retry_s: float = 30.0  # after a disk-full, read-only or embedding-server-down error, try again this often
    tick_s: float = 1.0  # longest wait between checks


@dataclass
class _Library:
    record: LibraryRecord
    roots: list[RootRecord]
    exclusions: Exclusions

    def wants(self, path: str) -> bool:
        root = root_of(self.roots, path)
        return root is not None and (path == root.path or not excluded_below(root.path, path, self.exclusions))


class LiveIndex:
    """Runs in the thread that owns the writer: `run()` yields Progress until `stop()`; thread-safe controls.

    Reported phases beyond the indexer's: "watch" (messages about how folders are followed), "paused" and
    "resumed" (the data folder's PauseSwitch, which the indexer also obeys mid-run). Work interrupted by stop
    is re-queued, and the queue of chunks to embed lives in the database, so nothing is lost and nothing is
    embedded twice.
    """

    def __init__(
        self,
        store: Store,
        indexer: Indexer,
        library_names: Sequence[str] | None = None,
        options: LiveOptions | None = None,
        data_dir: Path | None = None,
        watcher_factory: Callable[..., Watcher] = Watcher,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.indexer = indexer
        self.names = set(library_names) if library_names else None
        self.options = options or LiveOptions()
        self.data_dir = data_dir
        self.debouncer = Debouncer(self.options.quiet_s, self.options.max_wait_s)
        self.watcher = watcher_factory(self.debouncer, self._wanted, self.wake)
        self._libraries: list[_Library] = []
        self._wake = threading.Event()
        self._interrupt = threading.Event()  # handed to the indexer: set by stop()
        self._stopped = threading.Event()
        self._full: set[int] = set()  # libraries that need a full reconciliation
        self._rescan: set[str] = set()  # folders that need a rescan
        self._wall = wall_clock
        self._slept = False  # set when the wall clock jumped: the computer was asleep (or its time was set)

    # -- controls, callable from any thread --------------------------------------------------

    def pause(self) -> None:
        """Pause indexing of this data folder (every process's); a run in progress waits where it is."""
        self.indexer.pause.pause()
        self.wake()

    def resume(self) -> None:
        self.indexer.pause.resume()
        self.wake()

    @property
    def paused(self) -> bool:
        return self.indexer.pause.paused

    def stop(self) -> None:
        self._stopped.set()
        self._interrupt.set()
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    def start(
        self, on_progress: Callable[[Progress], None], on_error: Callable[[BaseException], None] | None = None
    ) -> threading.Thread:
        """Run in a new thread that calls `on_progress` (from that thread) for each report, until stop().

        For the desktop app: connect `on_progress` to a signal. An exception ends the thread and goes to
        `on_error` (a UserError such as a missing model, or a bug); without one it is raised in the thread.
        """

        def loop() -> None:
            try:
                for progress in self.run():
                    on_progress(progress)
            except BaseException as exc:
                if on_error is None:
                    raise
                on_error(exc)

        thread = threading.Thread(target=loop, name="desktop-search-live", daemon=True)
        thread.start()
        return thread

    # -- the loop ----------------------------------------------------------------------------

    def run(self) -> Iterator[Progress]:
        self.watcher.start()  # before the start-up reconciliation, so changes made during it are seen
        try:
            with self.indexer.warm_workers():
                yield from self._sync_libraries()
                self._full = {lib.record.id for lib in self._libraries}
                yield from self._loop()
        finally:
            self.watcher.stop()

    def _loop(self) -> Iterator[Progress]:
        o = self.options
        wall, mono = self._wall(), time.monotonic()
        last_full = last_poll = mono
        was_paused = False
        while not self._stopped.is_set():
            self._interrupt.clear()  # before looking at the flags: a stop() from now on interrupts the run
            if self.paused:
                if not was_paused:
                    yield Progress("", "paused")
                was_paused = True
                self._wait(o.tick_s)
                continue
            if was_paused:
                yield Progress("", "resumed")
            was_paused = False
            now_wall, now_mono = self._wall(), time.monotonic()
            # Linux and macOS stop the monotonic clock during sleep; the wait check in _wait covers Windows.
            if self._slept or (now_wall - wall) - (now_mono - mono) > o.sleep_jump_s:
                self._slept = False
                self._full |= {lib.record.id for lib in self._libraries}
                yield Progress("", "watch", messages=("Resumed after sleep: rescanning for missed changes.",))
            wall, mono = now_wall, now_mono
            yield from self._sync_libraries()
            rescan, messages = self.watcher.check()
            if messages:
                yield Progress("", "watch", messages=tuple(messages))
            self._rescan |= rescan
            if now_mono - last_full >= o.rescan_interval_s:
                self._full |= {lib.record.id for lib in self._libraries}
            if now_mono - last_poll >= o.poll_interval_s:
                self._rescan |= set(self.watcher.polled())
                last_poll = now_mono
            if self._full:
                last_full = now_mono
            yield from self._index_pending()
            due = self.debouncer.next_due_in()
            self._wait(o.tick_s if due is None else min(o.tick_s, due + 0.05))

    def _wait(self, seconds: float) -> None:
        before = self._wall()
        self._wake.wait(seconds)
        self._wake.clear()
        if self._wall() - before > seconds + self.options.sleep_jump_s:
            self._slept = True

    def _sync_libraries(self) -> Iterator[Progress]:
        """Follow libraries and folders added or removed meanwhile (by the GUI or another command)."""
        records = [lib for lib in self.store.libraries() if self.names is None or lib.name in self.names]
        old = {lib.record.id: lib for lib in self._libraries}
        self._libraries = [
            _Library(r, self.store.roots(r.id), Exclusions(r.exclusions, self.data_dir)) for r in records
        ]
        for lib in self._libraries:
            before = old.get(lib.record.id)
            if before is None or {r.path for r in before.roots} != {r.path for r in lib.roots}:
                self._full.add(lib.record.id)
        added = self.watcher.set_roots(r.path for lib in self._libraries for r in lib.roots)
        messages = [f"{r.path}: {r.mode}{' — ' + r.reason if r.reason else ''}" for r in added if r.mode != "events"]
        if messages:
            yield Progress("", "watch", messages=tuple(messages))

    def _wanted(self, path: str) -> bool:
        return any(lib.wants(path) for lib in self._libraries)

    def _index_pending(self) -> Iterator[Progress]:
        for lib in list(self._libraries):
            if lib.record.id in self._full and (yield from self._run(lib, None)):
                self._full.discard(lib.record.id)
        changed = self.debouncer.take_ready() + sorted(self._rescan)
        self._rescan.clear()
        for lib in self._libraries:
            paths = [p for p in changed if root_of(lib.roots, p) is not None]
            if paths and not (yield from self._run(lib, paths)):
                for path in paths:  # interrupted or failed: the paths wait for the next round
                    self.debouncer.add(path)
                self._wait(0 if self._interrupt.is_set() else self.options.retry_s)

    def _run(self, lib: _Library, paths: list[str] | None) -> Generator[Progress, None, bool]:
        """One indexer run; returns whether it completed."""
        completed = False
        try:
            for progress in self.indexer.run(lib.record, cancel=self._interrupt, paths=paths):
                completed = completed or progress.phase == "done"
                yield progress
        except (DiskFull, ReadOnlyIndex, EmbeddingServerDown) as exc:
            yield Progress(lib.record.name, "watch", messages=(str(exc),))
            if paths is None:
                self._wait(self.options.retry_s)
        return completed
