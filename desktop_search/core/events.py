"""File-system events as hints: normalised to changed paths and debounced until the files are quiet."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Event types that say nothing about a file's content: reading it, or a folder's own metadata changing
# whenever one of its children does (the child's own event covers that).
IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})

Stamp = tuple[int, int] | None  # (size, mtime_ns), or None when the path does not exist


def stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def changed_paths(event_type: str, src_path: str, dest_path: str, is_directory: bool) -> list[str]:
    """The paths an event says may have changed: created/modified/moved-to to upsert, deleted/moved-from to drop.

    The index decides which by looking at the disk; a folder path stands for everything below it.
    """
    if event_type in IGNORED_EVENTS or (is_directory and event_type == "modified"):
        return []
    if event_type == "moved":
        return [src_path, dest_path]
    return [src_path]


@dataclass
class _Pending:
    first: float  # when the path was first reported since it was last handed out
    last: float  # when it was last reported or last seen changing
    stamp: Stamp
    group: int = 0  # paths reported by one event (a move's source and destination) go out together


class Debouncer:
    """Changed paths wait until they have been quiet for `quiet_s` and their size and mtime stopped changing.

    Both halves of a move are handed out together, even while the destination is still settling, so that
    the index stores the new path before it drops the old one and the moved file keeps its vectors.
    A path that never settles (a growing log) is handed out anyway after `max_wait_s`.
    """

    def __init__(
        self, quiet_s: float = 0.5, max_wait_s: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.quiet_s = quiet_s
        self.max_wait_s = max_wait_s
        self._clock = clock
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._groups = 0

    def add(self, *paths: str) -> None:
        """Queue paths changed by one event; several paths (a move) are handed out together."""
        now = self._clock()
        stamps = [stamp(path) for path in paths]
        with self._lock:
            group = 0
            if len(paths) > 1:
                self._groups += 1
                group = self._groups
            for path, current in zip(paths, stamps, strict=True):
                entry = self._pending.get(path)
                if entry is None:
                    self._pending[path] = _Pending(now, now, current, group)
                else:
                    entry.last, entry.stamp, entry.group = now, current, group or entry.group

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def take_ready(self) -> list[str]:
        """Remove and return the paths that have settled; the rest keep waiting."""
        now = self._clock()
        with self._lock:
            waiting_groups: set[int] = set()
            candidates: list[tuple[str, _Pending]] = []
            for path, entry in self._pending.items():
                current = stamp(path)
                if current != entry.stamp:  # still being written: wait another quiet period
                    entry.last, entry.stamp = now, current
                if now - entry.last >= self.quiet_s or now - entry.first >= self.max_wait_s:
                    candidates.append((path, entry))
                elif entry.group:
                    waiting_groups.add(entry.group)
            ready = [path for path, entry in candidates if entry.group not in waiting_groups or not entry.group]
            for path in ready:
                del self._pending[path]
            return ready

    def next_due_in(self) -> float | None:
        """Seconds until a pending path may be ready, or None when nothing is pending."""
        now = self._clock()
        with self._lock:
            if not self._pending:
                return None
            return max(0.0, min(entry.last + self.quiet_s - now for entry in self._pending.values()))
