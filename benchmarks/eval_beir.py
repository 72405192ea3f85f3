"""Run a BEIR-format collection through the real indexer and search; print nDCG@10, R@100, MRR@10, timings.

Usage: python benchmarks/eval_beir.py DATASET_DIR [--split test] [--model ID] [--limit-docs N] [--json]
                                      [--home DIR] [--mode keyword dense hybrid] [--depth N]
                                      [--fusion adaptive|convex|rrf] [--rrf-k K] [--dense-weight W]

Each document becomes a file (title, blank line, text) in a library folder, which the normal indexer
indexes; every judged query of the split goes through `Searcher.search` (the code path of the CLI and the
GUI) in each mode, and the ranked files are scored as documents. With `--home DIR` the index is kept in
DIR/index (the files in DIR/docs) and reused by later runs: only what changed is indexed again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from beir_data import Collection, document_text, evaluate, load_collection, percentile  # noqa: E402

from desktop_search.core.search import FUSIONS, MODES, SearchOptions, check_options  # noqa: E402
from desktop_search.embed.base import Embedder  # noqa: E402
from desktop_search.embed.catalog import DEFAULT_MODEL  # noqa: E402
from desktop_search.records import LibraryRecord  # noqa: E402
from desktop_search.services import Services, build_services  # noqa: E402
from desktop_search.settings import Settings  # noqa: E402

LIBRARY = "beir"


def file_name(doc_id: str) -> str:
    """A stable file name per document id that no query word can match by accident."""
    return "doc_" + hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:16] + ".txt"


def write_corpus(collection: Collection, folder: Path) -> dict[str, str]:
    """Mirror the corpus into `folder` (unchanged files are left alone, so a reused index stays valid).
    Returns file path -> document id."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    for doc_id, (title, text) in collection.corpus.items():
        path = folder / file_name(doc_id)
        data = document_text(title, text).encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        paths[str(path.resolve())] = doc_id
    for stale in folder.iterdir():
        if str(stale.resolve()) not in paths:
            stale.unlink()
    return paths


def prepare_embedder(services: Services, model_id: str, args: argparse.Namespace) -> Embedder:
    embedder = services.embedders(model_id)
    if args.chunk_tokens:
        embedder.chunk_tokens = args.chunk_tokens
    if args.overlap is not None:
        embedder.chunk_overlap = args.overlap
    embedder.query_cache_size = 0  # every query pays for its embedding, as a new query would
    embedder.embed_documents(["warm up the model"])
    return embedder


def index(services: Services, library: LibraryRecord, timing_file: Path) -> dict[str, object]:
    """Index what changed; report this run's time, or the stored time of the run that built the index."""
    indexer = services.indexer()
    t0 = time.perf_counter()
    final = list(indexer.run(library))[-1]
    seconds = time.perf_counter() - t0
    times = indexer.times
    if final.chunks_done or not timing_file.exists():
        report: dict[str, object] = {
            "seconds": round(seconds, 1),
            "files": final.files_done,
            "chunks_embedded": final.chunks_done,
            "chunks_per_s": round(final.chunks_done / seconds, 1) if seconds else None,
            "tokens_per_s": round(times.tokens_embedded / seconds, 1) if seconds else None,
            "embed_seconds": round(times.embed, 1),
        }
        timing_file.write_text(json.dumps(report), encoding="utf-8")
        return report
    return {**json.loads(timing_file.read_text(encoding="utf-8")), "reused": True}


