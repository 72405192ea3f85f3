"""Linux: watchdog's inotify observer, but excluded folders get no watch and a used-up watch limit is reported.

watchdog adds one inotify watch per subfolder, excluded ones too (.git, node_modules, virtual
environments), and silently skips subfolders once the system's limit is reached. Both matter: the
limit (fs.inotify.max_user_watches) is shared by every program of the user. This module prunes the
walk with the libraries' exclusions and tells the watcher when a watch could not be added.
It builds on watchdog 7's InotifyWatchGroup; `available()` is False when that internal API is missing.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Wanted = Callable[[str], bool]
OnLimit = Callable[[str], None]

try:  # Linux only, and watchdog's internals: fall back to the stock observer if they change
    from watchdog.observers.inotify import InotifyEmitter, InotifyObserver, InotifyWatchGroup

    _HOOKS = all(hasattr(InotifyWatchGroup, name) for name in ("_add_all_callbacks", "_add_callback"))
except ImportError:  # pragma: no cover - not Linux
    _HOOKS = False


def available() -> bool:
    return _HOOKS


if _HOOKS:

    @dataclass
    class _PrunedGroup(InotifyWatchGroup):
        wanted: Wanted = field(default=lambda path: True)
        on_limit: OnLimit = field(default=lambda path: None)

        def _add_all_callbacks(self, path: bytes) -> None:
            if path != self.path and not self.wanted(os.fsdecode(path)):
                return  # a new excluded folder (mkdir node_modules) gets no watch either
            self._add_callback(path)
            if not (self.is_recursive and os.path.isdir(path)):
                return
            for top, dirnames, _ in os.walk(path):
                dirnames[:] = [
                    d
                    for d in dirnames
                    if not os.path.islink(os.path.join(top, d)) and self.wanted(os.fsdecode(os.path.join(top, d)))
                ]
                for name in dirnames:
                    self._add_callback(os.path.join(top, name))

        def _add_callback(self, path: bytes) -> None:
            try:
                wd = self._inotify_fd.add_callback(path, self.event_mask, self._callback, self._id)
            except OSError as exc:
                if path == self.path:
                    raise
                if exc.errno in (errno.ENOSPC, errno.EMFILE):
                    self.on_limit(os.fsdecode(self.path))
                return  # a subfolder deleted or unreadable meanwhile is not an error
            self._active_callbacks_by_path[path] = wd
            self._active_callbacks_by_watch[wd] = path

    class _PrunedEmitter(InotifyEmitter):
        def __init__(self, *args: Any, wanted: Wanted, on_limit: OnLimit, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._wanted = wanted
            self._on_limit = on_limit

        def on_thread_start(self) -> None:
            self._inotify = _PrunedGroup(
                self._inotify_fd,
                os.fsencode(self.watch.path),
                is_recursive=self.watch.is_recursive,
                event_mask=self.get_event_mask_from_filter(),
                follow_symlink=self.watch.follow_symlink,
                wanted=self._wanted,
                on_limit=self._on_limit,
            )

    class PrunedInotifyObserver(InotifyObserver):
        """An inotify observer whose recursive watches skip folders `wanted(path)` rejects."""

        def __init__(self, wanted: Wanted, on_limit: OnLimit) -> None:
            super().__init__()
            self._emitter_class = _PrunedEmitter
            self._emitter_kwargs = {**self._emitter_kwargs, "wanted": wanted, "on_limit": on_limit}

        def watch_count(self) -> int:
            """inotify watches held by this observer's folders (for tests and diagnostics)."""
            groups = [getattr(e, "_inotify", None) for e in self.emitters]
            return sum(len(g._active_callbacks_by_path) for g in groups if g is not None)
