"""Quit ends the app and its workers even with a system tray; the close button only hides the window to the tray.

These run the real app under Xvfb with a window manager (openbox) and a tray host (trayer), driven by xdotool,
because the offscreen platform has no tray: there `setQuitOnLastWindowClosed(False)` never applies.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import apsw
import pytest

from tests.conftest import write_documents
from tests.gui.xdesktop import NEEDS_X, XDesktop, alive, descendants, wait_for, wait_until

pytestmark = NEEDS_X


def start_app(x_desktop: XDesktop, home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = x_desktop.env(HOME=str(home.parent / "user"), DESKTOP_SEARCH_HOME=str(home))
    command = [sys.executable, "-m", "desktop_search", "--home", str(home), "gui", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for_exit(app: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    try:
        _, err = app.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        app.kill()
        _, err = app.communicate()
        pytest.fail(f"the app was still running {timeout:.0f} s after Quit; stderr:\n{err.decode()[-3000:]}")
    assert app.returncode == 0, err.decode()[-3000:]
    return app.returncode


@pytest.fixture
def ended(request: pytest.FixtureRequest) -> list[subprocess.Popen[bytes]]:
    """Apps started by a test; any still running at its end are killed (the test has failed by then)."""
    apps: list[subprocess.Popen[bytes]] = []
    yield apps  # type: ignore[misc]
    for app in apps:
        if app.poll() is None:
            app.kill()
        app.communicate()


@pytest.mark.slow
def test_ctrl_q_while_indexing_ends_the_app_and_its_workers(x_desktop: XDesktop, tmp_path: Path, ended) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "data"
    docs = write_documents(tmp_path / "docs")
    for n in range(120):  # enough for indexing to be under way when Quit comes
        (docs / f"extra-{n:03d}.txt").write_text(f"Note {n}. " + "The river runs past the old mill. " * 40)
    added = subprocess.run(
        [sys.executable, "-m", "desktop_search", "--home", str(home), "add", str(docs)], capture_output=True, text=True
    )
    assert added.returncode == 0, added.stderr
    app = start_app(x_desktop, home)
    ended.append(app)
    window = wait_for("the main window", x_desktop.main_window, timeout=60)
    wait_for("the tray icon", x_desktop.tray_icon, timeout=30)
    workers = wait_for("extraction workers", lambda: descendants(app.pid), timeout=60)

    x_desktop.key(window, "ctrl+q")

    assert wait_for_exit(app) == 0
    wait_for("every worker process to end", lambda: not any(alive(pid) for pid in workers), timeout=15)
    assert not descendants(app.pid)
    db = apsw.Connection(str(home / "index.sqlite3"))
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    status = subprocess.run(
        [sys.executable, "-m", "desktop_search", "--home", str(home), "status", "--json"],
        capture_output=True,
        text=True,
    )
    assert status.returncode == 0, status.stderr


@pytest.mark.slow
def test_quit_does_not_wait_for_a_model_batch(x_desktop: XDesktop, tmp_path: Path, ended) -> None:  # type: ignore[no-untyped-def]
    """A batch takes 10 s and more on a busy machine; here it never ends. Quit ends the app anyway (before, it
    waited 30 s for the batch with no window left, and this failed), its workers end and the index stays whole."""
    home = tmp_path / "data"
    docs = write_documents(tmp_path / "docs")
    added = subprocess.run(
        [sys.executable, "-m", "desktop_search", "--home", str(home), "add", str(docs)], capture_output=True, text=True
    )
    assert added.returncode == 0, added.stderr
    env = x_desktop.env(HOME=str(tmp_path / "user"), DESKTOP_SEARCH_HOME=str(home))
    command = [sys.executable, "-m", "tests.gui.stuck_app", str(home)]
    said = tmp_path / "stdout.txt"
    with said.open("wb") as out:
        app = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.PIPE)
    ended.append(app)
    window = wait_for("the main window", x_desktop.main_window, timeout=60)
    wait_for("the tray icon", x_desktop.tray_icon, timeout=30)
    wait_for("the model to be inside a batch", lambda: "embedding" in said.read_text(), timeout=60)
    workers = descendants(app.pid)

    x_desktop.key(window, "ctrl+q")

    assert wait_for_exit(app) == 0
    wait_for("every worker process to end", lambda: not any(alive(pid) for pid in workers), timeout=15)
    db = apsw.Connection(str(home / "index.sqlite3"))
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_close_hides_to_the_tray_and_the_trays_quit_ends_the_app(x_desktop: XDesktop, tmp_path: Path, ended) -> None:  # type: ignore[no-untyped-def]
    app = start_app(x_desktop, tmp_path / "data")
    ended.append(app)
    window = wait_for("the main window", x_desktop.main_window, timeout=60)
    icon = wait_for("the tray icon", x_desktop.tray_icon, timeout=30)

    def closed() -> bool:  # the window manager's close, as the title bar's X button (again if a busy
        if x_desktop.main_window() is None:  # machine lost the key press)
            return True
        x_desktop.key(window, "alt+F4")
        return wait_until(lambda: x_desktop.main_window() is None, 5)

    wait_for("the window to be hidden", closed, timeout=30, interval=0)
    assert app.poll() is None, "closing the window with a tray icon must keep the app running"
    assert x_desktop.tray_icon() is not None

    x_desktop.click(*icon.centre)  # a click on the tray icon brings the window back
    wait_for("the window to come back", x_desktop.main_window, timeout=15)

    x_desktop.click(*icon.centre, button=3)
    wait_for("the tray menu", x_desktop.menu, timeout=10)
    x_desktop.xdotool("key", "Up", "Return")  # the last entry of the tray menu: Quit Desktop Search
    assert wait_for_exit(app) == 0
    assert not descendants(app.pid)


def test_file_menu_quit_ends_the_app_with_a_tray(x_desktop: XDesktop, tmp_path: Path, ended) -> None:  # type: ignore[no-untyped-def]
    app = start_app(x_desktop, tmp_path / "data")
    ended.append(app)
    window = wait_for("the main window", x_desktop.main_window, timeout=60)
    wait_for("the tray icon", x_desktop.tray_icon, timeout=30)
    x_desktop.key(window, "alt+f")
    x_desktop.xdotool("key", "q")  # File ▸ &Quit
    assert wait_for_exit(app) == 0
