"""One answer to "is this path inside that folder", on POSIX and on Windows paths alike."""

from __future__ import annotations

from pathlib import PureWindowsPath

import pytest

from desktop_search.core.indexer import gone_files
from desktop_search.paths import is_inside

WIN = "\\"


def w(path: str) -> str:
    return str(PureWindowsPath(path))


@pytest.mark.parametrize(
    ("path", "folder", "inside"),
    [
        ("/home/ann/Documents/a.txt", "/home/ann/Documents", True),
        ("/home/ann/Documents", "/home/ann/Documents", True),
        ("/home/ann/Documents/", "/home/ann/Documents", True),
        ("/home/ann/Documents/a/b/c.md", "/home/ann/Documents/", True),
        ("/home/ann/Documents2/a.txt", "/home/ann/Documents", False),  # a sibling sharing the prefix
        ("/home/ann", "/home/ann/Documents", False),
        ("/etc/passwd", "/", True),
    ],
)
def test_posix_paths(path: str, folder: str, inside: bool) -> None:
    assert is_inside(path, folder, "/") is inside


@pytest.mark.parametrize(
    ("path", "folder", "inside"),
    [
        (w("E:/Photos/2020/beach.txt"), w("E:/Photos"), True),
        (w("E:/Photos"), w("E:/Photos"), True),
        (w("E:/Photos2/beach.txt"), w("E:/Photos"), False),
        (w("C:/Users/ann/notes.md"), w("C:/"), True),  # a whole drive
        (w("D:/Users/ann/notes.md"), w("C:/"), False),
    ],
)
def test_windows_paths(path: str, folder: str, inside: bool) -> None:
    assert is_inside(path, folder, WIN) is inside


def test_the_files_of_an_unplugged_windows_folder_stay_in_the_index() -> None:
    """A folder on an unplugged drive (E:) keeps its files; a file deleted from a folder still there goes."""
    known = [w("E:/Photos/2020/beach.txt"), w("E:/Photos/notes.md"), w("C:/Docs/kept.txt"), w("C:/Docs/deleted.txt")]
    found = {w("C:/Docs/kept.txt")}
    assert gone_files(known, found, [w("E:/Photos")], WIN) == [w("C:/Docs/deleted.txt")]


def test_a_missing_folder_does_not_keep_a_sibling_that_shares_its_prefix() -> None:
    known = ["/media/usb/a.txt", "/media/usb2/b.txt"]
    assert gone_files(known, set(), ["/media/usb"], "/") == ["/media/usb2/b.txt"]
