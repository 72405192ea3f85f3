"""The filter bar's choices (file type, modified date, mode, order) and one search request."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_search.core.extract.kinds import FAMILIES
from desktop_search.records import SearchFilter

# label shown in the type filter -> the family a `type:` operator names (core/filters.py reads it)
FILE_TYPES: dict[str, str] = {family.label: family.name for family in FAMILIES}

# label -> an age for core.filters.search_filter(since=...)
DATES: dict[str, str | None] = {
    "Any time": None,
    "Past day": "1d",
    "Past week": "7d",
    "Past month": "31d",
    "Past year": "366d",
}

MODE_LABELS = {"hybrid": "Meaning + words", "keyword": "Words only", "dense": "Meaning only"}
SORT_LABELS = {"relevance": "Best match first", "date": "Newest first", "name": "By name"}


RESULT_LIMIT = 50  # the most results one search lists


@dataclass(frozen=True)
class SearchRequest:
    """One query as typed; `generation` grows with every keystroke so stale answers can be dropped."""

    generation: int
    text: str
    filter: SearchFilter = field(default_factory=SearchFilter)
    mode: str = "hybrid"
    sort: str = "relevance"
    limit: int = RESULT_LIMIT
