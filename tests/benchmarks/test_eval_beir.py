"""The BEIR harness reads the format as published and scores runs the way trec_eval does."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import eval_beir  # noqa: E402
from beir_data import evaluate, load_collection, mrr_at, ndcg_at, percentile, read_qrels, recall_at  # noqa: E402

from desktop_search.embed.fake import HashEmbedder  # noqa: E402

CORPUS = [
    {"_id": "d1", "title": "Sourdough", "text": "Starter, flour and water make a sourdough loaf."},
    {"_id": "d2", "title": "Tomatoes", "text": "Tomato plants want full sun and regular watering."},
    {"_id": "d3", "title": "", "text": "The shinkansen links Tokyo and Kyoto in about two hours."},
    {"_id": "d4", "title": "Budget", "text": "Rent and groceries take most of the monthly income."},
]
QUERIES = [
    {"_id": "q1", "text": "sourdough starter"},
    {"_id": "q2", "text": "shinkansen Kyoto"},
    {"_id": "q3", "text": "an unjudged query"},
]


def write_beir(folder: Path) -> Path:
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in CORPUS) + "\n", encoding="utf-8")
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in QUERIES) + "\n", encoding="utf-8")
    qrels = "query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq2\td3\t1\r\n"
    (folder / "qrels" / "test.tsv").write_bytes(qrels.encode("utf-8"))
    return folder


def test_qrels_skip_the_header_and_tolerate_crlf(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_bytes(b"query-id\tcorpus-id\tscore\r\n1\t31715818\t1\r\n1\t99\t2\r\n\r\n3\t14717500\t0\r\n")
    assert read_qrels(path) == {"1": {"31715818": 1, "99": 2}, "3": {"14717500": 0}}


def test_only_judged_queries_and_a_limited_corpus_keeps_judged_documents(tmp_path: Path) -> None:
    collection = load_collection(write_beir(tmp_path / "beir"), "test", limit_docs=3)
    assert set(collection.queries) == {"q1", "q2"}
    assert set(collection.corpus) == {"d1", "d3", "d2"}  # both judged ones, then the first others


def test_metrics_follow_trec_eval() -> None:
    judged = {"a": 1, "b": 1, "z": 0}
    ranked = ["x", "a", "y", "b"]
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at(ranked, judged) == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert ndcg_at(["a", "b"], judged) == pytest.approx(1.0)
    assert recall_at(ranked, judged, k=2) == 0.5
    assert mrr_at(ranked, judged) == 0.5
    assert mrr_at(["a"] + ["x"] * 10, {"x": 0, "b": 1}) == 0.0
    # A judged query without any result counts as zero, it is not skipped.
    assert evaluate({"q1": ["a"]}, {"q1": {"a": 1}, "q2": {"b": 1}})["ndcg@10"] == 0.5


def test_percentile_interpolates() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([10.0, 20.0], 95) == pytest.approx(19.5)


def test_the_harness_indexes_and_searches_through_the_app(tmp_path: Path) -> None:
    dataset = write_beir(tmp_path / "beir")
    args = eval_beir._parser().parse_args([str(dataset), "--mode", "keyword", "hybrid"])
    report = eval_beir.evaluate_dataset(args, tmp_path / "run", HashEmbedder())
    assert report["documents"] == 4
    assert report["queries"] == 2
    modes = report["modes"]
    assert isinstance(modes, dict)
    assert modes["keyword"]["ndcg@10"] == 1.0  # each query's words are in its judged document only
    assert modes["hybrid"]["recall@100"] == 1.0
    assert (tmp_path / "run" / "docs").is_dir()
    again = eval_beir.evaluate_dataset(args, tmp_path / "run", HashEmbedder())
    assert again["index"]["reused"] is True  # type: ignore[index]
    assert again["modes"] == {k: {**v, **_latency(again, k)} for k, v in modes.items()}


def _latency(report: dict[str, object], mode: str) -> dict[str, float]:
    m = report["modes"][mode]  # type: ignore[index]
    return {"latency_ms_median": m["latency_ms_median"], "latency_ms_p95": m["latency_ms_p95"]}


def _options(*flags: str):  # type: ignore[no-untyped-def]
    return eval_beir.search_options(eval_beir._parser().parse_args(["data", *flags]), "hybrid")


def test_every_fusion_flag_is_heard_or_refused() -> None:
    """--rrf-k alone means RRF, 0 is a value, plain --fusion rrf is standard RRF (equal weights), and a flag
    that does not apply to the chosen fusion is an error instead of being ignored."""
    assert _options().fusion == "adaptive"
    rrf = _options("--rrf-k", "0")
    assert (rrf.fusion, rrf.rrf_k) == ("rrf", 0)
    assert _options("--fusion", "rrf").dense_weight is None  # fuse() gives the dense list weight 1
    assert _options("--fusion", "convex", "--dense-weight", "0").dense_weight == 0.0
    assert _options("--depth", "1").depth == 1
    for flags in (
        ("--depth", "0"),
        ("--fusion", "convex", "--rrf-k", "10"),
        ("--dense-weight", "0.7"),  # adaptive chooses its own
        ("--fusion", "convex", "--dense-weight", "1.5"),
    ):
        with pytest.raises(ValueError, match="depth|rrf|weight"):
            _options(*flags)
        with pytest.raises(SystemExit):
            eval_beir.main(["data", *flags])
