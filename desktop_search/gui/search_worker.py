"""The reader thread: searches, previews and library statuses on its own read connection."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop_search.core.libraries import LibraryService
from desktop_search.core.preview import document_preview
from desktop_search.core.query import ParsedQuery, parse_query
from desktop_search.core.search import Searcher, SearchOptions
from desktop_search.errors import UserError
from desktop_search.gui.crash import format_exception
from desktop_search.gui.filters import SearchRequest
from desktop_search.records import Hit, LibraryRecord
from desktop_search.storage import Store

log = logging.getLogger(__name__)


class SearchBridge(QObject):
    """Signals from the reader thread; connected to GUI slots, so they arrive queued on the GUI thread."""

    results = Signal(int, str, object, bool)  # generation, mode the hits come from, list[Hit], final
    preview = Signal(object)  # core.preview.Preview
    passage = Signal(str)  # a hit's whole passage, asked for to copy
    statuses = Signal(object, object)  # list[LibraryRecord], list[LibraryStatus] in the same order
    modelLoading = Signal(bool)
    userError = Signal(str)
    crashed = Signal(str)


class SearchWorker:
    """Runs the newest query only: keyword hits first, then the fused ranking when the query vector is ready."""

    def __init__(
        self,
        make_searcher: Callable[[], Searcher],
        bridge: SearchBridge,
        libraries_on: Callable[[Store], LibraryService],
    ) -> None:
        self.make_searcher = make_searcher
        self.libraries_on = libraries_on  # the LibraryService on this thread's own connection
        self.bridge = bridge
        self._cond = threading.Condition()
        self._search: SearchRequest | None = None
        self._tasks: deque[Callable[[Searcher], None]] = deque()
        self._stopping = False
        self._model_ready = False
        self._dense_error: str | None = None
        self._parsed: ParsedQuery = parse_query("")  # the last query searched, for marking its terms in previews
        self._thread = threading.Thread(target=self._run, name="desktop-search-search", daemon=True)

    # -- called from the GUI thread ---------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def submit(self, request: SearchRequest) -> None:
        """Replace any query not yet started: only the newest matters."""
        with self._cond:
            self._search = request
            self._cond.notify()

    def request_preview(self, hit: Hit) -> None:
        self._add_task(lambda searcher: self._preview(searcher, hit))

    def request_passage(self, hit: Hit) -> None:
        self._add_task(lambda searcher: self._passage(searcher, hit))

    def request_statuses(self) -> None:
        self._add_task(self._statuses)

    def stop(self, timeout: float = 5.0) -> bool:
        """Ask the thread to finish and wait for it; False if it did not stop in time."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _add_task(self, task: Callable[[Searcher], None]) -> None:
        with self._cond:
            self._tasks.append(task)
            self._cond.notify()

    # -- the reader thread --------------------------------------------------------------------

    def _run(self) -> None:
        try:
            searcher = self.make_searcher()
        except Exception as exc:
            self._report(exc)
            return
        try:
            while True:
                with self._cond:
                    while not (self._stopping or self._search or self._tasks):
                        self._cond.wait()
                    if self._stopping:
                        return
                    request, self._search = self._search, None
                    task = self._tasks.popleft() if self._tasks and request is None else None
                try:
                    if request is not None:
                        self._query(searcher, request)
                    elif task is not None:
                        task(searcher)
                except Exception as exc:
                    self._report(exc)
        finally:
            searcher.store.conn.close()

    def _report(self, exc: Exception) -> None:
        if isinstance(exc, UserError):
            self.bridge.userError.emit(str(exc))
        else:
            log.exception("search thread")
            self.bridge.crashed.emit(format_exception(exc))

    def _stale(self) -> bool:
        with self._cond:
            return self._search is not None or self._stopping

    def _query(self, searcher: Searcher, request: SearchRequest) -> None:
        if not request.text.strip():
            self.bridge.results.emit(request.generation, "keyword", [], True)
            return
        chosen = request.filter.libraries
        libraries = [lib for lib in searcher.store.libraries() if not chosen or lib.name in chosen]
        dense = (
            request.mode != "keyword"
            and self._dense_error is None
            and any(searcher.store.active_space(lib.id) for lib in libraries)
        )
        hits: list[Hit] = []
        if request.mode != "dense" or not dense:
            hits = self._search_mode(searcher, request, libraries, "keyword")
            self.bridge.results.emit(request.generation, "keyword", hits, not dense)
        if not dense or self._stale():
            return
        if not self._model_ready:
            self.bridge.modelLoading.emit(True)
        try:
            dense_hits = self._search_mode(searcher, request, libraries, request.mode)
        except UserError as exc:  # the model is missing: keep the keyword hits, say why once
            self._dense_error = str(exc)
            self.bridge.results.emit(request.generation, "keyword", hits, True)
            raise
        finally:
            if not self._model_ready:
                self.bridge.modelLoading.emit(False)
        self._model_ready = True
        if not self._stale():
            self.bridge.results.emit(request.generation, request.mode, dense_hits, True)

    def _search_mode(
        self, searcher: Searcher, request: SearchRequest, libraries: list[LibraryRecord], mode: str
    ) -> list[Hit]:
        options = SearchOptions(mode=mode, limit=request.limit, filter=request.filter, sort=request.sort)
        results = searcher.run(request.text, libraries, options)
        self._parsed = results.query
        return results.hits

    def _preview(self, searcher: Searcher, hit: Hit) -> None:
        self.bridge.preview.emit(document_preview(searcher.store, hit, self._parsed))

    def _passage(self, searcher: Searcher, hit: Hit) -> None:
        info = searcher.store.chunk_infos([hit.chunk_id]).get(hit.chunk_id)
        self.bridge.passage.emit(info.text if info is not None else hit.snippet)

    def _statuses(self, searcher: Searcher) -> None:
        self._dense_error = None  # libraries changed (a model downloaded or chosen): try meaning search again
        libraries = self.libraries_on(searcher.store)
        records = libraries.select(None)
        self.bridge.statuses.emit(records, [libraries.status_of(record) for record in records])
