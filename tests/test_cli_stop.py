"""`index` and `watch` stop on SIGINT or SIGTERM while the model is busy and other programs load every core."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.cli import main
from desktop_search.storage import Store, open_database
from tests.core.watch_helpers import wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals; /proc for the workers")

HANG_S = 60.0  # only a hang detector: the process ends about a second after the signal, whatever the load


@pytest.fixture
def busy_cores() -> Iterator[None]:
    """Programs that keep the cores busy, as a compile or a video call would."""
    count = min(len(os.sched_getaffinity(0)), 4)
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    yield
    for hog in hogs:
        hog.kill()
        hog.wait()


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def _ended(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # a zombie has ended; only its exit status waits to be collected


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"


class _Helper:
    """The real command line in a process whose model never returns from its forward pass."""

    def __init__(self, home: Path, command: str, hold_gil: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.stop_helper", str(home), *(["--hold-gil"] if hold_gil else []), command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.embedding = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(HANG_S)
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("embedding"):
                self.embedding.set()


def _consistent(db_path: Path) -> None:
    store = Store(open_database(db_path, readonly=True))
    try:
        conn = store.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Every chunk of every indexed file is either embedded or queued; nothing half-written.
        chunks = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
        space = store.active_space(store.libraries()[0].id)
        assert space is not None
        assert store.vector_count(space) + store.pending_count(space.id) == chunks
        orphans = "SELECT count(*) FROM files WHERE status = 'indexed' AND content_id IS NULL"
        assert conn.execute(orphans).fetchone()[0] == 0
    finally:
        store.conn.close()


FORCED = -signal.SIGKILL  # the guard ended a process that could not end itself in time


@pytest.mark.parametrize(
    ("command", "signum", "codes", "farewell", "hold_gil"),
    [
        ("watch", signal.SIGTERM, {0, FORCED}, "Stopped; the index is consistent", False),  # a service manager
        ("watch", signal.SIGINT, {0, FORCED}, "Stopped; the index is consistent", False),  # Ctrl+C
        ("index", signal.SIGINT, {130, FORCED}, "Interrupted; the index is consistent", False),
        ("index", signal.SIGTERM, {130, FORCED}, "Interrupted; the index is consistent", False),
        # No thread of the process can run Python: only the guard can end it.
        ("watch", signal.SIGTERM, {FORCED}, "Stopped; the index is consistent", True),
        ("index", signal.SIGINT, {FORCED}, "Interrupted; the index is consistent", True),
    ],
    ids=["watch-SIGTERM", "watch-SIGINT", "index-SIGINT", "index-SIGTERM", "watch-SIGTERM-gil", "index-SIGINT-gil"],
)
def test_a_signal_stops_the_command_while_the_model_is_busy_and_the_cores_are_loaded(
    docs: Path,
    tmp_path: Path,
    busy_cores: None,
    command: str,
    signum: int,
    codes: set[int],
    farewell: str,
    hold_gil: bool,
) -> None:
    home = tmp_path / "home"
    assert main(["--home", str(home), "add", str(docs)]) == 0
    helper = _Helper(home, command, hold_gil)  # `watch` at its default, lowered priority
    try:
        assert helper.embedding.wait(HANG_S * 2), helper.lines
        children = _children(helper.proc.pid)  # extraction workers, multiprocessing's resource tracker
        assert any("spawn_main" in _cmdline(pid) for pid in children), "no extraction worker to end"
        helper.proc.send_signal(signum)
        try:
            assert helper.proc.wait(HANG_S) in codes, helper.lines
        except subprocess.TimeoutExpired:
            pytest.fail(f"`{command}` still running {HANG_S:g} s after {signal.Signals(signum).name}")
    finally:
        helper.close()
    left = {pid: _cmdline(pid) for pid in children if not _ended(pid)}
    assert not [pid for pid, line in left.items() if "spawn_main" in line], f"workers outlived the command: {left}"
    # multiprocessing's resource tracker ends by itself once its parent is gone (it reads end-of-file).
    wait_until(lambda: all(_ended(pid) for pid in left), HANG_S, "the resource tracker to end")
    assert any(farewell in line for line in helper.lines), helper.lines
    # The guard went with the command: nothing else still runs this command line.
    wait_until(lambda: not _running(str(home)), HANG_S, "the stop guard to end")
    _consistent(home / "index.sqlite3")


def _running(text: str) -> list[int]:
    """Processes (not zombies) whose command line holds `text`."""
    return [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and text in _cmdline(int(p.name)) and not _ended(int(p.name))
    ]
