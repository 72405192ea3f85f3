"""BERT bi-encoders on OpenVINO: float32 equals torch, int8 is calibrated once and stays close, no torch import."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertModel

from desktop_search.embed import registry
from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL, ModelSpec
from desktop_search.embed.loader import BACKEND_ENV, load_embedder
from desktop_search.embed.openvino_encoder import OpenVINOBiEncoder
from tests.conftest import DOCUMENTS
from tests.embed.tiny_cde import make_tokenizer, words_of

TEXTS = list(DOCUMENTS.values())
QUERIES = ["how do I keep tomatoes healthy", "INV-2023-0042", "train journey"]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1))


def _tiny_bert(folder: Path, seed: int = 0) -> tuple[ModelSpec, Path]:
    """A random 2-layer BERT in the layout of a hub checkpoint, with a word tokenizer over the test texts."""
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = make_tokenizer(words_of(TEXTS + QUERIES + ["query: passage:"]), folder / "tokenizer.json")
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
    )
    BertModel(config, add_pooling_layer=False).save_pretrained(folder, safe_serialization=True)
    spec = dataclasses.replace(CATALOG["cadet-embed-base-v1"], id="tiny-bert", dim=32, max_tokens=64)
    return spec, folder


def test_float32_on_openvino_equals_torch(minilm: Embedder, minilm_fp32: Embedder) -> None:
    assert (minilm.backend, minilm_fp32.backend) == ("openvino", "transformers")
    np.testing.assert_allclose(minilm.embed_documents(TEXTS), minilm_fp32.embed_documents(TEXTS), atol=2e-5)
    for query in QUERIES:
        np.testing.assert_allclose(minilm.embed_query(query), minilm_fp32.embed_query(query), atol=2e-5)


def test_the_graph_builder_matches_transformers_on_another_bert(tmp_path: Path) -> None:
    spec, folder = _tiny_bert(tmp_path / "tiny")
    from desktop_search.embed.biencoder import BiEncoder
    from desktop_search.embed.device import plan_device

    reference = BiEncoder(spec, folder, plan_device("cpu"))
    ov = OpenVINOBiEncoder(spec, folder, tmp_path / "cache", int8=False)
    np.testing.assert_allclose(ov.embed_documents(TEXTS), reference.embed_documents(TEXTS), atol=2e-5)
    np.testing.assert_allclose(ov.embed_query(QUERIES[0]), reference.embed_query(QUERIES[0]), atol=2e-5)  # prefixes


def test_int8_is_made_once_per_weights_and_kept(tmp_path: Path) -> None:
    spec, folder = _tiny_bert(tmp_path / "tiny")
    cache = tmp_path / "cache"
    first = OpenVINOBiEncoder(spec, folder, cache, int8=True)
    (made,) = (cache / "tiny-bert").glob("int8-*/model.xml")
    stamp = made.stat().st_mtime_ns
    second = OpenVINOBiEncoder(spec, folder, cache, int8=True)
    assert made.stat().st_mtime_ns == stamp  # read back, not calibrated again
    np.testing.assert_array_equal(first.embed_documents(TEXTS), second.embed_documents(TEXTS))
    f32 = OpenVINOBiEncoder(spec, folder, cache, int8=False).embed_documents(TEXTS)
    assert _cosines(first.embed_documents(TEXTS), f32).min() > 0.95
    _tiny_bert(folder, seed=1)  # new weights: a new int8 model replaces the old one
    OpenVINOBiEncoder(spec, folder, cache, int8=True)
    (remade,) = (cache / "tiny-bert").glob("int8-*/model.xml")
    assert remade != made


@pytest.mark.slow
def test_int8_minilm_stays_close_to_float32(tmp_path: Path, minilm_fp32: Embedder) -> None:
    """Measured on 200 SciFact passages: cosine with float32 at least 0.984, 0.995 on average (this AVX2 CPU;
    CPUs with VNNI compute the same int8 products without AVX2's 16-bit saturation). Retrieval quality:
    docs/performance.md."""
    int8 = load_embedder(DEFAULT_MODEL, tmp_path, device="cpu", backend="openvino-int8")
    cosines = _cosines(int8.embed_documents(TEXTS), minilm_fp32.embed_documents(TEXTS))
    assert cosines.min() > 0.97
    assert cosines.mean() > 0.985
    queries = np.stack([int8.embed_query(q) for q in QUERIES])
    assert _cosines(queries, np.stack([minilm_fp32.embed_query(q) for q in QUERIES])).min() > 0.97


def test_a_cpu_gets_openvino_and_int8_only_where_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = CATALOG[DEFAULT_MODEL]
    int8 = registry.backend_named("openvino-int8")
    for has_dot, expected in ((True, "openvino-int8"), (False, "openvino")):
        monkeypatch.setitem(registry._BACKENDS, int8.name, dataclasses.replace(int8, worthwhile=lambda v=has_dot: v))
        assert registry.choose_backend(spec, "cpu").name == expected
    assert registry.choose_backend(spec, "cuda").name == "transformers"
    assert registry.choose_backend(CATALOG["cde-small-v2"], "cpu").name == "cde"  # no OpenVINO path for CDE


def test_a_query_on_openvino_never_imports_torch(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from desktop_search.embed.loader import load_embedder\n"
        f"e = load_embedder({DEFAULT_MODEL!r}, Path({str(tmp_path)!r}), backend='openvino')\n"
        "assert e.embed_query('sourdough').shape == (384,)\n"
        "loaded = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _openvino_without_cpu_plugin(target: Path) -> Path:
    """The installed openvino package, linked file by file into `target`, less its CPU plugin library: what a
    frozen app that left the plugins out would hold."""
    import importlib.util

    spec = importlib.util.find_spec("openvino")
    assert spec is not None
    assert spec.origin is not None
    source = Path(spec.origin).parent
    package = target / "openvino"
    (package / "libs").mkdir(parents=True)
    for entry in source.iterdir():
        if entry.name != "libs":
            (package / entry.name).symlink_to(entry)
    for entry in (source / "libs").iterdir():
        if "intel_cpu_plugin" not in entry.name:
            (package / "libs" / entry.name).symlink_to(entry)
    return target


@pytest.mark.slow  # another process that imports torch and loads the model
@pytest.mark.skipif(sys.platform != "linux", reason="the package's plugin libraries are laid out for Linux here")
def test_a_machine_chosen_openvino_that_cannot_start_falls_back_to_torch(tmp_path: Path) -> None:
    broken = _openvino_without_cpu_plugin(tmp_path / "site")
    code = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "logging.basicConfig(level=logging.WARNING, format='%(message)s')\n"
        "import openvino\n"
        f"assert openvino.__file__.startswith({str(broken)!r}), openvino.__file__\n"
        "from desktop_search.embed.loader import load_embedder\n"
        f"e = load_embedder({DEFAULT_MODEL!r}, Path({str(tmp_path / 'home')!r}), device='cpu')\n"
        "print(e.backend, e.embed_query('sourdough').shape)\n"
        "try:\n"
        f"    load_embedder({DEFAULT_MODEL!r}, Path({str(tmp_path / 'home')!r}), device='cpu', backend='openvino')\n"
        "except RuntimeError as exc:\n"
        "    print('asked for openvino:', str(exc).strip().splitlines()[-1])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != BACKEND_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(broken), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "transformers (384,)" in done.stdout
    assert 'Device with "CPU" name is not registered' in done.stderr  # the reason is in the log
    assert "using transformers" in done.stderr
    assert "asked for openvino: Device with" in done.stdout  # a backend the settings name is not replaced
