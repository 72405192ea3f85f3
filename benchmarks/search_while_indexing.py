"""Search latency while `index` writes to the same index; prints JSON with p50/p95/p99/max and what slow searches
waited on.

Usage: python benchmarks/search_while_indexing.py [--files 400] [--searches 300] [--mode hybrid] [--slow-s 1]

A fresh home indexes a real folder (benchmarks/corpus.py: files from /usr/share/doc plus generated PDFs and
Word files) with the real `desktop-search index` in a subprocess and the offline default model. Meanwhile
this process searches through `Searcher.search` on a read connection of its own, as the desktop app does,
one query after another. A search slower than --slow-s has its stack written by faulthandler, and the
report names the innermost frame of this thread for each: what it waited on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import QUERIES, library_of_corpus  # this folder is on sys.path when a script here runs
from search_latency import percentiles
from slow_stacks import SlowStacks

from desktop_search.core.search import SearchOptions
from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import build_services
from desktop_search.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--generated", type=int, default=40)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--mode", default="hybrid", choices=("hybrid", "keyword", "dense"))
    parser.add_argument("--slow-s", type=float, default=1.0)
    parser.add_argument("--fake-model", action="store_true", help="index with a hash embedder (fast writes)")
    parser.add_argument("--pause-s", type=float, default=0.2, help="at most this long between searches")
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="ds-siw-") as tmp:
        home, folder, corpus = library_of_corpus(Path(tmp), args.files, args.generated)
        load_before = os.getloadavg()[0]
        cli = [sys.executable, "-m", "desktop_search", "--home", str(home), "index"]
        if args.fake_model:  # a hash embedder writes vectors as fast as the pipeline can: the writer at its busiest
            cli = [sys.executable, "-m", "tests.crash_helper", str(home), str(folder)]
        indexer = subprocess.Popen(cli, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        reader = build_services(Settings(home=home), HashEmbedder() if args.fake_model else None, readonly=True)
        searcher = reader.searcher()
        libraries = reader.store.libraries()
        while indexer.poll() is None and not reader.store.library_status(libraries[0]).embedded:
            time.sleep(0.5)  # searching starts once the first vectors are in
        searcher.search("warm up the model", libraries, SearchOptions(mode=args.mode))
        times: list[float] = []
        stacks = SlowStacks(args.slow_s)
        errors: list[str] = []
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        while len(times) < args.searches and indexer.poll() is None:
            t = time.perf_counter()
            with stacks.watch():
                try:
                    searcher.search(rng.choice(QUERIES), libraries, SearchOptions(mode=args.mode))
                except Exception as exc:
                    errors.append(f"{exc.__class__.__name__}: {exc}")
            times.append(time.perf_counter() - t)
            time.sleep(rng.uniform(0, args.pause_s))  # a person types, reads, types again
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        wal = home / "index.sqlite3-wal"
        wal_mb = round(wal.stat().st_size / 2**20, 1) if wal.exists() else 0.0
        indexer.terminate()
        indexer.wait()
        status = reader.store.library_status(libraries[0])
        report = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "load_before": round(load_before, 1),
            "load_after": round(os.getloadavg()[0], 1),
            "corpus": corpus,
            "indexed_meanwhile": {"files": status.files, "chunks": status.chunks, "embedded": status.embedded},
            "mode": args.mode,
            "indexer": "hash embedder (tests/crash_helper.py)" if args.fake_model else "desktop-search index, MiniLM",
            "wal_mb_at_end": wal_mb,
            "searches": len(times),
            "errors": len(errors),
            "first_errors": errors[:3],
            **percentiles(times),
            "search_cpu_s": round(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime, 2),
            "search_wall_s": round(sum(times), 2),
            f"slower_than_{args.slow_s:g}_s": sum(stacks.where.values()),
            "slow_searches_waited_in": dict(stacks.where.most_common(8)),
        }
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
