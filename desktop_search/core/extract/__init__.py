"""Text extraction: detect a file's kind by extension and content (kinds.py), then run that kind's extractor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from desktop_search.core.extract.kinds import BY_NAME, TEXT_KINDS
from desktop_search.core.extract.sniff import binary_reason, detect_kind
from desktop_search.core.extract.titles import clean_title, markdown_title
from desktop_search.records import NoText
from desktop_search.settings import Settings

__all__ = [
    "Extract",
    "ExtractLimits",
    "Extracted",
    "ExtractionFailed",
    "TEXT_KINDS",
    "detect_kind",
    "extract_bytes",
]

MB = 1024 * 1024


@dataclass(frozen=True)
class Extracted:
    """The text of a file in reading order; `page_starts[i]` is where page i + 1 begins in `text`.

    `note` says what was left out (a size or page cap), empty when the whole file was read; `title` is the
    document's own title (HTML <title>, PDF or Office metadata), empty when it has none. `titles`: the subject
    of each message of an mbox archive, where each page is a message.
    """

    text: str
    kind: str
    page_starts: tuple[int, ...] = ()
    note: str = ""
    title: str = ""
    titles: tuple[str, ...] = ()
    ocr_pages: int = 0  # pages (or pictures) whose text was read by OCR

    @property
    def pages_are_documents(self) -> bool:
        """Each page is a message of its own (an mbox archive): a search result of its own, chunked alone."""
        return bool(self.page_starts) and len(self.titles) == len(self.page_starts)


class ExtractionFailed(Exception):
    """A file yields no text. `status` is "failed" (broken, unreadable) or "skipped" (not a document)."""

    def __init__(self, status: NoText, reason: str, kind: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class ExtractLimits:
    """Caps that keep one huge or hostile file from stalling a run."""

    max_text_bytes: int = Settings.max_text_mb * MB  # text files: only this much is read and indexed
    max_pages: int = Settings.max_pages  # PDFs: pages beyond this are left out
    max_unzipped_bytes: int = 256 * MB  # Office/ODF/EPUB: total decompressed size (zip bombs)
    ocr: bool = False  # read pictures and PDF pages without a text layer with OCR (the library's setting)


def size_text(n: int) -> str:
    """A byte count for people: "8 MB", "64 KB"."""
    return f"{n // MB} MB" if n >= MB else f"{max(1, n // 1024)} KB"


# (bytes read, path, limits, whether the bytes are only the first part of a text file) -> text
Extract = Callable[[bytes, Path, ExtractLimits, bool], Extracted]


def extract_bytes(data: bytes, path: Path, limits: ExtractLimits | None = None, truncated: bool = False) -> Extracted:
    """Extract the text of a file's bytes, or raise ExtractionFailed with the reason.

    `truncated` says that `data` is only the first part of a text file (read up to the text cap).
    """
    limits = limits or ExtractLimits()
    kind = detect_kind(path, data[:8192])
    if kind is None:
        raise ExtractionFailed("skipped", binary_reason(data[:16]))
    extractor = BY_NAME[kind].extract
    if extractor is None:
        from desktop_search.core.extract.text import extract_text

        note = f"only the first {size_text(limits.max_text_bytes)} indexed" if truncated else ""
        text = extract_text(data, truncated)
        title = clean_title(markdown_title(text)) if kind == "markdown" else ""
        return Extracted(text, kind, note=note, title=title)
    if not data.strip():
        raise ExtractionFailed("failed", "empty file", kind)
    try:
        extracted = extractor(data, limits)
    except ExtractionFailed as exc:
        exc.kind = exc.kind or kind
        raise
    return _capped(replace(extracted, title=clean_title(extracted.title)), limits.max_text_bytes)


def _capped(extracted: Extracted, max_chars: int) -> Extracted:
    """A document whose text exceeds the cap keeps its first part (and the pages that start in it)."""
    if len(extracted.text) <= max_chars:
        return extracted
    pages = tuple(p for p in extracted.page_starts if p < max_chars)
    note = extracted.note or f"only the first {size_text(max_chars)} of text indexed"
    titles = extracted.titles[: len(pages)] if len(extracted.titles) > 1 else extracted.titles
    return replace(extracted, text=extracted.text[:max_chars], page_starts=pages, note=note, titles=titles)
