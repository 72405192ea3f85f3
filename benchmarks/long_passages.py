"""Embedding a library's passages after it changes to a model with a shorter limit: cut off (before) or whole, in
windows (after, `Embedder.embed_documents`). Wall and CPU seconds, interleaved; prints JSON.

Usage: python benchmarks/long_passages.py [--passages 300] [--repeats 3] [--chunk-tokens 384]

Passages are SciFact abstracts cut by the app's chunker at `--chunk-tokens` (384: a CDE library's length, with its
overlap) with the MiniLM tokenizer (the CDE models' tokenizer is BERT's uncased WordPiece too), then embedded by
MiniLM (256 positions) on the app's CPU backend, as after `set_model` to MiniLM. "before" is the code before windows:
every text in one pass, the model tokenizer cutting it at 256 tokens. Runs alternate, each repeat in a rotated order,
so the machine's load falls on both alike; medians are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from backend_speed import passages  # this folder is on sys.path when a script here runs

from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL
from desktop_search.embed.loader import load_embedder


def cut_off(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """The path before windows: one pass a text, whatever its length (the tokenizer truncates at the limit)."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for batch in embedder.batches(embedder.tokenizer.count(texts)):
        out[batch] = embedder._embed_batch([embedder.document_prefix + texts[i] for i in batch])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunk-tokens", type=int, default=384)
    args = parser.parse_args()
    embedder = load_embedder(DEFAULT_MODEL, Path(tempfile.mkdtemp()), "cpu")
    saved = embedder.chunk_tokens, embedder.chunk_overlap
    embedder.chunk_tokens, embedder.chunk_overlap = args.chunk_tokens, CATALOG["cde-small-v1"].chunk_overlap
    texts = passages(embedder, args.passages)
    embedder.chunk_tokens, embedder.chunk_overlap = saved
    counts = embedder.tokenizer.count(texts)
    long = [t for t, n in zip(texts, counts, strict=True) if n > embedder.window_tokens]
    runs = {"before": lambda: cut_off(embedder, texts), "after": lambda: embedder.embed_documents(texts)}
    runs["after"]()  # warm-up: every batch shape once
    runs["before"]()
    wall: dict[str, list[float]] = {n: [] for n in runs}
    cpu: dict[str, list[float]] = {n: [] for n in runs}
    loads = [os.getloadavg()[0]]
    for repeat in range(args.repeats):
        for name in list(runs)[repeat % 2 :] + list(runs)[: repeat % 2]:
            t0, c0 = time.perf_counter(), time.process_time()
            runs[name]()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
        loads.append(os.getloadavg()[0])
    median = {n: (statistics.median(wall[n]), statistics.median(cpu[n])) for n in runs}
    seen_before = sum(min(n, embedder.window_tokens) for n in counts) / sum(counts)
    print(
        json.dumps(
            {
                "model": embedder.model_id,
                "backend": embedder.backend,
                "passages": len(texts),
                "tokens_mean": round(statistics.mean(counts), 1),
                "longer_than_one_pass": len(long),
                "windows_of_those": sum(len(embedder.windows(t)) for t in long),
                "share_of_tokens_seen_before": round(seen_before, 3),
                "wall_s": {n: round(w, 2) for n, (w, _) in median.items()},
                "cpu_s": {n: round(c, 2) for n, (_, c) in median.items()},
                "ratio_wall": round(median["after"][0] / median["before"][0], 2),
                "ratio_cpu": round(median["after"][1] / median["before"][1], 2),
                "load_1min": [round(x, 2) for x in loads],
                "cores": os.cpu_count(),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
