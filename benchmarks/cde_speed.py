"""CDE speed at real architecture sizes with random weights, against MiniLM; prints JSON.

Usage: python benchmarks/cde_speed.py [--models cde-small-v2,cde-small-v1,all-minilm-l6-v2] [--stage1-texts 16]
       [--chunks 4] [--lengths 64,128,256,384,512] [--device cpu]

Random weights in the published shapes (cde-small-v2: ModernBERT-base towers; v1: NomicBERT defaults) run
exactly the arithmetic the real checkpoints run, so the timings hold for them. The BERT-uncased tokenizer
shipped with MiniLM stands in for the backbone tokenizers (only token counts matter here). Texts are
SciFact abstracts cut to the requested token lengths. Stage 1 is timed on `--stage1-texts` texts and
scaled to 512 (linear: the texts go through in independent, token-budgeted batches).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import CATALOG, bundled_model_dir, get_spec
from desktop_search.embed.cde import CDEEmbedder
from desktop_search.embed.cde_model import CHECKPOINT_PREFIXES, CDEModel, CDEOptions
from desktop_search.embed.device import plan_device
from desktop_search.embed.loader import load_embedder
from desktop_search.embed.tokenizer import HFTokenizer

SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "data" / "scifact" / "corpus.jsonl"
BACKBONE = {"cde-small-v2": "answerdotai/ModernBERT-base", "cde-small-v1": "nomic-ai/nomic-bert-2048"}


def _texts(tokenizer: HFTokenizer, length: int, n: int) -> list[str]:
    """n SciFact abstracts cut to about `length` tokens each."""
    out = []
    with SCIFACT.open(encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            spans = tokenizer.offsets(text)
            if len(spans) >= length:
                out.append(text[: spans[length - 1][1]])
            if len(out) == n:
                break
    return out


def _random_cde(model_id: str, folder: Path, device: str) -> CDEEmbedder:
    """Write a random checkpoint in the published layout, then load it through the real loader."""
    from safetensors.torch import save_file

    minilm = bundled_model_dir(CATALOG["all-minilm-l6-v2"])
    assert minilm is not None
    config = {"transductive_corpus_size": 512, "embedder": BACKBONE[model_id]}
    kind = "modernbert" if "ModernBERT" in BACKBONE[model_id] else "nomic_bert"
    model = CDEModel(config, CDEOptions.for_kind(kind), colon_token_id=1024)
    save_file(_checkpoint_names(model, kind), str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "tokenizer.json").write_bytes((minilm / "tokenizer.json").read_bytes())
    del model
    t0 = time.perf_counter()
    embedder = CDEEmbedder(get_spec(model_id), folder, plan_device(device))
    embedder.load_s = time.perf_counter() - t0  # type: ignore[attr-defined]
    return embedder


def _checkpoint_names(model: CDEModel, kind: str) -> dict[str, torch.Tensor]:
    """Inverse of the loader's key mapping (NomicBERT's q/k/v are fused back into Wqkv)."""
    names = {f"{name}.": prefix for name, prefix in CHECKPOINT_PREFIXES.items()}
    state = model.state_dict()
    out: dict[str, torch.Tensor] = {}
    nomic = [
        ("layers.", "encoder.layers."),
        ("embeddings.LayerNorm.", "emb_ln."),
        ("self_attn.o_proj.", "attn.out_proj."),
        ("mlp.up_proj.", "mlp.fc11."),
        ("mlp.gate_proj.", "mlp.fc12."),
        ("mlp.down_proj.", "mlp.fc2."),
        ("post_attention_layernorm.", "norm1."),
        ("post_mlp_layernorm.", "norm2."),
    ]
    for key, tensor in state.items():
        prefix = next(p for p in names if key.startswith(p))
        rest = key.removeprefix(prefix)
        if kind == "nomic_bert" and prefix in ("first.", "second."):
            if ".self_attn.k_proj." in rest or ".self_attn.v_proj." in rest:
                continue
            if ".self_attn.q_proj." in rest:
                base = rest.replace("self_attn.q_proj.weight", "")
                fused = torch.cat(
                    [state[f"{prefix}{base}self_attn.{p}.weight"] for p in ("q_proj", "k_proj", "v_proj")]
                )
                out[names[prefix] + "encoder." + base + "attn.Wqkv.weight"] = fused.contiguous()
                continue
            for new, old in nomic:
                rest = rest.replace(new, old)
        out[names[prefix] + rest] = tensor.contiguous()
    return out


def _timed(fn: Callable[..., Any], *args: object) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t0, result


def _stage_two(embedder: Embedder, tokenizer: HFTokenizer, lengths: list[int], n: int) -> list[dict[str, float]]:
    rows = []
    embedder.embed_documents(_texts(tokenizer, lengths[0], 1))  # warm-up
    for length in lengths:
        texts = _texts(tokenizer, length, n)
        seconds, _ = _timed(embedder.embed_documents, texts)
        pass_tokens = length + embedder.overhead_tokens
        rows.append(
            {
                "chunk_tokens": length,
                "chunks_per_s": round(n / seconds, 3),
                "pass_tokens_per_s": round(n * pass_tokens / seconds, 1),
                "text_tokens_per_s": round(n * length / seconds, 1),  # what indexing a library progresses at
            }
        )
    return rows


def _queries(embedder: Embedder) -> dict[str, float]:
    cold, _ = _timed(embedder.embed_query, "which protein regulates apoptosis in tumour cells")
    cached, _ = _timed(embedder.embed_query, "which protein regulates apoptosis in tumour cells")
    return {"query_cold_ms": round(cold * 1000, 1), "query_cached_ms": round(cached * 1000, 3)}


def bench_cde(model_id: str, args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        cde = _random_cde(model_id, Path(tmp), args.device)
        load_s = time.perf_counter() - t0
    tokenizer = cde._tokenizer
    context_texts = _texts(tokenizer, 256, args.stage1_texts)
    seconds, vectors = _timed(cde.embed_context, context_texts)
    context = torch.zeros(512, cde.dim).numpy() + vectors.mean(0)  # 512 rows, as the app always passes
    bound = cde.with_context(context, "bench")
    params = sum(p.numel() for p in cde.model.parameters())
    return {
        "model": model_id,
        "parameters_m": round(params / 1e6, 1),
        "build_and_load_s": round(load_s, 1),
        "load_s": round(cde.load_s, 1),  # type: ignore[attr-defined]  # what opening the real model costs
        "stage1_texts_timed": len(context_texts),
        "stage1_tokens_per_text": 256,
        "stage1_512_texts_s_estimated": round(seconds * 512 / len(context_texts), 1),
        "stage2_prefix_tokens": cde.prefix_tokens,
        "stage2": _stage_two(bound, tokenizer, args.lengths, args.chunks),
        **_queries(bound),
    }


def bench_minilm(args: argparse.Namespace) -> dict[str, object]:
    embedder = load_embedder("all-minilm-l6-v2", Path("/nonexistent"), args.device)
    tokenizer = embedder.tokenizer
    assert isinstance(tokenizer, HFTokenizer)
    lengths = [n for n in args.lengths if n <= embedder.max_tokens - 2]
    return {
        "model": "all-minilm-l6-v2",
        "stage2": _stage_two(embedder, tokenizer, lengths, args.chunks * 8),
        **_queries(embedder),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="cde-small-v2,cde-small-v1,all-minilm-l6-v2")
    parser.add_argument("--stage1-texts", type=int, default=16)
    parser.add_argument("--chunks", type=int, default=4, help="chunks timed per length (MiniLM: 8x as many)")
    parser.add_argument("--lengths", type=lambda s: [int(x) for x in s.split(",")], default=[64, 128, 256, 384, 510])
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.manual_seed(0)
    results = []
    for model_id in args.models.split(","):
        results.append(bench_minilm(args) if model_id == "all-minilm-l6-v2" else bench_cde(model_id, args))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)  # partial results survive a time limit
    machine: dict[str, object] = {"python": platform.python_version(), "torch": torch.__version__}
    machine |= {"threads": torch.get_num_threads(), "load_average": os.getloadavg()[0]}
    if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()):
        machine["gpu"] = torch.cuda.get_device_name(0)
    print(json.dumps({"machine": machine, "device": args.device, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
