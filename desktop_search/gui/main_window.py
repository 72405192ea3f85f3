"""The search-first main window: search field, filters, results, preview and indexing status."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_search.core.preview import Preview
from desktop_search.core.recent import RecentSearches
from desktop_search.gui.add_folders import confirm_model, pick_folders
from desktop_search.gui.empty_state import EmptyState
from desktop_search.gui.filter_bar import FilterBar
from desktop_search.gui.filters import SearchRequest
from desktop_search.gui.icons import icon
from desktop_search.gui.index_worker import IndexState
from desktop_search.gui.indexing_status import IndexingStatus
from desktop_search.gui.live_results import LiveResults, show_hits, summary_text
from desktop_search.gui.menus import build_menus
from desktop_search.gui.notices import NoticeBar, StatusBarShare, StatusLine
from desktop_search.gui.opener import Opener
from desktop_search.gui.preview import PreviewPane
from desktop_search.gui.query_help import add_help
from desktop_search.gui.recent_searches import RecentSearchesMenu
from desktop_search.gui.remote_indicator import RemoteIndicator
from desktop_search.gui.result_actions import ResultActions
from desktop_search.gui.result_model import ResultModel
from desktop_search.gui.results_view import ResultList
from desktop_search.gui.search_field import SearchField
from desktop_search.gui.session import Session
from desktop_search.records import Hit, LibraryRecord, LibraryStatus, Progress

DEBOUNCE_MS = 150


class MainWindow(QMainWindow):
    def __init__(self, session: Session, opener: Opener) -> None:
        super().__init__()
        self.session = session
        self.opener = opener
        self.generation = 0
        self.final = True
        self.refreshing = False  # the query in flight is a refresh the user did not ask for
        self.asked = False  # a query the user changed has no results on screen yet: the list is an older query's
        self.user_chose = False  # the user moved in this query's results: a refresh keeps their choice
        self.placing = False  # the window itself is setting the current result
        self.statuses: list[LibraryStatus] | None = None
        self.summed: tuple[int, str, bool] | None = None  # the list the summary line describes: count, mode, final
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
        self.query_help = add_help(self.search)
        self.recent = RecentSearchesMenu(self.search, RecentSearches(self.session.settings.home))
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
        self.remote = RemoteIndicator()  # passages sent to an embedding server: always said, never hidden away
        self.statusBar().addPermanentWidget(self.remote)
        StatusBarShare(self.statusBar(), self.status_line, self.indexing)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.live = LiveResults(self)
        build_menus(self, self)
        self.search.setFocus()

    def _connect(self) -> None:
        s = self.session
        self.search.textEdited.connect(self.debounce.start)
        self.search.returnPressed.connect(self._on_return_pressed)
        self.search.downPressed.connect(self._on_down_pressed)
        self.search.revealPressed.connect(self.reveal_current)
        self.debounce.timeout.connect(self.run_search)
        self.live.tick.connect(self._on_live_tick)
        self.filters.changed.connect(self.run_search)
        self.results.selectionModel().currentChanged.connect(self._on_current_changed)
        actions = ResultActions(lambda: self.opener, s.search_worker, self.show_error, self.status_line.show_message)
        actions.connect_views(self.results, self.preview)
        self.result_actions = actions
        self.results.leaveUp.connect(self.focus_search)
        self.result_actions.opened.connect(self.recent.remember)
        self.empty.addFoldersRequested.connect(self.add_folders_requested)
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

    def run_search(self, refresh: bool = False) -> None:
        self.debounce.stop()
        self.generation += 1
        self.refreshing = refresh
        self.asked = self.asked or not refresh
        self.user_chose = self.user_chose and refresh
        text = self.search.text()
        self.final = False
        bar = self.filters
        request = SearchRequest(self.generation, text, bar.search_filter(), bar.mode_key(), bar.sort_key())
        self.session.search_worker.submit(request)
        if not text.strip():
            self.model.set_hits([], "")
            self.preview.clear()
            self.summed = None
            self._update_summary()
            self._update_empty_state()

    def refresh_search(self) -> None:
        """The index grew: run the shown query again, unless the user is typing or a search is under way."""
        if not self.search.text().strip():
            return
        if self.debounce.isActive() or not self.final:
            self.live.later()
            return
        self.run_search(refresh=True)

    def _on_live_tick(self) -> None:
        self.refresh_search()
        self.session.search_worker.request_statuses()  # counts on the start page and in the library manager

    def _on_results(self, generation: int, mode: str, hits: list[Hit], final: bool) -> None:
        if generation != self.generation or (self.refreshing and not final):
            return  # an older query's answer; or a refresh's first, words-only list (shown final only: no flicker)
        self.final = final
        self.asked = False
        # A result the user moved to stays selected when the ranking is refined or the index grows.
        current = self.results.current_hit()
        keep = current.path if current and (self.user_chose or self.results.currentIndex().row() > 0) else None
        self.placing = True
        show_hits(self.results, self.model, hits, mode, keep, self.refreshing)
        self.placing = False
        if not hits:
            self.preview.clear()
        said = self.search.text().strip() and (hits or not final)  # no results: the page in their place says it
        self.summed = (len(hits), mode, final) if said else None
        self._update_summary()
        if final and hits:
            self.recent.results_shown()
        self._update_empty_state()

    def _update_summary(self) -> None:
        """The line above the list: how many, ranked how, whether indexing (or a pause) may bring more."""
        if self.summed is None:
            self.summary.setText("")
            return
        count, mode, final = self.summed
        indexing = self.indexing.state if self.indexing.unfinished() else None
        self.summary.setText(summary_text(count, mode, self.filters.mode_key(), final, indexing))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.user_chose = self.user_chose or not self.placing
        hit, shown = self.model.hit(current.row()), self.preview.hit
        if hit is not None and not (shown and (shown.path, shown.chunk_id) == (hit.path, hit.chunk_id)):
            self.session.search_worker.request_preview(hit)

    def _on_preview(self, preview: Preview) -> None:
        current = self.results.current_hit()
        if current is not None and (preview.hit.path, preview.hit.chunk_id) == (current.path, current.chunk_id):
            self.preview.show_preview(preview)

    def _on_model_loading(self, loading: bool) -> None:
        if loading:
            self.status_line.show_message("Loading the model for search by meaning…", 0)
        else:
            self.status_line.clear()

    def _on_return_pressed(self) -> None:
        """Enter in the search field opens the selected result only when the list is the field's query's: typed
        ahead of its results, Enter searches at once and never opens the previous query's file."""
        if self.debounce.isActive():
            self.run_search()
        elif not self.asked:  # else the query's search is under way: nothing of it to open yet
            self.open_current()

    def open_current(self) -> None:
        self.result_actions.open(self.results.current_hit())

    def reveal_current(self) -> None:
        self.result_actions.reveal(self.results.current_hit())

    # -- libraries and status -----------------------------------------------------------------

    def _on_statuses(self, libraries: list[LibraryRecord], statuses: list[LibraryStatus]) -> None:
        self.statuses = statuses
        self.remote.show_for(statuses)
        folders = sorted({f for s in statuses for f in s.folders})
        self.filters.set_libraries([s.name for s in statuses], folders)
        self.indexing.set_statuses(statuses)
        self._update_empty_state()
        self.session.statuses_changed(libraries, statuses)

    def _on_progress(self, progress: Progress) -> None:
        self.indexing.set_progress(progress)
        self.live.note_progress(progress)
        if self.stack.currentWidget() is self.empty and self.empty.kind == "no-results-yet":
            self._update_empty_state()  # how far indexing is

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
        self._update_summary()
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
            filtered, still = self.filters.narrows(), self.indexing.under_way()
            self.empty.show_no_results(text, self.filters.mode_key(), filtered, still, self.indexing.state == "paused")
        self._show_page(self.empty)

    def _show_page(self, page: QWidget) -> None:
        """Results with the preview beside them, or a message across the whole width."""
        self.stack.setCurrentWidget(page)
        with_preview = page is self.results
        if with_preview != self.preview.isVisibleTo(self):
            self.preview.setVisible(with_preview)
            if with_preview:  # after the layout has taken the pane back
                QTimer.singleShot(0, lambda: self.splitter.setSizes([11, 9]))

    def add_folders_requested(self) -> None:
        if self._first_model_missing() is None and (folders := pick_folders(self)):  # said before folders are picked
            self.add_folders(folders)

    def _first_model_missing(self) -> str | None:
        """On first run, the model chosen on the start page when it is not on this computer yet (said in the
        banner); else None."""
        model = self.empty.picker.model_id() if self.statuses == [] else None
        if model is None or self.empty.picker.is_ready():
            return None
        self.show_error(f"Download {model} first, or choose the offline default model.")
        return model

    def add_folders(self, paths: list[str]) -> None:
        """Add folders to the default library (with the model chosen on first run) and index them."""
        if self._first_model_missing() is not None:
            return
        model = self.empty.picker.model_id() if self.statuses == [] else None
        if model is not None and (model := confirm_model(self, paths, model, self.session.settings.device)) is None:
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
