"""No tracebacks outside documents: a closed pipe, and a data folder that cannot be written."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.services import Services
from tests.conftest import index_all

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes and permissions")


def _cli(home: Path, *args: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "desktop_search", "--home", str(home), *args]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120, check=False)


@pytest.fixture
def home(services: Services, docs: Path) -> Path:
    """A data folder with the documents indexed (fake model: these tests search by keyword)."""
    services.libraries.add_folders([str(docs)])
    index_all(services)
    return services.settings.home


def test_search_into_a_closed_pipe_ends_quietly(home: Path) -> None:
    # `search --json | head -1`: the reader is gone before the results are written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = _cli(home, "search", "invoice", "--mode", "keyword", "--json", stdout=write_end)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141  # what a shell reports for any command whose reader went away


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """The folder and its files cannot be written: by permissions, or for root (whom permissions do not stop)
    by a read-only bind mount, as on read-only media."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
        for p, mode in modes.items():
            p.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    mount = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, check=False)
    if mount.returncode != 0:
        pytest.skip("running as root without the right to mount: cannot make a folder read-only")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def _leave_wal_files(home: Path) -> None:
    """A process that had the index open and ended without closing it leaves its -wal and -shm files."""
    script = (
        "import os, sys; from pathlib import Path; from desktop_search.storage import open_database; "
        "c = open_database(Path(sys.argv[1])); c.execute('SELECT count(*) FROM files').fetchall(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", script, str(home / "index.sqlite3")], check=True, timeout=60)
    assert (home / "index.sqlite3-wal").exists()
    assert (home / "index.sqlite3-shm").exists()


@pytest.mark.parametrize("leftovers", [True, False], ids=["with-wal-and-shm", "closed-cleanly"])
def test_a_read_only_data_folder_is_searched_and_writing_commands_say_why_not(
    home: Path, docs: Path, services: Services, leftovers: bool
) -> None:
    services.close()
    if leftovers:
        _leave_wal_files(home)
    with _read_only(home):
        found = _cli(home, "search", "invoice", "--mode", "keyword", "--json")
        assert found.returncode == 0, found.stderr
        assert [Path(h["path"]).name for h in json.loads(found.stdout)] == ["invoice-march.txt"]
        status = _cli(home, "status", "--json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)[0]["files"] == len(list(docs.rglob("*.*")))
        for command in (["index"], ["watch"], ["add", str(docs), "--library", "other"], ["pause"]):
            refused = _cli(home, *command)
            assert refused.returncode == 1, (command, refused.stderr)
            assert "Traceback" not in refused.stderr, refused.stderr
            assert refused.stderr.startswith("error: "), refused.stderr
            why = refused.stderr.lower()
            assert "read-only" in why or "permission denied" in why, refused.stderr
