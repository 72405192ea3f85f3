"""Where a slow call was: faulthandler dumps every thread's stack once a call overruns, and the innermost
frame of the calling thread names what it waited on (SQLite, a lock, the model's forward pass)."""

from __future__ import annotations

import faulthandler
import re
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SlowStacks:
    """`with stacks.watch(): call()` notes the innermost frame of this thread when the call takes longer than
    `threshold_s`; `where` counts them. One watch at a time per process (faulthandler has one timer)."""

    def __init__(self, threshold_s: float) -> None:
        self.threshold_s = threshold_s
        self.where: Counter[str] = Counter()
        self._file = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed with the process

    @contextmanager
    def watch(self) -> Iterator[None]:
        self._file.seek(0)
        self._file.truncate()
        faulthandler.dump_traceback_later(self.threshold_s, file=self._file)
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()
            self._file.seek(0)
            if dump := self._file.read():
                self.where[_innermost(dump, threading.get_ident())] += 1


def _innermost(dump: str, thread_id: int) -> str:
    """The innermost frame of one thread in a faulthandler dump."""
    for block in re.split(r"\n(?=(?:Current thread|Thread) 0x)", dump):
        if block.lstrip().startswith(("Current thread", "Thread")) and f"0x{thread_id:016x}" in block:
            frames = re.findall(r'File "([^"]+)", line (\d+) in (\S+)', block)
            if frames:
                path, line, name = frames[0]
                return f"{Path(path).name}:{line} {name}"
    return "?"
