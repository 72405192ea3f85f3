"""With the real cde-small-v2 weights (skipped when absent): the published similarities, and which variant matches.

Needs two local paths, since tests never use the network:
- CDE_SMALL_V2_DIR: a folder as `desktop-search models download cde-small-v2` makes it (config.json,
  model.safetensors, tokenizer.json of answerdotai/ModernBERT-base);
- NQ_PARQUET: the train split of sentence-transformers/natural-questions as parquet (columns query, answer).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from desktop_search.embed.catalog import CATALOG
from desktop_search.embed.cde import CDEEmbedder
from desktop_search.embed.cde_model import CDEOptions
from tests.embed.precision import cpu_plan

EXPECTED = np.array(
    [[0.8778, 0.7851, 0.7810, 0.7781, 0.7966], [0.7916, 0.8648, 0.7845, 0.7865, 0.8136]], dtype=np.float32
)
VARIANTS = {
    "v2 (residual, instruction exclusion)": CDEOptions(residual=True, ignore_instruction=True),
    "v2-noresidual": CDEOptions(residual=False, ignore_instruction=False),
}


def _inputs() -> tuple[Path, list[str], list[str], list[str]]:
    folder = Path(os.environ.get("CDE_SMALL_V2_DIR", "/nonexistent"))
    table = Path(os.environ.get("NQ_PARQUET", "/nonexistent"))
    if not (folder / "model.safetensors").exists() or not table.exists():
        pytest.skip("real cde-small-v2 weights or natural-questions data not present (CDE_SMALL_V2_DIR, NQ_PARQUET)")
    pq = pytest.importorskip("pyarrow.parquet")
    data = pq.read_table(table, columns=["query", "answer"]).to_pydict()
    return folder, data["query"][:2], data["answer"][:5], data["answer"][-512:]


def _similarities(folder: Path, options: CDEOptions, queries: list[str], docs: list[str], ctx: list[str]) -> np.ndarray:
    model = CDEEmbedder(CATALOG["cde-small-v2"], folder, cpu_plan(), options)  # float32, as EXPECTED
    bound = model.with_context(model.embed_context(ctx), "nq")
    return np.stack([bound.embed_query(q) for q in queries]) @ bound.embed_documents(docs).T


def test_real_cde_small_v2_matches_the_published_similarities_and_the_default_variant() -> None:
    folder, queries, docs, ctx = _inputs()
    errors = {
        name: float(np.abs(_similarities(folder, o, queries, docs, ctx) - EXPECTED).max())
        for name, o in VARIANTS.items()
    }
    matching = [name for name, error in errors.items() if error <= 1e-3]
    assert matching, f"no variant reproduces the published similarities: {errors}"
    default = next(name for name, o in VARIANTS.items() if o == CDEOptions.for_kind("modernbert"))
    assert default in matching, f"{matching[0]} matches the real weights: make it the default in CDEOptions.for_kind"
