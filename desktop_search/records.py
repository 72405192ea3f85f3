"""Plain data passed between layers (storage, core, CLI, GUI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FileStatus = Literal["indexed", "failed", "skipped"]  # files.status; "failed" and "skipped" keep a reason
NoText = Literal["failed", "skipped"]  # why a file has no text: broken or unreadable, or not a document
SpaceState = Literal["building", "active", "retired"]  # spaces.state (CHECK constraint in migration 1)
# Progress.phase; "paused" while indexing waits for resume (a run, or a watch between runs), "resumed" after
Phase = Literal["scan", "index", "done", "watch", "paused", "resumed"]


@dataclass(frozen=True)
class LibraryRecord:
    id: int
    name: str
    model_id: str
    exclusions: tuple[str, ...]
    created_at: float
    last_indexed_at: float | None
    follow_links: bool = False  # index symlinked files and folders wherever they point (else only inside)


@dataclass(frozen=True)
class RootRecord:
    id: int
    library_id: int
    path: str


@dataclass(frozen=True)
class FileState:
    """What the index knows about one file, enough to decide whether to look at it again."""

    id: int
    path: str
    size: int
    mtime_ns: int
    status: FileStatus
    content_hash: str | None


@dataclass(frozen=True)
class FailedFile:
    path: str
    status: FileStatus
    error: str


@dataclass(frozen=True)
class SpaceRecord:
    """An embedding space: vectors of one model revision, chunker and context version."""

    id: int
    library_id: int
    model_id: str
    revision: str
    chunker: str
    context_version: int
    dim: int
    state: SpaceState

    @property
    def table(self) -> str:
        return f"vec_{self.id}"


@dataclass(frozen=True)
class ContextRecord:
    """A library's CDE context: stage-1 vectors of sampled chunks, in their order."""

    library_id: int
    version: int
    model_id: str
    revision: str
    size: int
    dim: int
    vectors: bytes  # float32, row-major (size, dim)
    chunk_ids: tuple[int, ...]
    files_sampled: int
    files_total: int
    created_at: float


@dataclass(frozen=True)
class ChunkSpan:
    """A chunk as a character span of the extracted text; `page` is 1-based when known."""

    start: int
    end: int
    n_tokens: int
    page: int | None = None


@dataclass(frozen=True)
class PendingChunk:
    chunk_id: int
    text: str
    n_tokens: int


@dataclass(frozen=True)
class ChunkInfo:
    """A stored chunk with the text of its passage and the files that hold it.

    `title`: the subject of the e-mail message it is in. In an mbox archive every page is a message and a
    result of its own (`separate_page`), so results are per `unit`: the content, or the content's page.
    """

    chunk_id: int
    content_id: int
    start: int
    end: int
    page: int | None
    text: str
    title: str | None = None
    separate_page: bool = False

    @property
    def unit(self) -> tuple[int, int]:
        return (self.content_id, (self.page or 0) if self.separate_page else 0)


@dataclass(frozen=True)
class FileHitInfo:
    file_id: int
    content_id: int
    path: str
    kind: str | None
    mtime_ns: int
    size: int
    title: str = ""


@dataclass(frozen=True)
class Hit:
    """One search result: a file and its best passage."""

    path: str
    score: float
    snippet: str
    page: int | None
    start: int
    end: int
    library: str
    kind: str | None = None
    mtime_ns: int = 0
    chunk_id: int = 0
    highlights: tuple[tuple[int, int], ...] = ()
    keyword_rank: int | None = None
    dense_rank: int | None = None
    title: str = ""  # the document's own title, empty when it has none


@dataclass(frozen=True)
class SearchFilter:
    """Which files a search may return. Every part that is set must hold; a part with several values holds
    when one of them does. The search applies it inside (SQL for words, the candidate set for vectors)."""

    libraries: tuple[str, ...] = ()  # library names
    folders: tuple[str, ...] = ()  # an absolute folder (files below it) or a folder's name (anywhere in the path)
    kinds: tuple[str, ...] = ()  # stored kinds ("pdf", "docx", "markdown"); with extensions: one of either
    extensions: tuple[str, ...] = ()  # ".docx"
    modified_after: float | None = None  # seconds since the epoch, inclusive
    modified_before: float | None = None  # exclusive
    min_size: int | None = None  # bytes, inclusive
    max_size: int | None = None
    titles: tuple[str, ...] = ()  # each must be in the document's title or its file name (case ignored)

    @property
    def narrows_files(self) -> bool:
        """Whether anything beyond the choice of libraries is asked for."""
        return self != SearchFilter(libraries=self.libraries)


@dataclass(frozen=True)
class LibraryStatus:
    name: str
    model_id: str
    folders: tuple[str, ...]
    files: int
    chunks: int
    embedded: int
    pending: int
    failed: int
    skipped: int
    failed_files: tuple[FailedFile, ...]
    last_indexed_at: float | None
    # Contextual (CDE) models only: the library's context and whether a new space is being built.
    context_size: int | None = None
    context_sampled_at: float | None = None
    context_files: int | None = None  # distinct files the context was sampled from
    context_staleness: float | None = None  # share of files added, changed or removed since sampling
    rebuilding: bool = False  # a new embedding space (new context or model) is being built
    # Indexed only in part (a size or page cap), each with the note saying what was left out.
    partial_files: tuple[FailedFile, ...] = ()
    follow_links: bool = False  # symlinked files and folders are followed wherever they point
    ocr_files: tuple[tuple[str, int], ...] = ()  # (path, pages read by OCR) of files whose text came from OCR
    skipped_reasons: tuple[tuple[str, int], ...] = ()  # (why, how many files) of skipped files, most first


@dataclass(frozen=True)
class Progress:
    """Indexing progress for one library, reported between units of work."""

    library: str
    phase: Phase
    files_done: int = 0
    files_total: int = 0
    chunks_done: int = 0
    chunks_total: int = 0
    chunks_per_s: float = 0.0
    eta_s: float | None = None
    current_file: str = ""
    failed: int = 0
    messages: tuple[str, ...] = field(default_factory=tuple)
