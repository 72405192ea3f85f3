"""Opening a document for reading without ever waiting on, or reading from, something that is not a file."""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

_SPECIAL = (
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "device"),
    (stat.S_ISBLK, "device"),
    (stat.S_ISDIR, "folder"),
)
# O_NONBLOCK: opening a FIFO does not wait for a writer. O_NOCTTY: a terminal never becomes ours.
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def special_kind(mode: int) -> str | None:
    """What a path that is not a regular file is ("named pipe", "socket", "device", "folder"), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _SPECIAL if test(mode)), "special file")


class NotRegularFile(OSError):
    """The path is a named pipe, socket, device or folder: never a document, and never read."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(errno.EINVAL, f"not a document ({what})", path)
        self.reason = f"not a document ({what})"


def open_regular(path: str) -> BinaryIO:
    """Open a regular file for reading in binary mode; anything else raises NotRegularFile.

    A special file is refused by its stat without being opened. One swapped in after that (a race) is
    caught on the opened descriptor itself: the non-blocking open returns at once even for a FIFO with no
    writer, and fstat says what was opened.
    """
    what = special_kind(os.stat(path).st_mode)
    if what is not None:
        raise NotRegularFile(path, what)
    fd = os.open(path, _FLAGS)
    try:
        what = special_kind(os.fstat(fd).st_mode)
        if what is not None:
            raise NotRegularFile(path, what)
        if _FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)  # reads of a regular file then behave as usual (network file systems)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
