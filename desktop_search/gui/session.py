"""The running app: services, the indexing and search threads with their bridges, tray and dialogs."""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from desktop_search.gui.autostart import set_start_at_login
from desktop_search.gui.crash import CrashReporter
from desktop_search.gui.empty_state import EmptyState
from desktop_search.gui.index_worker import IndexBridge, IndexState, IndexWorker
from desktop_search.gui.indexing_status import IndexingStatus
from desktop_search.gui.library_commands import LibraryCommands
from desktop_search.gui.library_manager import LibraryManager
from desktop_search.gui.search_worker import SearchBridge, SearchWorker
from desktop_search.gui.settings_dialog import SettingsDialog
from desktop_search.gui.tray import Tray
from desktop_search.records import LibraryRecord, LibraryStatus
from desktop_search.services import Services
from desktop_search.settings import Settings

log = logging.getLogger(__name__)

QUIT_GRACE_S = 2.0  # Quit waits this long for the threads to end between units of work, then the app ends anyway
STOP_TIMEOUT_S = 30.0  # what a model batch may take on a busy CPU: tests that need the threads joined wait this long


def thread_stacks() -> str:
    """The Python stacks of the app's threads, for the log when one does not stop."""
    frames = sys._current_frames()
    out = []
    for thread in threading.enumerate():
        frame = frames.get(thread.ident or -1)
        if frame is not None and thread is not threading.current_thread():
            out.append(f"{thread.name}:\n{''.join(traceback.format_stack(frame))}")
    return "\n".join(out)


class Window(Protocol):
    """What the session asks of its main window (gui/main_window.py), which in turn holds the session."""

    empty: EmptyState
    indexing: IndexingStatus

    def hide(self) -> None: ...
    def focus_search(self) -> None: ...
    def quit(self) -> None: ...
    def show_error(self, message: str) -> None: ...


