"""The first hour, end to end, in the real app on a real X desktop with a tray (Xvfb + openbox + trayer), with
the bundled MiniLM: empty home → add a folder → query while indexing → the right file appears without
retyping → its preview → a visible error → Quit with Ctrl+Q → the process and its workers are gone."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import apsw
import pytest

from tests.gui.xdesktop import NEEDS_X, XDesktop, alive, descendants, wait_for

pytestmark = [NEEDS_X, pytest.mark.slow]

STEPS = [
    "first-run page",
    "tray icon",
    "folder dialog at home",
    "indexing under way",
    "nothing found for it yet",
    "the right file without retyping",
    "its preview",
    "a visible error",
]


def write_notes(folder: Path, count: int) -> None:
    topics = ["budget meeting", "garden tomatoes", "rail timetable", "printer drivers", "tax return", "piano"]
    for n in range(count):
        topic = topics[n % len(topics)]
        text = f"Note {n} on the {topic}.\n\n" + f"More about the {topic}, item {n}, and what follows from it. " * 30
        (folder / f"note-{n:03d}.txt").write_text(text, encoding="utf-8")


def test_a_new_users_first_hour(x_desktop: XDesktop, tmp_path: Path) -> None:
    user = tmp_path / "user"
    folder = user / "Documents"
    folder.mkdir(parents=True)
    write_notes(folder, 40)
    data = tmp_path / "data"
    log = tmp_path / "app-stderr.txt"
    command = [sys.executable, "-m", "tests.gui.scenario_app", str(data), folder.name]
    with log.open("w") as err:
        app = subprocess.Popen(
            command, env=x_desktop.env(HOME=str(user)), stdout=subprocess.PIPE, stderr=err, text=True
        )
    lines: list[str] = []
    assert app.stdout is not None
    threading.Thread(target=lambda: lines.extend(iter(app.stdout.readline, "")), daemon=True).start()  # type: ignore[union-attr]

    def finished() -> bool:
        return "ready to quit\n" in lines or any(line.startswith("fail") for line in lines)

    try:
        wait_for("the scenario's steps", finished, timeout=240)
        said = [line.strip() for line in lines if line.startswith(("ok", "fail"))]
        assert said == [f"ok {step}" for step in STEPS], log.read_text()[-3000:]
        workers = descendants(app.pid)
        assert workers, "no extraction worker processes to check"
        window = wait_for("the main window", x_desktop.main_window, timeout=10)
        x_desktop.screenshot(tmp_path / "before-quit.png")  # for a person to look at when it fails
        x_desktop.key(window, "ctrl+q")
        app.wait(60)
    finally:
        if app.poll() is None:
            x_desktop.screenshot(tmp_path / "scenario.png")
            app.kill()
            app.wait()
        app.stdout.close()
    assert app.returncode == 0, log.read_text()[-3000:]
    wait_for("every worker process to end", lambda: not any(alive(pid) for pid in workers), timeout=15)
    db = apsw.Connection(str(data / "index.sqlite3"))
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
