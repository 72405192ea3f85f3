"""The search-first main window: search field, filters, results, preview and indexing status."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_search.errors import UserError
from desktop_search.gui.empty_state import EmptyState
from desktop_search.gui.filter_bar import FilterBar
from desktop_search.gui.filters import MODE_LABELS, Filters, SearchRequest, highlight_words, useful_highlights
from desktop_search.gui.icons import icon
from desktop_search.gui.index_worker import IndexState
from desktop_search.gui.indexing_status import IndexingStatus
from desktop_search.gui.notices import NoticeBar, StatusBarShare, StatusLine
from desktop_search.gui.opener import Opener
from desktop_search.gui.preview import PreviewPane
from desktop_search.gui.result_model import ResultModel
from desktop_search.gui.results_view import ResultList
from desktop_search.gui.search_field import SearchField
from desktop_search.gui.search_worker import PreviewText
from desktop_search.gui.session import Session
from desktop_search.records import Hit, LibraryRecord, LibraryStatus, Progress

DEBOUNCE_MS = 150

Slot = Callable[[], object]
Keys = QKeySequence | QKeySequence.StandardKey | str


class MainWindow(QMainWindow):
    def __init__(self, session: Session, opener: Opener) -> None:
        super().__init__()
        self.session = session
        self.opener = opener
        self.generation = 0
        self.words: tuple[str, ...] = ()
        self.final = True
        self.statuses: list[LibraryStatus] | None = None
        self.quitting = False
        self.setWindowTitle("Desktop Search")
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        self.resize(1180, 760)
        self._build()
        self._connect()

    def _build(self) -> None:
        self.search = SearchField()
        self.search.setPlaceholderText("Search your documents by words or meaning   (Ctrl+K)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search")
        font = self.search.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.search.setFont(font)
        self.summary = QLabel()
        self.notice = NoticeBar()
        self.filters = FilterBar()
        self.model = ResultModel()
        self.results = ResultList(self.model)
        self.empty = EmptyState(self.session.settings.models_dir)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.results)
        self.stack.addWidget(self.empty)
        self.preview = PreviewPane()
        self.splitter = splitter = QSplitter()
        splitter.addWidget(self.stack)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 480])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.search)
        layout.addWidget(self.notice)
        layout.addWidget(self.filters)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.indexing = IndexingStatus()
        self.status_line = StatusLine()  # notices get their own room: indexing must not take the whole bar
        self.statusBar().addWidget(self.status_line, 1)
        self.statusBar().addPermanentWidget(self.indexing)
        StatusBarShare(self.statusBar(), self.status_line, self.indexing)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self._build_menus()
        self.search.setFocus()

    def _build_menus(self) -> None:
        menus: dict[str, QMenu] = {}

        def action(
            menu_name: str, text: str, keys: QKeySequence | QKeySequence.StandardKey | str, slot: Slot
        ) -> QAction:
            if menu_name not in menus:
                menus[menu_name] = self.menuBar().addMenu(menu_name)
            menu = menus[menu_name]
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        action("&File", "&Add folders…", QKeySequence.StandardKey.Open, self._on_add_folders_requested)
        action("&File", "&Libraries…", "Ctrl+L", self.open_library_manager)
        action("&File", "&Settings…", "Ctrl+,", self.open_settings)
        action("&File", "&Quit", QKeySequence.StandardKey.Quit, self.quit)
        action("&Result", "&Open\tEnter", "", lambda: self._open(self.results.current_hit()))
        action("&Result", "Show in &folder", "Ctrl+Return", lambda: self._reveal(self.results.current_hit()))
        action("&Indexing", "&Pause / resume", "Ctrl+P", self.indexing.toggle_pause)
        action("&Indexing", "&Retry failed files", "", self.session.commands.retry_failed)
        for keys in ("Ctrl+K", "Ctrl+F", "/"):
            QShortcut(QKeySequence(keys), self, self.focus_search)

    def _connect(self) -> None:
        s = self.session
        self.search.textEdited.connect(self.debounce.start)
        self.search.returnPressed.connect(lambda: self._open(self.results.current_hit()))
        self.search.downPressed.connect(self._on_down_pressed)
        self.search.revealPressed.connect(lambda: self._reveal(self.results.current_hit()))
        self.debounce.timeout.connect(self.run_search)
        self.filters.changed.connect(self.run_search)
        self.results.selectionModel().currentChanged.connect(self._on_current_changed)
        self.results.openRequested.connect(self._open)
        self.results.revealRequested.connect(self._reveal)
        self.results.leaveUp.connect(self.focus_search)
        self.preview.openRequested.connect(self._open)
        self.preview.revealRequested.connect(self._reveal)
        self.empty.addFoldersRequested.connect(self._on_add_folders_requested)
        self.empty.keywordOnlyRequested.connect(lambda: self.filters.set_mode("keyword"))
        self.empty.clearFiltersRequested.connect(self.filters.clear)
        self.empty.picker.userError.connect(self.show_error)
        self.empty.picker.crashed.connect(s.crash.report)
        self.indexing.pauseRequested.connect(s.index_worker.pause)
        self.indexing.resumeRequested.connect(s.index_worker.resume)
        self.indexing.retryFailedRequested.connect(s.commands.retry_failed)
        s.search_bridge.results.connect(self._on_results)
        s.search_bridge.preview.connect(self._on_preview)
        s.search_bridge.statuses.connect(self._on_statuses)
        s.search_bridge.modelLoading.connect(self._on_model_loading)
        s.search_bridge.userError.connect(self._on_search_user_error)
        s.index_bridge.progress.connect(self._on_progress)
        s.index_bridge.state.connect(self._on_state)
        s.index_bridge.librariesChanged.connect(self._on_libraries_changed)
        s.index_bridge.message.connect(self._on_message)
        s.index_bridge.userError.connect(self._on_index_user_error)

    # -- searching ----------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
        self.search.setFocus()
        self.search.selectAll()

    def _on_down_pressed(self) -> None:
        if self.model.rowCount():
            self.results.setFocus()
            row = self.results.currentIndex().row()
            self.results.setCurrentIndex(self.model.index(min(row + 1, self.model.rowCount() - 1) if row > 0 else 0))

    def run_search(self) -> None:
        self.debounce.stop()
        self.generation += 1
        text = self.search.text()
        self.words = highlight_words(text)
        self.final = False
        request = SearchRequest(self.generation, text, self.filters.filters(), self.filters.mode_key())
        self.session.search_worker.submit(request)
        if not text.strip():
            self.model.set_hits([], "")
            self.preview.clear()
            self.summary.setText("")
            self._update_empty_state()

    def _on_results(self, generation: int, mode: str, hits: list[Hit], final: bool) -> None:
        if generation != self.generation:
            return  # an older query: its answer arrived after a newer one was asked
        self.final = final
        # A result the user moved to stays selected when the ranking is refined; otherwise the best one is.
        chosen = self.results.current_hit() if self.results.currentIndex().row() > 0 else None
        self.model.set_hits([useful_highlights(h, self.words) for h in hits], mode)
        row = self.model.row_of(chosen.path) if chosen else -1
        if hits:
            self.results.setCurrentIndex(self.model.index(max(row, 0)))
        else:
            self.preview.clear()
        ranking = MODE_LABELS.get(mode, mode)
        pending = "" if final else "  ·  ranking by meaning…"
        self.summary.setText(f"{len(hits)} results  ·  {ranking}{pending}" if hits or final else "Searching…")
        self._update_empty_state()

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.model.hit(current.row())
        if hit is not None:
            self.session.search_worker.request_preview(hit)

    def _on_preview(self, preview: PreviewText) -> None:
        if preview.hit == self.results.current_hit():
            self.preview.show_preview(preview, self.words)

    def _on_model_loading(self, loading: bool) -> None:
        if loading:
            self.status_line.show_message("Loading the model for search by meaning…", 0)
        else:
            self.status_line.clear()

    def _open(self, hit: Hit | None) -> None:
        if hit is not None:
            self._act(self.opener.open, hit.path)

    def _reveal(self, hit: Hit | None) -> None:
        if hit is not None:
            self._act(self.opener.reveal, hit.path)

    def _act(self, action: object, path: str) -> None:
        try:
            action(path)  # type: ignore[operator]
        except UserError as exc:
            self.show_error(str(exc))

    # -- libraries and status -----------------------------------------------------------------

    def _on_statuses(self, libraries: list[LibraryRecord], statuses: list[LibraryStatus]) -> None:
        self.statuses = statuses
        folders = sorted({f for s in statuses for f in s.folders})
        self.filters.set_libraries([s.name for s in statuses], folders)
        self.indexing.set_statuses(statuses)
        self._update_empty_state()
        self.session.statuses_changed(libraries, statuses)

    def _on_progress(self, progress: Progress) -> None:
        self.indexing.set_progress(progress)

    def _on_libraries_changed(self) -> None:
        self.session.search_worker.request_statuses()

    def _on_message(self, message: str) -> None:
        self.status_line.show_message(message)

    def _on_index_user_error(self, message: str) -> None:
        self.show_error_dialog(message)

    def _on_search_user_error(self, message: str) -> None:
        self.show_error(message)

    def _on_state(self, state: IndexState) -> None:
        self.indexing.set_state(state)
        self.session.state_changed(state)
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        """The list when there are results; otherwise a message that helps, once we know which."""
        statuses, text = self.statuses, self.search.text().strip()
        self.filters.setVisible(bool(statuses))  # nothing to narrow before the first folder
        if self.model.rowCount() or statuses is None or (text and not self.final):
            self._show_page(self.results)
            return
        if not statuses:
            self.empty.show_no_libraries()
        elif not text:
            files = sum(s.files for s in statuses)
            if files:
                self.empty.show_type_to_search(files, len(statuses))
            else:
                self.empty.show_nothing_indexed(self.indexing.state != "paused")
        else:
            self.empty.show_no_results(text, self.filters.mode_key(), self.filters.filters() != Filters())
        self._show_page(self.empty)

    def _show_page(self, page: QWidget) -> None:
        """Results with the preview beside them, or a message across the whole width."""
        self.stack.setCurrentWidget(page)
        with_preview = page is self.results
        if with_preview != self.preview.isVisibleTo(self):
            self.preview.setVisible(with_preview)
            if with_preview:  # after the layout has taken the pane back
                QTimer.singleShot(0, lambda: self.splitter.setSizes([11, 9]))

    def _on_add_folders_requested(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to search")
        if folder:
            self.add_folders([folder])

    def add_folders(self, paths: list[str]) -> None:
        """Add folders to the default library (with the model chosen on first run) and index them."""
        model = self.empty.picker.model_id() if self.statuses == [] else None
        if model is not None and not self.empty.picker.is_ready():
            self.show_error(f"Download {model} first, or choose the offline default model.")
            return
        self.session.commands.add_folders(paths, model=model)
        self.status_line.show_message(f"Adding {', '.join(paths)}…")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_folders(paths)

    def show_error(self, message: str) -> None:
        """A problem the user has to act on: a banner above the results until dismissed or replaced."""
        self.notice.show_problem(message)

    def show_error_dialog(self, message: str) -> None:
        """A problem with something the user asked for (a folder, a model): said where they look."""
        self.show_error(message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Desktop Search", message, QMessageBox.StandardButton.Ok, self)
        box.open()

    def open_library_manager(self) -> None:
        self.session.open_library_manager(self)

    def open_settings(self) -> None:
        self.session.open_settings(self)

    # -- closing -------------------------------------------------------------------------------

    def quit(self) -> None:
        """File ▸ Quit, Ctrl+Q and the tray's Quit end the app; the close button only hides it to the tray."""
        self.quitting = True
        self.close()
        self.session.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.quitting and self.session.keeps_running_in_tray():
            event.ignore()
            self.hide()
            self.session.closed_to_tray()
            return
        event.accept()
        self.session.shutdown()
