"""Index a folder into a fresh home and print JSON: stage times, passages/s, peak RSS, pipeline ÷ raw model.

Usage: python benchmarks/index_folder.py FOLDER [--model ID] [--device cpu] [--backend NAME] [--overlap N]
       [--keep-generated] [--home DIR] [--no-raw] [--fake | --count]

The raw model throughput is measured in the same run on the same chunks (re-embedded straight from the
database through the same embedder), so `pipeline_over_raw` shows what extraction, chunking, tokenising
and writing cost on top of the model; `--no-raw` skips that second pass on large folders.
`keyword_searchable_s` is when every file's text was stored (FTS5 answers from then on) and `total` when the
last vector was. CPU seconds are this process's and its finished extraction workers'. For a "before" run with
the earlier defaults: `--backend transformers --overlap 32 --keep-generated`. `--count` cuts the passages with
the model's tokenizer and chunk settings but gives them hash vectors: how many passages and tokens the model
would be given, and when the folder is keyword-searchable, in minutes instead of hours.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from desktop_search.core.generated import GENERATED, GENERATED_PATTERNS
from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import DEFAULT_MODEL, get_spec, model_dir
from desktop_search.embed.fake import HashEmbedder
from desktop_search.embed.tokenizer import HFTokenizer
from desktop_search.services import build_services
from desktop_search.settings import Settings


def _cpu_s() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def counting_embedder(model_id: str, models_dir: Path) -> HashEmbedder:
    """Hash vectors of the model's size, with the model's tokenizer, chunk length and overlap."""
    spec = get_spec(model_id)
    embedder = HashEmbedder(spec.dim, spec.chunk_tokens, spec.chunk_overlap, spec.id)
    embedder.revision = spec.revision
    embedder._tokenizer = HFTokenizer(model_dir(spec, models_dir) / "tokenizer.json", spec.max_tokens)  # type: ignore[assignment]
    return embedder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--overlap", type=int, help="chunk overlap in tokens (default: the model's)")
    parser.add_argument("--keep-generated", action="store_true", help="index minified files, search indexes, ...")
    parser.add_argument("--home", type=Path, help="keep the index here (default: a temporary folder)")
    parser.add_argument("--no-raw", action="store_true", help="skip re-embedding the chunks for the raw model rate")
    fakes = parser.add_mutually_exclusive_group()
    fakes.add_argument(
        "--fake", action="store_true", help="hash embedder instead of the model (pipeline memory and speed alone)"
    )
    fakes.add_argument("--count", action="store_true", help="the model's passages and tokens, with hash vectors")
    args = parser.parse_args()

    with ExitStack() as stack:
        home = args.home or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ds-bench-")))
        settings = Settings(home=home, device=args.device, backend=args.backend)
        injected: Embedder | None = HashEmbedder() if args.fake else None
        if args.count:
            injected = counting_embedder(args.model, settings.models_dir)
        services = build_services(settings, injected)
        services.libraries.add_folders([str(args.folder)], "bench", args.model)
        library = services.libraries.get("bench")
        if args.keep_generated:
            kept = [p for p in library.exclusions if p != GENERATED and p not in GENERATED_PATTERNS]
            services.libraries.set_exclusions("bench", kept)
            library = services.libraries.get("bench")
        embedder = services.embedders(library.model_id)  # load outside the timed run
        if args.overlap is not None:
            embedder.chunk_overlap = args.overlap
        embedder.embed_documents(["warm up the model"])
        indexer = services.indexer()
        load = os.getloadavg()
        c0, t0 = _cpu_s(), time.perf_counter()
        keyword_at = None
        for progress in indexer.run(library):
            final = progress
            if keyword_at is None and progress.files_total and progress.files_done >= progress.files_total:
                keyword_at = time.perf_counter() - t0
        wall, cpu = time.perf_counter() - t0, _cpu_s() - c0
        load_after = os.getloadavg()

        chunks = services.store.conn.execute(
            """SELECT t.text, ch.n_tokens FROM chunks ch JOIN chunk_text t ON t.id = ch.id
               JOIN contents co ON co.id = ch.content_id WHERE co.library_id = ?""",
            (library.id,),
        ).fetchall()
        raw = 0.0
        if not args.no_raw:
            t1 = time.perf_counter()
            embedder.embed_documents([c[0] for c in chunks], [c[1] for c in chunks])
            raw = time.perf_counter() - t1
        skipped = services.store.conn.execute(
            "SELECT count(*) FROM files WHERE status = 'skipped' AND error LIKE ?", (f"%{GENERATED}%",)
        ).fetchone()[0]
        folder_bytes = sum(f.stat().st_size for f in args.folder.rglob("*") if f.is_file() and not f.is_symlink())
        services.close()

    times = indexer.times
    n = len(chunks)
    report = {
        "folder": str(args.folder),
        "folder_mb": round(folder_bytes / 2**20, 1),
        "model": "fake (hash)" if args.fake else library.model_id + (" (counted, hash vectors)" if args.count else ""),
        "backend": embedder.backend,
        "chunker": embedder.chunker_key,
        "skip_generated": GENERATED in library.exclusions,
        "machine": f"{platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores".strip(),
        "load_average_before_after": [round(load[0], 1), round(load_after[0], 1)],
        "python": sys.version.split()[0],
        "files": final.files_done,
        "failed": final.failed,
        "skipped_as_generated": skipped,
        "chunks": n,
        "tokens": times.tokens_embedded,
        "seconds": {
            "total": round(wall, 1),
            "keyword_searchable": round(keyword_at, 1) if keyword_at is not None else None,
            "cpu": round(cpu, 1),
            "scan": round(times.scan, 1),
            "read": round(times.read, 1),
            "extract": round(times.extract, 1),
            "chunk": round(times.chunk, 1),
            "embed": round(times.embed, 1),
            "write": round(times.write, 1),
        },
        "pipeline_chunks_per_s": round(n / wall, 2) if wall else None,
        "raw_model_chunks_per_s": round(n / raw, 2) if raw else None,
        "pipeline_over_raw": round(raw / wall, 3) if raw else None,
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
