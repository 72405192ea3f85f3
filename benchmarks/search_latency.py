"""Search latency and vector recall on synthetic libraries of 10k–1M chunks, through the real Searcher.

Usage: python benchmarks/search_latency.py [--sizes 10000 100000] [--dims 384 768] [--queries 50]

Each library is written through the Store API into a temporary index: contents of 100 chunks of
Zipf-distributed words (so bm25 sees realistic term statistics) and unit vectors drawn around 2,000
cluster centres (real embeddings are clustered; uniform random vectors would flatter nothing). Queries
run through `Searcher.search` in keyword, dense and hybrid modes with an embedder that returns a
precomputed vector, so the figures exclude query embedding. recall@10 compares the dense top 10 with an
exact numpy search. Prints one JSON object per (size, dim).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from desktop_search.core.search import Searcher, SearchOptions
from desktop_search.embed.base import Embedder, TextTokenizer
from desktop_search.embed.fake import WordTokenizer
from desktop_search.records import ChunkSpan
from desktop_search.storage import Store, open_database

CHUNKS_PER_CONTENT = 100
WORDS_PER_CHUNK = 150  # ~1 KB of text, about what a 200-token chunk of prose holds
VOCABULARY = 50_000


class LookupEmbedder(Embedder):
    """Returns the vector prepared for each query text: search cost without model cost."""

    def __init__(self, vectors: dict[str, np.ndarray], dim: int) -> None:
        super().__init__()
        self.model_id, self.revision, self.dim = "synthetic", "1", dim
        self.max_tokens, self.chunk_tokens, self.chunk_overlap = 512, 64, 0
        self.vectors = vectors
        self._tokenizer = WordTokenizer()

    @property
    def tokenizer(self) -> TextTokenizer:
        return self._tokenizer

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.vectors[t] for t in texts])


def _vocabulary(rng: np.random.Generator) -> list[str]:
    """Pseudo-words of 2–11 letters, so text and keyword-index sizes resemble prose."""
    letters = np.array(list("etaoinshrdlcumwfgypbvkjxqz"))
    lengths = rng.integers(2, 12, VOCABULARY)
    return ["".join(letters[rng.integers(0, 26, n)]) + str(i % 7) for i, n in enumerate(lengths)]


def _words(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.minimum(rng.zipf(1.2, n), VOCABULARY) - 1


def _vectors(rng: np.random.Generator, centres: np.ndarray, n: int) -> np.ndarray:
    picks = rng.integers(0, len(centres), n)
    v = centres[picks] + 0.35 * rng.standard_normal((n, centres.shape[1])).astype(np.float32) / np.sqrt(
        centres.shape[1]
    )
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def build(
    store: Store, size: int, dim: int, rng: np.random.Generator
) -> tuple[int, np.ndarray, np.ndarray, int, list[str]]:
    """Write `size` chunks with vectors; returns (library id, chunk ids, vectors, text bytes, vocabulary)."""
    library = store.create_library("bench", "synthetic", [])
    store.add_root(library.id, "/bench")
    root = store.roots(library.id)[0]
    space = store.create_space(library.id, "synthetic", "1", "c", dim)
    centres = rng.standard_normal((2000, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vocabulary = _vocabulary(rng)
    text_bytes = 0
    all_ids: list[np.ndarray] = []
    all_vecs: list[np.ndarray] = []
    for c in range(size // CHUNKS_PER_CONTENT):
        words = _words(rng, CHUNKS_PER_CONTENT * WORDS_PER_CHUNK).reshape(CHUNKS_PER_CONTENT, WORDS_PER_CHUNK)
        pieces = [" ".join(vocabulary[w] for w in row) + "." for row in words]
        text = " ".join(pieces)
        spans, pos = [], 0
        for piece in pieces:
            spans.append(ChunkSpan(pos, pos + len(piece), WORDS_PER_CHUNK))
            pos += len(piece) + 1
        store.store_content(
            library.id,
            root.id,
            f"/bench/doc{c}.txt",
            len(text),
            c,
            "text",
            content_hash=f"h{c}",
            text=text,
            page_starts=None,
            chunker="c",
            spans=spans,
        )
        text_bytes += len(text.encode())
        batch = store.pending_batch(space.id, CHUNKS_PER_CONTENT)
        ids = np.array([p.chunk_id for p in batch])
        vecs = _vectors(rng, centres, len(ids))
        store.write_vectors(space, ids.tolist(), vecs)
        all_ids.append(ids)
        all_vecs.append(vecs)
    return library.id, np.concatenate(all_ids), np.concatenate(all_vecs), text_bytes, vocabulary


def _rss_mb() -> float:
    """Resident memory of this process now (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] * 1000, 2)

    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _built(folder: Path, size: int, dim: int, rng: np.random.Generator) -> tuple[Path, dict[str, object]]:
    """Build the library in `folder`, or reuse one built there before (its float vectors kept in a .npz)."""
    path = folder / f"{size}x{dim}.sqlite3"
    saved = path.with_suffix(".npz")
    if not saved.exists():
        path.unlink(missing_ok=True)
        store = Store(open_database(path))
        t0 = time.perf_counter()
        library_id, ids, vecs, text_bytes, vocabulary = build(store, size, dim, rng)
        build_s = time.perf_counter() - t0
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.close()
        np.savez(saved, ids=ids, vecs=vecs, text_bytes=text_bytes, build_s=build_s, vocabulary=vocabulary[:3000])
    data = np.load(saved)
    return path, {k: data[k] for k in data.files}


