"""Text extraction: choose an extractor by extension and content, return text with page offsets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_search.core.extract.text import TEXT_KINDS, decode_text, looks_binary


@dataclass(frozen=True)
class Extracted:
    """The text of a file in reading order; `page_starts[i]` is where page i + 1 begins in `text`."""

    text: str
    kind: str
    page_starts: tuple[int, ...] = ()


class ExtractionFailed(Exception):
    """A file yields no text. `status` is "failed" (broken, unreadable) or "skipped" (not a document)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


Extract = Callable[[bytes, Path], Extracted]


def _extract_text(data: bytes, path: Path) -> Extracted:
    kind = TEXT_KINDS.get(path.suffix.lower(), "text")
    text = decode_text(data)
    if text is None:
        raise ExtractionFailed("failed", "the text is not in a supported encoding (UTF-8 expected)")
    return Extracted(text.replace("\r\n", "\n").replace("\r", "\n"), kind)


def detect_kind(path: Path, head: bytes) -> str | None:
    """The document type from the extension, confirmed by the first bytes; None when not a document."""
    suffix = path.suffix.lower()
    if suffix in TEXT_KINDS:
        return TEXT_KINDS[suffix]
    if looks_binary(head):
        return None
    return "text"


def extract_bytes(data: bytes, path: Path) -> Extracted:
    """Extract the text of a file's bytes, or raise ExtractionFailed with the reason."""
    kind = detect_kind(path, data[:8192])
    if kind is None:
        raise ExtractionFailed("skipped", "not a document (binary content)")
    if not data.strip():
        return Extracted("", kind)
    return _extract_text(data, path)
