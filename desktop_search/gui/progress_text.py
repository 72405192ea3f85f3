"""What indexing progress says: counts that go on across a pause, what is being done, and a steady time left."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from desktop_search.records import Progress

RATE_WINDOW_S = 60.0  # the speed is measured over the last minute, not since the run started
MIN_RATE_SPAN_S = 5.0  # no time left is said before this much of a run has been measured
SMOOTHING_S = 20.0  # the time left moves toward a new estimate with this time constant: no 3 → 5 → 3 min jumps


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 30:  # estimates run short near the end (the longest passages come last): say it when sure
        return "less than a minute left"
    if seconds < 90:
        return "about a minute left"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min left"
    return f"about {seconds / 3600:.1f} h left"


def estimate(progress: Progress) -> tuple[int, float | None]:
    """Passages in all (files not read yet counted at the average so far) and the seconds left at this speed."""
    total = estimated_total(progress)
    left = max(0, total - progress.chunks_done)
    return total, (left / progress.chunks_per_s if progress.chunks_per_s else None)


def estimated_total(progress: Progress) -> int:
    total = progress.chunks_total
    if progress.files_total > progress.files_done > 0:
        total = max(total, round(progress.chunks_total * progress.files_total / progress.files_done))
    return total


def describe(progress: Progress, eta_s: float | None = None) -> str:
    """One line for the status bar and the tray; `eta_s` replaces the run's own estimate when given."""
    if progress.phase == "scan":
        return f"Looking for changes in '{progress.library}'…"
    if progress.phase == "done":
        if progress.files_done:
            return f"'{progress.library}' is up to date: {plural(progress.files_done, 'new or changed file')} indexed."
        return f"'{progress.library}' is up to date."
    files = f": {progress.files_done:,} / {progress.files_total:,} files" if progress.files_total else ""
    parts = [f"Indexing '{progress.library}'{files}"]
    total = estimated_total(progress)
    if total:
        parts.append(f"{progress.chunks_done:,} / {total:,} passages embedded")
    if progress.chunks_per_s:
        parts.append(f"{progress.chunks_per_s:.1f} passages/s")
    if eta := format_eta(estimate(progress)[1] if eta_s is None else eta_s):
        parts.append(eta)
    if progress.current_file and progress.files_done < progress.files_total:
        parts.append(Path(progress.current_file).name)  # while files are read; after that, passages are embedded
    return "  ·  ".join(parts)


def under_way(progress: Progress) -> str:
    """A short phrase of how far indexing is, for messages elsewhere in the window."""
    if progress.phase == "scan":
        return f"looking for changes in '{progress.library}'"
    total = estimated_total(progress)
    read = f"{progress.files_done:,} of {progress.files_total:,} files read" if progress.files_total else ""
    embedded = f"{progress.chunks_done:,} of {total:,} passages embedded" if total else ""
    return ", ".join(p for p in (read, embedded) if p) or f"indexing '{progress.library}'"


class ProgressTracker:
    """Turns each run's reports into what the user follows: one count from start to end of a library's indexing
    (a pause, or a change that restarts the run, continues the count rather than restarting it at 0 / 0), the
    speed over the last minute, and a time left that moves smoothly instead of jumping with every batch."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._base: dict[str, tuple[int, int]] = {}  # library -> files and passages done by interrupted runs
        self.last: Progress | None = None  # the latest report as shown
        self._samples: deque[tuple[float, int]] = deque()
        self._eta: float | None = None
        self._eta_at = 0.0
        self._held_at: float | None = None  # when indexing was paused

    def hold(self) -> None:
        """Indexing paused: the time until go_on() counts neither in the speed nor against the time left."""
        if self._held_at is None:
            self._held_at = self.clock()

    def go_on(self) -> None:
        if self._held_at is None:
            return
        held = self.clock() - self._held_at
        self._held_at = None
        self._samples = deque((t + held, done) for t, done in self._samples)
        self._eta_at += held

    def time_left(self) -> float | None:
        """The time left as it reads now (counted down since the last report; frozen while paused)."""
        return self._counted_down(self._held_at if self._held_at is not None else self.clock())

    def update(self, progress: Progress) -> tuple[Progress, float | None]:
        """The report with counts carried over, and the time left to show (None: not known yet)."""
        if progress.phase not in ("scan", "index", "done"):
            return progress, None
        library = progress.library
        if progress.phase == "scan":
            last = self.last
            if last is not None and last.library == library and last.phase == "index":
                self._base[library] = (last.files_done, last.chunks_done)  # the previous run was cut short
            self._samples.clear()
            self._eta = None
        files, chunks = self._base.get(library, (0, 0))
        shown = replace(
            progress,
            files_done=files + progress.files_done,
            files_total=files + progress.files_total if progress.files_total else 0,
            chunks_done=chunks + progress.chunks_done,
            chunks_total=chunks + progress.chunks_total,
        )
        if progress.phase == "done":
            self._base.pop(library, None)
        self.last = shown
        return shown, self._time_left(shown) if progress.phase == "index" and self._held_at is None else None

    def _time_left(self, progress: Progress) -> float | None:
        now = self.clock()
        samples = self._samples
        samples.append((now, progress.chunks_done))
        while len(samples) > 2 and now - samples[1][0] >= RATE_WINDOW_S:
            samples.popleft()
        start, done_then = samples[0]
        if now - start < MIN_RATE_SPAN_S or progress.chunks_done <= done_then:
            return self._counted_down(now)
        rate = (progress.chunks_done - done_then) / (now - start)
        raw = max(0, estimated_total(progress) - progress.chunks_done) / rate
        counted = self._counted_down(now)
        if counted is None:
            self._eta = raw
        else:
            weight = 1 - math.exp(-(now - self._eta_at) / SMOOTHING_S)
            self._eta = counted + weight * (raw - counted)
        self._eta_at = now
        return self._eta

    def _counted_down(self, now: float) -> float | None:
        """The time left said last, less the time since: what the user expects it to read now."""
        if self._eta is None:
            return None
        return max(0.0, self._eta - (now - self._eta_at))