def run_queries(
    services: Services, library: LibraryRecord, collection: Collection, paths: dict[str, str], options: SearchOptions
) -> dict[str, object]:
    searcher = services.searcher()
    runs: dict[str, list[str]] = {}
    latencies: list[float] = []
    for query_id, text in collection.queries.items():
        t0 = time.perf_counter()
        hits = searcher.search(text, [library], options)
        latencies.append((time.perf_counter() - t0) * 1000)
        runs[query_id] = list(dict.fromkeys(paths[h.path] for h in hits if h.path in paths))
    searcher.store.conn.close()
    metrics = evaluate(runs, collection.qrels)
    return {
        **{k: round(v, 4) for k, v in metrics.items()},
        "latency_ms_median": round(statistics.median(latencies), 1),
        "latency_ms_p95": round(percentile(latencies, 95), 1),
    }


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dataset", type=Path, help="a BEIR folder: corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv")
    p.add_argument("--split", default="test")
    p.add_argument("--model", default=DEFAULT_MODEL)
    p.add_argument("--limit-docs", type=int, help="index only the judged documents and others up to N")
    p.add_argument("--home", type=Path, help="keep and reuse the index here (default: a temporary folder)")
    p.add_argument("--mode", nargs="+", choices=MODES, default=list(("keyword", "dense", "hybrid")))
    p.add_argument("--depth", type=int, help="candidates per retriever, at least 1 (default: the app's)")
    p.add_argument("--fusion", choices=FUSIONS, help="how hybrid combines the lists (default: the app's)")
    p.add_argument("--rrf-k", type=int, help="reciprocal-rank constant, at least 0; alone it means --fusion rrf")
    p.add_argument(
        "--dense-weight",
        type=float,
        help="convex: the dense share of 1 (default 0.5); rrf: the dense list's weight "
        "against keyword's 1 (default 1, standard RRF); adaptive fusion chooses it per query",
    )
    p.add_argument("--no-floor", action="store_true", help="show meaning matches below the relevance floor too")
    p.add_argument("--chunk-tokens", type=int, help="override the model's chunk length (re-chunks)")
    p.add_argument("--overlap", type=int, help="override the model's chunk overlap (re-chunks)")
    p.add_argument("--device", default="auto")
    p.add_argument("--backend", default="auto", help="embedding backend (embed/registry.py); default: the app's")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def search_options(args: argparse.Namespace, mode: str) -> SearchOptions:
    """The app's options with what the flags set; a flag never goes unheard (0 included): one that does not
    apply to the chosen fusion is an error, and --rrf-k alone chooses RRF."""
    options = SearchOptions(mode=mode, limit=100)
    fusion = args.fusion or ("rrf" if args.rrf_k is not None else options.fusion)
    if args.rrf_k is not None and fusion != "rrf":
        raise ValueError(f"--rrf-k applies to --fusion rrf, not {fusion}")
    options = replace(options, fusion=fusion, floor=not args.no_floor)
    for name in ("depth", "rrf_k", "dense_weight"):
        if getattr(args, name) is not None:
            options = replace(options, **{name: getattr(args, name)})
    check_options(options)
    return options


def evaluate_dataset(args: argparse.Namespace, root: Path, embedder: Embedder | None = None) -> dict[str, object]:
    """Index the collection under `root` (reusing what is there) and score every mode; `embedder` for tests."""
    collection = load_collection(args.dataset, args.split, args.limit_docs)
    paths = write_corpus(collection, root / "docs")
    services = build_services(Settings(home=root / "index", device=args.device, backend=args.backend), embedder)
    try:
        services.libraries.add_folders([str(root / "docs")], LIBRARY, args.model)
        library = services.libraries.get(LIBRARY)
        model = prepare_embedder(services, library.model_id, args)
        indexing = index(services, library, root / "index-time.json")
        modes = {
            mode: run_queries(services, library, collection, paths, search_options(args, mode)) for mode in args.mode
        }
    finally:
        services.close()
    return {
        "dataset": str(args.dataset),
        "split": args.split,
        "documents": len(collection.corpus),
        "queries": len(collection.queries),
        "model": library.model_id,
        "backend": model.backend,
        "chunker": model.chunker_key,
        "options": {k: v for k, v in asdict(search_options(args, "hybrid")).items() if k != "mode"},
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "index": indexing,
        "modes": modes,
    }


def print_table(report: dict[str, object]) -> None:
    print(f"{report['dataset']} ({report['split']}): {report['documents']} documents, {report['queries']} queries")
    print(f"model {report['model']} on {report['backend']}  chunker {report['chunker']}  options {report['options']}")
    print(f"index: {report['index']}")
    print(f"{'mode':<8} {'nDCG@10':>8} {'R@100':>7} {'MRR@10':>7} {'median ms':>10} {'p95 ms':>7}")
    for mode, m in report["modes"].items():  # type: ignore[attr-defined]
        print(
            f"{mode:<8} {m['ndcg@10']:>8.4f} {m['recall@100']:>7.4f} {m['mrr@10']:>7.4f} "
            f"{m['latency_ms_median']:>10.1f} {m['latency_ms_p95']:>7.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        search_options(args, "hybrid")
    except ValueError as exc:
        parser.error(str(exc))
    with ExitStack() as stack:
        root = args.home or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ds-beir-")))
        report = evaluate_dataset(args, root.resolve())
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
