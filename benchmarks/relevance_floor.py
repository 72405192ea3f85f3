"""Calibrating the relevance floor: cosines of judged documents and of nonsense queries, on an eval_beir index.

Usage: python benchmarks/relevance_floor.py DATASET_DIR --home DIR [--split train] [--json]

DIR is an index kept by `eval_beir.py --home DIR` (same dataset and model). Prints, for the split's judged
queries, percentiles of the best passage's cosine and of the cosine of each relevant document found in the
top 100 (the floor must stay below them, or recall@100 drops), and for probe queries that match nothing
(nonsense, punctuation, a lone letter, off-topic questions) their best cosine, whether any query word is in
the index, and how many hits the app returns in dense and hybrid mode.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from beir_data import load_collection, percentile  # noqa: E402
from eval_beir import LIBRARY, file_name  # noqa: E402

from desktop_search.core.query import parse_query  # noqa: E402
from desktop_search.core.search import SearchOptions  # noqa: E402
from desktop_search.services import build_services  # noqa: E402
from desktop_search.settings import Settings  # noqa: E402

PROBES = (
    "xyzzyqq flibbertigibbet",
    "kjhsdf",
    "blorptastic wibble",
    "qwertyuiop",
    "asdfgh qwerty",
    "fnord",
    "zzz",
    "x",
    "q",
    "?!",
    "...",
    "!!!???",
    "lorem ipsum dolor sit amet",
    "jazz guitar chords",
    "best pizza in naples",
    "my car insurance renewal letter",
    "how to fix my bicycle chain",
    "banana bread",
)
DEPTH = 300  # dense chunks looked at per query, enough for the documents of the top 100


def _percentiles(values: list[float]) -> dict[str, float]:
    return {f"p{q}": round(percentile(values, q), 3) for q in (0, 1, 2, 5, 10, 50)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dataset", type=Path)
    p.add_argument("--home", type=Path, required=True, help="the folder given to eval_beir.py --home")
    p.add_argument("--split", default="train")
    p.add_argument("--device", default="auto")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    collection = load_collection(args.dataset, args.split)
    doc_of_name = {file_name(d): d for d in collection.corpus}
    services = build_services(Settings(home=args.home.resolve() / "index", device=args.device))
    try:
        library = services.libraries.get(LIBRARY)
        store, searcher = services.store, services.searcher()
        space = store.active_space(library.id)
        if space is None:
            raise SystemExit(f"{args.home} holds no embedded index; run eval_beir.py --home first")
        embedder = services.embedders(space.model_id)

        def dense_docs(text: str) -> dict[str, float]:
            found = store.nearest_chunks(space, embedder.embed_query(text), DEPTH)
            infos = store.chunk_infos([c for c, _ in found])
            files = store.files_for_contents(list({i.content_id for i in infos.values()}))
            best: dict[str, float] = {}
            for chunk, distance in found:
                name = Path(files[infos[chunk].content_id][0].path).name
                best.setdefault(doc_of_name.get(name, name), 1.0 - distance)
            return best

        tops, relevant = [], []
        for query_id, text in collection.queries.items():
            best = dense_docs(text)
            tops.append(next(iter(best.values())))
            top100 = list(best)[:100]
            relevant += [best[d] for d in collection.qrels[query_id] if d in top100]
        probes = []
        for text in PROBES:
            query = parse_query(text)
            words = bool(query.fts and store.keyword_chunks(library.id, query.fts_phrases, 1))
            hits = {
                mode: len(searcher.search(text, [library], SearchOptions(mode=mode, limit=100)))
                for mode in ("dense", "hybrid")
            }
            probes.append({"query": text, "best_cosine": round(next(iter(dense_docs(text).values())), 3),
                           "words_in_index": words, "hits": hits})  # fmt: skip
        searcher.store.conn.close()
    finally:
        services.close()
    floor = embedder.relevance
    report = {
        "dataset": str(args.dataset),
        "split": args.split,
        "model": space.model_id,
        "floor": floor.__dict__ if floor else None,
        "best_passage_cosine": _percentiles(tops),
        "relevant_in_top100_cosine": _percentiles(relevant),
        "probes": probes,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['dataset']} ({args.split}), {report['model']}, floor {report['floor']}")
    print(f"best passage per query, cosine percentiles: {report['best_passage_cosine']}")
    print(f"relevant documents in the top 100, cosine percentiles: {report['relevant_in_top100_cosine']}")
    print(f"{'probe query':<34} {'best cos':>8} {'words':>6} {'dense hits':>10} {'hybrid hits':>11}")
    for row in probes:
        print(
            f"{row['query']:<34} {row['best_cosine']:>8.3f} {'yes' if row['words_in_index'] else 'no':>6} "
            f"{row['hits']['dense']:>10} {row['hits']['hybrid']:>11}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
