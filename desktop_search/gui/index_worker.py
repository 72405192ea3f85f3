"""The indexing thread: owns the write connection and the model; follows folders live and runs library commands."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from PySide6.QtCore import QObject, Signal

from desktop_search.errors import UserError
from desktop_search.gui.crash import format_exception
from desktop_search.records import Progress
from desktop_search.services import Services

log = logging.getLogger(__name__)

IndexState = Literal["indexing", "paused", "idle"]  # what IndexBridge.state says, shown by the window and tray

PROGRESS_INTERVAL_S = 0.1  # at most ~10 progress signals a second


class IndexBridge(QObject):
    """Signals from the indexing thread; they arrive queued on the GUI thread."""

    progress = Signal(object)  # Progress
    state = Signal(str)  # an IndexState
    librariesChanged = Signal()
    message = Signal(str)
    userError = Signal(str)
    crashed = Signal(str)


@dataclass(frozen=True)
class _Index:
    """A one-off run: a retry of failed files, a context refresh, or any run when not following folders live."""

    libraries: tuple[str, ...] | None  # None: every library
    retry_failed: bool = False
    refresh_context: bool = False


Command = Callable[[Services], str | None]  # a library change run on this thread; returns a message


class IndexWorker:
    """One thread, in a loop: run queued commands, then follow the folders (LiveIndex) until something is queued.

    Any command or stop interrupts the live run between units of work; it resumes afterwards with a
    reconciliation scan. Pause is the data folder's PauseSwitch (the same as `desktop-search pause`): a run
    waits where it is until resumed, so its counts go on from where they were and nothing is redone.
    """

    def __init__(self, services: Services, bridge: IndexBridge, live: bool = True) -> None:
        self.services = services
        self.bridge = bridge
        self.live = live
        self._lock = threading.Condition()
        self._commands: deque[Command | _Index] = deque()
        self._cancel = threading.Event()  # interrupts one-off runs
        self._live_index: Any = None  # the LiveIndex running now, to stop it from the GUI thread
        self._held = False  # following the folders failed: wait for Resume or a change
        self._stopping = False
        self._state: IndexState | None = None
        self._resume_to: IndexState = "idle"  # the state a pause interrupted
        self._state_lock = threading.Lock()
        self._last_emit = 0.0
        self._thread = threading.Thread(target=self._run, name="desktop-search-index", daemon=True)

    # -- called from the GUI thread -------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    @property
    def paused(self) -> bool:
        return self._held or self.services.pause.paused

    def index(
        self, libraries: Sequence[str] | None = None, retry_failed: bool = False, refresh_context: bool = False
    ) -> None:
        """Bring libraries up to date; when following folders live, only retries and refreshes need a run."""
        if self.live and not (retry_failed or refresh_context):
            self._put(None)
        else:
            self._put(_Index(tuple(libraries) if libraries is not None else None, retry_failed, refresh_context))

    def run_command(self, command: Command) -> None:
        """Run a change (add a folder, set exclusions, ...) on the indexing thread, between units of work."""
        self._put(command)

    def pause(self) -> None:
        """Pause every indexer of this data folder (this window's, `watch`, `index`) between units of work. Said
        at once: the unit under way (a batch of passages: seconds on a busy CPU) ends unseen."""
        self.services.pause.pause()
        self._set_state("paused")
        self._wake()

    def resume(self) -> None:
        self.services.pause.resume()
        with self._lock:
            self._held = False
        self._set_state(self._resume_to)
        self._wake()

    def _wake(self) -> None:
        """Let the loop and the live run see a pause or resume now rather than at their next look."""
        with self._lock:
            if self._live_index is not None:
                self._live_index.wake()
            self._lock.notify()

    def stop(self, timeout: float = 10.0) -> bool:
        """Interrupt what runs and wait for the thread; False if it did not stop in time."""
        with self._lock:
            self._stopping = True
            self._interrupt()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _put(self, item: Command | _Index | None) -> None:
        """Queue an item (None: just restart the live run) and interrupt what runs so it is taken soon."""
        with self._lock:
            if item is not None:
                self._commands.append(item)
            self._interrupt()

    def _interrupt(self) -> None:
        """Under the lock: stop the live run or cancel a one-off run at its next unit of work; wake the loop."""
        self._cancel.set()
        if self._live_index is not None:
            self._live_index.stop()
        self._lock.notify()

    # -- the indexing thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while (item := self._next()) is not None:
                try:
                    self._ensure_writer_lock()
                    if item == "live":
                        self._follow()
                    elif isinstance(item, _Index):
                        self._index(item)
                    else:
                        self._command(item)  # type: ignore[arg-type]
                except UserError as exc:
                    self.bridge.userError.emit(str(exc))
                    self._pause_after_failure(item)
                except Exception as exc:
                    log.exception("indexing thread")
                    self.bridge.crashed.emit(format_exception(exc))
                    self._pause_after_failure(item)
        finally:
            self.services.close()  # releases the writer lock  # this thread owns the write connection

    def _pause_after_failure(self, item: object) -> None:
        """Following the folders failed: wait for the user (Resume, a change) rather than failing in a loop."""
        if item == "live":
            with self._lock:
                self._held = True

    def _next(self) -> Command | _Index | str | None:
        """The next queued item; else "live" to follow the folders; waits when held; None to stop."""
        with self._lock:
            while not self._stopping:
                self._cancel.clear()
                if self._commands:
                    return self._commands.popleft()
                if self.live and not self._held:
                    return "live"
                self._set_state("paused" if self.paused else "idle")
                self._lock.wait(1.0)  # and look again: another process may pause or resume meanwhile
        return None

    def _ensure_writer_lock(self) -> None:
        """One process writes a data folder at a time; raises AlreadyRunning (a UserError) if another does.
        Held until the services close, when this thread ends."""
        self.services.become_writer()

    def _command(self, command: Command) -> None:
        message = command(self.services)
        self.bridge.librariesChanged.emit()
        if message:
            self.bridge.message.emit(message)

    def _follow(self) -> None:
        """Index what changed and watch for more, until interrupted."""
        from desktop_search.core.live import LiveIndex

        live = LiveIndex(self.services.store, self.services.indexer(), data_dir=self.services.settings.home)
        with self._lock:
            if self._commands or self._stopping:
                return
            self._live_index = live
        try:
            for progress in live.run():
                self._report(progress)
        finally:
            with self._lock:
                self._live_index = None
            self._at_rest()
            self.bridge.librariesChanged.emit()

    def _index(self, request: _Index) -> None:
        names = request.libraries
        libraries = [lib for lib in self.services.libraries.select(None) if names is None or lib.name in names]
        indexer = self.services.indexer()
        for library in libraries:
            runs = indexer.run(
                library, cancel=self._cancel, retry_failed=request.retry_failed, refresh_context=request.refresh_context
            )
            for progress in runs:
                self._report(progress)
            if self._cancel.is_set():
                break
        with self._lock:
            if self._cancel.is_set() and not self._stopping:
                self._commands.append(request)  # interrupted by a change: run again after it
        self._at_rest()
        self.bridge.librariesChanged.emit()

    def _report(self, progress: Progress) -> None:
        if progress.phase == "watch":
            for message in progress.messages:
                self.bridge.message.emit(message)
            return
        if progress.phase in ("paused", "resumed"):
            self._set_state("paused" if progress.phase == "paused" else self._resume_to)
            return
        if progress.phase in ("scan", "index") and not self.services.pause.paused:
            self._set_state("indexing")
        now = time.monotonic()
        if progress.phase != "index" or now - self._last_emit >= PROGRESS_INTERVAL_S:
            self._last_emit = now
            self.bridge.progress.emit(progress)
        if progress.phase == "done":
            self._at_rest()
            self.bridge.librariesChanged.emit()

    def _at_rest(self) -> None:
        """A run ended: idle, or paused while the switch is on (a resume then goes back to idle)."""
        self._set_state("paused" if self.services.pause.paused else "idle", resume_to="idle")

    def _set_state(self, state: IndexState, resume_to: IndexState | None = None) -> None:
        """Called from both threads: the GUI's (Pause and Resume say so at once) and this one."""
        with self._state_lock:
            if state == "paused" and self._state != "paused":  # a run held mid-way goes on indexing when resumed
                self._resume_to = "indexing" if self._state == "indexing" else "idle"
            if resume_to is not None:
                self._resume_to = resume_to
            if state != self._state:
                self._state = state
                self.bridge.state.emit(state)
