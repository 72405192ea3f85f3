"""torch against ONNX Runtime for the bundled all-MiniLM-L6-v2 on CPU: equal outputs? faster? Prints JSON.

Usage: pip install onnxruntime onnx onnxscript   (benchmark only: the app does not ship them)
       python benchmarks/onnx_compare.py [--batches 1 16 64] [--tokens 16 128 254] [--repeats 20]

The model is exported from the same weights the app loads, to a temporary ONNX file. Both runtimes get the
same token ids and use every core. Outputs are compared after the app's pooling (masked mean, L2), as
max |difference| and the lowest cosine between the two vectors of a text. Times are medians of
`--repeats` calls after two warm-up calls.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from desktop_search.embed.catalog import DEFAULT_MODEL
from desktop_search.embed.device import plan_device
from desktop_search.embed.loader import load_embedder


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    for _ in range(2):
        run()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 2)


def _pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--tokens", type=int, nargs="+", default=[16, 128, 254])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    import onnxruntime as ort  # imported here so a missing install fails with its own clear message

    threads = os.cpu_count() or 1
    embedder = load_embedder(DEFAULT_MODEL, Path(tempfile.gettempdir()), "cpu", threads)
    model = embedder._model  # type: ignore[attr-defined]
    plan = plan_device("cpu", threads)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        example = (torch.ones(2, 16, dtype=torch.long), torch.ones(2, 16, dtype=torch.long))
        t0 = time.perf_counter()
        torch.onnx.export(
            model,
            example,
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_shapes=({0: "batch", 1: "tokens"}, {0: "batch", 1: "tokens"}),
            dynamo=True,
        )
        export_s = time.perf_counter() - t0
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        rng = np.random.default_rng(0)
        for tokens in args.tokens:
            for batch in args.batches:
                ids = rng.integers(1000, 29000, (batch, tokens))
                ids[:, 0], ids[:, -1] = 101, 102  # [CLS] … [SEP]
                mask = np.ones_like(ids)
                ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)

                def run_torch(ids_t: torch.Tensor = ids_t, mask_t: torch.Tensor = mask_t) -> np.ndarray:
                    with torch.inference_mode():
                        out = model(input_ids=ids_t, attention_mask=mask_t).last_hidden_state
                    return np.asarray(out.float().numpy())

                def run_ort(ids: np.ndarray = ids, mask: np.ndarray = mask) -> np.ndarray:
                    return np.asarray(session.run(None, {"input_ids": ids, "attention_mask": mask})[0])

                a, b = _pool(run_torch(), mask), _pool(run_ort(), mask)
                torch_ms, ort_ms = _median_ms(run_torch, args.repeats), _median_ms(run_ort, args.repeats)
                results.append(
                    {
                        "batch": batch,
                        "tokens": tokens,
                        "torch_ms": torch_ms,
                        "onnxruntime_ms": ort_ms,
                        "speedup": round(torch_ms / ort_ms, 2),
                        "max_abs_diff": float(np.abs(a - b).max()),
                        "min_cosine": round(float((a * b).sum(1).min()), 7),
                    }
                )
                print(json.dumps(results[-1]), flush=True)
    report = {
        "machine": f"{platform.machine()}, {threads} cores, load {os.getloadavg()[0]:.1f}",
        "torch": torch.__version__,
        "onnxruntime": ort.__version__,
        "dtype": str(plan.dtype),
        "export_s": round(export_s, 1),
        "results": results,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
