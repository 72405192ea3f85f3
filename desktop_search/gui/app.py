"""Starting the desktop app, and the screenshot mode used for the README and by checks."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from desktop_search.gui.crash import CrashReporter, setup_log_file
from desktop_search.gui.icons import icon
from desktop_search.gui.main_window import MainWindow
from desktop_search.gui.opener import Opener, SystemOpener
from desktop_search.gui.session import Session
from desktop_search.gui.single_instance import InstanceServer, hand_over
from desktop_search.gui.startup import open_or_ask
from desktop_search.records import Hit, Progress
from desktop_search.services import Services

log = logging.getLogger(__name__)

SCREENSHOT_TIMEOUT_S = 240


@dataclass(frozen=True)
class GuiOptions:
    query: str | None = None
    screenshot: Path | None = None
    view: str = "main"  # what the screenshot shows: the main window, the library manager, indexing under way
    hidden: bool = False  # start in the tray (at login)


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Desktop Search")
    app.setDesktopFileName("desktop-search")
    app.setWindowIcon(icon("app"))
    return app


def build_window(services: Services, opener: Opener | None = None) -> tuple[Session, MainWindow]:
    """The session (threads not started yet) and its window."""
    crash = CrashReporter(services.settings.log_dir)
    session = Session(services, crash)
    window = MainWindow(session, opener or SystemOpener())
    session.window = window
    crash.parent_widget = window
    return session, window


def gui_main(home: Path, device: str | None, options: GuiOptions) -> int:
    """The desktop app on the data folder `home` (or another the user picks when that one cannot be used)."""
    application()
    if options.screenshot is None and hand_over(home, options.query, show=not options.hidden):
        print("Desktop Search is already open on this data folder; it has been brought to the front.", file=sys.stderr)
        return 0
    services = open_or_ask(home, device)
    if services is None:
        return 1
    try:
        return run_gui(services, options)
    finally:
        services.close()


def run_gui(services: Services, options: GuiOptions) -> int:
    app = application()
    setup_log_file(services.settings.log_dir)
    session, window = build_window(services)
    session.crash.install()
    shooter = None
    if options.screenshot is not None:
        shooter = Screenshot(session, window, options)
        session.start(index_at_start=options.view == "indexing")
    else:
        session.apply_tray_setting()
        session.start()
    if shooter is None:
        listen_for_launches(window, services.settings.home)
    if not (options.hidden and session.tray is not None):
        window.show()
        window.focus_search()
    if options.query:
        window.search.setText(options.query)
        window.run_search()
    app.aboutToQuit.connect(session.shutdown)
    session.quitRequested.connect(app.quit)  # with a tray icon, closing the last window does not end the app
    code = app.exec()
    code = shooter.code if shooter is not None else code
    if not session.shutdown():  # what is left of Quit's short wait (session.QUIT_GRACE_S)
        # A thread is still inside a unit of work (a model batch Quit does not wait for, or one that hangs).
        # Closing the database under it, or letting the interpreter tear torch down beneath it, would crash;
        # SQLite's journal keeps the index consistent, and the persistent queue resumes the work next time.
        logging.shutdown()
        os._exit(code)
    return code


def listen_for_launches(window: MainWindow, home: Path) -> InstanceServer:
    """Later launches on this data folder come to this window instead of opening a second one."""
    server = InstanceServer(home, window)
    server.activated.connect(lambda query, show: bring_forward(window, query, show))
    return server


def bring_forward(window: MainWindow, query: str, show: bool = True) -> None:
    """Another launch on this data folder: show the window (from the tray too) and run its query, if any."""
    if show or query:
        window.focus_search()
    if query:
        window.search.setText(query)
        window.run_search()


class Screenshot(QObject):
    """Waits for the view to be ready (final results, a dialog, indexing under way), grabs it and quits."""

    def __init__(self, session: Session, window: MainWindow, options: GuiOptions) -> None:
        super().__init__(window)
        assert options.screenshot is not None
        self.session, self.window, self.options = session, window, options
        self.path = options.screenshot
        self.code = 1
        self.done = False
        if options.view == "main" and options.query:
            session.search_bridge.results.connect(self._on_results)
        elif options.view == "main":  # the start page: first run, or what is indexed
            session.search_bridge.statuses.connect(lambda *_: QTimer.singleShot(300, lambda: self._grab(window)))
        elif options.view == "libraries":
            session.search_bridge.statuses.connect(self._on_statuses)
        else:
            session.index_bridge.progress.connect(self._on_progress)
        QTimer.singleShot(SCREENSHOT_TIMEOUT_S * 1000, self._on_timeout)

    def _on_results(self, generation: int, _mode: str, _hits: list[Hit], final: bool) -> None:
        if final and generation == self.window.generation and self.options.query:
            QTimer.singleShot(300, lambda: self._grab(self.window))  # the preview arrives just after

    def _on_statuses(self, *_args: object) -> None:
        if not self.done and self.session.records:
            manager = self.session.open_library_manager(self.window)
            QTimer.singleShot(300, lambda: self._grab(manager))

    def _on_progress(self, progress: Progress) -> None:
        searched = not self.options.query or (self.window.final and self.window.model.rowCount() > 0)
        if progress.phase == "index" and progress.chunks_done > 0 and progress.files_done >= 3 and searched:
            QTimer.singleShot(200, lambda: self._grab(self.window))

    def _on_timeout(self) -> None:
        log.error("screenshot: the view was not ready after %d s; saving it as it is", SCREENSHOT_TIMEOUT_S)
        self._grab(self.window, ok=False)

    def _grab(self, widget: QWidget, ok: bool = True) -> None:
        if self.done:
            return
        self.done = True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        saved = widget.grab().save(str(self.path))
        self.code = 0 if saved and ok else 1
        print(f"{'saved' if saved else 'could not save'} {self.path}", file=sys.stderr)
        QGuiApplication.quit()
