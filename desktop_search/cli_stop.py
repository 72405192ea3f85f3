"""Stopping `index` and `watch` within moments of SIGINT or SIGTERM, however busy the machine or the model."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, TextIO

GRACE_S = 0.5  # a clean wind-down may take this long; then the process ends anyway (~0.5 s more to exit, loaded)


class StopOnSignal:
    """While open, SIGINT and SIGTERM call `on_stop` at once, from a thread of its own, and the command winds
    down; if it has not finished GRACE_S later, the extraction workers are killed and the process exits. Either
    way it ends with `farewell` on `stream` and exit code `code`, without the interpreter's slow clean-up.

    Python runs signal handlers only in the main thread and only between bytecodes, and the main thread may
    sit in a model's forward pass for seconds, or minutes when other programs keep the cores busy. So the
    handler's wake-up byte (`signal.set_wakeup_fd`, written by the C-level handler at once) wakes the thread
    that acts. Ending the process without unwinding is safe: every write is one SQLite transaction (a write
    cut short is rolled back, as after `kill -9`) and the OS drops the writer lock. Open this before lowering
    the process's priority: Linux keeps a nice value per thread, so the stopping thread keeps the normal one.

    A SIGINT that was ignored when the program started (a background job of a shell script) stays ignored.
    """

    def __init__(self, on_stop: Callable[[], None], farewell: str, code: int, stream: TextIO | None = None) -> None:
        self.on_stop = on_stop
        self.farewell = farewell
        self.code = code
        self.stream = stream or sys.stdout
        self.requested = threading.Event()
        self._finished = threading.Event()
        self._previous: dict[signal.Signals, Any] = {}
        self._sockets: tuple[socket.socket, socket.socket] | None = None
        self._previous_fd = -1

    def __enter__(self) -> StopOnSignal:
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        self._sockets = (reader, writer)
        self._previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        for number in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(number) is not signal.SIG_IGN:
                self._previous[number] = signal.signal(number, self._in_main_thread)
        threading.Thread(target=self._watch, args=(reader,), name="desktop-search-stop", daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._finished.set()
        if self.requested.is_set():
            self._end()
        signal.set_wakeup_fd(self._previous_fd)
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        if self._sockets is not None:
            with contextlib.suppress(OSError):
                self._sockets[0].shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in recv, which ends
            for sock in self._sockets:
                sock.close()

    def _in_main_thread(self, signum: int, frame: FrameType | None) -> None:
        # The thread woken by the wake-up byte does the work; this only keeps SIGINT from raising
        # KeyboardInterrupt in the middle of a write.
        self.requested.set()

    def _watch(self, reader: socket.socket) -> None:
        wanted = {int(number) for number in self._previous}
        while True:
            try:
                data = reader.recv(64)
            except OSError:
                return
            if not data:
                return
            if wanted & set(data):  # other handled signals (pause, resume) write their numbers here too
                break
        self.requested.set()
        self.on_stop()
        if not self._finished.wait(GRACE_S):
            self._end()

    def _end(self) -> None:
        import multiprocessing  # only now: a keyword search must not pay for importing it

        with contextlib.suppress(Exception):  # the main thread may be reaping them at the same moment
            for child in multiprocessing.active_children():  # extraction workers still running
                child.kill()
        with contextlib.suppress(Exception):  # a closed pipe or terminal must not keep the process alive
            print(self.farewell, file=self.stream, flush=True)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(self.code)
