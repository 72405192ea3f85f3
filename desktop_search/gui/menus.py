"""The main window's menus and keyboard shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop_search.gui.indexing_status import IndexingStatus
from desktop_search.gui.session import Session


class Commands(Protocol):
    """What the menus trigger: the main window (gui/main_window.py), which builds them."""

    indexing: IndexingStatus
    session: Session

    def add_folders_requested(self) -> None: ...
    def open_library_manager(self) -> None: ...
    def open_settings(self) -> None: ...
    def quit(self) -> None: ...
    def open_current(self) -> None: ...
    def reveal_current(self) -> None: ...
    def focus_search(self) -> None: ...


Slot = Callable[[], object]
Keys = QKeySequence | QKeySequence.StandardKey | str


def build_menus(window: QMainWindow, commands: Commands) -> None:
    menus: dict[str, QMenu] = {}

    def action(menu_name: str, text: str, keys: Keys, slot: Slot) -> QAction:
        if menu_name not in menus:
            menus[menu_name] = window.menuBar().addMenu(menu_name)
        act = QAction(text, window)
        act.setShortcut(QKeySequence(keys))
        act.triggered.connect(slot)
        menus[menu_name].addAction(act)
        return act

    c = commands
    action("&File", "&Add folders…", QKeySequence.StandardKey.Open, c.add_folders_requested)
    action("&File", "&Libraries…", "Ctrl+L", c.open_library_manager)
    action("&File", "&Settings…", "Ctrl+,", c.open_settings)
    action("&File", "&Quit", QKeySequence.StandardKey.Quit, c.quit)
    action("&Result", "&Open\tEnter", "", c.open_current)
    action("&Result", "Show in &folder", "Ctrl+Return", c.reveal_current)
    action("&Indexing", "&Pause / resume", "Ctrl+P", c.indexing.toggle_pause)
    action("&Indexing", "&Retry failed files", "", c.session.commands.retry_failed)
    for keys in ("Ctrl+K", "Ctrl+F", "/"):
        QShortcut(QKeySequence(keys), window, c.focus_search)
