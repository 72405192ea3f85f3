"""Settings: device, threads, data location, start at login, tray icon, recent searches."""

from __future__ import annotations

import os

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop_search.core.recent import RecentSearches
from desktop_search.settings import HOME_ENV, Settings

DEVICES = {
    "auto": "Automatic (GPU when there is one)",
    "cpu": "CPU",
    "cuda": "NVIDIA GPU (CUDA)",
    "mps": "Apple GPU (MPS)",
}


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Settings")
        self.device = QComboBox()
        for key, label in DEVICES.items():
            self.device.addItem(label, key)
        self.device.setCurrentIndex(max(0, self.device.findData(settings.device)))
        self.threads = QSpinBox()
        self.threads.setRange(0, os.cpu_count() or 64)
        self.threads.setSpecialValueText("All cores")
        self.threads.setValue(settings.threads)
        location = QLineEdit(str(settings.home))
        location.setReadOnly(True)
        open_location = QPushButton("Open")
        open_location.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(settings.home))))
        where = QWidget()
        row = QHBoxLayout(where)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(location, 1)
        row.addWidget(open_location)
        note = QLabel(f"To keep the index elsewhere, start with --home DIR or set {HOME_ENV}.")
        note.setWordWrap(True)
        self.login = QCheckBox("Start Desktop Search when I log in (in the tray)")
        self.login.setChecked(settings.start_at_login)
        self.tray = QCheckBox("Show an icon in the system tray")
        self.tray.setChecked(settings.tray_icon)
        self.close_to_tray = QCheckBox("Closing the window keeps indexing in the tray")
        self.close_to_tray.setChecked(settings.close_to_tray)
        self.tray.toggled.connect(self.close_to_tray.setEnabled)
        self.close_to_tray.setEnabled(settings.tray_icon)
        self.recent = RecentSearches(settings.home)
        self.clear_recent = QPushButton("Clear recent searches")
        self.clear_recent.clicked.connect(self._on_clear_recent)
        self.clear_recent.setEnabled(bool(self.recent.load()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Run the model on", self.device)
        form.addRow("CPU threads", self.threads)
        form.addRow("", QLabel("Device and threads apply the next time Desktop Search starts."))
        form.addRow("Data location", where)
        form.addRow("", note)
        form.addRow("", self.login)
        form.addRow("", self.tray)
        form.addRow("", self.close_to_tray)
        form.addRow("Search history", self.clear_recent)
        form.addRow(buttons)

    def _on_clear_recent(self) -> None:
        self.recent.clear()
        self.clear_recent.setText("Recent searches cleared")
        self.clear_recent.setEnabled(False)

    def chosen(self) -> Settings:
        return self.settings.with_changes(
            device=self.device.currentData(),
            threads=self.threads.value(),
            start_at_login=self.login.isChecked(),
            tray_icon=self.tray.isChecked(),
            close_to_tray=self.close_to_tray.isChecked(),
        )
