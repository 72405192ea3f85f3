"""Opening a result in its default application and revealing it in the file manager."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from desktop_search.errors import UserError
from desktop_search.gui.open_at_page import default_pdf_viewer, page_command

log = logging.getLogger(__name__)


class Opener(Protocol):
    def open(self, path: str) -> None: ...

    def open_at_page(self, path: str, page: int) -> None: ...

    def reveal(self, path: str) -> None: ...


def _check_exists(path: str) -> None:
    if not Path(path).exists():
        raise UserError(f"{path} no longer exists. It was moved or deleted; the index will catch up on its next scan.")


def _show_items_dbus(path: str) -> bool:
    """Ask the freedesktop file manager (Nautilus, Dolphin, Nemo, ...) to select the file."""
    from PySide6.QtDBus import QDBusConnection, QDBusInterface

    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    manager = QDBusInterface(
        "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1", bus
    )
    if not manager.isValid():
        return False
    reply = manager.call("ShowItems", [QUrl.fromLocalFile(path).toString()], "")
    return not reply.errorName()


class SystemOpener:
    """The platform's default application and file manager."""

    def open(self, path: str) -> None:
        _check_exists(path)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            raise UserError(f"No application is set up to open {Path(path).name}. Reveal it in its folder instead.")

    def open_at_page(self, path: str, page: int) -> None:
        """A PDF at a page in the default viewer when it takes one (gui/open_at_page.py); else a plain open."""
        _check_exists(path)
        command = page_command(path, page, default_pdf_viewer())
        if command is None:
            self.open(path)
            return
        log.info("opening %s at page %d: %s", path, page, command[0])
        subprocess.Popen(command)  # noqa: S603

    def reveal(self, path: str) -> None:
        _check_exists(path)
        if sys.platform == "win32":
            subprocess.Popen(["explorer", f"/select,{Path(path)}"])  # noqa: S603, S607
        elif sys.platform == "darwin":
            subprocess.Popen(["open", "-R", path])  # noqa: S603, S607
        elif not _show_items_dbus(path):
            log.info("no FileManager1 service; opening the folder instead")
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))
