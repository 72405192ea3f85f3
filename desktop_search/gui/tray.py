"""The system tray icon: quick search, pause and resume, quit; indexing goes on with the window closed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop_search.gui.icons import icon
from desktop_search.gui.index_worker import IndexState


class Tray(QSystemTrayIcon):
    def __init__(
        self, quick_search: Callable[[], None], toggle_pause: Callable[[], None], quit_app: Callable[[], None]
    ):
        super().__init__(icon("tray"))
        self.setToolTip("Desktop Search")
        self.menu = QMenu()
        self.menu.addAction("Search…", quick_search)
        self.pause_action = self.menu.addAction("Pause indexing", toggle_pause)
        self.menu.addSeparator()
        self.menu.addAction("Quit Desktop Search", quit_app)
        self.setContextMenu(self.menu)
        self._quick_search = quick_search
        self.activated.connect(self._on_activated)

    def set_state(self, state: IndexState) -> None:
        self.pause_action.setText("Resume indexing" if state == "paused" else "Pause indexing")

    def set_summary(self, text: str) -> None:
        self.setToolTip(f"Desktop Search\n{text}")

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self._quick_search()
