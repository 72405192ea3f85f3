"""The library manager: folders, exclusions, model, status and context of each library; re-index."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_search.core.estimate import indexed_size
from desktop_search.embed.catalog import CATALOG, get_spec
from desktop_search.gui.add_folders import confirm_model, pick_folders, time_text
from desktop_search.gui.icons import icon
from desktop_search.gui.library_commands import LibraryCommands
from desktop_search.gui.model_picker import ModelPicker
from desktop_search.records import LibraryRecord, LibraryStatus
from desktop_search.settings import OCR_COST

SKIPPED_REASONS_SHOWN = 4  # the most common; status in the CLI lists every reason


def _when(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M") if timestamp else "never"


def status_text(status: LibraryStatus) -> str:
    """The counts of a library, and its context where the index reports one."""
    skipped = [f"  skipped: {n:,} {reason}" for reason, n in status.skipped_reasons]
    if len(skipped) > SKIPPED_REASONS_SHOWN:
        skipped[SKIPPED_REASONS_SHOWN:] = ["  and for other reasons: `desktop-search status` lists them all"]
    lines = [
        f"{status.files:,} files indexed, {status.failed:,} failed, {status.skipped:,} skipped",
        *skipped,
        f"{status.chunks:,} passages, {status.embedded:,} embedded, {status.pending:,} waiting",
        f"Last indexed: {_when(status.last_indexed_at)}",
    ]
    spec = CATALOG.get(status.model_id)
    if spec is not None and spec.contextual:
        lines.append(context_text(status))
    if status.rebuilding:
        lines.append(
            "Rebuilding: a new index for a new model or context is being built; search uses the old one meanwhile."
        )
    return "\n".join(lines)


def context_text(status: LibraryStatus) -> str:
    """When and from what a contextual model's corpus context was sampled, and how stale it is."""
    if not status.context_sampled_at:
        return "Context: not sampled yet (it is sampled when the library is first indexed)"
    text = f"Context: {status.context_size or 0:,} passages from {status.context_files or 0:,} files"
    text += f", sampled {_when(status.context_sampled_at)}"
    if status.context_staleness:
        text += f"; {status.context_staleness:.0%} of the files changed since"
    return text


