"""BEIR-format collections (corpus.jsonl, queries.jsonl, qrels/*.tsv) and trec_eval-style metrics."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

Qrels = dict[str, dict[str, int]]  # query id -> document id -> relevance grade


@dataclass(frozen=True)
class Collection:
    corpus: dict[str, tuple[str, str]]  # document id -> (title, text), in file order
    queries: dict[str, str]  # only the queries judged in the split
    qrels: Qrels


def _jsonl(path: Path) -> Iterable[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def read_qrels(path: Path) -> Qrels:
    """query-id, corpus-id, score per line; the header line and CRLF endings are tolerated."""
    qrels: Qrels = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        fields = line.strip().split("\t")
        if len(fields) < 3 or (n == 0 and not fields[2].lstrip("-").isdigit()):
            continue  # blank line or header
        qrels.setdefault(fields[0], {})[fields[1]] = int(fields[2])
    return qrels


def load_collection(folder: Path, split: str = "test", limit_docs: int | None = None) -> Collection:
    """A collection's split; with `limit_docs`, every judged document plus the first others up to that size."""
    qrels = read_qrels(folder / "qrels" / f"{split}.tsv")
    queries = {str(q["_id"]): str(q["text"]) for q in _jsonl(folder / "queries.jsonl") if str(q["_id"]) in qrels}
    qrels = {q: docs for q, docs in qrels.items() if q in queries}
    corpus = {
        str(d["_id"]): (str(d.get("title") or ""), str(d.get("text") or "")) for d in _jsonl(folder / "corpus.jsonl")
    }
    if limit_docs is not None and limit_docs < len(corpus):
        judged = {d for docs in qrels.values() for d in docs}
        others = [d for d in corpus if d not in judged][: max(0, limit_docs - len(judged))]
        keep = judged | set(others)
        corpus = {d: v for d, v in corpus.items() if d in keep}
    return Collection(corpus, queries, qrels)


def document_text(title: str, text: str) -> str:
    """How a document is written to its file: the title, a blank line, the text."""
    return f"{title}\n\n{text}" if title else text


def ndcg_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k as trec_eval's ndcg_cut: linear gains, log2(rank + 1) discount, ideal from all judgments."""
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 100) -> float:
    relevant = {d for d, g in judged.items() if g > 0}
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 0.0


def mrr_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """Reciprocal rank of the first relevant document within the top k (trec_eval's recip_rank, cut at k)."""
    for i, d in enumerate(ranked[:k]):
        if judged.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def evaluate(runs: Mapping[str, Sequence[str]], qrels: Qrels) -> dict[str, float]:
    """Mean metrics over every judged query; a query without results scores zero."""
    n = len(qrels)
    totals = {"ndcg@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
    for query_id, judged in qrels.items():
        ranked = runs.get(query_id, ())
        totals["ndcg@10"] += ndcg_at(ranked, judged)
        totals["recall@100"] += recall_at(ranked, judged)
        totals["mrr@10"] += mrr_at(ranked, judged)
    return {name: total / n if n else 0.0 for name, total in totals.items()}


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy's default."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
