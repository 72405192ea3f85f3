"""Extraction in spawned worker processes with a per-file timeout and memory cap; a lost worker is replaced."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from desktop_search.core.extract import (
    TEXT_KINDS,
    Extract,
    Extracted,
    ExtractionFailed,
    ExtractLimits,
    detect_kind,
    extract_bytes,
)
from desktop_search.core.extract.opening import NotRegularFile, open_regular
from desktop_search.records import NoText
from desktop_search.settings import Settings

log = logging.getLogger(__name__)

CHANGED = "changed while being read; will be retried"
OUT_OF_MEMORY = "ran out of memory"
_HEAD = 8192
_STARTUP_FAILURES = 3


def default_workers() -> int:
    """Two on a laptop with two cores (reading overlaps parsing), half the cores above that, at most four."""
    cores = os.cpu_count() or 2
    return cores if cores <= 2 else min(4, cores // 2)


@dataclass(frozen=True)
class PoolLimits:
    workers: int = Settings.extract_workers  # 0: default_workers()
    timeout_s: float = Settings.extract_timeout_s
    memory_mb: int = Settings.extract_memory_mb
    jobs_per_worker: int = 200  # recycle workers now and then, so a leak in a parser cannot grow forever
    extract: ExtractLimits = field(default_factory=ExtractLimits)


@dataclass(frozen=True)
class Job:
    key: int
    path: str
    size: int
    mtime_ns: int
    limits: ExtractLimits | None = None  # this file's limits (its library's OCR setting); None: the pool's


@dataclass(frozen=True)
class Failure:
    """Why a job produced no text; `status` is "failed" or "skipped"."""

    status: NoText
    reason: str
    kind: str | None = None
    retry: bool = False  # the file changed underneath: look again on the next run


Outcome = Extracted | Failure


def read_for_extraction(job: Job, limits: ExtractLimits) -> tuple[bytes, bool]:
    """The file's bytes (text files only up to the text cap) and whether they were cut short."""
    with open_regular(job.path) as f:
        st = os.fstat(f.fileno())
        if (st.st_size, st.st_mtime_ns) != (job.size, job.mtime_ns):
            raise ExtractionFailed("failed", CHANGED)
        head = f.read(_HEAD)
        kind = detect_kind(Path(job.path), head)
        if kind in TEXT_KINDS and st.st_size > limits.max_text_bytes:
            return head + f.read(limits.max_text_bytes - len(head)), True
        return head + f.read(), False


def run_job(job: Job, limits: ExtractLimits, extract: Extract, memory_mb: int) -> Outcome:
    """One file, with every way it can go wrong turned into a Failure a person can read."""
    try:
        data, truncated = read_for_extraction(job, limits)
        return extract(data, Path(job.path), limits, truncated)
    except ExtractionFailed as exc:
        if _caused_by(exc, MemoryError):  # an extractor that took running out of memory for damage
            return _no_memory(memory_mb, exc.kind)
        return Failure(exc.status, exc.reason, exc.kind, exc.reason == CHANGED)
    except FileNotFoundError:
        return Failure("failed", "disappeared while being indexed", retry=True)
    except NotRegularFile as exc:  # replaced by a named pipe or the like since it was scanned
        return Failure("skipped", exc.reason)
    except MemoryError:
        return _no_memory(memory_mb)
    except OSError as exc:
        return Failure("failed", f"cannot read: {exc.strerror or exc.__class__.__name__}")
    except Exception as exc:  # a bug or an unexpected parser error: reported with its traceback, never fatal
        if _caused_by(exc, MemoryError):
            return _no_memory(memory_mb)
        log.error("extracting %s failed:\n%s", job.path, traceback.format_exc())
        detail = f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
        return Failure("failed", f"could not be read: damaged or unusual content ({detail})"[:300])


def _no_memory(memory_mb: int, kind: str | None = None) -> Failure:
    return Failure("failed", f"{OUT_OF_MEMORY} (limit {memory_mb} MB)", kind)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether `exc` or an exception it was raised from or while handling is a `kind`."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's timeout and kill are the only guard
        return
    cap = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    except (ValueError, OSError) as exc:  # macOS refuses some RLIMIT_AS values; the timeout still guards
        log.warning("cannot cap extraction memory at %d MB: %s", memory_mb, exc)


def _exit_with(parent_sentinel: int) -> None:
    wait([parent_sentinel])
    os._exit(0)


