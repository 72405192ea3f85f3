"""The indexing pipeline's producer: hashes files, has worker processes extract the new ones, chunks the text."""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from desktop_search.core.chunking import chunk_text
from desktop_search.core.extract import MB, TEXT_KINDS, Extract, Extracted, ExtractLimits, detect_kind
from desktop_search.core.extract.ocr import OCR_OFF
from desktop_search.core.extract.opening import NotRegularFile, open_regular
from desktop_search.core.extract.sniff import binary_reason
from desktop_search.core.extract.workers import Failure, Job, Outcome, PoolLimits, WorkerPool
from desktop_search.core.generated import GENERATED, looks_generated
from desktop_search.core.scanner import ScannedFile
from desktop_search.embed.base import Embedder
from desktop_search.records import ChunkSpan, NoText
from desktop_search.settings import Settings, ocr_enabled

log = logging.getLogger(__name__)

QUEUE_DEPTH = 16  # extracted files waiting for the writer: bounds memory while the model is busy
_HASH_BLOCK = 1024 * 1024
_HEAD = 8192


@dataclass(frozen=True)
class IndexLimits:
    """Per-file caps and the extraction workers' limits. Their defaults are Settings' (the user's knobs)."""

    max_file_bytes: int = Settings.max_file_mb * MB  # documents above this are skipped (text: the head is read)
    max_text_bytes: int = ExtractLimits.max_text_bytes
    max_pages: int = ExtractLimits.max_pages
    max_unzipped_bytes: int = ExtractLimits.max_unzipped_bytes
    workers: int = PoolLimits.workers
    timeout_s: float = PoolLimits.timeout_s
    memory_mb: int = PoolLimits.memory_mb
    ocr: bool | tuple[str, ...] = False  # the `ocr` setting: every library, or these by name

    @classmethod
    def from_settings(cls, s: Settings) -> IndexLimits:
        return cls(
            max_file_bytes=s.max_file_mb * MB,
            max_text_bytes=s.max_text_mb * MB,
            max_pages=s.max_pages,
            workers=s.extract_workers,
            timeout_s=s.extract_timeout_s,
            memory_mb=s.extract_memory_mb,
            ocr=tuple(s.ocr) if isinstance(s.ocr, list) else s.ocr,
        )

    def pool(self) -> PoolLimits:
        extract = ExtractLimits(self.max_text_bytes, self.max_pages, self.max_unzipped_bytes)
        # ONNX Runtime and OpenCV reserve address space the cap counts: an OCR worker peaks near 1.4 GB virtual
        # (0.55 GB resident) on an A4 page, so workers get at least OCR_MEMORY_MB while any library reads by OCR.
        memory_mb = max(self.memory_mb, OCR_MEMORY_MB) if self.ocr else self.memory_mb
        return PoolLimits(self.workers, self.timeout_s, memory_mb, extract=extract)

    def ocr_on(self, library: str) -> bool:
        return ocr_enabled(self.ocr, library)


@dataclass
class StageTimes:
    """Seconds spent per stage in one run; extraction and chunking overlap embedding."""

    scan: float = 0.0
    read: float = 0.0
    extract: float = 0.0
    chunk: float = 0.0
    embed: float = 0.0
    write: float = 0.0
    tokens_embedded: int = 0


@dataclass(frozen=True)
class New:
    file: ScannedFile
    content_hash: str
    extracted: Extracted
    spans: list[ChunkSpan]


@dataclass(frozen=True)
class Known:
    file: ScannedFile
    content_hash: str
    kind: str | None


@dataclass(frozen=True)
class Failed:
    file: ScannedFile
    status: NoText
    reason: str
    kind: str | None = None
    retry: bool = False  # store an impossible mtime, so that the next run looks at the file again


DONE = object()


