"""The worker pool: crashed, hung and memory-hungry extractions are reported, their workers replaced."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_search.core.extract import Extracted, ExtractLimits
from desktop_search.core.extract.workers import CHANGED, Failure, Job, Outcome, PoolLimits, WorkerPool
from tests.core.extract.hooks import misbehaving, never_starts
from tests.core.extract.samples import deflate_bomb, make_pdf


def _job(key: int, path: Path) -> Job:
    st = path.stat()
    return Job(key, str(path), st.st_size, st.st_mtime_ns)


def _run_all(pool: WorkerPool, jobs: list[Job]) -> dict[str, Outcome]:
    results: dict[str, Outcome] = {}
    try:
        for job in jobs:
            pool.submit(job)
        while pool.busy:
            results.update((Path(job.path).name, outcome) for job, outcome in pool.collect(0.5))
    finally:
        pool.close()
    return results


@pytest.mark.allow_log(r"worker crashed|timed out after", logger="desktop_search.core.extract.workers")
def test_crash_hang_and_memory_hog_are_reported_and_the_rest_still_extracted(tmp_path: Path) -> None:
    names = ["crash.txt", "good-1.pdf", "hang.txt", "good-2.txt", "hog.txt", "good-3.txt"]
    for name in names:
        data = make_pdf([[f"contents of {name}"]]) if name.endswith(".pdf") else f"contents of {name}".encode()
        (tmp_path / name).write_bytes(data)
    pool = WorkerPool(PoolLimits(workers=2, timeout_s=3, memory_mb=512), misbehaving)
    results = _run_all(pool, [_job(i, tmp_path / n) for i, n in enumerate(names)])
    assert set(results) == set(names)
    assert results["crash.txt"] == Failure("failed", "worker crashed (SIGABRT)")
    assert results["hang.txt"] == Failure("failed", "timed out after 3 s")
    assert results["hog.txt"] == Failure("failed", "ran out of memory (limit 512 MB)")
    for good in ("good-1.pdf", "good-2.txt", "good-3.txt"):
        outcome = results[good]
        assert isinstance(outcome, Extracted)
        assert f"contents of {good}" in outcome.text


def test_a_file_changed_or_deleted_after_the_scan_is_retried_later(tmp_path: Path) -> None:
    changed, deleted = tmp_path / "changed.txt", tmp_path / "deleted.txt"
    changed.write_text("first version", encoding="utf-8")
    deleted.write_text("soon gone", encoding="utf-8")
    jobs = [_job(0, changed), _job(1, deleted)]
    changed.write_text("second, longer version", encoding="utf-8")
    deleted.unlink()
    results = _run_all(WorkerPool(PoolLimits(workers=1)), jobs)
    assert results["changed.txt"] == Failure("failed", CHANGED, retry=True)
    assert results["deleted.txt"] == Failure("failed", "disappeared while being indexed", retry=True)


def test_text_beyond_the_cap_is_read_only_up_to_it(tmp_path: Path) -> None:
    log = tmp_path / "huge.log"
    with log.open("wb") as f:
        f.write(b"first line of the log\n")
        f.write(b"x" * (3 * 1024 * 1024))
    pool = WorkerPool(PoolLimits(workers=1, extract=ExtractLimits(max_text_bytes=1024 * 1024)))
    outcome = _run_all(pool, [_job(0, log)])["huge.log"]
    assert isinstance(outcome, Extracted)
    assert outcome.text.startswith("first line of the log")
    assert len(outcome.text) == 1024 * 1024
    assert outcome.note == "only the first 1 MB indexed"


@pytest.mark.allow_log(r"worker crashed|timed out after", logger="desktop_search.core.extract.workers")
def test_workers_that_cannot_start_are_not_restarted_forever(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    note = tmp_path / "note.txt"
    note.write_text("hello", encoding="utf-8")
    monkeypatch.setenv("DS_TEST_WORKERS_CANNOT_START", "1")  # inherited by the spawned workers
    pool = WorkerPool(PoolLimits(workers=1), never_starts)
    with pytest.raises(RuntimeError, match=r"extraction workers cannot start: worker crashed \(exit code 3\)"):
        _run_all(pool, [_job(0, note)])


def test_a_tiny_memory_cap_fails_files_with_a_reason(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("hello", encoding="utf-8")
    outcome = _run_all(WorkerPool(PoolLimits(workers=1, memory_mb=8)), [_job(0, note)])["note.txt"]
    assert isinstance(outcome, Failure)
    assert outcome.status == "failed"


def test_workers_stop_on_close_and_when_a_pool_is_dropped(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("short-lived workers", encoding="utf-8")
    pools = [WorkerPool(PoolLimits(workers=1)) for _ in range(2)]
    processes = []
    for key, pool in enumerate(pools):
        pool.submit(_job(key, note))
        while pool.busy:
            pool.collect(0.5)
        processes += [w.process for w in pool._workers]
    assert [p.is_alive() for p in processes] == [True, True]
    pools[0].close()
    del pools[1], pool  # the loop variable holds the last pool too
    gc.collect()
    assert [p.is_alive() for p in processes] == [False, False]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_stuck_in_a_parser_exits_when_its_parent_is_killed(tmp_path: Path) -> None:
    (tmp_path / "hang.txt").write_text("sleeps for an hour", encoding="utf-8")
    script = f"""
import os, sys, time
from pathlib import Path
from desktop_search.core.extract.workers import Job, PoolLimits, WorkerPool
from tests.core.extract.hooks import misbehaving
if __name__ == "__main__":
    path = Path({str(tmp_path / "hang.txt")!r})
    st = path.stat()
    pool = WorkerPool(PoolLimits(workers=1, timeout_s=600), misbehaving)
    pool.submit(Job(0, str(path), st.st_size, st.st_mtime_ns))
    pool.collect(2.0)  # the worker is ready and has its job
    pool.collect(0.5)
    print(pool._workers[0].process.pid, flush=True)
    time.sleep(600)
"""
    (tmp_path / "parent.py").write_text(script, encoding="utf-8")
    root = Path(__file__).resolve().parents[3]
    with subprocess.Popen(
        [sys.executable, str(tmp_path / "parent.py")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    ) as parent:
        worker_pid = int(parent.stdout.readline())  # type: ignore[union-attr]
        parent.kill()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(worker_pid):
        time.sleep(0.1)
    assert not _alive(worker_pid)


def _alive(pid: int) -> bool:
    try:  # an orphan that exited may linger as a zombie ("Z") where nothing reaps it
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.allow_log(r"worker crashed|timed out after", logger="desktop_search.core.extract.workers")
def test_a_pdf_compression_bomb_is_stopped_by_the_memory_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(make_pdf([["decoy"]], flate_first=deflate_bomb(400)))  # 400 KB that inflate to 400 MB
    good = tmp_path / "good.pdf"
    good.write_bytes(make_pdf([["after the bomb"]]))
    pool = WorkerPool(PoolLimits(workers=1, memory_mb=256, timeout_s=60))
    results = _run_all(pool, [_job(0, bomb), _job(1, good)])
    failure = results["bomb.pdf"]
    assert isinstance(failure, Failure)
    assert failure.reason.startswith(("worker crashed", "ran out of memory")), failure
    outcome = results["good.pdf"]
    assert isinstance(outcome, Extracted)
    assert "after the bomb" in outcome.text