def _worker_main(conn: Connection, memory_mb: int, extract: Extract | None) -> None:
    """A worker's loop: one job at a time until told to stop; exits after running out of memory."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    parent = multiprocessing.parent_process()
    if parent is not None:  # a parent killed with SIGKILL must not leave a worker stuck in a parser behind
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes ("EOF marker not found") are noise
    _limit_memory(memory_mb)
    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job, limits = message
        outcome = run_job(job, limits, extract or extract_bytes, memory_mb)
        conn.send(outcome)
        if _exits_after(outcome):
            return  # a heap that hit the cap may be fragmented; a fresh process is cheaper than doubt


def _exits_after(outcome: object) -> bool:
    """Whether a worker quits after this outcome (so the pool must not hand it another job)."""
    return isinstance(outcome, Failure) and outcome.reason.startswith(OUT_OF_MEMORY)


@dataclass
class _Worker:
    process: Any  # multiprocessing's SpawnProcess
    conn: Connection
    ready: bool = False
    job: Job | None = None
    started: float = 0.0
    jobs_done: int = 0


def _death_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name == "SIGKILL":
            return "worker crashed (killed by the system, out of memory?)"
        return f"worker crashed ({name})"
    return f"worker crashed (exit code {exitcode})"


def _stop(worker: _Worker, force: bool) -> None:
    if force and worker.process.is_alive():
        worker.process.kill()
    worker.process.join(timeout=0.5 if not force else 5.0)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(timeout=5.0)
    worker.conn.close()


def _shutdown(workers: list[_Worker]) -> None:
    for worker in workers:
        if worker.job is None:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
    for worker in workers:
        _stop(worker, force=worker.job is not None)
    workers.clear()


class WorkerPool:
    """Runs jobs in at most `workers` spawned processes; results come back through `collect`."""

    def __init__(self, limits: PoolLimits | None = None, extract: Extract | None = None) -> None:
        self.limits = limits or PoolLimits()
        self.size = self.limits.workers or default_workers()
        self.extract = extract
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._waiting: deque[Job] = deque()
        self._startup_failures = 0
        # Workers are stopped by close(), or at the latest when the pool is garbage-collected.
        self._finalizer = weakref.finalize(self, _shutdown, self._workers)

    @property
    def busy(self) -> int:
        """Jobs submitted and not yet collected."""
        return len(self._waiting) + sum(1 for w in self._workers if w.job is not None)

    def has_room(self) -> bool:
        return self.busy < self.size

    def submit(self, job: Job) -> None:
        self._waiting.append(job)
        self._dispatch()

    def collect(self, timeout: float) -> list[tuple[Job, Outcome]]:
        """Finished jobs, waiting at most `timeout` seconds (less when a job's deadline comes first)."""
        self._dispatch()
        if not self._workers:
            return []
        now = time.monotonic()
        deadlines = [w.started + self.limits.timeout_s - now for w in self._workers if w.job is not None]
        wait_s = max(0.0, min([timeout, *deadlines]))
        ready: set[object] = set(
            wait([w.conn for w in self._workers] + [w.process.sentinel for w in self._workers], wait_s)
        )
        results: list[tuple[Job, Outcome]] = []
        for worker in list(self._workers):
            outcome = self._check(worker, ready)
            if outcome is not None and worker.job is not None:
                results.append((worker.job, outcome))
                worker.job = None
        self._dispatch()
        return results

    def close(self) -> None:
        """Stop every worker: politely when idle, by force when busy; the pool can start new ones later."""
        _shutdown(self._workers)

    def discard(self) -> None:
        """Forget jobs not collected (an interrupted run) and stop the workers running them."""
        self._waiting.clear()
        if any(w.job is not None for w in self._workers):
            _shutdown(self._workers)

    def _check(self, worker: _Worker, ready: set[object]) -> Outcome | None:
        """What happened to one worker since the last look; replaces it when it died or overran."""
        if worker.conn in ready:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                return self._died(worker)
            if message == "ready":
                worker.ready = True
                self._startup_failures = 0
                return None
            worker.jobs_done += 1
            if _exits_after(message) or worker.jobs_done >= self.limits.jobs_per_worker:
                self._retire(worker)
            return message  # type: ignore[no-any-return]
        if worker.process.sentinel in ready:
            return self._died(worker)
        if worker.job is not None and time.monotonic() - worker.started > self.limits.timeout_s:
            return self._lost(worker, f"timed out after {self.limits.timeout_s:g} s")
        return None

    def _died(self, worker: _Worker) -> Failure:
        reason = _death_reason(self._reap(worker))
        if not worker.ready:  # a worker that cannot even start would be restarted forever
            self._startup_failures += 1
            if self._startup_failures >= _STARTUP_FAILURES:
                _stop(worker, force=True)
                self._workers.remove(worker)
                raise RuntimeError(f"extraction workers cannot start: {reason}")
        return self._lost(worker, reason)

    def _lost(self, worker: _Worker, reason: str) -> Failure:
        log.warning("%s: %s", worker.job.path if worker.job else "extraction worker", reason)
        _stop(worker, force=True)
        self._workers.remove(worker)
        return Failure("failed", reason)

    def _retire(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError):
            worker.conn.send(None)
        _stop(worker, force=False)
        self._workers.remove(worker)

    def _reap(self, worker: _Worker) -> int | None:
        worker.process.join(timeout=1.0)
        return worker.process.exitcode  # type: ignore[no-any-return]

    def _dispatch(self) -> None:
        """Hand waiting jobs to idle workers, starting workers (up to the pool size) as needed."""
        while self._waiting:
            idle = next((w for w in self._workers if w.ready and w.job is None), None)
            if idle is None:
                if len(self._workers) < self.size and not any(not w.ready for w in self._workers):
                    self._start_worker()
                return
            job = self._waiting.popleft()
            try:
                idle.conn.send((job, job.limits or self.limits.extract))
            except OSError:
                self._waiting.appendleft(job)
                _stop(idle, force=True)
                self._workers.remove(idle)
                continue
            idle.job, idle.started = job, time.monotonic()

    def _start_worker(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child, self.limits.memory_mb, self.extract),
            name="desktop-search-extract",
            daemon=True,
        )
        process.start()
        child.close()
        self._workers.append(_Worker(process, parent))


def extract_in_process(job: Job, limits: ExtractLimits, extract: Callable[..., Extracted] | None = None) -> Outcome:
    """The same work as a worker does, in this process: for benchmarks and tests of the formats."""
    return run_job(job, limits, extract or extract_bytes, 0)
