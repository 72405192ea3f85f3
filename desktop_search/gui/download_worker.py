"""Downloading a model in its own thread, with progress and cancel."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_search.embed import download
from desktop_search.errors import UserError
from desktop_search.gui.crash import format_exception

log = logging.getLogger(__name__)


class DownloadBridge(QObject):
    progress = Signal(int, int)  # bytes done, bytes total (0: unknown)
    finished = Signal(str)  # model id
    cancelled = Signal()
    userError = Signal(str)
    crashed = Signal(str)


class DownloadWorker:
    def __init__(self, model_id: str, models_dir: Path, bridge: DownloadBridge) -> None:
        self.model_id = model_id
        self.models_dir = models_dir
        self.bridge = bridge
        self.cancel = threading.Event()
        self._last = 0.0
        self._thread = threading.Thread(target=self._run, name="desktop-search-download", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> bool:
        self.cancel.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= 0.1 or done >= total > 0:
            self._last = now
            self.bridge.progress.emit(done, total)

    def _run(self) -> None:
        try:
            download.download_model(self.model_id, self.models_dir, progress=self._progress, cancel=self.cancel)
        except UserError as exc:
            if self.cancel.is_set():
                self.bridge.cancelled.emit()
            else:
                self.bridge.userError.emit(str(exc))
        except Exception as exc:
            if self.cancel.is_set():
                self.bridge.cancelled.emit()
            else:
                log.exception("model download")
                self.bridge.crashed.emit(format_exception(exc))
        else:
            if self.cancel.is_set():
                self.bridge.cancelled.emit()
            else:
                self.bridge.finished.emit(self.model_id)
