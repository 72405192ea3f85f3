"""Opening a result in its default application and revealing it in the file manager; a failure is said."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from desktop_search.errors import UserError
from desktop_search.gui.open_at_page import default_pdf_viewer, page_command

log = logging.getLogger(__name__)

Report = Callable[[str], None]  # says a failure found after the call returned (called on the GUI thread)
WATCH_S = 15.0  # xdg-open gives up within seconds; an application it started itself may then run for hours


class Opener(Protocol):
    def open(self, path: str, report: Report) -> None: ...

    def open_at_page(self, path: str, page: int, report: Report) -> None: ...

    def reveal(self, path: str, report: Report) -> None: ...


def _check_exists(path: str) -> None:
    if not Path(path).exists():
        raise UserError(f"{path} no longer exists. It was moved or deleted; the index will catch up on its next scan.")


def _cannot_open(path: str) -> str:
    name = Path(path).name
    return f"No application is set up to open {name}. Use Show in folder, or install one for this kind of file."


def _cannot_show(folder: str) -> str:
    return f"No file manager is set up to show the folder {folder}."


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


def _launcher_env() -> dict[str, str]:
    """The environment for a desktop application: a frozen app's own library path is not theirs."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):  # PyInstaller keeps the user's value in LD_LIBRARY_PATH_ORIG
        original = env.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            env.pop("LD_LIBRARY_PATH", None)
        else:
            env["LD_LIBRARY_PATH"] = original
    return env


class _Relay(QObject):
    """Carries a failure from a waiting thread to the GUI thread."""

    failed = Signal(object, str)  # the Report to call, the message

    def __init__(self) -> None:
        super().__init__()
        self.failed.connect(self._on_failed)

    def _on_failed(self, report: Report, message: str) -> None:
        report(message)


class SystemOpener:
    """The platform's default application and file manager. On Linux and BSD through xdg-open, whose exit status
    says when no application is set up (Qt's openUrl only says whether xdg-open started)."""

    def __init__(self) -> None:
        self.relay = _Relay()
        self.xdg_open = shutil.which("xdg-open") if sys.platform not in ("win32", "darwin") else None

    def open(self, path: str, report: Report) -> None:
        _check_exists(path)
        self._launch(path, _cannot_open(path), report)

    def open_at_page(self, path: str, page: int, report: Report) -> None:
        """A PDF at a page in the default viewer when it takes one (gui/open_at_page.py); else a plain open."""
        _check_exists(path)
        command = page_command(path, page, default_pdf_viewer())
        if command is None:
            self.open(path, report)
            return
        log.info("opening %s at page %d: %s", path, page, command[0])
        self._start(command, f"{Path(command[0]).name} could not open {Path(path).name} at page {page}.", report)

    def reveal(self, path: str, report: Report) -> None:
        _check_exists(path)
        if sys.platform == "win32":
            subprocess.Popen(["explorer", f"/select,{Path(path)}"])  # noqa: S603, S607
        elif sys.platform == "darwin":
            subprocess.Popen(["open", "-R", path])  # noqa: S603, S607
        elif not _show_items_dbus(path):
            log.info("no FileManager1 service; opening the folder instead")
            folder = str(Path(path).parent)
            self._launch(folder, _cannot_show(folder), report)

    def _launch(self, path: str, failure: str, report: Report) -> None:
        """Open a file or folder in what the desktop has for it."""
        if self.xdg_open is None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
                raise UserError(failure)
            return
        self._start([self.xdg_open, path], failure, report)

    def _start(self, command: list[str], failure: str, report: Report) -> None:
        """Run a desktop program; if it fails within WATCH_S, `report` says `failure`."""
        try:
            process = subprocess.Popen(  # noqa: S603
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=_launcher_env(),
                start_new_session=True,  # the application outlives this app, and a Ctrl+C meant for it
            )
        except OSError as exc:
            raise UserError(f"{failure} ({exc.strerror or exc})") from exc
        threading.Thread(
            target=self._watch, args=(process, failure, report), name="desktop-search-open", daemon=True
        ).start()

    def _watch(self, process: subprocess.Popen[bytes], failure: str, report: Report) -> None:
        try:
            code = process.wait(WATCH_S)
        except subprocess.TimeoutExpired:
            process.wait()  # an application xdg-open runs itself: reaped when it ends
            return
        if code != 0:
            log.info("%s exited with %d", process.args, code)
            self.relay.failed.emit(report, failure)
