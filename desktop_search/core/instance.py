"""The single-writer guard: one process at a time indexes a data folder; searching never waits for it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType
from typing import IO

from desktop_search.errors import AlreadyRunning
from desktop_search.storage.db import read_only_error

LOCK_NAME = "writer.lock"


def _try_lock(f: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        f.seek(0)
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class WriterLock:
    """An OS file lock in the data folder; the OS drops it when the process ends, even on kill -9 or a crash."""

    def __init__(self, home: Path) -> None:
        self.path = home / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise AlreadyRunning saying which process holds it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            f = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for as long as we write
        except OSError as exc:  # a read-only folder or disk: nothing can be indexed into it
            raise read_only_error(f"Cannot index into {self.path.parent}: {exc.strerror or exc}.") from exc
        if not _try_lock(f):
            f.seek(0)
            pid = f.read().strip() or "unknown"
            f.close()
            raise AlreadyRunning(
                f"Another Desktop Search process (pid {pid}) is already indexing this data folder "
                f"({self.path.parent}). Searching works meanwhile; to index, stop the other one "
                "(or wait for it to finish)."
            )
        f.seek(0)
        f.truncate()
        f.write(f"{os.getpid()}\n")
        f.flush()
        self._file = f

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the lock
            self._file = None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
