"""Always-visible indexing status: counts, speed, ETA, current file, failed files, pause and resume."""

from __future__ import annotations

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
from desktop_search.gui.progress_text import ProgressTracker, describe, estimated_total, plural, under_way
from desktop_search.records import FailedFile, LibraryStatus, Progress


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

    summaryChanged = Signal(str)  # the line shown, for the tray's tooltip
    pauseRequested = Signal()
    resumeRequested = Signal()
    retryFailedRequested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.state: IndexState = "idle"
        self.failed: list[tuple[str, FailedFile]] = []
        self.partial: list[tuple[str, FailedFile]] = []
        self.tracker = ProgressTracker()
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
        shown, eta = self.tracker.update(progress)
        if self.state != "paused":  # the batch under way at Pause ends after it: the line goes on saying paused
            self._show(shown, eta)

    def _show(self, shown: Progress, eta: float | None) -> None:
        self._say(describe(shown, eta), shown.current_file if shown.files_done < shown.files_total else "")
        total = estimated_total(shown)
        busy = shown.phase == "index" and total > 0
        self.bar.setVisible(shown.phase != "done")
        self.bar.setRange(0, total if busy else 0)
        if busy:
            self.bar.setValue(min(shown.chunks_done, total))

    def unfinished(self) -> bool:
        """A run is under way, or paused before its end: more files or passages may come."""
        last = self.tracker.last
        return self.state != "idle" and last is not None and last.phase in ("scan", "index")

    def under_way(self) -> str:
        """How far an unfinished run is, in a phrase ("40 of 121 files read, …"); empty when none is."""
        last = self.tracker.last
        return under_way(last) if self.unfinished() and last is not None else ""

    def _say(self, text: str, detail: str = "") -> None:
        """The line (elided when the bar is short of room: the tooltip has it whole)."""
        self.label.setText(text)
        self.label.setToolTip("\n".join(t for t in (text, detail) if t))
        self.summaryChanged.emit(text)

    def set_state(self, state: IndexState) -> None:
        resumed = self.state == "paused" and state == "indexing"
        self.state = state
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        if state == "paused":
            self.tracker.hold()
            self._say("Indexing paused. Resume continues where it stopped.")
            self.bar.hide()
            return
        self.tracker.go_on()
        last = self.tracker.last
        if resumed and last is not None and last.phase == "index":  # the line as it was, going on
            self._show(last, self.tracker.time_left())
        elif state == "idle":
            self.bar.hide()
            if not self.label.text() or self.label.text().startswith(("Indexing", "Looking")):
                self._say("Index up to date")

    def set_statuses(self, statuses: list[LibraryStatus]) -> None:
        if self.state == "idle":  # at rest: what is searchable, kept current as statuses arrive
            files = sum(s.files for s in statuses)
            self._say(f"{plural(files, 'file')} indexed" if statuses else "Ready")
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
