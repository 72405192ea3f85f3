"""The composition root shared by the CLI and the GUI."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_search.core.instance import WriterLock
from desktop_search.core.libraries import LibraryService
from desktop_search.core.pause import PauseSwitch
from desktop_search.core.search import Searcher
from desktop_search.embed.catalog import remote_spec, set_user_models
from desktop_search.settings import Settings, with_ocr
from desktop_search.storage import Store, open_database, open_reader

if TYPE_CHECKING:  # indexing (workers, extractors, numpy) loads only when something is indexed
    from desktop_search.core.indexer import Indexer
    from desktop_search.embed.base import Embedder


@dataclass
class EmbedderProvider:
    """Loads each model once, on first use, so keyword-only work never imports torch."""

    models_dir: Path
    device: str = "auto"
    threads: int = 0
    backend: str = "auto"
    injected: Embedder | None = None
    _loaded: dict[str, Embedder] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _loading: dict[str, threading.Lock] = field(default_factory=dict)  # one per model

    def __call__(self, model_id: str) -> Embedder:
        if self.injected is not None:
            return self.injected
        loaded = self._loaded.get(model_id)
        if loaded is not None:  # a search never waits while the indexing thread loads another model
            return loaded
        with self._lock:
            lock = self._loading.setdefault(model_id, threading.Lock())
        with lock:
            if model_id not in self._loaded:
                from desktop_search.embed.loader import load_embedder

                self._loaded[model_id] = load_embedder(
                    model_id, self.models_dir, self.device, self.threads, self.backend
                )
            return self._loaded[model_id]


@dataclass
class Services:
    settings: Settings
    store: Store  # the writer's connection; owned by whichever thread indexes
    libraries: LibraryService
    embedders: EmbedderProvider
    pause: PauseSwitch  # every indexer of this data folder obeys it, in this process and others
    _writer: WriterLock | None = field(default=None, init=False, repr=False)

    def become_writer(self) -> None:
        """Take the data folder's writer lock, held until close(): one process writes a data folder at a time,
        and a second one stops with AlreadyRunning naming the first. Every writer comes through here, if only
        through indexer(); searching never needs it."""
        if self._writer is None:
            lock = WriterLock(self.settings.home)
            lock.acquire()
            self._writer = lock

    def indexer(self) -> Indexer:
        """The indexer, for the one writer of the data folder (see become_writer)."""
        from desktop_search.core.indexer import Indexer
        from desktop_search.core.producer import IndexLimits

        self.become_writer()
        limits = IndexLimits.from_settings(self.settings)
        return Indexer(self.store, self.embedders, self.settings.home, limits, pause=self.pause)

    def searcher(self) -> Searcher:
        """A searcher with its own connection, safe to use from another thread while indexing runs."""
        return Searcher(Store(open_reader(self.settings.db_path)), self.embedders)

    def set_ocr(self, library: str | None, enabled: bool) -> list[str]:
        """Turn OCR on or off for a library (None: every library), save the setting and queue the pictures and
        PDFs whose text it changes for the next run; returns messages for the user."""
        every = [lib.name for lib in self.libraries.select(None)]
        setting = Settings.load(self.settings.home).ocr  # the file's: another window or command may have changed it
        messages = []
        for lib in self.libraries.select(library):
            setting = with_ocr(setting, lib.name, enabled, every)
            files = self.store.look_again_for_ocr(lib.id)
            state = "on" if enabled else "off"
            messages.append(f"OCR {state} for library '{lib.name}': {files} pictures and PDFs to look at again.")
        self.settings = self.settings.with_changes(ocr=setting)
        Settings.load(self.settings.home).with_changes(ocr=setting).save()
        return messages

    def libraries_on(self, store: Store) -> LibraryService:
        """The one way to change or describe libraries, on another thread's connection (the reader's)."""
        return LibraryService(store, self.settings.home)

    def close(self) -> None:
        self.store.conn.close()
        if self._writer is not None:
            self._writer.release()
            self._writer = None


def build_services(settings: Settings, embedder: Embedder | None = None, *, readonly: bool = False) -> Services:
    """`readonly`: for commands that only read (search, status), which then work on a read-only data folder."""
    set_user_models([remote_spec(entry, settings.remote_consent) for entry in settings.remote_models])
    store = Store(open_reader(settings.db_path) if readonly else open_database(settings.db_path))
    provider = EmbedderProvider(
        settings.models_dir, settings.device, settings.threads, settings.backend, injected=embedder
    )
    return Services(settings, store, LibraryService(store, settings.home), provider, PauseSwitch(settings.home))
