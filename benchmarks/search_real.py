"""Search latency on a real index with real queries; prints JSON.

Usage: python benchmarks/search_real.py HOME QUERIES [--limits 10 50] [--queries 200]

HOME is a Desktop Search home that already holds an index (for example one `eval_beir.py --home` built).
QUERIES is a text file with one query per line, or a BEIR queries.jsonl. Every query goes through
`Searcher.search` on every library, as the CLI runs it. The first dense pass embeds each query (reported
as `dense_new_query`); later passes find it in the embedder's query cache, so their figures exclude
query embedding. At most 256 queries fit that cache.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from search_latency import percentiles  # this folder is on sys.path when a script here runs

from desktop_search.core.search import SearchOptions
from desktop_search.services import build_services
from desktop_search.settings import Settings


def _queries(path: Path, n: int) -> list[str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if path.suffix == ".jsonl":
        lines = [json.loads(line)["text"] for line in lines]
    return lines[:n]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("queries", type=Path)
    parser.add_argument("--limits", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--queries", dest="n", type=int, default=200)
    args = parser.parse_args()
    services = build_services(Settings(home=args.home))
    searcher = services.searcher()
    libraries = services.store.libraries()
    queries = _queries(args.queries, min(args.n, 256))

    def timed(mode: str, limit: int) -> dict[str, float]:
        times = []
        for text in queries:
            t = time.perf_counter()
            searcher.search(text, libraries, SearchOptions(mode=mode, limit=limit))
            times.append(time.perf_counter() - t)
        return percentiles(times)

    report: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "chunks": sum(services.store.library_status(lib).chunks for lib in libraries),
        "queries": len(queries),
        "dense_new_query": timed("dense", args.limits[0]),
    }
    for limit in args.limits:
        report[f"limit_{limit}"] = {mode: timed(mode, limit) for mode in ("keyword", "dense", "hybrid")}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
