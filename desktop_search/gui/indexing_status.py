"""Always-visible indexing status: counts, speed, ETA, current file, failed files, pause and resume."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_search.gui.index_worker import IndexState
from desktop_search.gui.notices import ElidedLabel
from desktop_search.records import FailedFile, LibraryStatus, Progress


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return "less than a minute left"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min left"
    return f"about {seconds / 3600:.1f} h left"


def estimate(progress: Progress) -> tuple[int, float | None]:
    """Chunks in all (files not read yet counted at the average so far) and the seconds left at this speed."""
    total = progress.chunks_total
    if progress.files_total > progress.files_done > 0:
        total = max(total, round(progress.chunks_total * progress.files_total / progress.files_done))
    left = max(0, total - progress.chunks_done)
    return total, (left / progress.chunks_per_s if progress.chunks_per_s else None)


def describe(progress: Progress) -> str:
    """One line for the status bar."""
    if progress.phase == "scan":
        return f"Looking for changes in '{progress.library}'…"
    if progress.phase == "done":
        return f"'{progress.library}' is up to date: {progress.files_done:,} files looked at."
    parts = [
        f"Indexing '{progress.library}': {progress.files_done:,} / {progress.files_total:,} files",
        f"{progress.chunks_done:,} / {progress.chunks_total:,} chunks",
    ]
    if progress.chunks_per_s:
        parts.append(f"{progress.chunks_per_s:.1f} chunks/s")
    if eta := format_eta(estimate(progress)[1]):
        parts.append(eta)
    if progress.current_file:
        parts.append(Path(progress.current_file).name)
    return "  ·  ".join(parts)


class FailedFilesDialog(QDialog):
    """The files that could not be indexed, with the reason, and a retry; then those indexed only in part
    (a size or page limit), with what was left out."""

    def __init__(
        self,
        failed: list[tuple[str, FailedFile]],
        parent: QWidget | None = None,
        partial: list[tuple[str, FailedFile]] | None = None,
    ) -> None:
        super().__init__(parent)
        partial = partial or []
        self.setWindowTitle("Files that could not be indexed" if failed else "Files indexed in part")
        self.resize(760, 360)
        tree = QTreeWidget()
        tree.setHeaderLabels(["File", "Reason", "Library"])
        tree.setRootIsDecorated(False)
        for library, f in [*failed, *partial]:
            reason = f.error if f.status == "failed" else f"Partly indexed: {f.error}"
            item = QTreeWidgetItem([f.path, reason, library])
            item.setToolTip(0, f.path)
            item.setToolTip(1, reason)
            tree.addTopLevelItem(item)
        tree.resizeColumnToContents(0)
        tree.resizeColumnToContents(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.retry_button = buttons.addButton("Retry failed files", QDialogButtonBox.ButtonRole.AcceptRole)
        self.retry_button.setVisible(bool(failed))
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        notes = []
        if failed:
            notes.append("Failed files are skipped until they change, or until you retry them.")
        if partial:
            notes.append("Files indexed in part are searchable up to the limit shown.")
        layout.addWidget(QLabel("\n".join(notes)))
        layout.addWidget(tree)
        layout.addWidget(buttons)


class IndexingStatus(QWidget):
    """Lives in the status bar; Pause stops the current run, Resume starts a new one that continues."""

    pauseRequested = Signal()
    resumeRequested = Signal()
    retryFailedRequested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.state: IndexState = "idle"
        self.failed: list[tuple[str, FailedFile]] = []
        self.partial: list[tuple[str, FailedFile]] = []
        self.label = ElidedLabel("Ready", min_chars=24)  # gives way to notices when the bar is short of room
        self.label.setAccessibleName("Indexing status")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Indexing progress")
        self.bar.hide()
        self.failed_button = QPushButton()
        self.failed_button.setFlat(True)
        self.failed_button.clicked.connect(self._on_failed_clicked)
        self.failed_button.hide()
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause indexing and watching (Ctrl+P); resuming continues where it stopped")
        self.pause_button.clicked.connect(self._on_pause_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.failed_button)
        layout.addWidget(self.pause_button)

    def set_progress(self, progress: Progress) -> None:
        self.label.setText(describe(progress))
        self.label.setToolTip(progress.current_file)
        total = estimate(progress)[0]
        busy = progress.phase == "index" and total > 0
        self.bar.setVisible(progress.phase != "done")
        self.bar.setRange(0, total if busy else 0)
        if busy:
            self.bar.setValue(min(progress.chunks_done, total))

    def set_state(self, state: IndexState) -> None:
        self.state = state
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        if state == "paused":
            self.label.setText("Indexing paused. Resume continues where it stopped.")
            self.bar.hide()
        elif state == "idle":
            self.bar.hide()
            if not self.label.text() or self.label.text().startswith(("Indexing", "Looking")):
                self.label.setText("Index up to date")

    def set_statuses(self, statuses: list[LibraryStatus]) -> None:
        if self.state == "idle" and self.label.text() in ("Ready", "Index up to date"):
            files = sum(s.files for s in statuses)
            self.label.setText(f"{files:,} files indexed" if statuses else "Ready")
        self.pause_button.setVisible(bool(statuses))
        self.failed = [(s.name, f) for s in statuses for f in s.failed_files]
        self.partial = [(s.name, f) for s in statuses for f in s.partial_files]
        counts = [f"{len(self.failed)} failed"] if self.failed else []
        counts += [f"{len(self.partial)} partly indexed"] if self.partial else []
        self.failed_button.setText(" · ".join(counts))
        self.failed_button.setToolTip("Show the files that could not be indexed, or only in part, and why")
        self.failed_button.setVisible(bool(counts))

    def toggle_pause(self) -> None:
        if self.state == "paused":
            self.resumeRequested.emit()
        else:
            self.pauseRequested.emit()

    def _on_pause_clicked(self) -> None:
        self.toggle_pause()

    def _on_failed_clicked(self) -> None:
        dialog = FailedFilesDialog(self.failed, self.window(), self.partial)
        dialog.accepted.connect(self.retryFailedRequested)
        dialog.open()