def _read_error(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "disappeared while being indexed"
    return f"cannot read: {exc.strerror or exc.__class__.__name__}"


class Hashed(NamedTuple):
    content_hash: str
    kind: str | None  # None: not a document
    head: bytes
    too_large: bool


OCR_KINDS = frozenset({"pdf", "image"})  # what OCR can read more of
OCR_MEMORY_MB = 2048


def hash_file(path: str, limits: IndexLimits, ocr: bool = False) -> Hashed:
    """The content hash and detected kind, streamed so that a 2 GB file never sits in memory.

    Text files are hashed only as far as they are indexed (the text cap), so a growing log whose
    head is unchanged keeps its chunks. Documents over the size cap are not hashed at all.
    """
    digest = hashlib.blake2b(digest_size=20)
    with open_regular(path) as f:
        head = f.read(_HEAD)
        kind = detect_kind(Path(path), head)
        size = f.seek(0, 2)
        if kind not in TEXT_KINDS and size > limits.max_file_bytes:
            return Hashed("", kind, head, True)
        budget = limits.max_text_bytes if kind in TEXT_KINDS else size
        # The same bytes read as another format give other text (an empty .txt is indexed, an empty .pdf
        # is broken; HTML in a .txt keeps its tags), so the extractor family is part of the identity.
        digest.update(b"text\0" if kind in TEXT_KINDS else f"{kind}\0".encode())
        if ocr and kind in OCR_KINDS:  # read with OCR, the same bytes give more text
            digest.update(b"ocr\0")
        if size > budget:
            digest.update(b"first %d bytes\0" % budget)
        f.seek(0)
        while budget > 0 and (block := f.read(min(_HASH_BLOCK, budget))):
            digest.update(block)
            budget -= len(block)
    return Hashed(digest.hexdigest(), kind, head, False)


@dataclass
class Producer:
    """Feeds a bounded queue from its own thread: known content by hash, new content from the worker pool."""

    work: list[ScannedFile]
    known: set[str]
    embedder: Embedder
    limits: IndexLimits
    cancel: threading.Event
    times: StageTimes
    extract: Extract | None = None  # tests inject misbehaving extractors; must be picklable
    pool: WorkerPool | None = None  # a warm pool kept by a long-lived owner (watching); else one per run
    skip_generated: bool = False  # the library's exclusions hold GENERATED
    ocr: bool = False  # the library's OCR setting
    out: queue.Queue[object] = field(default_factory=lambda: queue.Queue(maxsize=QUEUE_DEPTH))
    _pending: dict[int, tuple[ScannedFile, str, str, float]] = field(default_factory=dict)  # hash, kind, sent

    def run(self) -> None:
        # Without an owner's warm pool, workers live for one run: an app that makes many indexers must not
        # collect idle processes. Processes start with the first job.
        pool = self.pool or WorkerPool(self.limits.pool(), self.extract)
        position = 0
        try:
            for position, item in enumerate(self.work):
                if self.cancel.is_set():
                    break
                ready = self._prepare(position, item)
                if isinstance(ready, Job):
                    pool.submit(ready)
                    while not pool.has_room() and not self.cancel.is_set():
                        self._deliver(pool.collect(0.2))
                else:
                    self.out.put(ready)
            while pool.busy and not self.cancel.is_set():
                self._deliver(pool.collect(0.2))
        except RuntimeError as exc:  # workers cannot start (a memory cap too small to run Python, say)
            log.error("%s", exc)
            self._fail_rest(position, str(exc))
        finally:
            if pool is self.pool:
                pool.discard()  # keeps idle workers warm for the next run; drops an interrupted run's jobs
            else:
                pool.close()
            self.out.put(DONE)

    def _fail_rest(self, position: int, reason: str) -> None:
        """Every file not yet done fails with the reason, and is looked at again next run."""
        waiting = [pending[0] for pending in self._pending.values()] + self.work[position + 1 :]
        self._pending.clear()
        for item in waiting:
            if self.cancel.is_set():
                return
            self.out.put(Failed(item, "failed", reason, retry=True))

    def _prepare(self, key: int, item: ScannedFile) -> object:
        """Known content or a reason to skip, or else a job for the workers."""
        t0 = time.perf_counter()
        try:
            hashed = hash_file(item.path, self.limits, self.ocr)
        except NotRegularFile as exc:  # a named pipe, socket or device: never opened, never waited on
            return Failed(item, "skipped", exc.reason)
        except OSError as exc:
            return Failed(item, "failed", _read_error(exc), retry=isinstance(exc, FileNotFoundError))
        finally:
            self.times.read += time.perf_counter() - t0
        if hashed.too_large:
            return Failed(item, "skipped", f"larger than the {self.limits.max_file_bytes // MB} MB limit", hashed.kind)
        if hashed.kind is None:
            return Failed(item, "skipped", binary_reason(hashed.head))
        if self.skip_generated and hashed.kind in TEXT_KINDS and looks_generated(hashed.head, hashed.kind):
            reason = f"machine-made (minified, one very long line); remove {GENERATED} from the exclusions to index it"
            return Failed(item, "skipped", reason, hashed.kind)
        if hashed.kind == "image" and not self.ocr:
            return Failed(item, "skipped", OCR_OFF, "image")
        if hashed.content_hash in self.known:
            return Known(item, hashed.content_hash, hashed.kind)
        self._pending[key] = (item, hashed.content_hash, hashed.kind, time.perf_counter())
        return Job(key, item.path, item.size, item.mtime_ns, replace(self.limits.pool().extract, ocr=self.ocr))

    def _deliver(self, results: list[tuple[Job, Outcome]]) -> None:
        for job, outcome in results:
            item, content_hash, kind, submitted = self._pending.pop(job.key)
            self.times.extract += time.perf_counter() - submitted
            if isinstance(outcome, Failure) and outcome.kind is None:  # a crash or timeout: keep the sniffed kind
                outcome = Failure(outcome.status, outcome.reason, kind, outcome.retry)
            self.out.put(self._outcome_for(item, content_hash, outcome))

    def _outcome_for(self, item: ScannedFile, content_hash: str, outcome: Outcome) -> object:
        if isinstance(outcome, Failure):
            return Failed(item, outcome.status, outcome.reason, outcome.kind, outcome.retry)
        t0 = time.perf_counter()
        spans = chunk_text(
            outcome.text,
            self.embedder.tokenizer,
            self.embedder.chunk_tokens,
            self.embedder.chunk_overlap,
            outcome.page_starts,
            outcome.pages_are_documents,
        )
        self.times.chunk += time.perf_counter() - t0
        self.known.add(content_hash)
        return New(item, content_hash, outcome, spans)
