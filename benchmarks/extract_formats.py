"""Extraction speed per format on a folder: pages/s and files/s on one core, pool throughput, share failed.

Usage: python benchmarks/extract_formats.py FOLDER [--workers N] [--repeat N]
       python benchmarks/extract_formats.py --make-pdfs DIR [--files 20 --pages 50]   (text PDFs to measure)

Each file is extracted in this process, one after another (pages/s "per core"), then the whole folder once
more through the worker pool (what indexing sees, spawn and transfer included). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

from desktop_search.core.extract import Extracted, ExtractLimits
from desktop_search.core.extract.sniff import detect_kind
from desktop_search.core.extract.workers import Job, PoolLimits, WorkerPool, default_workers, extract_in_process


def _jobs(folder: Path) -> list[Job]:
    jobs = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        st = path.stat()
        jobs.append(Job(len(jobs), str(path), st.st_size, st.st_mtime_ns))
    return jobs


def _kind(job: Job) -> str:
    with open(job.path, "rb") as f:
        return detect_kind(Path(job.path), f.read(8192)) or "binary"


def per_core(jobs: list[Job], repeat: int) -> dict[str, dict[str, float]]:
    """Sequential, in-process extraction: seconds, files, pages and failures per detected kind."""
    stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    limits = ExtractLimits()
    for job in jobs:
        row = stats[_kind(job)]
        for _ in range(repeat):
            t0 = time.perf_counter()
            outcome = extract_in_process(job, limits)
            row["seconds"] += time.perf_counter() - t0
        row["files"] += 1
        row["bytes"] += job.size
        if isinstance(outcome, Extracted):
            row["pages"] += len(outcome.page_starts)
            row["chars"] += len(outcome.text)
        else:
            row["failed"] += 1
    out = {}
    for kind, row in sorted(stats.items()):
        seconds = row["seconds"] / repeat
        out[kind] = {
            "files": int(row["files"]),
            "failed": int(row["failed"]),
            "share_failed": round(row["failed"] / row["files"], 3),
            "pages": int(row["pages"]),
            "mb": round(row["bytes"] / 1e6, 2),
            "seconds": round(seconds, 3),
            "files_per_s": round(row["files"] / seconds, 1) if seconds else None,
            "pages_per_s": round(row["pages"] / seconds, 1) if seconds and row["pages"] else None,
        }
    return out


def through_pool(jobs: list[Job], workers: int) -> dict[str, float]:
    pool = WorkerPool(PoolLimits(workers=workers))
    pages = failed = 0
    t0 = time.perf_counter()
    try:
        for job in jobs:
            pool.submit(job)
            while not pool.has_room():
                for _, outcome in pool.collect(0.2):
                    pages += len(outcome.page_starts) if isinstance(outcome, Extracted) else 0
                    failed += not isinstance(outcome, Extracted)
        while pool.busy:
            for _, outcome in pool.collect(0.2):
                pages += len(outcome.page_starts) if isinstance(outcome, Extracted) else 0
                failed += not isinstance(outcome, Extracted)
    finally:
        pool.close()
    seconds = time.perf_counter() - t0
    return {
        "workers": workers,
        "files": len(jobs),
        "failed": failed,
        "seconds": round(seconds, 3),
        "files_per_s": round(len(jobs) / seconds, 1),
        "pages_per_s": round(pages / seconds, 1),
    }


def make_pdfs(folder: Path, files: int, pages: int) -> None:
    """Text PDFs with 40 lines of prose per page (the tests' hand-written PDF generator)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.core.extract.samples import make_pdf, text_pages

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (folder / f"text-{i:03d}.pdf").write_bytes(make_pdf(text_pages(pages, 40, f"document{i}")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--repeat", type=int, default=1, help="extract each file N times in the per-core pass")
    parser.add_argument("--make-pdfs", type=Path, metavar="DIR", help="write text PDFs to DIR and exit")
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    if args.make_pdfs:
        make_pdfs(args.make_pdfs, args.files, args.pages)
        return 0
    if args.folder is None or not args.folder.is_dir():
        parser.error("FOLDER must be a folder")
    jobs = _jobs(args.folder)
    result = {
        "folder": str(args.folder),
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()},
        "per_core": per_core(jobs, args.repeat),
        "pool": through_pool(jobs, args.workers),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
