"""The main window's menus and keyboard shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from desktop_search.gui.main_window import MainWindow

Slot = Callable[[], object]
Keys = QKeySequence | QKeySequence.StandardKey | str


def build_menus(window: MainWindow) -> None:
    menus: dict[str, QMenu] = {}

    def action(menu_name: str, text: str, keys: Keys, slot: Slot) -> QAction:
        if menu_name not in menus:
            menus[menu_name] = window.menuBar().addMenu(menu_name)
        act = QAction(text, window)
        act.setShortcut(QKeySequence(keys))
        act.triggered.connect(slot)
        menus[menu_name].addAction(act)
        return act

    action("&File", "&Add folders…", QKeySequence.StandardKey.Open, window.add_folders_requested)
    action("&File", "&Libraries…", "Ctrl+L", window.open_library_manager)
    action("&File", "&Settings…", "Ctrl+,", window.open_settings)
    action("&File", "&Quit", QKeySequence.StandardKey.Quit, window.quit)
    action("&Result", "&Open\tEnter", "", window.open_current)
    action("&Result", "Show in &folder", "Ctrl+Return", window.reveal_current)
    action("&Indexing", "&Pause / resume", "Ctrl+P", window.indexing.toggle_pause)
    action("&Indexing", "&Retry failed files", "", window.session.commands.retry_failed)
    for keys in ("Ctrl+K", "Ctrl+F", "/"):
        QShortcut(QKeySequence(keys), window, window.focus_search)
