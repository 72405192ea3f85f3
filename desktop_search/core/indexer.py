"""Bringing a library's index up to date: scan, extract and chunk in a producer, embed and write here."""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Sequence
from pathlib import Path

from desktop_search.core.extract import Extract
from desktop_search.core.extract.workers import WorkerPool
from desktop_search.core.generated import GENERATED
from desktop_search.core.pause import PauseSwitch
from desktop_search.core.producer import DONE, Failed, IndexLimits, Known, New, Producer, StageTimes
from desktop_search.core.scanner import Exclusions, ScannedFile, outermost, printable, root_of, scan, scan_paths
from desktop_search.core.space_plan import SpacePlan
from desktop_search.embed.base import Embedder
from desktop_search.paths import is_inside
from desktop_search.records import LibraryRecord, PendingChunk, Progress, SpaceRecord
from desktop_search.storage import Store

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1


def gone_files(
    known: Iterable[str], found: Container[str], missing_roots: Sequence[str], sep: str = os.sep
) -> list[str]:
    """The indexed files a scan did not find, except those of a folder that is missing: an unplugged
    drive keeps its index until the folder is removed."""
    return [p for p in known if p not in found and not any(is_inside(p, r, sep) for r in missing_roots)]


class Indexer:
    """Owns the write connection and the model for one run; yields Progress between units of work."""

    def __init__(
        self,
        store: Store,
        embedder_for: Callable[[str], Embedder],
        data_dir: Path | None = None,
        limits: IndexLimits | None = None,
        extract: Extract | None = None,
        pause: PauseSwitch | None = None,
    ) -> None:
        self.store = store
        self.embedder_for = embedder_for
        self.data_dir = data_dir
        self.limits = limits or IndexLimits()
        self.extract = extract  # None: the real extractors; tests inject misbehaving ones
        self.pause = pause or PauseSwitch(data_dir)  # obeyed between units of work
        self.times = StageTimes()
        self._pool: WorkerPool | None = None

    @contextlib.contextmanager
    def warm_workers(self) -> Iterator[None]:
        """Keep extraction workers running between runs while this is open (watching a folder: a saved
        edit must not wait for new processes to start); they stop when it closes."""
        self._pool = WorkerPool(self.limits.pool(), self.extract)
        try:
            yield
        finally:
            pool, self._pool = self._pool, None
            pool.close()

    def run(
        self,
        library: LibraryRecord,
        *,
        cancel: threading.Event | None = None,
        retry_failed: bool = False,
        paths: Collection[str] | None = None,
        refresh_context: bool = False,
    ) -> Iterator[Progress]:
        """Reconcile the library with disk, or only `paths` (files or folders a watcher saw change)."""
        cancel = cancel or threading.Event()
        yield from self._hold(library, cancel)
        yield Progress(library.name, "scan")
        work, unstorable, gone, messages = self._reconcile(library, retry_failed, paths)
        if not (work or refresh_context) and self._nothing_to_embed(library, gone):
            yield from self._without_model(library, unstorable, gone, messages)
            return
        embedder = self.embedder_for(library.model_id)
        plan = SpacePlan(self.store, library, embedder, self.embedder_for, refresh=refresh_context)
        stop = threading.Event()
        known = self.store.known_hashes(library.id)
        producer = Producer(
            work,
            known,
            embedder,
            self.limits,
            stop,
            self.times,
            self.extract,
            self._pool,
            ocr=self.limits.ocr_on(library.name),
        )
        producer.skip_generated = GENERATED in library.exclusions
        thread = threading.Thread(target=producer.run, name="desktop-search-extract", daemon=True)
        thread.start()
        try:
            yield from self._pipeline(library, plan, producer, (work, unstorable, gone), messages, cancel)
        finally:
            stop.set()
            while thread.is_alive():  # unblock a producer waiting on a full queue
                with contextlib.suppress(queue.Empty):
                    producer.out.get(timeout=0.1)
            thread.join()

    def _reconcile(
        self, library: LibraryRecord, retry_failed: bool, paths: Collection[str] | None = None
    ) -> tuple[list[ScannedFile], list[Failed], list[str], tuple[str, ...]]:
        """Compare disk with the index: the files to look at, the names that cannot be stored (new or changed),
        the files gone, and messages for the user."""
        t0 = time.perf_counter()
        exclusions = Exclusions(library.exclusions, self.data_dir)
        roots = self.store.roots(library.id)
        if paths is None:
            found = scan(roots, exclusions, library.follow_links)
            known = self.store.file_states(library.id)
        else:
            scope = [p for p in outermost(paths) if root_of(roots, p) is not None]
            found = scan_paths(roots, exclusions, scope, library.follow_links)
            known = self.store.file_states_under(library.id, [printable(p) for p in scope])  # as names are stored
        missing_roots = tuple(found.missing_roots)
        present = found.files.keys() | {item.path for item, _ in found.unstorable}
        gone = gone_files(known, present, missing_roots)

        def look(item: ScannedFile) -> bool:
            state = known.get(item.path)
            unchanged = state is not None and (state.size, state.mtime_ns) == (item.size, item.mtime_ns)
            return not unchanged or (retry_failed and state is not None and state.status == "failed")

        work = [item for item in found.files.values() if look(item)]
        unstorable = [Failed(item, "failed", reason) for item, reason in found.unstorable if look(item)]
        self.times.scan += time.perf_counter() - t0
        messages = [f"folder not found, keeping its index: {r}" for r in missing_roots]
        messages += [f"cannot read {path}: {reason}" for path, reason in found.errors]
        return work, unstorable, gone, tuple(messages)

    def _nothing_to_embed(self, library: LibraryRecord, gone: list[str]) -> bool:
        """Whether the run has nothing for the model: its space is built and current, nothing waits for a vector,
        and no file left a contextual model's context (which could make it stale)."""
        active = self.store.active_space(library.id)
        return (
            active is not None
            and active.model_id == library.model_id
            and not self.store.spaces(library.id, ("building",))
            and not self.store.pending_count(active.id)
            and (not gone or active.context_version == 0)
        )

    def _without_model(
        self, library: LibraryRecord, unstorable: list[Failed], gone: list[str], messages: tuple[str, ...]
    ) -> Iterator[Progress]:
        """A run with nothing to embed never loads the model (seconds to a minute, and its memory)."""
        for name in unstorable:
            self._write(library, name)
        for path in gone:
            self.store.delete_file(library.id, path)
        self.store.set_last_indexed(library.id, time.time())
        n = len(unstorable)
        yield Progress(library.name, "done", n, n, 0, 0, 0.0, 0.0, "", n, messages)

    def _pipeline(
        self,
        library: LibraryRecord,
        plan: SpacePlan,
        producer: Producer,
        files: tuple[list[ScannedFile], list[Failed], list[str]],
        messages: tuple[str, ...],
        cancel: threading.Event,
    ) -> Iterator[Progress]:
        work, unstorable, gone = files
        files_total = len(work) + len(unstorable)
        for name in unstorable:  # nothing to read: recorded as failed with the reason, so status lists them
            self._write(library, name)
        files_done = failed = len(unstorable)
        chunks_done = 0
        pending = plan.pending()
        producing = True
        started = last_report = time.monotonic()
        current = ""
        while (producing or pending) and not cancel.is_set():
            held_from = time.monotonic()
            yield from self._hold(library, cancel)
            started += time.monotonic() - held_from  # the speed and time left count working time only
            try:
                item = producer.out.get(timeout=0.2) if producing and not pending else producer.out.get_nowait()
            except queue.Empty:
                item = None
            if item is DONE:
                producing = False
                # Deletions wait until every new file is stored, so a moved file links to its old content.
                for path in gone:
                    self.store.delete_file(library.id, path)
                plan.after_scan()  # a contextual model samples its context once the chunks are stored
                pending = plan.pending()
            elif item is not None:
                added, ok = self._write(library, item)
                pending += added
                files_done += 1
                failed += 0 if ok else 1
                current = item.file.path  # type: ignore[attr-defined]
            elif pending:
                chunks_done += plan.embed_batch(self._embed_batch)
                pending = plan.pending()
            now = time.monotonic()
            if now - last_report >= PROGRESS_INTERVAL_S or not (producing or pending):
                last_report = now
                rate = chunks_done / (now - started) if now > started else 0.0
                yield Progress(
                    library.name,
                    "index",
                    files_done,
                    files_total,
                    chunks_done,
                    chunks_done + pending,
                    rate,
                    pending / rate if rate else None,
                    current,
                    failed,
                    messages,
                )
        if not cancel.is_set():
            plan.finish()
            self.store.set_last_indexed(library.id, time.time())
            yield Progress(
                library.name, "done", files_done, files_total, chunks_done, chunks_done, 0.0, 0.0, "", failed, messages
            )

    def _hold(self, library: LibraryRecord, cancel: threading.Event) -> Iterator[Progress]:
        """While indexing is paused: say so, then wait; a cancel (stop, a library change) ends the wait. Resuming is
        said at once too (the next report may be a whole batch away: a window would go on showing "paused")."""
        if self.pause.paused:
            yield Progress(library.name, "paused")
            self.pause.wait(cancel)
            if not cancel.is_set():
                yield Progress(library.name, "resumed")

    def _write(self, library: LibraryRecord, item: object) -> tuple[int, bool]:
        """Store one producer result in its own transaction; returns (chunks queued, success)."""
        t0 = time.perf_counter()
        try:
            if isinstance(item, New):
                f = item.file
                queued = self.store.store_content(
                    library.id,
                    f.root_id,
                    f.path,
                    f.size,
                    f.mtime_ns,
                    item.extracted.kind,
                    content_hash=item.content_hash,
                    text=item.extracted.text,
                    page_starts=item.extracted.page_starts,
                    chunker=self.embedder_for(library.model_id).chunker_key,
                    spans=item.spans,
                    note=item.extracted.note or None,
                    title=item.extracted.title,
                    titles=item.extracted.titles,
                    ocr_pages=item.extracted.ocr_pages,
                )
                return queued, True
            if isinstance(item, Known):
                f = item.file
                if self.store.link_file(
                    library.id, f.root_id, f.path, f.size, f.mtime_ns, item.kind, item.content_hash
                ):
                    return 0, True
                # Its content vanished meanwhile; an impossible mtime makes the next run look again.
                self.store.record_unindexed_file(
                    library.id,
                    f.root_id,
                    f.path,
                    f.size,
                    -1,
                    item.kind,
                    "failed",
                    "changed while indexing; will be retried",
                )
                return 0, False
            assert isinstance(item, Failed)
            f = item.file
            mtime_ns = -1 if item.retry else f.mtime_ns  # -1 never matches, so the next run looks again
            self.store.record_unindexed_file(
                library.id, f.root_id, f.path, f.size, mtime_ns, item.kind, item.status, item.reason
            )
            return 0, item.status != "failed"
        finally:
            self.times.write += time.perf_counter() - t0

    def _embed_batch(self, embedder: Embedder, space: SpaceRecord) -> int:
        """Embed and store one token-budgeted batch of the shortest queued chunks. Chunks of one text are embedded
        once, and a text with a vector in the space already (a queue from before) is copied, not embedded."""
        candidates = self.store.pending_batch(space.id, 512)
        first: dict[str, PendingChunk] = {}
        for c in candidates:
            first.setdefault(c.text, c)
        distinct = list(first.values())
        batch = [distinct[i] for i in embedder.batches([c.n_tokens for c in distinct])[0]]
        texts = {c.text for c in batch}
        members = [c for c in candidates if c.text in texts]  # the batch, and its texts' other queued chunks
        t0 = time.perf_counter()
        reused = self.store.reuse_vectors(space, [(c.chunk_id, c.text) for c in members])
        if reused:
            texts -= {c.text for c in members if c.chunk_id in reused}
            batch = [c for c in batch if c.text in texts]
            members = [c for c in members if c.text in texts]
        stored, embed_s = len(reused), 0.0
        if batch:
            t1 = time.perf_counter()
            vectors = embedder.embed_documents([c.text for c in batch])
            embed_s = time.perf_counter() - t1
            row = {c.text: i for i, c in enumerate(batch)}
            stored += self.store.write_vectors(
                space, [c.chunk_id for c in members], vectors[[row[c.text] for c in members]]
            )
        self.times.embed += embed_s
        self.times.write += time.perf_counter() - t0 - embed_s
        self.times.tokens_embedded += sum(c.n_tokens + embedder.overhead_tokens for c in batch)
        return stored
