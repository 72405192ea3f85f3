"""One window per data folder: a second launch brings the first window forward with its query, then exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QDir

from desktop_search.gui.app import listen_for_launches
from desktop_search.gui.single_instance import hand_over, server_name
from tests.conftest import index_all


def launch(home: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "desktop_search", "--home", str(home), "gui", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_launch_brings_the_window_forward_with_its_query(qtbot, make_gui, services, docs, settings) -> None:  # type: ignore[no-untyped-def]
    services.libraries.add_folders([str(docs)])
    index_all(services)
    session, window = make_gui(services)
    server = listen_for_launches(window, settings.home)
    window.hide()  # closed to the tray, say

    second = launch(settings.home, "--query", "invoice")
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=120000)  # the first answers while we wait
    _, err = second.communicate()

    assert second.returncode == 0, err
    assert "already open" in err
    assert window.isVisible()
    assert window.search.text() == "invoice"
    qtbot.waitUntil(lambda: window.final and window.model.rowCount() > 0, timeout=30000)
    assert window.model.hit(0).path.endswith("invoice-march.txt")
    server.close()


def test_a_socket_left_by_a_crash_does_not_stop_the_next_start(qtbot, make_gui, services, settings) -> None:  # type: ignore[no-untyped-def]
    stale = Path(QDir.tempPath()) / server_name(settings.home)
    stale.write_text("left behind by a process killed with SIGKILL")
    try:
        session, window = make_gui(services)
        server = listen_for_launches(window, settings.home)
        window.hide()
        second = launch(settings.home, "--query", "budget")
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=120000)
        _, err = second.communicate()
        assert second.returncode == 0, err
        assert window.isVisible()
        assert window.search.text() == "budget"
        server.close()
    finally:
        stale.unlink(missing_ok=True)


def test_without_a_running_app_nothing_is_handed_over(qtbot, settings) -> None:  # type: ignore[no-untyped-def]
    assert not hand_over(settings.home, "invoice")
