"""Filter values as people type them, read the same way by the query language, the CLI and the GUI:
dates (2024-03-01, 2024-03, 2024, 30d, today), sizes (10mb), file types (pdf, document, docx) and folders."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from desktop_search.records import SearchFilter

DAY = 86400.0
# A relative date is an age: a number and a unit (h hours, d days, w weeks, m months of 30 days, y years).
_AGE = re.compile(r"(\d+)\s*(h|d|w|m|y)", re.IGNORECASE)
_AGE_UNITS = {"h": 3600.0, "d": DAY, "w": 7 * DAY, "m": 30 * DAY, "y": 365 * DAY}
_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}
# Words people use for a type that is not a family or kind name.
_TYPE_ALIASES = {"word": "docx", "excel": "xlsx", "powerpoint": "pptx", "slides": "presentation", "doc": "document"}


class FilterValueError(ValueError):
    """A filter value that cannot be read; the message says what is expected."""


def is_age(text: str) -> bool:
    """Whether a date value is an age (30d, 2w) rather than a calendar date or day (2024-03, today)."""
    return bool(_AGE.fullmatch(text.strip()))


def date_span(text: str, now: float | None = None) -> tuple[float, float]:
    """The period a date value names, as [start, end) in seconds since the epoch (local time): a day, a
    month or a year for a calendar date; from that long ago until now for an age ("30d": the last 30 days)."""
    now = time.time() if now is None else now
    value = text.strip().lower()
    if value in ("today", "yesterday"):
        midnight = datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0)
        start = midnight - timedelta(days=1 if value == "yesterday" else 0)
        return start.timestamp(), (start + timedelta(days=1)).timestamp()
    age = _AGE.fullmatch(value)
    if age:
        return now - int(age.group(1)) * _AGE_UNITS[age.group(2)], now + DAY
    match = _DATE.fullmatch(value)
    if not match:
        raise FilterValueError(f"'{text}' is not a date: use 2024-03-01, 2024-03, 2024 or an age like 30d")
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    try:
        if month is None:
            start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
        elif day is None:
            start = datetime(year, int(month), 1)
            end = datetime(year + int(month) // 12, int(month) % 12 + 1, 1)  # the next month's first day
        else:
            start = datetime(year, int(month), int(day))
            end = start + timedelta(days=1)
    except ValueError as exc:
        raise FilterValueError(f"'{text}' is not a date: {exc}") from exc
    return start.timestamp(), end.timestamp()


def size_bytes(text: str) -> int:
    """A size such as 500k, 10mb or 2.5 GB (units of 1024) in bytes; a bare number is bytes."""
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise FilterValueError(f"'{text}' is not a size: use a number with b, kb, mb or gb, like 10mb")
    return int(float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()])


def file_types(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(kinds, extensions) a type value names: a family (pdf, document, spreadsheet, presentation, ebook,
    web, text, code; a plural too), a kind (docx, markdown) or an extension (md, .tex)."""
    # The kinds table loads with the extractors' package: only here, so a search without a type starts faster.
    from desktop_search.core.extract.kinds import BY_EXTENSION, BY_NAME, FAMILIES, FAMILY_BY_NAME, kinds_of

    value = text.strip().lower()
    value = _TYPE_ALIASES.get(value, value)
    for name in (value, value.removesuffix("s")):
        if name in FAMILY_BY_NAME:
            return kinds_of(name), ()
        if name in BY_NAME:
            return (name,), ()
    extension = "." + value.lstrip(".")
    if extension in BY_EXTENSION and extension != ".":
        return (), (extension,)
    names = ", ".join(family.name for family in FAMILIES)
    raise FilterValueError(f"'{text}' is not a file type: use one of {names}, or an extension")


def extension(text: str) -> str:
    """An extension as typed (docx, .DOCX) in the stored form (.docx)."""
    value = text.strip().lower().lstrip(".")
    if not value or not re.fullmatch(r"[\w.+-]+", value):
        raise FilterValueError(f"'{text}' is not a file extension")
    return "." + value


def folder(text: str) -> str:
    """A folder value: an absolute path (~ expanded, normalised) or a folder's name to find anywhere."""
    value = text.strip()
    expanded = os.path.expanduser(value)
    if os.path.isabs(expanded):
        return os.path.normpath(expanded)
    name = value.strip("/\\")
    if not name:
        raise FilterValueError(f"'{text}' is not a folder")
    return name


def search_filter(
    *,
    libraries: Sequence[str] = (),
    folders: Sequence[str] = (),
    types: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    now: float | None = None,
) -> SearchFilter:
    """The filter the CLI's flags and the GUI's filter bar ask for: `since` and `until` include the day,
    month or year they name (`since 30d`: the last 30 days; `until 1y`: nothing newer than a year)."""
    kinds: list[str] = []
    extensions: list[str] = []
    for value in types:
        found_kinds, found_extensions = file_types(value)
        kinds += found_kinds
        extensions += found_extensions
    after = date_span(since, now)[0] if since else None
    before = None
    if until:
        span = date_span(until, now)
        before = span[0] if is_age(until) else span[1]
    return SearchFilter(
        libraries=tuple(libraries),
        folders=tuple(dict.fromkeys(folder(f) for f in folders)),
        kinds=tuple(dict.fromkeys(kinds)),
        extensions=tuple(dict.fromkeys(extensions)),
        modified_after=after,
        modified_before=before,
    )
