"""Resident memory of the embedding process as a model sees many different batch shapes; prints JSON.

Usage: python benchmarks/memory_shapes.py [--backend openvino] [--batches 600] [--trim] [--no-buckets]
       [--runtime-cache N]

Indexing feeds the model batches of every (batch size, sequence length) the token budget allows. Each batch here
has a random length up to the model's limit and as many rows as the 8,192-token budget takes, the shape mix
of a real run. RSS is sampled every `--every` batches. `--trim` calls glibc's malloc_trim(0) before each
sample, which shows how much of the growth is freed memory that the allocator keeps rather than live data.
`--no-buckets` pads each batch to its longest text only (as before sequence lengths were rounded up to 16), and
`--runtime-cache N` sets how many input shapes OpenVINO keeps compiled kernels for (the app: 64; OpenVINO's own
default: 5,000), to see what each bound does.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import random
import resource
import tempfile
import time
from pathlib import Path

from desktop_search.embed import openvino_encoder
from desktop_search.embed.catalog import DEFAULT_MODEL
from desktop_search.embed.loader import load_embedder
from desktop_search.embed.tokenizer import HFTokenizer


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="openvino")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--batches", type=int, default=600)
    parser.add_argument("--every", type=int, default=50)
    parser.add_argument("--trim", action="store_true")
    parser.add_argument("--no-buckets", action="store_true", help="pad to the longest text only")
    parser.add_argument("--runtime-cache", type=int, default=openvino_encoder.RUNTIME_CACHE)
    args = parser.parse_args()
    openvino_encoder.RUNTIME_CACHE = args.runtime_cache
    libc = ctypes.CDLL("libc.so.6") if args.trim else None
    start = rss_mb()
    embedder = load_embedder(args.model, Path(tempfile.mkdtemp(prefix="ds-mem-")), "cpu", 0, args.backend)
    loaded = rss_mb()
    if args.no_buckets and isinstance(embedder.tokenizer, HFTokenizer):
        model = embedder.tokenizer._model  # the batch tokenizer: pad to the longest text, as before buckets
        model.enable_padding(**{**model.padding, "pad_to_multiple_of": None})
    rng = random.Random(0)
    words = ["the", "model", "reads", "every", "passage", "of", "a", "library", "and", "writes", "one", "vector"]
    samples = []
    shapes = set()
    t0 = time.perf_counter()
    for i in range(1, args.batches + 1):
        length = rng.randint(8, embedder.max_tokens - 2)
        rows = max(1, embedder.token_budget // (length + 2))
        rows = rng.randint(1, rows) if rng.random() < 0.3 else rows  # the last batch of a run is smaller
        text = " ".join(rng.choice(words) for _ in range(length))
        embedder.embed_documents([text] * rows)
        shapes.add((rows, length))
        if i % args.every == 0:
            if libc is not None:
                libc.malloc_trim(0)
            samples.append({"batches": i, "shapes": len(shapes), "rss_mb": round(rss_mb(), 1)})
            print(json.dumps(samples[-1]), flush=True)
    report = {
        "backend": embedder.backend,
        "model": args.model,
        "trim": args.trim,
        "buckets": not args.no_buckets,
        "runtime_cache": args.runtime_cache if embedder.backend.startswith("openvino") else None,
        "malloc_arena_max": os.environ.get("MALLOC_ARENA_MAX"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "rss_mb": {"python": round(start, 1), "model_loaded": round(loaded, 1), "end": samples[-1]["rss_mb"]},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "seconds": round(time.perf_counter() - t0, 1),
        "samples": samples,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
