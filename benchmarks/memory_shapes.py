"""Resident memory of the embedding process as a model sees many different batch shapes; prints JSON.

Usage: python benchmarks/memory_shapes.py [--backend openvino] [--batches 600] [--trim] [--no-buckets]
       [--runtime-cache N]
       python benchmarks/memory_shapes.py --budget-compare [--backend openvino] [--passages 256] [--repeats 3]

Indexing feeds the model batches of every (batch size, sequence length) the token budget allows. Each batch here
has a random length up to the model's limit and as many rows as the 8,192-token budget takes, the shape mix
of a real run. RSS is sampled every `--every` batches. `--trim` calls glibc's malloc_trim(0) before each
sample, which shows how much of the growth is freed memory that the allocator keeps rather than live data.
`--no-buckets` pads each batch to its longest text only (as before sequence lengths were rounded up to 16), and
`--runtime-cache N` sets how many input shapes OpenVINO keeps compiled kernels for (the app: 64; OpenVINO's own
default: 5,000), to see what each bound does.

`--budget-compare` embeds real passages (SciFact abstracts cut by the app's chunker, and the sentences of those
chunks: short texts, where padding to 16 costs most) once with batches sized by padded row length (now) and once
by the real longest length (before: a pass could exceed the 8,192-token budget). Each run is a fresh process, the
two alternating `--repeats` times; it reports peak RSS while embedding (VmHWM, reset after loading), wall and CPU
seconds, passages/s, the largest pass in padded tokens, and the largest difference between the two's vectors.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from backend_speed import passages  # this folder is on sys.path when a script here runs

from desktop_search.embed import openvino_encoder
from desktop_search.embed.base import Embedder, padded_length
from desktop_search.embed.catalog import DEFAULT_MODEL
from desktop_search.embed.loader import load_embedder
from desktop_search.embed.tokenizer import HFTokenizer


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def real_texts(embedder: Embedder, kind: str, n: int) -> list[str]:
    """n SciFact chunks as the app cuts them, or the first n sentences of those chunks."""
    chunks = passages(embedder, n)
    if kind == "chunks":
        return chunks
    return [s for c in chunks for s in re.split(r"(?<=[.!?])\s+", c) if s.strip()][:n]


def budget_run(args: argparse.Namespace) -> int:
    """One process: embed real texts with the padded (now) or unpadded (before) batch sizing; prints JSON."""
    kind, variant = args.child.split(":")
    embedder = load_embedder(args.model, Path(tempfile.mkdtemp(prefix="ds-mem-")), "cpu", 0, args.backend)
    texts = real_texts(embedder, kind, args.passages)
    counts = embedder.tokenizer.count(texts)
    padded = embedder.pad_multiple
    if variant == "before":
        embedder.pad_multiple = 1  # the batcher counts the longest text unpadded; the tokenizer still pads
    widest = 0
    for batch in embedder.batches(counts):
        text = min(max(counts[i] for i in batch) + embedder.text_overhead_tokens, embedder.max_tokens)
        widest = max(widest, len(batch) * (padded_length(text, padded) + embedder.pass_prefix_tokens))
    embedder.embed_documents(texts[:8])  # warm-up
    loaded = rss_mb()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM: the peak from here on is the embedding's
    t0, c0 = time.perf_counter(), time.process_time()
    vectors = embedder.embed_documents(texts)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    np.save(args.vectors, vectors)
    report = {
        "rss_loaded_mb": round(loaded, 1),
        "peak_rss_mb": round(status_mb("VmHWM"), 1),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "batches": len(embedder.batches(counts)),
        "widest_pass_tokens": widest,
    }
    print(json.dumps(report))
    return 0


def budget_compare(args: argparse.Namespace) -> int:
    """Fresh processes, before and after alternating, for chunks and for sentences; medians and ratios."""
    load_before = os.getloadavg()
    out: dict[str, object] = {}
    folder = Path(tempfile.mkdtemp(prefix="ds-budget-"))
    for kind in ("chunks", "sentences"):
        runs: dict[str, list[dict[str, float]]] = {"before": [], "now": []}
        for repeat in range(args.repeats):
            for variant in ("before", "now") if repeat % 2 == 0 else ("now", "before"):
                command = [sys.executable, __file__, "--child", f"{kind}:{variant}", "--backend", args.backend]
                command += ["--model", args.model, "--passages", str(args.passages)]
                command += ["--vectors", str(folder / f"{kind}-{variant}.npy")]
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                runs[variant].append(json.loads(done.stdout.strip().splitlines()[-1]))
        medians = {v: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for v, rs in runs.items()}
        before, now = (np.load(folder / f"{kind}-{v}.npy") for v in ("before", "now"))
        out[kind] = {
            "texts": len(before),
            "medians": medians,
            "peak_rss_now_vs_before": round(medians["now"]["peak_rss_mb"] / medians["before"]["peak_rss_mb"], 3),
            "speed_now_vs_before_wall": round(medians["before"]["wall_s"] / medians["now"]["wall_s"], 3),
            "speed_now_vs_before_cpu": round(medians["before"]["cpu_s"] / medians["now"]["cpu_s"], 3),
            "passages_per_s": {v: round(len(before) / m["wall_s"], 1) for v, m in medians.items()},
            "vectors_max_abs_diff": float(np.abs(before - now).max()),
        }
    report = {
        "backend": args.backend,
        "model": args.model,
        "budget_tokens": 8192,
        "repeats": args.repeats,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_before": [round(x, 1) for x in load_before],
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        **out,
    }
    print(json.dumps(report, indent=2))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="openvino")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--batches", type=int, default=600)
    parser.add_argument("--every", type=int, default=50)
    parser.add_argument("--trim", action="store_true")
    parser.add_argument("--no-buckets", action="store_true", help="pad to the longest text only")
    parser.add_argument("--runtime-cache", type=int, default=openvino_encoder.RUNTIME_CACHE)
    parser.add_argument("--budget-compare", action="store_true", help="real passages, padded vs unpadded budget")
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--vectors", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return budget_run(args)
    if args.budget_compare:
        return budget_compare(args)
    openvino_encoder.RUNTIME_CACHE = args.runtime_cache
    libc = ctypes.CDLL("libc.so.6") if args.trim else None
    start = rss_mb()
    embedder = load_embedder(args.model, Path(tempfile.mkdtemp(prefix="ds-mem-")), "cpu", 0, args.backend)
    loaded = rss_mb()
    if args.no_buckets and isinstance(embedder.tokenizer, HFTokenizer):
        embedder.tokenizer.pad_multiple = embedder.pad_multiple = 1  # pad to the longest text, as before buckets
    rng = random.Random(0)
    words = ["the", "model", "reads", "every", "passage", "of", "a", "library", "and", "writes", "one", "vector"]
    samples = []
    shapes = set()
    t0 = time.perf_counter()
    for i in range(1, args.batches + 1):
        length = rng.randint(8, embedder.max_tokens - 2)
        rows = max(1, embedder.token_budget // embedder.row_tokens(length))
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
