"""Awkward folders: undecodable names, symlink loops, very long paths, unreadable folders and huge logs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_search.core.extract import MB
from desktop_search.core.indexer import Indexer
from desktop_search.core.producer import IndexLimits
from desktop_search.core.scanner import NOT_UTF8
from desktop_search.core.search import SearchOptions
from desktop_search.services import Services
from tests.conftest import index_all


def _names(services: Services, query: str) -> list[str]:
    hits = services.searcher().search(query, services.libraries.select(None), SearchOptions(mode="keyword"))
    return [Path(h.path).name for h in hits]


def _deep_path(top: Path, total: int) -> bytes:
    """Create nested folders until the path is longer than `total` bytes; returns the deepest (bytes)."""
    path = os.fsencode(top)
    component = b"d" * 200
    fd = os.open(top, os.O_RDONLY)
    try:
        while len(path) < total:
            os.mkdir(component, dir_fd=fd)
            child = os.open(component, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
            path += b"/" + component
        note = os.open(b"deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(note, b"abyssal trench notes")
        os.close(note)
    finally:
        os.close(fd)
    return path


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_awkward_names_and_links_are_reported_never_fatal(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "awkward"
    folder.mkdir()
    (folder / "normal.txt").write_text("ordinary aardvark", encoding="utf-8")
    (folder / ("é" * 120 + ".txt")).write_text("long-named narwhal", encoding="utf-8")  # 240 bytes: allowed
    with open(os.fsencode(folder) + b"/caf\xe9-latin1-name.txt", "wb") as f:  # not UTF-8: cannot be stored
        f.write(b"undecodable name")
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # a folder link back to its parent
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")  # a file link loop
    _deep_path(folder, 4200)  # beyond PATH_MAX (4096) on Linux
    services.libraries.add_folders([str(folder)])
    reports = index_all(services)
    assert reports[-1].phase == "done"  # type: ignore[attr-defined]
    messages = reports[-1].messages  # type: ignore[attr-defined]
    assert any("File name too long" in m for m in messages), messages  # the folder beyond PATH_MAX
    assert _names(services, "aardvark") == ["normal.txt"]
    assert _names(services, "narwhal") == ["é" * 120 + ".txt"]
    status = services.libraries.status()[0]
    assert status.files == 2
    assert [(Path(f.path).name, f.error) for f in status.failed_files] == [("caf\\xe9-latin1-name.txt", NOT_UTF8)]
    assert services.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_unreadable_folder_is_reported_and_the_rest_indexed(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mixed"
    (folder / "private").mkdir(parents=True)
    (folder / "private" / "diary.txt").write_text("secret heron", encoding="utf-8")
    (folder / "public.txt").write_text("public puffin", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if str(path).endswith("private"):  # the tests run as root, where chmod cannot deny access
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    services.libraries.add_folders([str(folder)])
    reports = index_all(services)
    assert any("private" in m and "Permission denied" in m for m in reports[-1].messages)  # type: ignore[attr-defined]
    assert _names(services, "puffin") == ["public.txt"]


def test_a_2_gb_log_is_indexed_from_its_start_without_reading_it_all(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    log = folder / "server.log"
    with log.open("wb") as f:
        f.write(b"2026-01-01 boot sequence started by the quokka daemon\n" * 1000)
        f.truncate(2 * 1024**3)  # sparse: 2 GB on paper, nothing on disk
    services.libraries.add_folders([str(folder)])
    [library] = services.libraries.select(None)
    limits = IndexLimits(max_text_bytes=MB)
    list(Indexer(services.store, services.embedders, services.settings.home, limits).run(library))
    assert _names(services, "quokka") == ["server.log"]
    row = services.store.conn.execute("SELECT status, error FROM files").fetchone()
    assert row == ("indexed", "only the first 1 MB indexed")
