"""Walking a library's folders: which files exist now, with size and modification time."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_search.records import RootRecord

DEFAULT_EXCLUSIONS = (
    ".*",  # hidden files and folders: .git, .venv, .cache, editor state
    "node_modules",
    "__pycache__",
    "site-packages",
    "*.egg-info",
    "~$*",  # Office lock files
    "*~",
    "*.swp",
    "*.tmp",
    "*.part",
    "*.crdownload",
    "Thumbs.db",
    "desktop.ini",
)


@dataclass(frozen=True)
class ScannedFile:
    path: str
    root_id: int
    size: int
    mtime_ns: int


@dataclass
class ScanResult:
    files: dict[str, ScannedFile] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    missing_roots: list[str] = field(default_factory=list)

    def record_error(self, exc: OSError) -> None:
        self.errors.append((str(exc.filename), exc.strerror or str(exc)))


class Exclusions:
    """Glob patterns: without a slash they match any single name, with one the path below the root."""

    def __init__(self, patterns: Sequence[str], data_dir: Path | None = None) -> None:
        self.names = [p for p in patterns if "/" not in p]
        self.paths = [p.strip("/") for p in patterns if "/" in p]
        self.data_dir = os.path.realpath(data_dir) if data_dir else None

    def excludes(self, name: str, relative: str) -> bool:
        if any(fnmatch.fnmatch(name, p) for p in self.names):
            return True
        return any(fnmatch.fnmatch(relative, p) for p in self.paths)

    def is_data_dir(self, path: str) -> bool:
        return self.data_dir is not None and os.path.realpath(path) == self.data_dir


def _is_virtualenv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


def scan(roots: Sequence[RootRecord], exclusions: Exclusions) -> ScanResult:
    """Every regular file under the roots that no exclusion matches. Symlinked folders are not entered."""
    result = ScanResult()
    for root in roots:
        if not os.path.isdir(root.path):
            result.missing_roots.append(root.path)
            continue

        for dirpath, dirnames, filenames in os.walk(root.path, onerror=result.record_error):
            rel_dir = os.path.relpath(dirpath, root.path)
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            dirnames[:] = [
                d
                for d in dirnames
                if not exclusions.excludes(d, rel_dir + d)
                and not exclusions.is_data_dir(os.path.join(dirpath, d))
                and not _is_virtualenv(os.path.join(dirpath, d))
            ]
            for name in filenames:
                if exclusions.excludes(name, rel_dir + name):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError as exc:
                    if os.path.islink(path):
                        continue  # a dangling symlink is not a document
                    result.errors.append((path, exc.strerror or str(exc)))
                    continue
                if stat.S_ISREG(st.st_mode):
                    result.files.setdefault(path, ScannedFile(path, root.id, st.st_size, st.st_mtime_ns))
    return result
