"""What the user narrowed a search to: library, folder, file type, modified date, and the search mode."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from desktop_search.core.extract.kinds import FAMILIES, extensions_of
from desktop_search.core.query import fold, parse_query
from desktop_search.paths import is_inside
from desktop_search.records import Hit

# label shown in the type filter -> the extensions of that family of kinds
FILE_TYPES: dict[str, tuple[str, ...]] = {family.label: extensions_of(family.name) for family in FAMILIES}

DATES: dict[str, float | None] = {
    "Any time": None,
    "Past day": 86400.0,
    "Past week": 7 * 86400.0,
    "Past month": 31 * 86400.0,
    "Past year": 366 * 86400.0,
}

MODE_LABELS = {"hybrid": "Meaning + words", "keyword": "Words only", "dense": "Meaning only"}


@dataclass(frozen=True)
class Filters:
    library: str | None = None
    folder: str | None = None
    file_type: str | None = None  # a key of FILE_TYPES
    modified_within_s: float | None = None

    @property
    def narrows_hits(self) -> bool:
        """True when hits must be filtered after the search (the library is chosen before it)."""
        return bool(self.folder or self.file_type or self.modified_within_s)

    def accepts(self, hit: Hit, now: float | None = None) -> bool:
        if self.folder and not is_inside(hit.path, self.folder):
            return False
        if self.file_type and Path(hit.path).suffix.lower() not in FILE_TYPES[self.file_type]:
            return False
        if self.modified_within_s is not None:
            age = (now if now is not None else time.time()) - hit.mtime_ns / 1e9
            if age > self.modified_within_s:
                return False
        return True


@dataclass(frozen=True)
class SearchRequest:
    """One query as typed; `generation` grows with every keystroke so stale answers can be dropped."""

    generation: int
    text: str
    filters: Filters = Filters()
    mode: str = "hybrid"
    limit: int = 50


def highlight_words(text: str) -> tuple[str, ...]:
    """The query's words worth marking: stop words only when the query has nothing else."""
    return parse_query(text).highlight_words


def useful_highlights(hit: Hit, words: tuple[str, ...]) -> Hit:
    """The hit with only the highlights of `words` (see highlight_words): no "the" or "to" marked."""
    kept = tuple((a, b) for a, b in hit.highlights if fold(hit.snippet[a:b]) in words)
    return hit if kept == hit.highlights else replace(hit, highlights=kept)
