"""Choosing a library's model: the offline default is ready at once, others are downloaded on request."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL, ModelSpec, model_dir
from desktop_search.errors import ModelNotAvailable
from desktop_search.gui.download_worker import DownloadBridge, DownloadWorker
from desktop_search.gui.notices import WrappingLabel
from desktop_search.gui.remote_consent import ask_consent


def model_ready(spec: ModelSpec, models_dir: Path) -> bool:
    try:
        model_dir(spec, models_dir)
    except ModelNotAvailable:
        return False
    return True


def model_label(spec: ModelSpec, models_dir: Path) -> str:
    if spec.endpoint is not None:
        agreed = "agreed" if spec.endpoint.consented else "asks first"
        return f"{spec.id}  (on {spec.endpoint.url}, {agreed}) — {spec.languages}"
    where = "ready" if model_ready(spec, models_dir) else "download"
    kind = "contextual, " if spec.contextual else ""
    default = ", offline default" if spec.id == DEFAULT_MODEL else ""
    return f"{spec.id}  ({kind}{spec.size_mb:,} MB, {where}{default}) — {spec.languages}"


def speed_note(spec: ModelSpec) -> str:
    """How much slower than the offline default a model indexes on a processor (measured: embed/catalog.py)."""
    default = CATALOG[DEFAULT_MODEL].cpu_speed
    if spec.id == DEFAULT_MODEL or spec.cpu_speed is None or default is None:
        return ""
    times = default.tokens_per_s / spec.cpu_speed.tokens_per_s
    context = " plus a few minutes per library for its context" if spec.cpu_speed.context_s else ""
    return f"On a processor it indexes about {times:.0f}× slower than {DEFAULT_MODEL}{context}; a GPU helps."


class ModelPicker(QWidget):
    """A model list with a download button, progress and cancel for models not on this machine."""

    readyChanged = Signal(bool)
    userError = Signal(str)
    crashed = Signal(str)

    def __init__(self, models_dir: Path, current: str = DEFAULT_MODEL) -> None:
        super().__init__()
        self.models_dir = models_dir
        self.worker: DownloadWorker | None = None
        self.combo = QComboBox()
        self.combo.setAccessibleName("Model")
        self.note = WrappingLabel()
        self.download_button = QPushButton("Download")
        self.download_button.clicked.connect(self._on_download_clicked)
        self.bar = QProgressBar()
        self.bar.hide()
        row = QHBoxLayout()
        row.addWidget(self.combo, 1)
        row.addWidget(self.download_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.note)
        self._fill(current)
        self.combo.currentIndexChanged.connect(self._on_choice_changed)
        self._on_choice_changed()

    def model_id(self) -> str:
        return str(self.combo.currentData())

    def is_ready(self) -> bool:
        spec = CATALOG[self.model_id()]
        if spec.endpoint is not None and not spec.endpoint.consented:
            return False
        return model_ready(spec, self.models_dir)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def _fill(self, current: str) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        for spec in CATALOG.values():
            self.combo.addItem(model_label(spec, self.models_dir), spec.id)
        self.combo.setCurrentIndex(max(0, self.combo.findData(current)))
        self.combo.blockSignals(False)

    def _on_choice_changed(self) -> None:
        spec = CATALOG[self.model_id()]
        if spec.endpoint is not None:
            self._remote_chosen(spec)
            return
        ready = self.is_ready()
        downloading = self.worker is not None
        self.download_button.setVisible(not ready)
        self.download_button.setText("Cancel" if downloading else "Download")
        self.download_button.setEnabled(True)
        if ready:
            note = "Ready: runs on this machine, nothing is sent anywhere."
        else:
            note = f"Downloads {CATALOG[self.model_id()].size_mb:,} MB once from Hugging Face, then works offline."
        self.note.setText(" ".join(t for t in (note, speed_note(CATALOG[self.model_id()])) if t))
        self.readyChanged.emit(ready)

    def _remote_chosen(self, spec: ModelSpec) -> None:
        """A model on a server: it is ready once the user agreed to send passages to that address."""
        assert spec.endpoint is not None
        ready = self.is_ready()
        self.download_button.setVisible(not spec.endpoint.consented)
        self.download_button.setText("Agree…")
        self.download_button.setEnabled(True)
        self.note.setText(
            f"Runs on {spec.endpoint.url}: passages of this library and your queries are sent there."
            + ("" if spec.endpoint.consented else " Nothing is sent until you agree.")
        )
        self.readyChanged.emit(ready)

    def _on_download_clicked(self) -> None:
        spec = CATALOG[self.model_id()]
        if spec.endpoint is not None:
            if ask_consent(self, spec, self.models_dir.parent):  # the data folder holds models/ and settings
                self._fill(spec.id)
                self._on_choice_changed()
            return
        if self.worker is not None:
            self.worker.cancel.set()
            self.download_button.setEnabled(False)
            return
        bridge = DownloadBridge(self)
        bridge.progress.connect(self._on_progress)
        bridge.finished.connect(self._on_finished)
        bridge.cancelled.connect(self._on_cancelled)
        bridge.userError.connect(self._on_failed)
        bridge.crashed.connect(self._on_crashed)
        self.worker = DownloadWorker(self.model_id(), self.models_dir, bridge)
        self.combo.setEnabled(False)
        self.bar.setRange(0, 0)
        self.bar.show()
        self.worker.start()
        self._on_choice_changed()

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * done / total))
            self.bar.setFormat(f"{done / 1e6:,.0f} / {total / 1e6:,.0f} MB")

    def _download_ended(self, note: str) -> None:
        self.stop()
        self.bar.hide()
        self.combo.setEnabled(True)
        current = self.model_id()
        self._fill(current)
        self._on_choice_changed()
        if note:
            self.note.setText(note)

    def _on_finished(self, model_id: str) -> None:
        self._download_ended(f"{model_id} downloaded. It runs on this machine from now on.")

    def _on_cancelled(self) -> None:
        self._download_ended("Download cancelled. It resumes from where it stopped if you try again.")

    def _on_failed(self, message: str) -> None:
        """Said beside the Download button, where the user looks (the picker may sit in a dialog over the window
        whose banner also shows it)."""
        self._download_ended(f"Download failed: {message}")
        self.userError.emit(message)

    def _on_crashed(self, details: str) -> None:
        self._download_ended("")
        self.crashed.emit(details)
