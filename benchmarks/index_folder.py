"""Index a folder into a fresh temporary home and print JSON: stage times, chunks/s, pipeline ÷ raw model.

Usage: python benchmarks/index_folder.py FOLDER [--model ID] [--device cpu]

The raw model throughput is measured in the same run on the same chunks (re-embedded straight from the
database through the same embedder), so `pipeline_over_raw` shows what extraction, chunking, tokenising
and writing cost on top of the model.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from desktop_search.embed.catalog import DEFAULT_MODEL
from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import build_services
from desktop_search.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--fake", action="store_true", help="hash embedder instead of the model (pipeline memory and speed alone)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ds-bench-") as home:
        services = build_services(Settings(home=Path(home), device=args.device), HashEmbedder() if args.fake else None)
        services.libraries.add_folders([str(args.folder)], "bench", args.model)
        library = services.libraries.get("bench")
        embedder = services.embedders(library.model_id)  # load outside the timed run
        embedder.embed_documents(["warm up the model"])
        indexer = services.indexer()
        t0 = time.perf_counter()
        final = list(indexer.run(library))[-1]
        wall = time.perf_counter() - t0

        chunks = services.store.conn.execute(
            """SELECT t.text, ch.n_tokens FROM chunks ch JOIN chunk_text t ON t.id = ch.id
               JOIN contents co ON co.id = ch.content_id WHERE co.library_id = ?""",
            (library.id,),
        ).fetchall()
        t1 = time.perf_counter()
        embedder.embed_documents([c[0] for c in chunks], [c[1] for c in chunks])
        raw = time.perf_counter() - t1
        services.close()

    times = indexer.times
    n = len(chunks)
    report = {
        "folder": str(args.folder),
        "model": "fake (hash)" if args.fake else library.model_id,
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "python": sys.version.split()[0],
        "files": final.files_done,
        "failed": final.failed,
        "chunks": n,
        "tokens": times.tokens_embedded,
        "seconds": {
            "total": round(wall, 3),
            "scan": round(times.scan, 3),
            "read": round(times.read, 3),
            "extract": round(times.extract, 3),
            "chunk": round(times.chunk, 3),
            "embed": round(times.embed, 3),
            "write": round(times.write, 3),
        },
        "pipeline_chunks_per_s": round(n / wall, 2) if wall else None,
        "raw_model_chunks_per_s": round(n / raw, 2) if raw else None,
        "pipeline_over_raw": round(raw / wall, 3) if wall else None,
        # ru_maxrss is in KB on Linux; workers are the largest child process that has exited
        "peak_rss_mb": {
            "main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
