"""Embedding backends side by side on real passages: throughput (wall and CPU seconds), query time, closeness.

Usage: python benchmarks/backend_speed.py [--model all-minilm-l6-v2] [--backends transformers openvino openvino-int8]
       [--passages 512] [--repeats 3] [--threads 0] [--random-bert-base]

Passages are SciFact abstracts cut by the app's own chunker for the model (its chunk length and overlap), embedded
through `embed_documents` exactly as indexing does (length-sorted, token-budgeted batches). Backends run
interleaved, each repeat in a rotated order, so a shared machine's load falls on all of them alike; medians are
reported, and ratios against the first backend, in wall time and in CPU seconds of this process (every thread).
`--random-bert-base` measures a BERT-base bi-encoder (the shape of cadet-embed-base-v1) with random weights and
the MiniLM tokenizer, since the real cadet weights are not on this machine: speed only, closeness is meaningless.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from desktop_search.core.chunking import chunk_text
from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL, bundled_model_dir
from desktop_search.embed.loader import load_embedder

SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "data" / "scifact" / "corpus.jsonl"


def passages(embedder: Embedder, n: int) -> list[str]:
    """The first n chunks the app would cut from SciFact abstracts (title, blank line, text)."""
    out: list[str] = []
    with SCIFACT.open(encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            text = f"{doc['title']}\n\n{doc['text']}"
            spans = chunk_text(text, embedder.tokenizer, embedder.chunk_tokens, embedder.chunk_overlap)
            out += [text[s.start : s.end] for s in spans]
            if len(out) >= n:
                return out[:n]
    return out


def random_bert_base(folder: Path) -> None:
    """A BERT-base checkpoint with random weights (cadet's shape) and the bundled MiniLM tokenizer."""
    from safetensors.numpy import save_file

    minilm = bundled_model_dir(CATALOG[DEFAULT_MODEL])
    assert minilm is not None
    rng = np.random.default_rng(0)
    h, inter, layers = 768, 3072, 12
    tensors = {
        "embeddings.word_embeddings.weight": (30522, h),
        "embeddings.position_embeddings.weight": (512, h),
        "embeddings.token_type_embeddings.weight": (2, h),
    }
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for name in ("query", "key", "value"):
            tensors[p + f"attention.self.{name}.weight"] = (h, h)
        tensors[p + "attention.output.dense.weight"] = (h, h)
        tensors[p + "intermediate.dense.weight"] = (inter, h)
        tensors[p + "output.dense.weight"] = (h, inter)
    weights = {k: (rng.standard_normal(s) * 0.02).astype(np.float32) for k, s in tensors.items()}
    for key in list(weights):
        if key.endswith("dense.weight") or key.endswith(("query.weight", "key.weight", "value.weight")):
            weights[key.removesuffix("weight") + "bias"] = np.zeros(tensors[key][0], np.float32)
    for norm in ["embeddings.LayerNorm"] + [
        f"encoder.layer.{i}.{n}.LayerNorm" for i in range(layers) for n in ("attention.output", "output")
    ]:
        weights[norm + ".weight"], weights[norm + ".bias"] = np.ones(h, np.float32), np.zeros(h, np.float32)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(weights, str(folder / "model.safetensors"))
    config = json.loads((minilm / "config.json").read_text())
    config.update(hidden_size=h, intermediate_size=inter, num_hidden_layers=layers, num_attention_heads=12)
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "tokenizer.json").write_bytes((minilm / "tokenizer.json").read_bytes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--backends", nargs="+", default=["transformers", "openvino", "openvino-int8"])
    parser.add_argument("--passages", type=int, default=512)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--random-bert-base", action="store_true")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="ds-backends-"))
    model_id = args.model
    if args.random_bert_base:
        model_id = "cadet-embed-base-v1"
        random_bert_base(home / model_id)
        CATALOG[model_id] = dataclasses.replace(CATALOG[model_id], revision="random")
    load_before = os.getloadavg()
    embedders: dict[str, Embedder] = {}
    load_s: dict[str, float] = {}
    for name in args.backends:
        t0 = time.perf_counter()
        embedders[name] = load_embedder(model_id, home, "cpu", args.threads, name)
        load_s[name] = round(time.perf_counter() - t0, 2)  # int8: includes calibration on first use
        embedders[name].query_cache_size = 0
    first = embedders[args.backends[0]]
    texts = passages(first, args.passages)
    counts = first.tokenizer.count(texts)
    queries = [t.split(".")[0][:120] for t in texts[: args.queries]]
    vectors = {name: e.embed_documents(texts[:8]) for name, e in embedders.items()}  # warm up
    wall: dict[str, list[float]] = {n: [] for n in embedders}
    cpu: dict[str, list[float]] = {n: [] for n in embedders}
    query_ms: dict[str, list[float]] = {n: [] for n in embedders}
    for repeat in range(args.repeats):
        order = args.backends[repeat % len(args.backends) :] + args.backends[: repeat % len(args.backends)]
        for name in order:
            e = embedders[name]
            t0, c0 = time.perf_counter(), time.process_time()
            vectors[name] = e.embed_documents(texts)
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
            for q in queries:
                t0 = time.perf_counter()
                e.embed_query(q)
                query_ms[name].append((time.perf_counter() - t0) * 1000)
    reference = vectors[args.backends[0]]
    base_wall, base_cpu = statistics.median(wall[args.backends[0]]), statistics.median(cpu[args.backends[0]])
    results = {}
    for name in embedders:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        cos = (vectors[name] * reference).sum(axis=1)
        results[name] = {
            "load_s": load_s[name],
            "wall_s": round(w, 2),
            "cpu_s": round(c, 2),
            "passages_per_s": round(len(texts) / w, 1),
            "speed_vs_first_wall": round(base_wall / w, 2),
            "speed_vs_first_cpu": round(base_cpu / c, 2),
            "query_ms_p50": round(statistics.median(query_ms[name]), 1),
            "cosine_with_first_min": round(float(cos.min()), 5),
            "cosine_with_first_mean": round(float(cos.mean()), 5),
        }
    report = {
        "model": model_id + (" (random weights, BERT-base shape)" if args.random_bert_base else ""),
        "passages": len(texts),
        "tokens": sum(counts),
        "repeats": args.repeats,
        "machine": f"{platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores".strip(),
        "load_average_before": [round(x, 1) for x in load_before],
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "results": results,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
