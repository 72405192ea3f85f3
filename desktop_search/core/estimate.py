"""How long indexing takes with a model on this computer, said before the user commits to it: the library's
size (a quick look at the folders, or the passages already indexed) at the model's measured speed."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_search.core.extract.kinds import kind_of_path
from desktop_search.core.scanner import DEFAULT_EXCLUSIONS, Exclusions, relative_folder, skips_folder
from desktop_search.embed.catalog import REFERENCE_CORES, ModelSpec
from desktop_search.embed.device import accelerator_possible

CHARS_PER_TOKEN = 4.0  # English prose through a WordPiece/BPE tokenizer, roughly
# The share of a file's bytes that becomes text: compressed or binary containers hold less than they weigh.
TEXT_SHARE = {"pdf": 0.05, "zip": 0.2, "html": 0.5, "text": 1.0}
LOOK_BUDGET_S = 1.5  # a folder too big to look at in this time is extrapolated, and said to be "at least"
MAX_SCALING = 8.0  # more cores than the reference machine help, but not without limit


@dataclass(frozen=True)
class LibrarySize:
    files: int
    tokens: int
    complete: bool = True  # False: the look ran out of time, the size is a lower bound


def _share(path: str) -> float:
    kind = kind_of_path(path)
    if kind is None or kind.family == "image":  # pictures are read only with OCR, which a library opts into
        return 0.0
    if kind.name == "pdf":
        return TEXT_SHARE["pdf"]
    if kind.zip_package:
        return TEXT_SHARE["zip"]
    return TEXT_SHARE["html"] if kind.name == "html" else TEXT_SHARE["text"]


def measure_folders(folders: Sequence[str], budget_s: float = LOOK_BUDGET_S) -> LibrarySize:
    """The files a first index would read in `folders` and their text in tokens, estimated from file sizes;
    folders are left out as a scan leaves them out (core/scanner.py), virtual environments included."""
    exclusions = Exclusions(DEFAULT_EXCLUSIONS)
    deadline = time.monotonic() + budget_s
    files = chars = 0
    for folder in folders:
        for top, dirs, names in os.walk(folder):
            below = relative_folder(folder, top)
            dirs[:] = [d for d in dirs if not skips_folder(exclusions, os.path.join(top, d), below + d)]
            for name in names:
                if exclusions.excludes(name, below + name):
                    continue
                path = os.path.join(top, name)
                share = _share(path)
                if share:
                    try:
                        chars += round(os.stat(path).st_size * share)
                    except OSError:
                        continue
                    files += 1
            if time.monotonic() > deadline:
                return LibrarySize(files, round(chars / CHARS_PER_TOKEN), complete=False)
    return LibrarySize(files, round(chars / CHARS_PER_TOKEN))


def indexed_size(files: int, passages: int, chunk_tokens: int) -> LibrarySize:
    """An indexed library's size, from its passages (each at most `chunk_tokens` of its model, most nearly)."""
    return LibrarySize(files, round(passages * chunk_tokens * 0.9))


def indexing_seconds(spec: ModelSpec, size: LibrarySize, cores: int = 0) -> float | None:
    """Seconds to index `size` with `spec` on this computer's CPU; None when the model's speed is unknown."""
    speed = spec.cpu_speed
    if speed is None:
        return None
    scaling = min(MAX_SCALING, max(0.5, (cores or os.cpu_count() or 1) / REFERENCE_CORES))
    return (speed.context_s + size.tokens / speed.tokens_per_s) / scaling


def may_use_gpu(device: str) -> bool:
    """Whether the model may run on a GPU here (then the CPU estimate is an upper bound)."""
    return device in ("cuda", "mps") or (device == "auto" and accelerator_possible())


def say_duration(seconds: float) -> str:
    """A duration as a person would say it in an estimate."""
    if seconds < 45:
        return "under a minute"
    if seconds < 90:
        return "about a minute"
    if seconds < 3600:
        return f"about {round(seconds / 60)} minutes"
    hours = seconds / 3600
    if hours < 1.5:
        return "about an hour"
    if hours < 48:
        return f"about {hours:.0f} hours" if hours >= 10 else f"about {hours:.1f} hours".replace(".0 hours", " hours")
    return f"about {hours / 24:.0f} days"
