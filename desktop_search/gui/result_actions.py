"""What can be done with a result: open it (a PDF at the hit's page), open it from the start, show it in its
folder, copy its path or its passage. Enter, the preview's buttons and the result list's menu all come here."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from desktop_search.errors import UserError
from desktop_search.gui.opener import Opener
from desktop_search.gui.preview import PreviewPane
from desktop_search.gui.result_model import opens_at_page
from desktop_search.gui.results_view import ResultList
from desktop_search.gui.search_worker import SearchWorker
from desktop_search.records import Hit


class ResultActions(QObject):
    opened = Signal()  # a result was opened (the search that found it counts as made)

    def __init__(
        self,
        opener: Callable[[], Opener],  # the window's opener at the time of the action
        worker: SearchWorker,
        show_error: Callable[[str], None],
        show_message: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.opener = opener
        self.worker = worker
        self.show_error = show_error
        self.show_message = show_message
        worker.bridge.passage.connect(self._on_passage)

    def open(self, hit: Hit | None) -> None:
        """Open in its application; a PDF at the passage's page where the viewer allows it."""
        if hit is not None and opens_at_page(hit):
            self.open_at_page(hit)
        else:
            self.open_from_start(hit)

    def open_from_start(self, hit: Hit | None) -> None:
        if hit is not None:
            self._act(lambda: self.opener().open(hit.path, self.show_error))
            self.opened.emit()

    def open_at_page(self, hit: Hit | None) -> None:
        if hit is not None and hit.page:
            page = hit.page
            self._act(lambda: self.opener().open_at_page(hit.path, page, self.show_error))
            self.opened.emit()

    def reveal(self, hit: Hit | None) -> None:
        if hit is not None:
            self._act(lambda: self.opener().reveal(hit.path, self.show_error))

    def copy_path(self, hit: Hit | None) -> None:
        if hit is not None:
            QGuiApplication.clipboard().setText(hit.path)
            self.show_message("Path copied")

    def copy_passage(self, hit: Hit | None) -> None:
        """The passage's whole text, read by the search thread (the hit carries only its snippet)."""
        if hit is not None:
            self.worker.request_passage(hit)

    def _on_passage(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.show_message("Passage copied")

    def connect_views(self, results: ResultList, preview: PreviewPane) -> None:
        """Enter and double-click in the list, its right-click menu, and the preview's buttons."""
        menu = results.menu_signals
        for signal, slot in (
            (results.openRequested, self.open),
            (results.revealRequested, self.reveal),
            (menu.openRequested, self.open),
            (menu.openAtPageRequested, self.open_at_page),
            (menu.openFromStartRequested, self.open_from_start),
            (menu.revealRequested, self.reveal),
            (menu.copyPathRequested, self.copy_path),
            (menu.copyPassageRequested, self.copy_passage),
            (preview.openRequested, self.open),
            (preview.revealRequested, self.reveal),
        ):
            signal.connect(slot)

    def _act(self, action: Callable[[], None]) -> None:
        try:
            action()
        except UserError as exc:
            self.show_error(str(exc))
