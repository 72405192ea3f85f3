"""Stopping `index` and `watch` within moments of SIGINT or SIGTERM, however busy the machine or the model."""

from __future__ import annotations

import contextlib
import errno
import os
import select
import signal
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, NoReturn, TextIO

GRACE_S = 0.3  # a clean wind-down may take this long once the stop thread runs; then the process ends anyway
FORCE_S = 1.0  # after the signal, the guard ends a process that could not end itself (exiting takes ~0.7 s more)
GOODBYE = 0xFF  # sent to the guard once the farewell is printed, before exiting (signal numbers are below 65)
PROCESS_MRELEASE = 448  # Linux 5.15+ system call number (the same on every architecture but alpha)
# What the guard ignores: Ctrl+C, a logout or a service manager reach the command, which tells the guard.
_GUARD_IGNORES = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGTSTP")


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

    That thread still needs the interpreter lock, which another thread may hold: a low-priority thread that
    other programs keep off the CPU (watch lowers its priority), or a C call that never lets go. So where
    processes fork, the wake-up byte goes first to a guard, a small process forked here that holds no lock of
    this one: it passes the byte on, and if this process still runs FORCE_S after the signal, it kills the
    extraction workers and this process (exit status SIGKILL) and prints the farewell for it. On Linux the guard
    also frees the memory of the ending process itself (process_mrelease): a process's last thread does that
    when it exits, and at watch's low priority on a busy machine that took 2-2.7 s for 250 MB, 0.4-0.7 s so.

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
        self._sockets: list[socket.socket] = []
        self._guard: socket.socket | None = None
        self._previous_fd = -1

    def __enter__(self) -> StopOnSignal:
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        self._sockets = [reader, writer]
        self._previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        for number in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(number) is not signal.SIG_IGN:
                self._previous[number] = signal.signal(number, self._in_main_thread)
        self._guard = _start_guard(reader, {int(n) for n in self._previous}, _fileno(self.stream), self.farewell)
        if self._guard is not None:
            self._sockets.append(self._guard)
        threading.Thread(target=self._watch, args=(reader,), name="desktop-search-stop", daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._finished.set()
        if self.requested.is_set():
            self._end()
        signal.set_wakeup_fd(self._previous_fd)
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        for sock in self._sockets:  # the guard sees the end of its sockets and ends too
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in recv, which ends
            sock.close()

    def _in_main_thread(self, signum: int, frame: FrameType | None) -> None:
        # The thread woken by the wake-up byte does the work; this only keeps SIGINT from raising
        # KeyboardInterrupt in the middle of a write.
        self.requested.set()

    def _watch(self, reader: socket.socket) -> None:
        wanted = {int(number) for number in self._previous}
        source = self._guard or reader  # the guard passes on what the handler wrote
        while True:
            try:
                data = source.recv(64)
            except OSError:
                return
            if not data:
                if source is reader or self._finished.is_set():
                    return
                source = reader  # the guard is gone (killed by someone): listen to the handler itself
                continue
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
        if self._guard is not None:
            with contextlib.suppress(OSError):
                self._guard.send(bytes([GOODBYE]))  # said: the guard, if it must end us, says nothing more
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(self.code)


def _fileno(stream: TextIO) -> int:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # a stream that is not a file (captured output)
        return -1


def _start_guard(signals: socket.socket, wanted: set[int], out: int, farewell: str) -> socket.socket | None:
    """Fork the guard (see StopOnSignal); the socket to talk with it, or None where there is none."""
    if not hasattr(os, "fork"):  # Windows: the stop thread listens to the handler itself
        return None
    ours, theirs = socket.socketpair()
    main = os.getpid()
    release = _memory_release()  # resolved here: the forked guard loads nothing
    # Forking a process with threads is safe here: the child uses no lock of this process, only system calls.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            child = os.fork()
        except OSError:
            ours.close()
            theirs.close()
            return None
        if child == 0:
            try:  # forked twice, so that the guard is nobody's child to wait for
                if os.fork() == 0:
                    _guard(main, release, signals.fileno(), theirs.fileno(), out, wanted, farewell.encode() + b"\n")
            finally:
                os._exit(0)
    os.waitpid(child, 0)
    theirs.close()
    return ours


def _guard(
    main: int, release: _Release | None, signals: int, talk: int, out: int, wanted: set[int], farewell: bytes
) -> NoReturn:
    """The guard's life, in the forked process: it never returns into the code of the process it came from."""
    try:
        os.setsid()  # out of the terminal's process group
        signal.set_wakeup_fd(-1)
        for name in _GUARD_IGNORES:
            if (number := getattr(signal, name, None)) is not None:
                signal.signal(number, signal.SIG_IGN)
        _close_all_but({signals, talk, out})
        _keep_watch(_Command(main, release), signals, talk, out, wanted, farewell)
    finally:
        os._exit(0)


def _close_all_but(keep: set[int]) -> None:
    """Close every inherited descriptor but `keep`: the guard must hold no lock, pipe or socket of the command."""
    open_now: set[int] = set(range(1024))
    for folder in ("/proc/self/fd", "/dev/fd"):  # Linux, macOS: the descriptors open now
        with contextlib.suppress(OSError):
            open_now = {int(name) for name in os.listdir(folder)}
            break
    for fd in open_now - keep:
        with contextlib.suppress(OSError):
            os.close(fd)


def _keep_watch(main: _Command, signals: int, talk: int, out: int, wanted: set[int], farewell: bytes) -> None:
    """Pass signal numbers on to the command; FORCE_S after a stop signal, end it if it is still there."""
    deadline: float | None = None
    said_goodbye = False
    while True:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([signals, talk], [], [], timeout)
        if not ready:  # the deadline passed and the command is still there
            main.kill_with_children()
            if not said_goodbye and out >= 0:
                with contextlib.suppress(OSError):
                    os.write(out, farewell)
            return
        if signals in ready:
            data = os.read(signals, 64)
            if not data:  # the command has ended
                return
            with contextlib.suppress(OSError):
                os.write(talk, data)
            if deadline is None and wanted & set(data):
                deadline = time.monotonic() + FORCE_S
        if talk in ready:
            data = os.read(talk, 64)
            if not data:  # the command has ended, or finished listening
                return
            if GOODBYE in data and not said_goodbye:  # the command exits now, by itself
                said_goodbye = True
                main.free_memory(1.0 if deadline is None else deadline - time.monotonic())


_Release = Callable[[int], tuple[int, int]]  # process_mrelease(pidfd): (result, errno)


def _memory_release() -> _Release | None:
    """process_mrelease where the system has it (Linux), as a function of a pidfd; None elsewhere."""
    if not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"):
        return None
    import ctypes

    try:
        syscall = ctypes.CDLL(None, use_errno=True).syscall
    except (AttributeError, OSError):
        return None
    syscall.restype = ctypes.c_long
    syscall.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_uint]

    def release(pidfd: int) -> tuple[int, int]:
        return syscall(PROCESS_MRELEASE, pidfd, 0), ctypes.get_errno()

    return release


