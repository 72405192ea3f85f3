"""BERT bi-encoders on OpenVINO, without torch: float32, or int8 calibrated once on this machine on real passages.

The model is built from the safetensors weights (`openvino_bert.py`) and written as OpenVINO IR into the
backend's cache folder the first time it is used, so later starts read the IR and OpenVINO's compiled blob
instead of rebuilding; an int8 model is calibrated then too, on the passages shipped in
`resources/calibration`. A cached model carries a fingerprint of the weights, the calibration passages and
this code's FORMAT, so a new model revision or a changed recipe makes a new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import numpy as np

from desktop_search.embed.base import Embedder, TextTokenizer
from desktop_search.embed.catalog import ModelSpec
from desktop_search.embed.device import cpu_threads
from desktop_search.embed.openvino_bert import BertGraph, Quantisation, calibrate, import_openvino
from desktop_search.embed.tokenizer import HFTokenizer
from desktop_search.paths import resources_dir

log = logging.getLogger(__name__)

FORMAT = 2  # bump when the graph or the quantisation recipe changes: cached models are then made again
CALIBRATION = resources_dir() / "calibration" / "passages.json"
TOKEN_BUDGET = 8192  # padded tokens per forward pass, as for torch on a CPU
RUNTIME_CACHE = 64  # input shapes whose kernels OpenVINO keeps ready
# SmoothQuant on the feed-forward output projection only: its input (after GELU) spans -0.17..25, so plain
# per-tensor int8 steps of 0.1 flatten most values; moving that range into the weights took the mean cosine
# with float32 on 100 SciFact passages from 0.9930 to 0.9954 (alpha 0.5: 0.981; on every linear layer: 0.9951).
SMOOTH_ALPHA = 0.8
SMOOTHED = ("output",)


def calibration_texts(spec: ModelSpec) -> list[str]:
    """The shipped real passages and queries, with the model's prefixes, as the model will see them."""
    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    return [spec.document_prefix + t for t in data["passages"]] + [spec.query_prefix + t for t in data["queries"]]


def fingerprint(folder: Path, int8: bool) -> str:
    """Changes when the weights, the config, the calibration passages or the recipe change."""
    h = hashlib.sha256(f"format {FORMAT} int8 {int8}".encode())
    weights = (folder / "model.safetensors").stat()
    h.update(f"{weights.st_size} {weights.st_mtime_ns}".encode())
    h.update((folder / "config.json").read_bytes())
    if int8:
        h.update(CALIBRATION.read_bytes())
    return h.hexdigest()[:16]


class OpenVINOBiEncoder(Embedder):
    """Mean-pooled, L2-normalised BERT embeddings computed by OpenVINO on the CPU."""

    def __init__(self, spec: ModelSpec, folder: Path, cache_dir: Path, int8: bool, threads: int = 0) -> None:
        super().__init__()
        self._take_spec(spec)  # with the model's relevance floor
        self.token_budget = TOKEN_BUDGET
        self.precision = "int8" if int8 else "f32"
        self._tokenizer = HFTokenizer(folder / "tokenizer.json", spec.max_tokens)
        self.pad_multiple = self._tokenizer.pad_multiple  # so batches() counts rows as the tokenizer pads them
        self._ov = import_openvino()
        core = self._ov.Core()
        config: dict[str, Any] = {
            "INFERENCE_PRECISION_HINT": "f32",  # the same arithmetic on every CPU (no silent bf16 on AMX)
            "INFERENCE_NUM_THREADS": cpu_threads(threads),
            "NUM_STREAMS": 1,
            # Kernels and buffers made per input shape are kept in an LRU cache of 5,000 entries by default:
            # with indexing's many batch shapes that grew resident memory without end (docs/performance.md).
            "CPU_RUNTIME_CACHE_CAPACITY": RUNTIME_CACHE,
        }
        model = self._cached_model(spec, folder, cache_dir, int8)
        if isinstance(model, Path):
            core.set_property({"CACHE_DIR": str(model.parent / "compiled")})
            self._compiled = core.compile_model(str(model), "CPU", config)
        else:
            self._compiled = core.compile_model(model, "CPU", config)
        self._requests = threading.local()  # an infer request is not thread-safe; the compiled model is

    @property
    def tokenizer(self) -> TextTokenizer:
        return self._tokenizer

    def _encode(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        encodings = self._tokenizer.encode_for_model(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return ids, mask

    def _cached_model(self, spec: ModelSpec, folder: Path, cache_dir: Path, int8: bool) -> Path | Any:
        """The IR file in the cache, made now if missing; the in-memory model when the cache cannot be written."""
        target = cache_dir / spec.id / f"{self.precision}-{fingerprint(folder, int8)}"
        xml = target / "model.xml"
        if xml.exists():
            return xml
        graph = BertGraph(folder)
        quant: Quantisation | None = None
        if int8:
            log.info("calibrating %s for int8 on %d passages (once)", spec.id, len(calibration_texts(spec)))
            quant = calibrate(graph, self._encode, calibration_texts(spec), alpha=SMOOTH_ALPHA, smooth=SMOOTHED)
        model = graph.build(quant)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
            self._ov.save_model(model, str(partial / "model.xml"), compress_to_fp16=False)
            _replace_variant(partial, target)
        except OSError as exc:
            log.warning("cannot keep the converted %s in %s (%s); it is made on every start", spec.id, target, exc)
            return model
        return xml

    def _request(self) -> Any:
        request = getattr(self._requests, "request", None)
        if request is None:
            request = self._requests.request = self._compiled.create_infer_request()
        return request

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        ids, mask = self._encode(texts)
        result = self._request().infer({"input_ids": ids, "attention_mask": mask})
        return np.array(result[0], dtype=np.float32)


def _replace_variant(partial: Path, target: Path) -> None:
    """Move a finished conversion into place and drop older ones of the same precision (another fingerprint)."""
    precision = target.name.split("-")[0]
    for old in target.parent.glob(f"{precision}-*"):
        if ".partial-" not in old.name and old != target:  # another process's unfinished one is left alone
            shutil.rmtree(old, ignore_errors=True)
    try:
        partial.rename(target)
    except OSError:  # another process finished the same conversion first: keep theirs
        shutil.rmtree(partial, ignore_errors=True)
