"""`desktop-search pause` / `resume` as a user runs them against `index` in another terminal."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import DOCUMENTS
from tests.core.watch_helpers import wait_until


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "desktop_search", "--home", str(home), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_index_waits_while_paused_and_finishes_after_resume(docs: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _cli(home, "add", str(docs)).returncode == 0
    paused = _cli(home, "pause")
    assert (paused.returncode, paused.stdout.startswith("Paused")) == (0, True)
    index = subprocess.Popen(
        [sys.executable, "-m", "desktop_search", "--home", str(home), "index"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    assert index.stderr is not None
    reader = threading.Thread(target=lambda: lines.extend(iter(index.stderr.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        wait_until(lambda: any("Indexing is paused until `desktop-search resume`" in x for x in lines), 120, "pause")
        status = _cli(home, "status")
        assert "Indexing is paused until `desktop-search resume`." in status.stdout
        [library] = json.loads(_cli(home, "status", "--json").stdout)
        assert (library["files"], library["embedded"]) == (0, 0), "indexed while paused"
        assert index.poll() is None, "index gave up instead of waiting"
        assert _cli(home, "resume").stdout == "Resumed.\n"
        assert index.wait(timeout=300) == 0
    finally:
        if index.poll() is None:
            index.kill()
        index.wait()
    reader.join(10)
    index.stderr.close()
    assert any(x.strip() == "Resumed." for x in lines)
    assert index.stdout is not None
    assert f"{len(DOCUMENTS)} files looked at" in index.stdout.read()
    index.stdout.close()
    [library] = json.loads(_cli(home, "status", "--json").stdout)
    assert (library["files"], library["pending"]) == (len(DOCUMENTS), 0)
    assert "Indexing is paused" not in _cli(home, "status").stdout
    assert _cli(home, "resume").stdout == "Indexing was not paused.\n"
