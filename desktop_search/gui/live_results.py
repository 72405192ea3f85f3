"""Results that follow the index as it fills: the shown query runs again every few seconds while files and
passages land, keeping the user's selection and scroll; and the line that says what the list is."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QObject, QTimer, Signal

from desktop_search.gui.filters import MODE_LABELS, RESULT_LIMIT
from desktop_search.gui.index_worker import IndexState
from desktop_search.gui.progress_text import plural
from desktop_search.gui.result_model import ResultModel
from desktop_search.gui.results_view import ResultList
from desktop_search.records import Hit, Progress

REFRESH_MS = 2500  # while files or vectors land, the shown query runs again at most this often
SETTLE_MS = 300  # after a run ends, once more soon: its last files have landed


class LiveResults(QObject):
    """Ticks while the index grows; the window re-runs its query and refreshes library counts on each tick."""

    tick = Signal()

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.tick)
        self._seen: tuple[str, int, int] | None = None

    def note_progress(self, progress: Progress) -> None:
        """Something may have landed: tick within REFRESH_MS (not later, however often reports come)."""
        if progress.phase not in ("index", "done"):
            return
        seen = (progress.library, progress.files_done, progress.chunks_done)
        if seen == self._seen:
            return
        self._seen = seen
        if progress.phase == "done":
            self.timer.start(min(SETTLE_MS, self.timer.remainingTime()) if self.timer.isActive() else SETTLE_MS)
        elif not self.timer.isActive():
            self.timer.start(REFRESH_MS)

    def later(self) -> None:
        """The window could not refresh now (the user is typing, a search is under way): try at the next tick."""
        if not self.timer.isActive():
            self.timer.start(REFRESH_MS)


def show_hits(view: ResultList, model: ResultModel, hits: list[Hit], mode: str, keep: str | None, stay: bool) -> None:
    """Put new hits in the list. The file at path `keep` stays selected if it is still there (else the best
    one is); with `stay`, the list also keeps its scroll position (a refresh the user did not ask for)."""
    scroll = view.verticalScrollBar().value()
    model.set_hits(hits, mode)
    if not hits:
        return
    row = model.row_of(keep) if keep else -1
    index = model.index(max(row, 0))
    if not stay:
        view.setCurrentIndex(index)
        return
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
    view.selectionModel().setCurrentIndex(index, flags)
    view.doItemsLayout()  # the scroll range of the new rows, before the old position is put back
    view.verticalScrollBar().setValue(scroll)


def summary_text(count: int, mode: str, asked: str, final: bool, indexing: IndexState | None) -> str:
    """What the line above the list says: how many, ranked how, and whether more may come (`indexing`: the
    state of a run not finished yet, None when the index is complete)."""
    if not final and not count:
        return "Searching…"
    parts = [plural(count, "result") + (", the most one search lists" if count >= RESULT_LIMIT else "")]
    if not final:
        parts.append(f"{MODE_LABELS.get(mode, mode)}  ·  ranking by meaning…")
    elif mode != asked and mode == "keyword":
        parts.append("words only: search by meaning is not ready yet")
    else:
        parts.append(MODE_LABELS.get(mode, mode))
    if indexing == "indexing":
        parts.append("still indexing: the list updates as files are added")
    elif indexing == "paused":
        parts.append("indexing paused: more files may match when it resumes")
    return "  ·  ".join(parts)
