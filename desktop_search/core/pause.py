"""Pausing indexing: one switch per data folder that every indexer obeys (the window's, `index`, `watch`)."""

from __future__ import annotations

import threading
from pathlib import Path

from desktop_search.errors import UserError

PAUSE_FLAG = "paused"  # a file in the data folder: while it exists, no process indexes that folder's libraries
POLL_S = 0.25  # how often a paused indexer looks whether it was resumed


class PauseSwitch:
    """Paused while a flag file exists in the data folder, so that `desktop-search pause` / `resume`, the
    window's Pause button, the tray and `watch`'s signals all turn the same switch, in any process, on every
    OS. Without a data folder (tests of other layers) it is never paused."""

    def __init__(self, home: Path | None) -> None:
        self.flag = home / PAUSE_FLAG if home is not None else None

    @property
    def paused(self) -> bool:
        return self.flag is not None and self.flag.exists()

    def pause(self) -> None:
        if self.flag is not None:
            try:
                self.flag.parent.mkdir(parents=True, exist_ok=True)
                self.flag.touch()
            except OSError as exc:
                raise UserError(f"Cannot pause: cannot write {self.flag}: {exc.strerror or exc}.") from exc

    def resume(self) -> None:
        if self.flag is not None:
            try:
                self.flag.unlink(missing_ok=True)
            except OSError as exc:
                raise UserError(f"Cannot resume: cannot remove {self.flag}: {exc.strerror or exc}.") from exc

    def wait(self, cancel: threading.Event) -> None:
        """Block while paused; returns at once when resumed or when `cancel` is set."""
        while self.paused and not cancel.wait(POLL_S):
            pass
