"""Walking a library's folders: which files exist now, with size and modification time."""

from __future__ import annotations

import errno
import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_search.core.extract.opening import special_kind
from desktop_search.core.generated import GENERATED, GENERATED_PATTERNS
from desktop_search.paths import is_inside
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
    *GENERATED_PATTERNS,
    GENERATED,
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
    # Files and folders whose names cannot be stored, as printable paths, with the reason: listed as failed.
    unstorable: list[tuple[ScannedFile, str]] = field(default_factory=list)

    def record_error(self, exc: OSError) -> None:
        self.errors.append((printable(str(exc.filename)), exc.strerror or str(exc)))


NOT_UTF8 = "name is not valid UTF-8; rename it to index it"
NOT_UTF8_FOLDER = "folder name is not valid UTF-8; rename it to index the files in it"


def printable(path: str) -> str:
    """A path safe to print and store: bytes that are not UTF-8 shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _storable(root: RootRecord, path: str, result: ScanResult, folder: bool = False) -> bool:
    """Whether the path can be stored (UTF-8); a name in another encoding is listed as failed, not indexed."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            st = os.stat(path)
        except OSError as exc:
            result.errors.append((printable(path), exc.strerror or str(exc)))
        else:
            shown = ScannedFile(printable(path), root.id, st.st_size, st.st_mtime_ns)
            result.unstorable.append((shown, NOT_UTF8_FOLDER if folder else NOT_UTF8))
        return False
    return True


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


def skips_folder(exclusions: Exclusions, path: str, relative: str) -> bool:
    """Whether a scan leaves out the folder `path` (`relative`: its path below the root, with "/")."""
    name = os.path.basename(path)
    return exclusions.excludes(name, relative) or exclusions.is_data_dir(path) or _is_virtualenv(path)


def excluded_below(root: str, path: str, exclusions: Exclusions) -> bool:
    """Whether `path` or one of its folders below `root` is excluded, as a full scan would decide."""
    parts = os.path.relpath(path, root).split(os.sep)
    current = root
    for depth, name in enumerate(parts):
        current = os.path.join(current, name)
        if skips_folder(exclusions, current, "/".join(parts[: depth + 1])):
            return True
    return False


def relative_folder(root: str, folder: str) -> str:
    """`folder` below `root` as exclusions match it: "" for the root itself, else its path with "/" and a "/"."""
    relative = os.path.relpath(folder, root).replace(os.sep, "/")
    return "" if relative == "." else relative + "/"


class _Links:
    """Which symbolic links a scan follows: by default only those whose target lies inside the library's
    folders, so a link to ~/.bashrc or /etc/passwd never brings that file in; `follow` (the library's option,
    as Recoll's followLinks) follows every link, folders included, walking each real folder once."""

    def __init__(self, roots: Sequence[RootRecord], follow: bool) -> None:
        self.follow = follow
        self.real_roots = [os.path.realpath(r.path) for r in roots]
        self.walked: set[tuple[int, int]] = set()  # (device, inode) of folders walked: a link loop ends

    def allows(self, path: str) -> bool:
        """Whether the file or folder `path` resolves to may be read."""
        if self.follow:
            return True
        real = os.path.realpath(path)
        return any(is_inside(real, r) for r in self.real_roots)

    def first_visit(self, folder: str) -> bool:
        try:
            st = os.stat(folder)
        except OSError:
            return False
        key = (st.st_dev, st.st_ino)
        if key in self.walked:
            return False
        self.walked.add(key)
        return True


def _walk(root: RootRecord, top: str, exclusions: Exclusions, result: ScanResult, links: _Links) -> None:
    """Add every included file under `top` (a folder at or below `root`) to `result`."""
    for dirpath, dirnames, filenames in os.walk(top, onerror=result.record_error, followlinks=links.follow):
        if links.follow and not links.first_visit(dirpath):
            dirnames[:] = []
            continue
        rel_dir = relative_folder(root.path, dirpath)
        dirnames[:] = [
            d
            for d in dirnames
            if not skips_folder(exclusions, os.path.join(dirpath, d), rel_dir + d)
            and _storable(root, os.path.join(dirpath, d), result, folder=True)
        ]
        for name in filenames:
            if not exclusions.excludes(name, rel_dir + name):
                path = os.path.join(dirpath, name)
                if not os.path.islink(path) or links.allows(path):
                    _add_file(root, path, result)


def _add_file(root: RootRecord, path: str, result: ScanResult) -> None:
    if not _storable(root, path, result):
        return
    try:
        st = os.stat(path)
    except OSError as exc:
        if not os.path.islink(path) and exc.errno != errno.ENOENT:
            result.errors.append((printable(path), exc.strerror or str(exc)))
        return  # a dangling symlink is not a document; a file deleted meanwhile is simply gone
    # Named pipes, sockets and devices are listed too, so that indexing records why they are skipped.
    if special_kind(st.st_mode) != "folder":
        result.files.setdefault(path, ScannedFile(path, root.id, st.st_size, st.st_mtime_ns))


def scan(roots: Sequence[RootRecord], exclusions: Exclusions, follow_links: bool = False) -> ScanResult:
    """Every file under the roots that no exclusion matches. Without `follow_links`, symlinked folders are
    not entered and a symlinked file is listed only when its target lies inside the roots."""
    result = ScanResult()
    links = _Links(roots, follow_links)
    for root in roots:
        if os.path.isdir(root.path):
            _walk(root, root.path, exclusions, result, links)
        else:
            result.missing_roots.append(root.path)
    return result


def root_of(roots: Sequence[RootRecord], path: str) -> RootRecord | None:
    """The root that contains `path` (the deepest one, should roots ever nest)."""
    inside = [r for r in roots if is_inside(path, r.path)]
    return max(inside, key=lambda r: len(r.path), default=None)


def outermost(paths: Iterable[str]) -> list[str]:
    """The paths that are not inside another of the paths: a changed folder covers its contents."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not is_inside(path, kept[-1]):
            kept.append(path)
    return kept


def scan_paths(
    roots: Sequence[RootRecord], exclusions: Exclusions, paths: Iterable[str], follow_links: bool = False
) -> ScanResult:
    """Like `scan`, but only the given files and folders (changed paths reported by a watcher)."""
    result = ScanResult()
    links = _Links(roots, follow_links)
    for path in outermost(paths):
        root = root_of(roots, path)
        if root is None:
            continue
        if not os.path.isdir(root.path):
            result.missing_roots.append(root.path)
        elif path == root.path:
            _walk(root, path, exclusions, result, links)
        elif not excluded_below(root.path, path, exclusions) and links.allows(path):
            # (a path reached through a symlinked folder resolves outside the roots unless links are followed)
            if os.path.isdir(path) and (follow_links or not os.path.islink(path)):
                _walk(root, path, exclusions, result, links)
            else:
                _add_file(root, path, result)
    return result
