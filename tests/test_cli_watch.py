"""`desktop-search watch` as a user runs it: a real process, the real model, pause/resume, one writer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop_search.storage import open_database
from tests.core.watch_helpers import wait_until

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX signals")


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "desktop_search", "--home", str(home), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


class _Watch:
    """`desktop-search watch` in the background, its output lines collected as they come."""

    def __init__(self, home: Path) -> None:
        self.proc = subprocess.Popen(
            # --full-speed: the default lowers the priority (nice 10), which lets any other load on a
            # shared test machine starve the process for minutes; this test is about behaviour, not politeness.
            [sys.executable, "-m", "desktop_search", "--home", str(home), "watch", "--full-speed"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def saw(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))


def _found(home: Path, word: str) -> bool:
    """The word is in the keyword index and every chunk has its vector (read in-process: a CLI start is slow)."""
    conn = open_database(home / "index.sqlite3", readonly=True)
    try:
        hits = conn.execute("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (word,)).fetchone()[0]
        return bool(hits) and conn.execute("SELECT count(*) FROM pending_embeds").fetchone()[0] == 0
    finally:
        conn.close()


def test_watch_follows_edits_pauses_and_stops_cleanly(docs: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _cli(home, "add", str(docs)).returncode == 0
    watch = _Watch(home)
    try:
        wait_until(lambda: watch.saw("chunks embedded"), timeout=120, what=f"the first index: {watch.lines}")
        other = _cli(home, "index")  # a second writer is refused with a clear message
        assert other.returncode == 1
        assert "already indexing" in other.stderr
        assert _cli(home, "pause").returncode == 0
        wait_until(lambda: watch.saw("paused"), what="the pause")
        (docs / "fresh.txt").write_text("The quokka census starts on Monday.\n", encoding="utf-8")
        assert _cli(home, "resume").returncode == 0
        wait_until(lambda: _found(home, "quokka"), timeout=180, what="the new file to be searchable")
        hits = json.loads(_cli(home, "search", "quokka", "--mode", "keyword", "--json").stdout)
        assert [Path(h["path"]).name for h in hits] == ["fresh.txt"]
        watch.proc.send_signal(signal.SIGINT)
        assert watch.proc.wait(timeout=60) == 0  # a hang detector: it stops within moments, even mid forward pass
        wait_until(lambda: watch.saw("Stopped"), what="the goodbye")
    finally:
        if watch.proc.poll() is None:
            watch.proc.kill()
        watch.proc.wait()
        if watch.proc.stdout is not None:
            watch.proc.stdout.close()
    assert _cli(home, "index").returncode == 0  # the lock went with the process
    assert os.path.exists(home / "index.sqlite3")
