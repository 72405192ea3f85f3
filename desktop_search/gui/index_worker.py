"""The indexing thread: owns the write connection and the model, runs library commands and indexing."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_search.errors import UserError
from desktop_search.gui.crash import format_exception
from desktop_search.records import Progress
from desktop_search.services import Services

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1  # at most ~10 progress signals a second


class IndexBridge(QObject):
    """Signals from the indexing thread; they arrive queued on the GUI thread."""

    progress = Signal(object)  # Progress
    state = Signal(str)  # "indexing", "paused", "idle"
    librariesChanged = Signal()
    message = Signal(str)
    userError = Signal(str)
    crashed = Signal(str)


@dataclass(frozen=True)
class _Index:
    libraries: tuple[str, ...] | None  # None: every library
    retry_failed: bool = False


Command = Callable[[Services], str | None]  # a library change run on this thread; returns a message


class IndexWorker:
    """Commands from the GUI run in order on one thread; a change during a run stops it, applies, and re-runs.

    Pause cancels the current run; resume starts a new one. The queue of work is persistent in the
    database, so nothing done before the pause is redone.
    """

    def __init__(self, services: Services, bridge: IndexBridge) -> None:
        self.services = services
        self.bridge = bridge
        self._lock = threading.Condition()
        self._commands: deque[Command | _Index] = deque()
        self._cancel = threading.Event()
        self._paused = False
        self._stopping = False
        self._last_emit = 0.0
        self._writer_lock: Any = None
        self._thread = threading.Thread(target=self._run, name="desktop-search-index", daemon=True)

    # -- called from the GUI thread -------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    @property
    def paused(self) -> bool:
        return self._paused

    def index(self, libraries: Sequence[str] | None = None, retry_failed: bool = False) -> None:
        self._put(_Index(tuple(libraries) if libraries is not None else None, retry_failed))

    def run_command(self, command: Command) -> None:
        """Run a change (add a folder, set exclusions, ...) on the indexing thread, then index again."""
        self._put(command)

    def pause(self) -> None:
        with self._lock:
            self._paused = True
            self._cancel.set()
            self._lock.notify()

    def resume(self) -> None:
        with self._lock:
            self._paused = False
            self._commands.append(_Index(None))
            self._lock.notify()

    def stop(self, timeout: float = 10.0) -> bool:
        """Cancel the current run and wait for the thread; False if it did not stop in time."""
        with self._lock:
            self._stopping = True
            self._cancel.set()
            self._lock.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _put(self, item: Command | _Index) -> None:
        with self._lock:
            self._commands.append(item)
            self._lock.notify()

    # -- the indexing thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while (item := self._next()) is not None:
                try:
                    self._ensure_writer_lock()
                    if isinstance(item, _Index):
                        self._index(item)
                    else:
                        self._command(item)
                except UserError as exc:
                    self.bridge.userError.emit(str(exc))
                except Exception as exc:
                    log.exception("indexing thread")
                    self.bridge.crashed.emit(format_exception(exc))
        finally:
            if self._writer_lock is not None:
                self._writer_lock.release()
            self.services.close()  # this thread owns the write connection

    def _ensure_writer_lock(self) -> None:
        """One process writes a data folder at a time; raises AlreadyRunning (a UserError) if another does."""
        if self._writer_lock is not None:
            return
        try:
            from desktop_search.core.instance import WriterLock
        except ImportError:  # a version without the single-writer guard
            return
        lock = WriterLock(self.services.settings.home)
        lock.acquire()
        self._writer_lock = lock

    def _next(self) -> Command | _Index | None:
        with self._lock:
            while not self._stopping:
                for i, item in enumerate(self._commands):
                    if not (isinstance(item, _Index) and self._paused):
                        del self._commands[i]
                        self._cancel.clear()
                        return item
                self.bridge.state.emit("paused" if self._paused else "idle")
                self._lock.wait()
        return None

    def _command(self, command: Command) -> None:
        message = command(self.services)
        self.bridge.librariesChanged.emit()
        if message:
            self.bridge.message.emit(message)

    def _index(self, request: _Index) -> None:
        libraries = self.services.libraries.select(None)
        if request.libraries is not None:
            libraries = [lib for lib in libraries if lib.name in request.libraries]
        with self._lock:  # later requests for the same libraries are covered by this run
            covered = [c for c in self._commands if isinstance(c, _Index) and c.libraries == request.libraries]
            for c in covered:
                self._commands.remove(c)
        self.bridge.state.emit("indexing")
        indexer = self.services.indexer()
        for library in libraries:
            # The indexer checks the cancel flag between units of work and then finishes cleanly.
            for progress in indexer.run(library, cancel=self._cancel, retry_failed=request.retry_failed):
                self._emit(progress)
                self._check_for_changes()
            if self._cancel.is_set():
                break
        with self._lock:
            if self._cancel.is_set() and not (self._paused or self._stopping):
                self._commands.append(request)  # stopped for a change: index again after it
        self.bridge.librariesChanged.emit()

    def _check_for_changes(self) -> None:
        """A library change arrived: cancel so the run stops at the next unit of work."""
        with self._lock:
            if any(not isinstance(c, _Index) for c in self._commands):
                self._cancel.set()

    def _emit(self, progress: Progress) -> None:
        now = time.monotonic()
        if progress.phase != "index" or now - self._last_emit >= PROGRESS_INTERVAL_S:
            self._last_emit = now
            self.bridge.progress.emit(progress)
