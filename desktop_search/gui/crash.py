"""Bugs never pass silently: a log file under Settings.log_dir and a crash dialog."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("desktop_search")

LOG_NAME = "desktop-search.log"


def setup_log_file(log_dir: Path) -> Path | None:
    """Send warnings and errors of the app to a rotating log file; returns its path, or None where the folder
    cannot be written (a read-only data folder: they go to stderr only)."""
    path = log_dir / LOG_NAME
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


class CrashReporter(QObject):
    """Shows a crash dialog for an unexpected error from any thread (through a queued signal)."""

    crashed = Signal(str)

    def __init__(self, log_dir: Path, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self.log_dir = log_dir
        self.parent_widget = parent_widget
        self.reports: list[str] = []
        self.crashed.connect(self._on_crashed)

    def install(self) -> None:
        """Route uncaught exceptions of the GUI and of Python threads here."""
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def report(self, details: str) -> None:
        """Log a bug with its traceback and show it; safe to call from any thread."""
        log.error("unexpected error:\n%s", details)
        self.crashed.emit(details)

    def _excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        self.report("".join(traceback.format_exception(kind, exc, tb)))

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(format_exception(args.exc_value))

    def _on_crashed(self, details: str) -> None:
        self.reports.append(details)
        box = QMessageBox(self.parent_widget)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Desktop Search: unexpected error")
        box.setText(
            "Something went wrong inside Desktop Search. This is a bug, not something you did.\n"
            f"The details were saved to the log file in {self.log_dir}."
        )
        box.setDetailedText(details)
        open_logs = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.buttonClicked.connect(lambda button: self._on_button_clicked(button is open_logs))
        box.open()

    def _on_button_clicked(self, open_logs: bool) -> None:
        if open_logs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_dir)))
