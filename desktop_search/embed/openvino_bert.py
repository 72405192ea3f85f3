"""A BERT bi-encoder as an OpenVINO graph, built from the safetensors weights with OpenVINO's own ops (no torch).

The graph takes token ids and the attention mask and returns the mean-pooled, L2-normalised embedding, so only
(batch, dim) floats come back. With `Quantisation` it holds FakeQuantize nodes around every linear layer's
input and weights; OpenVINO's CPU plugin turns those into int8 matrix products.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from safetensors.numpy import load_file

if TYPE_CHECKING:
    import openvino as ov

Node = Any  # an OpenVINO graph output; the runtime's Python types are untyped


def import_openvino() -> Any:
    """Import OpenVINO's runtime without its model-conversion tools, which phone home on import.

    `import openvino` also imports `openvino.tools.ovc` for `convert_model`, and that module sends a usage event
    to Google Analytics on import unless a consent file says no (openvino-telemetry). Desktop Search promises
    that nothing leaves the machine, and never converts through ovc, so that one module is kept out; the
    runtime, the ops and serialisation do not need it. It also saves ~0.15 s of import.
    """
    import sys

    if "openvino" not in sys.modules:
        sys.modules.setdefault("openvino.tools.ovc", None)  # type: ignore[arg-type]
    import openvino

    return openvino


@dataclass(frozen=True)
class BertShape:
    layers: int
    hidden: int
    heads: int
    eps: float
    prefix: str  # "" or "bert." in front of the weight names

    @classmethod
    def read(cls, folder: Path, names: set[str]) -> BertShape:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert":
            raise ValueError(f"{folder} holds a {config.get('model_type')!r} model, not BERT")
        plain = config.get("hidden_act", "gelu") == "gelu"
        if not plain or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{folder}: only BERT with GELU and absolute positions is supported")
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in names else ""
        return cls(
            layers=int(config["num_hidden_layers"]),
            hidden=int(config["hidden_size"]),
            heads=int(config["num_attention_heads"]),
            eps=float(config.get("layer_norm_eps", 1e-12)),
            prefix=prefix,
        )


@dataclass
class Quantisation:
    """Per-tensor ranges of each linear layer's input, keyed "layer.linear", and the SmoothQuant scales."""

    ranges: dict[str, tuple[float, float]]
    smooth: dict[str, np.ndarray] = field(default_factory=dict)  # per input channel: the input is divided by it


def load_weights(folder: Path) -> dict[str, np.ndarray]:
    """The float tensors of a safetensors file as float32 (fp16/bf16 checkpoints are widened)."""
    weights = load_file(str(folder / "model.safetensors"))
    return {k: v.astype(np.float32, copy=False) for k, v in weights.items() if v.dtype.kind == "f"}


DENSE = {"attention_out": "attention.output.dense", "intermediate": "intermediate.dense", "output": "output.dense"}


def _f32(value: float) -> np.ndarray:
    return np.array(value, dtype=np.float32)