def measure(size: int, dim: int, n_queries: int, cache: Path | None, seed: int = 7) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory(prefix="ds-latency-") as tmp:
        path, built = _built(cache or Path(tmp), size, dim, rng)
        ids, vecs, vocabulary = built["ids"], built["vecs"], [str(w) for w in built["vocabulary"]]
        text_bytes, build_s = int(built["text_bytes"]), float(built["build_s"])
        library_id = 1
        db_bytes = os.path.getsize(path)
        rng = np.random.default_rng(seed + 1)  # queries do not depend on whether the build was reused
        picks = rng.integers(0, len(ids), n_queries)
        noise = rng.standard_normal((n_queries, dim)).astype(np.float32) * (0.5 / np.sqrt(dim))
        queries = vecs[picks] + noise
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        texts = [f"{vocabulary[a]} {vocabulary[b]}" for a, b in rng.integers(20, 3000, (n_queries, 2))]
        embedder = LookupEmbedder(dict(zip(texts, queries, strict=True)), dim)
        rss_before = _rss_mb()
        reader = Store(open_database(path))
        searcher = Searcher(reader, lambda _model: embedder)
        library = reader.library_by_name("bench")
        assert library is not None
        assert library.id == library_id
        space = reader.active_space(library.id)
        assert space is not None
        result: dict[str, object] = {
            "chunks": len(ids),
            "dim": dim,
            "words_per_chunk": WORDS_PER_CHUNK,
            "build_s": round(build_s, 1),
        }
        for mode in ("keyword", "dense", "hybrid"):
            times = []
            for text in texts:
                t = time.perf_counter()
                searcher.search(text, [library], SearchOptions(mode=mode, limit=10))
                times.append(time.perf_counter() - t)
            result[mode] = percentiles(times)
        recalls = []
        for q in queries:
            exact = set(ids[np.argsort(-(vecs @ q))[:10]].tolist())
            found = {c for c, _ in reader.nearest_chunks(space, q, 10)}
            recalls.append(len(exact & found) / 10)
        result["recall_at_10"] = round(float(np.mean(recalls)), 4)
        result["reader_memory_mb"] = round(_rss_mb() - rss_before, 1)  # the in-memory vectors, mostly
        result["db_bytes_per_chunk"] = round(db_bytes / len(ids), 1)
        result["text_bytes_per_chunk"] = round(text_bytes / len(ids), 1)
        result["index_over_text"] = round(db_bytes / text_bytes, 2)
        reader.conn.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--dims", type=int, nargs="+", default=[384, 768])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--words", type=int, default=WORDS_PER_CHUNK, help="words per synthetic chunk")
    parser.add_argument("--cache", type=Path, help="keep built libraries here and reuse them on later runs")
    args = parser.parse_args()
    globals()["WORDS_PER_CHUNK"] = args.words
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        for dim in args.dims:
            report = {
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                **measure(size, dim, args.queries, args.cache),
            }
            print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
