"""GUI fixtures: the offscreen platform, a recording opener, and a running session that must stop cleanly."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_search.gui.app import build_window  # noqa: E402
from desktop_search.gui.main_window import MainWindow  # noqa: E402
from desktop_search.gui.session import STOP_TIMEOUT_S, Session  # noqa: E402
from desktop_search.services import Services  # noqa: E402
from tests.gui.xdesktop import x_desktop  # noqa: E402, F401 - Xvfb + openbox + trayer for scenario tests


class RecordingOpener:
    def __init__(self) -> None:
        self.opened: list[str] = []
        self.opened_at: list[tuple[str, int]] = []
        self.revealed: list[str] = []

    def open(self, path: str, report: object) -> None:
        self.opened.append(path)

    def open_at_page(self, path: str, page: int, report: object) -> None:
        self.opened_at.append((path, page))

    def reveal(self, path: str, report: object) -> None:
        self.revealed.append(path)


def app_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("desktop-search")]


@pytest.fixture
def opener() -> RecordingOpener:
    return RecordingOpener()


@pytest.fixture
def make_gui(qtbot: object, opener: RecordingOpener) -> Iterator[object]:
    """Build (and later stop) a window on given services; fails the test on a crash report or a leaked thread."""
    sessions: list[Session] = []
    before = set(threading.enumerate())

    def make(services: Services, index_at_start: bool = False) -> tuple[Session, MainWindow]:
        session, window = build_window(services, opener)
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # type: ignore[attr-defined]
        session.start(index_at_start=index_at_start)
        sessions.append(session)
        return session, window

    yield make
    for session in sessions:
        assert session.shutdown(wait=STOP_TIMEOUT_S), "a worker thread did not stop"
        assert session.crash.reports == [], session.crash.reports
    assert app_threads() == [], f"leaked threads: {app_threads()}"
    leaked = [t for t in threading.enumerate() if t not in before]
    for thread in leaked:  # a watcher's observer may still be finishing its last read
        thread.join(5)
    leaked = [t for t in leaked if t.is_alive()]
    assert leaked == [], f"threads left running: {leaked}"  # watchers, extraction workers, downloads