class _Command:
    """The command, as the guard sees it: ended and its memory freed from here, at the guard's priority."""

    def __init__(self, pid: int, release: _Release | None) -> None:
        self.pid = pid
        self.release = release
        self.pidfd = -1  # Linux: refers to this process even after its number is reused
        with contextlib.suppress(AttributeError, OSError):
            self.pidfd = os.pidfd_open(pid)

    def kill_with_children(self) -> None:
        """SIGKILL the command and the processes it started (Linux lists them; elsewhere a worker sees its parent
        go), then free its memory."""
        children: set[int] = set()
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{self.pid}/task").iterdir():
                with contextlib.suppress(OSError):
                    children |= {int(child) for child in (task / "children").read_text().split()}
        with contextlib.suppress(AttributeError, OSError):
            if self.pidfd >= 0:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        for child in children:
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
        self.free_memory()

    def free_memory(self, within_s: float = 1.0) -> None:
        """Free the memory of the command once it is exiting, waiting for that at most `within_s` (Linux 5.15+;
        elsewhere nothing happens). Only a process that is ending can be reaped so: the kernel refuses others."""
        if self.pidfd < 0 or self.release is None:
            return
        deadline = time.monotonic() + within_s
        while True:
            result, error = self.release(self.pidfd)
            # EINVAL: not exiting yet (it is about to); ESRCH: gone; ENOSYS, EPERM...: nothing to do here.
            if result == 0 or error != errno.EINVAL or time.monotonic() >= deadline:
                return
            time.sleep(0.002)
