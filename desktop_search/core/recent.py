"""Recent searches, kept in the data folder (nowhere else) so the search field can offer them again."""

from __future__ import annotations

import json
import os
from pathlib import Path

FILE_NAME = "recent-searches.json"
KEEP = 20


class RecentSearches:
    """The last searches, newest first, one of each."""

    def __init__(self, home: Path) -> None:
        self.path = home / FILE_NAME

    def load(self) -> list[str]:
        """What is stored; an unreadable file counts as none (it is only a convenience)."""
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [q for q in found if isinstance(q, str)][:KEEP] if isinstance(found, list) else []

    def add(self, query: str) -> list[str]:
        """Remember a search; one that extends the newest ("invoice" then "invoice march") replaces it."""
        query = " ".join(query.split())
        if not query:
            return self.load()
        kept = self.load()
        if kept and query.startswith(kept[0]):
            kept = kept[1:]  # typed on from the last one: keep the whole thought, not every step
        recent = [query, *(q for q in kept if q.casefold() != query.casefold())][:KEEP]
        self._write(recent)
        return recent

    def clear(self) -> None:
        self._write([])

    def _write(self, recent: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(recent, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, self.path)
