"""Extractors that misbehave on purpose, run inside the spawned workers to prove crash/hang/memory handling."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from desktop_search.core.extract import Extracted, ExtractLimits, extract_bytes


def misbehaving(data: bytes, path: Path, limits: ExtractLimits, truncated: bool) -> Extracted:
    """Crash on crash*, hang on hang*, allocate 8 GB on hog*; the real extractors for everything else."""
    if path.name.startswith("crash"):
        os.abort()  # like a segfault in a C parser: the process dies without a word
    if path.name.startswith("hang"):
        time.sleep(3600)
    if path.name.startswith("hog"):
        hoard = bytearray(8 * 1024**3)
        return Extracted(str(len(hoard)), "text")
    return extract_bytes(data, path, limits, truncated)


def never_starts(data: bytes, path: Path, limits: ExtractLimits, truncated: bool) -> Extracted:
    """Stands for a worker that cannot start: the spawned process exits while loading this module."""
    raise AssertionError("unreachable: the worker exits before its first job")


if multiprocessing.current_process().name == "desktop-search-extract" and os.environ.get(
    "DS_TEST_WORKERS_CANNOT_START"
):
    os._exit(3)
