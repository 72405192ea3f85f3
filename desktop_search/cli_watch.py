"""The `watch`, `pause` and `resume` commands: keep the index following the folders in the foreground."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop_search.errors import UserError

if TYPE_CHECKING:  # the watcher and indexer load only when `watch` runs, so other commands start fast
    from desktop_search.core.live import LiveIndex
    from desktop_search.records import Progress
    from desktop_search.services import Services

STOPPED = "Stopped; the index is consistent and the next start continues where this one stopped."


def add_parsers(sub: Any) -> None:
    watch = sub.add_parser("watch", help="follow the folders and keep the index up to date until interrupted")
    watch.add_argument("--library", help="only this library (default: all)")
    watch.add_argument("--rescan-minutes", type=float, help="full rescan interval (default 60; 15 off Linux)")
    watch.add_argument("--full-speed", action="store_true", help="normal priority and all cores (default: polite)")
    sub.add_parser("pause", help="pause indexing (the app, `watch` and `index`) until `resume`")
    sub.add_parser("resume", help="resume paused indexing")


def cmd_pause(services: Services, args: argparse.Namespace) -> int:
    services.pause.pause()
    print("Paused: indexing (the app, `watch`, `index`) waits until `desktop-search resume`. Searching still works.")
    return 0


def cmd_resume(services: Services, args: argparse.Namespace) -> int:
    was_paused = services.pause.paused
    services.pause.resume()
    print("Resumed." if was_paused else "Indexing was not paused.")
    return 0


def _be_polite(services: Services) -> None:
    """Lower priority and half the cores, so that watching never makes the computer feel slow."""
    with contextlib.suppress(AttributeError, OSError):
        os.nice(10)  # not on Windows
    if services.embedders.threads == 0:
        services.embedders.threads = max(1, (os.cpu_count() or 2) // 2)


def _handler(action: Callable[[], None]) -> Callable[[int, object], None]:
    return lambda _signum, _frame: action()


def _install_signals(live: LiveIndex) -> Callable[[], None]:
    """SIGUSR1 pauses, SIGUSR2 resumes (SIGINT and SIGTERM: StopOnSignal); returns a function that restores them."""
    import signal

    wanted: dict[str, Callable[[], None]] = {"SIGUSR1": live.pause, "SIGUSR2": live.resume}
    previous: dict[int, Any] = {}
    for name, action in wanted.items():
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, _handler(action))

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


def _report(p: Progress) -> None:
    stamp = time.strftime("%H:%M:%S")
    for message in p.messages if p.phase in ("watch", "paused") else ():
        print(f"{stamp} {message}", file=sys.stderr, flush=True)
    if p.phase in ("paused", "resumed"):
        print(f"{stamp} {p.phase}", flush=True)
    elif p.phase == "done" and (p.files_done or p.chunks_done):
        print(f"{stamp} {p.library}: {p.files_done} files, {p.chunks_done} chunks embedded", flush=True)


def cmd_watch(services: Services, args: argparse.Namespace) -> int:
    libraries = services.libraries.select(args.library)
    if not libraries:
        raise UserError("No libraries yet. Add a folder first: desktop-search add PATH")
    from desktop_search.cli_stop import StopOnSignal
    from desktop_search.core.live import LiveIndex, LiveOptions

    options = LiveOptions(rescan_interval_s=args.rescan_minutes * 60) if args.rescan_minutes else LiveOptions()
    names = [args.library] if args.library else None
    live = LiveIndex(services.store, services.indexer(), names, options, services.settings.home)  # the one writer
    # Before lowering the priority: the thread that stops on SIGINT/SIGTERM keeps the normal one.
    with StopOnSignal(live.stop, STOPPED, 0):
        if not args.full_speed:
            _be_polite(services)
        restore = _install_signals(live)
        print(f"Watching {sum(len(services.store.roots(lib.id)) for lib in libraries)} folders; Ctrl+C to stop.")
        try:
            for progress in live.run():
                _report(progress)
        finally:
            restore()
    print(STOPPED)
    return 0


COMMANDS = {"watch": cmd_watch, "pause": cmd_pause, "resume": cmd_resume}