class BertGraph:
    """Builds the graph; with `probe`, each linear layer's input is also an output (for calibration)."""

    def __init__(self, folder: Path, weights: dict[str, np.ndarray] | None = None) -> None:
        self.ov = import_openvino()
        self.w = weights if weights is not None else load_weights(folder)
        self.shape = BertShape.read(folder, set(self.w))
        self.probes: dict[str, Node] = {}

    def _p(self, name: str) -> np.ndarray:
        return self.w[self.shape.prefix + name]

    def _qkv(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        att = f"encoder.layer.{i}.attention.self."
        names = ("query", "key", "value")
        weight = np.concatenate([self._p(att + n + ".weight") for n in names])
        return weight, np.concatenate([self._p(att + n + ".bias") for n in names])

    def _dense(self, i: int, linear: str) -> tuple[np.ndarray, np.ndarray]:
        if linear == "qkv":
            return self._qkv(i)
        name = f"encoder.layer.{i}.{DENSE[linear]}"
        return self._p(name + ".weight"), self._p(name + ".bias")

    def linear_weight(self, key: str) -> np.ndarray:
        """The (out, in) weight of the quantised linear layer named "layer.linear"."""
        layer, linear = key.split(".")
        return self._dense(int(layer), linear)[0]

    def build(self, quant: Quantisation | None = None, probe: bool = False) -> ov.Model:
        import openvino.opset13 as op

        self.probes = {}
        ids = op.parameter([-1, -1], self.ov.Type.i64, name="input_ids")
        mask = op.parameter([-1, -1], self.ov.Type.i64, name="attention_mask")
        x = self._embeddings(op, ids)
        maskf = op.convert(mask, "f32")
        # the additive attention mask, (batch, 1, 1, seq): 0 where attended, a large negative where padded
        bias = op.unsqueeze(op.multiply(op.subtract(maskf, op.constant(_f32(1))), op.constant(_f32(1e4))), [1, 2])
        for layer in range(self.shape.layers):
            x = self._layer(op, x, bias, layer, quant, probe)
        weights = op.unsqueeze(maskf, [2])
        pooled = op.divide(
            op.reduce_sum(op.multiply(x, weights), [1], False),
            op.maximum(op.reduce_sum(weights, [1], False), op.constant(_f32(1e-9))),
        )
        norm = op.sqrt(op.reduce_sum(op.multiply(pooled, pooled), [1], True))
        out = op.divide(pooled, op.maximum(norm, op.constant(_f32(1e-12))))
        outputs = [out.output(0)]
        if probe:
            outputs += [self.probes[k].output(0) for k in sorted(self.probes)]
        return self.ov.Model(outputs, [ids, mask], "bert-mean-l2")

    def _layer_norm(self, op: Any, x: Node, name: str) -> Node:
        normed = op.mvn(x, op.constant(np.array([-1], np.int64)), True, self.shape.eps, "inside_sqrt")
        return op.add(op.multiply(normed, op.constant(self._p(name + ".weight"))), op.constant(self._p(name + ".bias")))

    def _embeddings(self, op: Any, ids: Node) -> Node:
        words = op.gather(op.constant(self._p("embeddings.word_embeddings.weight")), ids, np.int64(0))
        seq = op.gather(op.shape_of(ids), op.constant(np.int64(1)), np.int64(0))
        positions = op.range(op.constant(np.int64(0)), seq, op.constant(np.int64(1)), "i64")
        pos = op.gather(op.constant(self._p("embeddings.position_embeddings.weight")), positions, np.int64(0))
        token_type = self._p("embeddings.token_type_embeddings.weight")[0]  # one segment: type 0 everywhere
        return self._layer_norm(op, op.add(op.add(words, pos), op.constant(token_type)), "embeddings.LayerNorm")

    def _linear(self, op: Any, x: Node, i: int, linear: str, quant: Quantisation | None, probe: bool) -> Node:
        key = f"{i}.{linear}"
        weight, bias = self._dense(i, linear)
        if quant is not None and key in quant.smooth:
            scale = quant.smooth[key]
            x = op.multiply(x, op.constant((1.0 / scale).astype(np.float32)))
            weight = weight * scale[None, :]
        if probe:
            self.probes[key] = x
        w: Node = op.constant(weight.astype(np.float32, copy=False))
        if quant is not None and key in quant.ranges:
            lo, hi = (op.constant(_f32(v)) for v in quant.ranges[key])
            x = op.fake_quantize(x, lo, hi, lo, hi, 256)  # per tensor, asymmetric: u8 activations
            limit = np.maximum(np.abs(weight).max(axis=1, keepdims=True), 1e-8).astype(np.float32)
            low, high = op.constant(-limit), op.constant(limit)
            w = op.fake_quantize(w, low, high, low, high, 255)  # per output channel, symmetric: i8 weights
        return op.add(op.matmul(x, w, False, True), op.constant(bias))

    def _layer(self, op: Any, x: Node, bias: Node, i: int, quant: Quantisation | None, probe: bool) -> Node:
        h, heads = self.shape.hidden, self.shape.heads
        qkv = self._linear(op, x, i, "qkv", quant, probe)
        # (batch, seq, 3h) -> (3, batch, heads, seq, h/heads); a scalar index then drops the first axis
        split = op.transpose(op.reshape(qkv, [0, 0, 3, heads, h // heads], True), [2, 0, 3, 1, 4])
        q, k, v = (op.gather(split, op.constant(np.int64(j)), np.int64(0)) for j in range(3))
        context = op.scaled_dot_product_attention(q, k, v, bias, op.constant(_f32(1 / np.sqrt(h // heads))))
        context = op.reshape(op.transpose(context, [0, 2, 1, 3]), [0, 0, h], True)
        out = self._linear(op, context, i, "attention_out", quant, probe)
        x = self._layer_norm(op, op.add(out, x), f"encoder.layer.{i}.attention.output.LayerNorm")
        inter = op.gelu(self._linear(op, x, i, "intermediate", quant, probe), "erf")
        out = self._linear(op, inter, i, "output", quant, probe)
        return self._layer_norm(op, op.add(out, x), f"encoder.layer.{i}.output.LayerNorm")


Encode = Callable[[list[str]], tuple[np.ndarray, np.ndarray]]  # texts -> (ids, mask), padded


@dataclass
class _Channels:
    """Lowest and highest value of each input channel over real tokens."""

    low: np.ndarray
    high: np.ndarray

    def add(self, values: np.ndarray) -> None:
        np.minimum(self.low, values.min(axis=0), out=self.low)
        np.maximum(self.high, values.max(axis=0), out=self.high)


def _observe(graph: BertGraph, encode: Encode, texts: list[str], batch: int) -> dict[str, _Channels]:
    """Run the float graph over texts; per-channel ranges of every linear layer's input."""
    compiled = graph.ov.Core().compile_model(graph.build(probe=True), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    keys = sorted(graph.probes)
    stats: dict[str, _Channels] = {}
    for start in range(0, len(texts), batch):
        ids, mask = encode(texts[start : start + batch])
        results = compiled({"input_ids": ids, "attention_mask": mask})
        keep = mask.astype(bool)  # real tokens only: padding never reaches the pooled vector
        for n, key in enumerate(keys, start=1):
            values = results[compiled.outputs[n]][keep]
            if key not in stats:
                stats[key] = _Channels(values.min(axis=0), values.max(axis=0))
            else:
                stats[key].add(values)
    return stats


def calibrate(
    graph: BertGraph, encode: Encode, texts: list[str], alpha: float = 0.0, smooth: tuple[str, ...] = (), batch: int = 8
) -> Quantisation:
    """Per-tensor ranges of every linear layer's input over real passages, from one pass of the float graph.

    For the linear layers named in `smooth` ("qkv", "attention_out", "intermediate", "output"), SmoothQuant
    scales s_j = max|x_j|^alpha / max|w_j|^(1-alpha) divide the input's channels and multiply the weights'
    columns (the product is unchanged), so a few channels with large values no longer take the whole int8 range.
    The scaled range follows from the per-channel ranges, without a second pass.
    """
    quant = Quantisation({})
    for key, channels in _observe(graph, encode, texts, batch).items():
        low, high = channels.low, channels.high
        if key.split(".")[1] in smooth and alpha > 0:
            x_max = np.maximum(np.maximum(np.abs(low), np.abs(high)), 1e-5)
            w_max = np.maximum(np.abs(graph.linear_weight(key)).max(axis=0), 1e-5)
            scale = (x_max**alpha / w_max ** (1 - alpha)).astype(np.float32)
            quant.smooth[key] = scale
            low, high = low / scale, high / scale
        quant.ranges[key] = (float(low.min()), float(high.max()))
    return quant
