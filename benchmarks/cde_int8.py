"""CDE on an int8 path: parity on the reference fixtures and stage-2 / query speed at real sizes; prints JSON.

Usage: python benchmarks/cde_int8.py [--models cde-small-v2,cde-small-v1] [--chunks 4] [--length 384] [--repeats 3]

There is no OpenVINO graph for the CDE towers (ModernBERT, NomicBERT), so the int8 path measured here is
torch's own dynamic quantisation of every linear layer (int8 weights per output channel, activations quantised per
batch; fbgemm kernels, AVX2 or better) in both towers, the one int8 path a CDE model has today without a new converter.

- Parity: each fixture variant of `tests/fixtures/cde` (tiny random weights, expected tensors from the reference
  code) is run in float32 and in int8; reported are the largest difference and the smallest cosine between the
  int8 stage-2 embeddings and the reference's.
- Speed: random weights in the published shapes (as `cde_speed.py` builds them), stage 2 on `--chunks` chunks
  of `--length` tokens under a 512-row context, and one new query, float32 against int8 interleaved
  `--repeats` times; medians of wall and CPU seconds, and the cosine between the two paths' embeddings.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch.ao.quantization import quantize_dynamic

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cde_speed import _random_cde, _texts  # noqa: E402

from desktop_search.embed.cde import CDEEmbedder  # noqa: E402
from desktop_search.embed.cde_model import CDEModel, CDEOptions, load_cde_model  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "cde"
VARIANTS = {
    "v1": CDEOptions(residual=False, ignore_instruction=False),
    "v2": CDEOptions(residual=True, ignore_instruction=True),
}


def int8(model: CDEModel) -> CDEModel:
    """A copy whose two towers (all but a few small projections of the compute) have int8 linear layers."""
    quantised = copy.deepcopy(model)
    for tower in ("first", "second"):
        setattr(quantised, tower, quantize_dynamic(getattr(quantised, tower), {torch.nn.Linear}, torch.qint8))
    return quantised


def _cosines(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.cosine_similarity(a.float(), b.float(), dim=-1)


def parity() -> dict[str, dict[str, float]]:
    out = {}
    for name, options in VARIANTS.items():
        model, _ = load_cde_model(FIXTURES / name, options)
        t = load_file(str(FIXTURES / name / "cases.safetensors"))
        row = {}
        for label, m in (("float32", model), ("int8", int8(model))):
            with torch.inference_mode():
                got = m.second_stage(t["stage2.input_ids"], t["stage2.attention_mask"], t["stage2.dataset_embeddings"])
            expected = t["stage2.expected"]
            row[f"{label}_max_abs_diff"] = round(float((got.output - expected).abs().max()), 6)
            row[f"{label}_min_cosine"] = round(float(_cosines(got.output, expected).min()), 6)
        out[name] = row
    return out


def speed(model_id: str, chunks: int, length: int, repeats: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        f32 = _random_cde(model_id, Path(tmp), "cpu")
    tokenizer = f32._tokenizer
    context = f32.embed_context(_texts(tokenizer, 128, 8))
    rows = context[torch.randint(0, len(context), (512,)).numpy()]  # 512 rows, as the app always passes
    q8 = CDEEmbedder.__new__(CDEEmbedder)  # the same embedder around the quantised model
    q8.__dict__.update(f32.__dict__, model=int8(f32.model), _bound=OrderedDict(), _lock=threading.Lock())
    bound = {"float32": f32.with_context(rows, "f32"), "int8": q8.with_context(rows, "int8")}
    texts = _texts(tokenizer, length, chunks)
    query = "which protein regulates apoptosis in tumour cells"
    wall: dict[str, list[float]] = {k: [] for k in bound}
    cpu: dict[str, list[float]] = {k: [] for k in bound}
    query_s: dict[str, list[float]] = {k: [] for k in bound}
    vectors = {}
    for repeat in range(repeats):
        for name in sorted(bound, reverse=bool(repeat % 2)):
            e = bound[name]
            e.query_cache_size = 0
            t0, c0 = time.perf_counter(), time.process_time()
            vectors[name] = e.embed_documents(texts)
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
            t0 = time.perf_counter()
            vectors[name + " query"] = e.embed_query(f"{query} {repeat}")
            query_s[name].append(time.perf_counter() - t0)
    cos = (vectors["int8"] * vectors["float32"]).sum(axis=1)
    cos_query = float((vectors["int8 query"] * vectors["float32 query"]).sum())
    result: dict[str, object] = {"model": model_id, "chunks": chunks, "chunk_tokens": length}
    for name in bound:
        result[name] = {
            "stage2_wall_s": round(statistics.median(wall[name]), 2),
            "stage2_cpu_s": round(statistics.median(cpu[name]), 2),
            "query_s": round(statistics.median(query_s[name]), 2),
        }
    result["int8_speed_vs_float32"] = {
        "stage2_wall": round(statistics.median(wall["float32"]) / statistics.median(wall["int8"]), 2),
        "stage2_cpu": round(statistics.median(cpu["float32"]) / statistics.median(cpu["int8"]), 2),
        "query_wall": round(statistics.median(query_s["float32"]) / statistics.median(query_s["int8"]), 2),
    }
    result["cosine_int8_float32"] = {"passages_min": round(float(cos.min()), 5), "query": round(cos_query, 5)}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="cde-small-v2,cde-small-v1")
    parser.add_argument("--chunks", type=int, default=4)
    parser.add_argument("--length", type=int, default=384)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-speed", action="store_true", help="parity only")
    args = parser.parse_args()
    torch.manual_seed(0)
    load = os.getloadavg()[0]
    report: dict[str, object] = {"parity_stage2": parity()}
    print(json.dumps(report), file=sys.stderr, flush=True)
    if not args.no_speed:
        report["speed"] = [speed(m, args.chunks, args.length, args.repeats) for m in args.models.split(",")]
    report["machine"] = {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "quantized_engine": torch.backends.quantized.engine,
        "load_average_before_after": [round(load, 1), round(os.getloadavg()[0], 1)],
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