class LibraryManager(QDialog):
    """Changes go to the indexing thread through LibraryCommands; the view refreshes from statuses."""

    def __init__(
        self,
        commands: LibraryCommands,
        models_dir: Path,
        parent: QWidget | None = None,
        ocr_on: Callable[[str], bool] = lambda name: False,
        device: str = "auto",
    ) -> None:
        super().__init__(parent)
        self.commands = commands
        self.ocr_on = ocr_on  # reads the library's OCR setting
        self.device = device
        self.records: dict[str, LibraryRecord] = {}
        self.statuses: dict[str, LibraryStatus] = {}
        self.setWindowTitle("Libraries")
        self.resize(900, 560)
        self.names = QListWidget()
        self.names.setAccessibleName("Libraries")
        new_button = QPushButton("New library…")
        new_button.clicked.connect(self._on_new_clicked)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.names)
        left_layout.addWidget(new_button)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self._details(models_dir))
        splitter.setSizes([220, 680])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.names.currentTextChanged.connect(self._show_library)

    def _details(self, models_dir: Path) -> QWidget:
        self.folders = QListWidget()
        self.folders.setAccessibleName("Folders")
        add, remove = QPushButton("Add folder…"), QPushButton("Remove folder")
        add.clicked.connect(self._on_add_clicked)
        remove.clicked.connect(self._on_remove_clicked)
        self.exclusions = QPlainTextEdit()
        self.exclusions.setAccessibleName("Exclusions, one pattern per line")
        self.exclusions.setMaximumHeight(110)
        save = QPushButton("Save exclusions")
        save.clicked.connect(self._on_save_exclusions_clicked)
        self.follow_links = QCheckBox("Follow symbolic links outside these folders")
        self.follow_links.setToolTip(
            "Off: a linked file is indexed only when it lies inside the library's folders, and linked folders "
            "are not entered. On: links are followed wherever they point."
        )
        self.follow_links.clicked.connect(self._on_follow_links_clicked)
        self.picker = ModelPicker(models_dir)
        self.picker_shows: tuple[str, str] | None = None  # the library and model the picker was last set to
        self.estimate = QLabel()  # how long re-indexing with the chosen model takes here, before "Use this model"
        self.estimate.setWordWrap(True)
        self.picker.combo.currentIndexChanged.connect(self._update_estimate)
        use_model = QPushButton("Use this model")
        use_model.clicked.connect(self._on_use_model_clicked)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        reindex, self.refresh = QPushButton("Re-index"), QPushButton("Refresh context")
        reindex.setToolTip("Scan the folders again and retry the files that failed")
        self.refresh.setToolTip("Sample the library again for a contextual model's corpus context")
        reindex.clicked.connect(lambda: self.commands.reindex(self.current()))
        self.refresh.clicked.connect(lambda: self.commands.refresh_context(self.current()))
        box = QGroupBox()
        form = QFormLayout(box)
        form.addRow("Folders", self.folders)
        form.addRow("", _row(add, remove))
        form.addRow("Skip", self.exclusions)
        form.addRow("", _row(save))
        form.addRow("Links", self.follow_links)
        form.addRow("Model", self.picker)
        form.addRow("", self.estimate)
        form.addRow("", _row(use_model))
        self.ocr = QCheckBox(f"Read pictures and scanned PDF pages (OCR; slow: {OCR_COST} on a 2-core CPU)")
        self.ocr.setToolTip("PNG, JPEG and TIFF pictures and PDF pages without a text layer; nothing is downloaded")
        self.ocr.clicked.connect(self._on_ocr_clicked)
        form.addRow("OCR", self.ocr)
        form.addRow("Status", self.status)
        form.addRow("", _row(reindex, self.refresh))
        return box

    def current(self) -> str:
        item = self.names.currentItem()
        return item.text() if item else ""

    def set_libraries(self, records: list[LibraryRecord], statuses: list[LibraryStatus]) -> None:
        self.records = {r.name: r for r in records}
        self.statuses = {s.name: s for s in statuses}
        current = self.current()
        self.names.blockSignals(True)
        self.names.clear()
        for name in self.records:
            self.names.addItem(name)
            self.names.item(self.names.count() - 1).setIcon(icon("folder"))
        matches = self.names.findItems(current, Qt.MatchFlag.MatchExactly)
        self.names.setCurrentItem(matches[0] if matches else self.names.item(0))
        self.names.blockSignals(False)
        self._show_library(self.current())

    def _show_library(self, name: str) -> None:
        record, status = self.records.get(name), self.statuses.get(name)
        self.folders.clear()
        if record is None or status is None:
            self.status.setText("No libraries yet. Add a folder to create one.")
            return
        self.folders.addItems(list(status.folders))
        if not self.exclusions.hasFocus():
            self.exclusions.setPlainText("\n".join(record.exclusions))
        self.follow_links.setChecked(record.follow_links)
        if (name, record.model_id) != self.picker_shows and self.picker.worker is None:
            # Only when another library is shown or its model changed: statuses refresh every few seconds while
            # indexing runs, and must not take back a model the user is choosing or downloading.
            self.picker.combo.setCurrentIndex(max(0, self.picker.combo.findData(record.model_id)))
            self.picker_shows = (name, record.model_id)
        self.status.setText(status_text(status))
        self.ocr.setChecked(self.ocr_on(name))
        spec = CATALOG.get(record.model_id)
        self.refresh.setEnabled(spec is not None and spec.contextual)
        self._update_estimate()

    def _update_estimate(self) -> None:
        """Before a model is committed to: how long indexing this library again with it takes on this computer."""
        name = self.current()
        record, status = self.records.get(name), self.statuses.get(name)
        model = self.picker.model_id()
        text = ""
        if record is not None and status is not None and model != record.model_id:
            old = CATALOG.get(record.model_id)
            size = indexed_size(status.files, status.chunks, old.chunk_tokens if old else 256)
            text = time_text(get_spec(model), size, self.device, f"'{name}' again")
        self.estimate.setText(text)
        self.estimate.setVisible(bool(text))

    def _on_new_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "New library", "Name of the new library:")
        if ok and name.strip():
            folders = pick_folders(self, f"Folders of '{name.strip()}'")
            model = confirm_model(self, folders, self.picker.model_id(), self.device) if folders else None
            if folders and model is not None:
                self.commands.add_folders(folders, name.strip(), model)

    def _on_add_clicked(self) -> None:
        folders = pick_folders(self, f"Add folders to '{self.current()}'")
        if folders and self.current():
            self.commands.add_folders(folders, self.current())

    def _on_remove_clicked(self) -> None:
        item = self.folders.currentItem()
        if item is None:
            return
        answer = QMessageBox.question(
            self, "Remove folder", f"Stop searching {item.text()} and drop its index? The files are not touched."
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.commands.remove_folder(item.text(), self.current())

    def _on_save_exclusions_clicked(self) -> None:
        self.commands.set_exclusions(self.current(), self.exclusions.toPlainText().splitlines())

    def _on_ocr_clicked(self, checked: bool) -> None:
        if self.current():
            self.commands.set_ocr(self.current(), checked)

    def _on_follow_links_clicked(self, checked: bool) -> None:
        if self.current():
            self.commands.set_follow_links(self.current(), checked)

    def _on_use_model_clicked(self) -> None:
        model = self.picker.model_id()
        record = self.records.get(self.current())
        if record is None or model == record.model_id:
            return
        if not self.picker.is_ready():
            QMessageBox.information(self, "Model", f"Download {model} first.")
            return
        if self.estimate.text():
            answer = QMessageBox.question(self, "Time to index", f"{self.estimate.text()}\n\nUse {model}?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.commands.set_model(self.current(), model)


def _row(*buttons: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for button in buttons:
        layout.addWidget(button)
    layout.addStretch()
    return row
