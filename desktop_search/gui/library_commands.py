"""Library changes as commands for the indexing thread, which owns the write connection."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from desktop_search.core.libraries import DEFAULT_LIBRARY
from desktop_search.gui.index_worker import IndexWorker
from desktop_search.services import Services


class LibraryCommands:
    """What the GUI asks of the libraries; every change runs on the indexing thread, then indexes."""

    def __init__(self, worker: IndexWorker) -> None:
        self.worker = worker

    def add_folders(self, paths: Sequence[str], library: str = DEFAULT_LIBRARY, model: str | None = None) -> None:
        folders = list(paths)

        def add(services: Services) -> str:
            return " ".join(services.libraries.add_folders(folders, library, model))

        self.worker.run_command(add)
        self.worker.index([library])

    def remove_folder(self, path: str, library: str) -> None:
        self.worker.run_command(lambda services: services.libraries.remove_folder(path, library))

    def set_exclusions(self, library: str, exclusions: Sequence[str]) -> None:
        patterns = list(exclusions)
        self._change_and_index(library, lambda services: services.libraries.set_exclusions(library, patterns))

    def set_follow_links(self, library: str, follow: bool) -> None:
        self._change_and_index(library, lambda services: services.libraries.set_follow_links(library, follow))

    def set_model(self, library: str, model_id: str) -> None:
        self._change_and_index(library, lambda services: services.libraries.set_model(library, model_id))

    def _change_and_index(self, library: str, change: Callable[[Services], str]) -> None:
        """Change a library through the LibraryService on the worker (its message is shown), then index it."""
        self.worker.run_command(change)
        self.worker.index([library])

    def set_ocr(self, library: str, enabled: bool) -> None:
        """Read pictures and scanned PDF pages of the library with OCR (or stop), then index what that changes."""
        self.worker.run_command(lambda services: " ".join(services.set_ocr(library, enabled)))
        self.worker.index([library])

    def reindex(self, library: str) -> None:
        self.worker.index([library], retry_failed=True)

    def retry_failed(self) -> None:
        self.worker.index(None, retry_failed=True)

    def refresh_context(self, library: str) -> None:
        """Sample the library again for a contextual model; search keeps the old context until the new is built."""
        self.worker.index([library], refresh_context=True)