class Session(QObject):
    """Owns the worker threads; the window and dialogs talk to them only through it and the bridges."""

    quitRequested = Signal()  # the app should end (File ▸ Quit, Ctrl+Q, the tray's Quit); run_gui quits on it

    def __init__(self, services: Services, crash: CrashReporter) -> None:
        super().__init__()
        self.services = services
        self.settings = services.settings
        self.crash = crash
        self.index_bridge = IndexBridge(self)
        self.search_bridge = SearchBridge(self)
        self.index_worker = IndexWorker(services, self.index_bridge)
        self.search_worker = SearchWorker(services.searcher, self.search_bridge, services.libraries_on)
        self.commands = LibraryCommands(self.index_worker)
        self.window: Window | None = None
        self.tray: Tray | None = None
        self.library_manager: LibraryManager | None = None
        self.records: list[LibraryRecord] = []
        self.statuses: list[LibraryStatus] = []
        self.stopped = False
        self.quit_deadline = 0.0  # monotonic time after which Quit no longer waits for the threads
        self.told_about_tray = False
        self.index_bridge.crashed.connect(crash.report)
        self.search_bridge.crashed.connect(crash.report)

    def start(self, index_at_start: bool = True) -> None:
        """Start both threads. Indexing at start means following the folders live (a reconciliation scan
        first, then watching); without it, indexing runs only when asked (screenshots, tests)."""
        self.index_worker.live = index_at_start
        self.search_worker.start()
        self.index_worker.start()
        self.search_worker.request_statuses()

    def shutdown(self, wait: float | None = None) -> bool:
        """Hide the window and tray, ask the threads to stop and wait for them; True when all have stopped.

        Without `wait`, all calls together wait QUIT_GRACE_S from the first (Quit, aboutToQuit and run_gui each
        ask): a thread inside a model batch (10 s and more on a busy CPU) is not waited for, and run_gui ends the
        process without it. Tests that need the threads joined pass a longer `wait`."""
        if not self.stopped:
            self.stopped = True
            self.quit_deadline = time.monotonic() + QUIT_GRACE_S
            if self.window is not None:  # gone at once for the user; the threads finish their unit of work
                self.window.hide()
                self.window.empty.picker.stop()
            if self.tray is not None:
                self.tray.hide()
            if self.library_manager is not None:
                self.library_manager.picker.stop()
        budget = wait if wait is not None else max(0.0, self.quit_deadline - time.monotonic())
        search_stopped = self.search_worker.stop(budget)
        index_stopped = self.index_worker.stop(budget)
        if not (search_stopped and index_stopped) and budget > 0:
            late = [name for name, ok in (("search", search_stopped), ("indexing", index_stopped)) if not ok]
            log.info("the %s thread is still inside a unit of work; not waiting for it", " and ".join(late))
            log.debug("where the threads are:\n%s", thread_stacks())
        return search_stopped and index_stopped

    def quit(self) -> None:
        """End the app, tray or not: stop the threads (the window is hidden at once), then leave the event loop."""
        self.shutdown()
        self.quitRequested.emit()

    # -- tray ---------------------------------------------------------------------------------

    def apply_tray_setting(self) -> None:
        wanted = self.settings.tray_icon and QSystemTrayIcon.isSystemTrayAvailable()
        if wanted and self.tray is None and self.window is not None:
            window = self.window
            self.tray = Tray(window.focus_search, window.indexing.toggle_pause, window.quit)
            self.tray.set_state(window.indexing.state)
            window.indexing.summaryChanged.connect(self.tray.set_summary)
            self.tray.show()
        elif not wanted and self.tray is not None:
            self.tray.hide()
            self.tray.deleteLater()
            self.tray = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(self.tray is None)

    def keeps_running_in_tray(self) -> bool:
        return self.tray is not None and self.tray.isVisible() and self.settings.close_to_tray

    def closed_to_tray(self) -> None:
        """The window was closed, not quit: say once where the app went and how to end it."""
        if self.tray is not None and not self.told_about_tray:
            self.told_about_tray = True
            self.tray.showMessage(
                "Desktop Search is still running",
                "It keeps your folders indexed from the tray. Choose Quit in the tray menu to end it.",
                QSystemTrayIcon.MessageIcon.Information,
                6000,
            )

    # -- called by the window -------------------------------------------------------------------

    def statuses_changed(self, records: list[LibraryRecord], statuses: list[LibraryStatus]) -> None:
        self.records, self.statuses = records, statuses
        if self.library_manager is not None:
            self.library_manager.set_libraries(records, statuses)

    def state_changed(self, state: IndexState) -> None:
        if self.tray is not None:
            self.tray.set_state(state)

    def open_library_manager(self, parent: QWidget) -> LibraryManager:
        if self.library_manager is None:
            self.library_manager = LibraryManager(
                self.commands,
                self.settings.models_dir,
                parent,
                ocr_on=lambda name: self._settings_on_disk().ocr_on(name),
                device=self.settings.device,
            )
            self.library_manager.picker.userError.connect(self._show_error)
            self.library_manager.picker.crashed.connect(self.crash.report)
        self.library_manager.set_libraries(self.records, self.statuses)
        self.library_manager.show()
        self.library_manager.raise_()
        self.search_worker.request_statuses()
        return self.library_manager

    def open_settings(self, parent: QWidget) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, parent)
        dialog.accepted.connect(lambda: self.apply_settings(dialog))
        dialog.open()
        return dialog

    def _settings_on_disk(self) -> Settings:
        """settings.json as it is now: library commands (OCR) and `remote` change it beside this window."""
        return Settings.load(self.settings.home)

    def apply_settings(self, dialog: SettingsDialog) -> None:
        chosen = dialog.chosen()
        disk = self._settings_on_disk()  # keep what others changed meanwhile (OCR, remote models, consent)
        chosen = chosen.with_changes(ocr=disk.ocr, remote_models=disk.remote_models, remote_consent=disk.remote_consent)
        if chosen.start_at_login != self.settings.start_at_login:
            set_start_at_login(chosen.start_at_login)
        chosen.save()
        self.settings = chosen
        self.apply_tray_setting()

    def _show_error(self, message: str) -> None:
        if self.window is not None:
            self.window.show_error(message)
