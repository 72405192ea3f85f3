"""Watching folders with watchdog: one watch per folder, events debounced, lost events noticed."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from desktop_search.core import inotify
from desktop_search.core.events import Debouncer, changed_paths
from desktop_search.core.mounts import drive_kind

log = logging.getLogger(__name__)

INOTIFY_LIMIT_FIX = (
    "To watch it live, raise the limit: sudo sysctl fs.inotify.max_user_watches=524288 "
    "(to keep it after a restart, put fs.inotify.max_user_watches=524288 in /etc/sysctl.d/90-desktop-search.conf)."
)


@dataclass(frozen=True)
class RootWatch:
    """How one folder is followed: "events" (live), "polling" (periodic scans) or "missing" (not there now)."""

    path: str
    mode: str
    reason: str = ""


def _limit_message(path: str, exc: OSError) -> str:
    what = "watch" if exc.errno == errno.ENOSPC else "instance"
    return f"Cannot watch {path} live: the system's inotify {what} limit is reached; it is scanned periodically. "


class _Handler(FileSystemEventHandler):
    def __init__(self, on_event: Callable[[FileSystemEvent], None]) -> None:
        self._on_event = on_event

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # an exception here would kill watchdog's dispatcher thread and stop all watching
            log.exception("handling %r failed", event)


class _OverflowSpotter(logging.Handler):
    """watchdog reports a kernel queue overflow (events lost) only in its log; this turns it into a rescan."""

    def __init__(self, flag: threading.Event) -> None:
        super().__init__(logging.WARNING)
        self.flag = flag

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.flag.set()


class Watcher:
    """Follows a set of folders; settled changed paths come out of `debouncer.take_ready()`.

    `included(path)` drops paths no library wants (exclusions, temp and lock files) before they are
    queued; `on_change()` is called from watchdog's thread whenever a path was queued, to wake a consumer.
    Call `check()` now and then: it returns folders whose events may have been lost, to be rescanned.
    """

    def __init__(
        self,
        debouncer: Debouncer,
        included: Callable[[str], bool] = lambda path: True,
        on_change: Callable[[], None] | None = None,
        observer_factory: Callable[[], BaseObserver] | None = None,
        kind_of: Callable[[str], str] = drive_kind,
    ) -> None:
        self.debouncer = debouncer
        self.included = included
        self.on_change = on_change
        self._observer_factory = observer_factory or self._native_observer
        self._kind_of = kind_of
        self._observer: BaseObserver | None = None
        self._handler = _Handler(self._on_event)
        self._watches: dict[str, ObservedWatch] = {}
        self.roots: dict[str, RootWatch] = {}
        self._overflowed = threading.Event()
        self._spotter = _OverflowSpotter(self._overflowed)
        self._limited: set[str] = set()  # folders some of whose subfolders could not be watched
        self._lock = threading.Lock()

    def _native_observer(self) -> BaseObserver:
        if inotify.available():  # Linux: excluded folders get no inotify watch, a full limit is reported
            observer: BaseObserver = inotify.PrunedInotifyObserver(self.included, self._limit_reached)
            return observer
        return Observer()

    def _limit_reached(self, root: str) -> None:
        with self._lock:
            self._limited.add(root)

    def start(self) -> None:
        spotted = logging.getLogger("watchdog.observers")
        spotted.addHandler(self._spotter)
        if spotted.getEffectiveLevel() > logging.WARNING:  # the overflow warning must not be filtered out
            spotted.setLevel(logging.WARNING)
        self._observer = self._observer_factory()
        self._observer.daemon = True
        self._observer.start()  # started before scheduling, so a watch that cannot be added fails here

    def stop(self, timeout: float = 5.0) -> None:
        logging.getLogger("watchdog.observers").removeHandler(self._spotter)
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout)
            self._observer = None
        self._watches.clear()

    def set_roots(self, paths: Iterable[str]) -> list[RootWatch]:
        """Watch exactly these folders; returns the folders newly added, with how they are followed."""
        wanted = set(paths)
        for path in set(self.roots) - wanted:
            self._unwatch(path)
            del self.roots[path]
        added = [self._watch(path) for path in sorted(wanted - set(self.roots))]
        self.roots.update((r.path, r) for r in added)
        return added

    def polled(self) -> list[str]:
        return [r.path for r in self.roots.values() if r.mode == "polling"]

    def check(self) -> tuple[set[str], list[str]]:
        """Folders to rescan because events may have been lost, and messages for the user."""
        rescan: set[str] = set()
        messages: list[str] = []
        if self._observer is None or not self._observer.is_alive():  # its thread died: every watch is gone
            self.stop()
            self.start()
        if self._overflowed.is_set():
            self._overflowed.clear()
            rescan |= {p for p, r in self.roots.items() if r.mode == "events"}
            messages.append("Too many changes at once: some events were lost; rescanning.")
        with self._lock:
            limited, self._limited = self._limited, set()
        for path in limited & {p for p, r in self.roots.items() if r.mode == "events"}:
            # The folder keeps the watches it got, and is rescanned periodically for the rest.
            reason = f"Cannot watch all of {path} live: the system's inotify watch limit is reached; "
            self.roots[path] = RootWatch(path, "polling", reason + "it is scanned periodically. " + INOTIFY_LIMIT_FIX)
            messages.append(self.roots[path].reason)
            rescan.add(path)
        for path, root in list(self.roots.items()):
            if root.mode == "events" and (not os.path.isdir(path) or not self._alive(path)):
                self._unwatch(path)
                self.roots[path] = self._watch(path)
                rescan.add(path)
            elif root.mode == "missing" and os.path.isdir(path):
                self.roots[path] = self._watch(path)
                rescan.add(path)
            if self.roots[path] != root:
                new = self.roots[path]
                messages.append(f"{path}: now {new.mode}{' — ' + new.reason if new.reason else ''}")
        return rescan, messages

    def _alive(self, path: str) -> bool:
        watch = self._watches.get(path)
        observer = self._observer
        if watch is None or observer is None:
            return False
        emitters = [e for e in observer.emitters if e.watch == watch]
        return observer.is_alive() and all(e.is_alive() for e in emitters)

    def _watch(self, path: str) -> RootWatch:
        if not os.path.isdir(path):
            return RootWatch(path, "missing", "folder not found (unplugged drive?); watched again when it returns")
        kind = self._kind_of(path)
        if kind != "local":
            return RootWatch(path, "polling", f"on a {kind} drive, where change events are unreliable")
        assert self._observer is not None, "start() first"
        try:
            self._watches[path] = self._observer.schedule(self._handler, path, recursive=True)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EMFILE):
                return RootWatch(path, "polling", _limit_message(path, exc) + INOTIFY_LIMIT_FIX)
            return RootWatch(path, "polling", f"cannot watch it live ({exc.strerror or exc})")
        return RootWatch(path, "events")

    def _unwatch(self, path: str) -> None:
        watch = self._watches.pop(path, None)
        if watch is not None and self._observer is not None:
            with contextlib.suppress(KeyError, OSError):
                self._observer.unschedule(watch)

    def _on_event(self, event: FileSystemEvent) -> None:
        src, dest = os.fsdecode(event.src_path), os.fsdecode(event.dest_path)
        paths = [p for p in changed_paths(event.event_type, src, dest, event.is_directory) if self.included(p)]
        if paths:
            self.debouncer.add(*paths)
            if self.on_change is not None:
                self.on_change()
