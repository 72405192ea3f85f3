"""Libraries: named sets of folders with their model and exclusions."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from desktop_search.core.generated import GENERATED
from desktop_search.embed.catalog import DEFAULT_MODEL, get_spec
from desktop_search.errors import FolderError, LibraryNotFound
from desktop_search.paths import is_inside
from desktop_search.records import LibraryRecord, LibraryStatus
from desktop_search.storage import Store

DEFAULT_LIBRARY = "default"


class LibraryService:
    def __init__(self, store: Store, data_dir: Path) -> None:
        self.store = store
        self.data_dir = data_dir.resolve()

    def get(self, name: str) -> LibraryRecord:
        library = self.store.library_by_name(name)
        if library is None:
            names = ", ".join(lib.name for lib in self.store.libraries()) or "none yet"
            raise LibraryNotFound(f"No library named '{name}'. Libraries: {names}. Add a folder to create one.")
        return library

    def select(self, name: str | None) -> list[LibraryRecord]:
        """The named library, or every library when no name is given."""
        return [self.get(name)] if name else self.store.libraries()

    def check_folder(self, path: str) -> str:
        """The absolute form of a folder the user wants indexed, or a FolderError saying what is wrong."""
        folder = Path(path).expanduser()
        if not folder.exists():
            raise FolderError(f"No such folder: {path}")
        if not folder.is_dir():
            raise FolderError(f"{path} is a file, not a folder. Add the folder that contains it.")
        resolved = folder.resolve()
        if not os.access(resolved, os.R_OK | os.X_OK):
            raise FolderError(f"Cannot read the folder {path}: permission denied.")
        if is_inside(str(resolved), str(self.data_dir)):
            raise FolderError(f"{path} is inside Desktop Search's own data folder ({self.data_dir}).")
        return str(resolved)

    def add_folders(
        self,
        paths: Sequence[str],
        library: str = DEFAULT_LIBRARY,
        model_id: str | None = None,
        follow_links: bool | None = None,
    ) -> list[str]:
        """Add folders (all checked before any is added); returns messages for the user.

        `follow_links` (None: unchanged, off for a new library) sets whether the library follows symbolic
        links wherever they point, or only those into its own folders."""
        folders = [self.check_folder(p) for p in paths]
        record = self.store.library_by_name(library)
        if record is None:
            from desktop_search.core.scanner import DEFAULT_EXCLUSIONS  # with the extractors: not for a search

            spec = get_spec(model_id or DEFAULT_MODEL)
            record = self.store.create_library(library, spec.id, DEFAULT_EXCLUSIONS)
        elif model_id is not None and get_spec(model_id).id != record.model_id:
            self.store.set_library_model(record.id, get_spec(model_id).id)
        messages = []
        if follow_links is not None and follow_links != record.follow_links:
            messages.append(self.set_follow_links(library, follow_links))
        for folder in folders:
            existing = [r.path for r in self.store.roots(record.id)]
            covering = next((r for r in existing if is_inside(folder, r)), None)
            if covering is not None:
                messages.append(f"{folder} is already in library '{library}' (through {covering}).")
                continue
            self.store.add_root(record.id, folder)
            for child in (r for r in existing if is_inside(r, folder)):
                self.store.merge_root(record.id, child, folder)
            messages.append(f"Added {folder} to library '{library}'.")
        return messages

    def remove_folder(self, path: str, library: str = DEFAULT_LIBRARY) -> str:
        record = self.get(library)
        folder = str(Path(path).expanduser().resolve())
        if not self.store.remove_root(record.id, folder):
            folders = ", ".join(r.path for r in self.store.roots(record.id)) or "none"
            raise FolderError(f"{path} is not a folder of library '{library}'. Its folders: {folders}.")
        return f"Removed {folder} and its index from library '{library}'."

    def set_exclusions(self, name: str, patterns: Sequence[str]) -> str:
        """What a library skips (one glob pattern each, blank ones dropped); the next scan applies them."""
        record = self.get(name)
        kept = [p.strip() for p in patterns if p.strip()]
        self.store.set_library_exclusions(record.id, kept)
        if (GENERATED in kept) != (GENERATED in record.exclusions):
            # Unchanged files are not read again by a scan: the text files are, to index or skip machine-made ones.
            from desktop_search.core.extract import TEXT_KINDS

            self.store.look_again_at_kinds(record.id, TEXT_KINDS)
        return f"Exclusions of '{name}' saved; the next scan applies them."

    def set_follow_links(self, name: str, follow: bool) -> str:
        """Follow symbolic links wherever they point, or only those into the library's own folders."""
        self.store.set_follow_links(self.get(name).id, follow)
        where = "wherever they point" if follow else "only into the library's own folders"
        return f"Library '{name}' now follows symbolic links {where}; the next scan applies it."

    def set_model(self, name: str, model_id: str) -> str:
        """Switch a library to another model; its passages are embedded again by the next index run, while
        search keeps using the old vectors until the new ones are complete."""
        record, spec = self.get(name), get_spec(model_id)
        if spec.id == record.model_id:
            return f"'{name}' already uses {spec.id}."
        self.store.set_library_model(record.id, spec.id)
        return f"'{name}' now uses {spec.id}; its passages are embedded again in the background."

    def status(self, name: str | None = None) -> list[LibraryStatus]:
        return [self.status_of(lib) for lib in self.select(name)]

    def status_of(self, library: LibraryRecord) -> LibraryStatus:
        """Counts, failed files and, for a contextual model, its context and whether a new index is being built."""
        return self._with_context(library, self.store.library_status(library))

    def _with_context(self, library: LibraryRecord, status: LibraryStatus) -> LibraryStatus:
        """Add the contextual model's context (size, when, from how many files, how stale) to a status."""
        found = self.store.context_status(library.id)
        if found is None:
            return replace(status, rebuilding=bool(self.store.spaces(library.id, ("building",))))
        context, staleness, building = found
        return replace(
            status,
            context_size=context.size,
            context_sampled_at=context.created_at,
            context_files=context.files_sampled,
            context_staleness=round(staleness, 4),
            rebuilding=building,
        )
