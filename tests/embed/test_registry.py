"""Backends register themselves; loading a model is a lookup by architecture, device and preference."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from desktop_search.embed import registry
from desktop_search.embed.base import ContextualEmbedder, Embedder
from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL
from desktop_search.embed.fake import HashEmbedder
from desktop_search.embed.loader import load_embedder
from desktop_search.embed.registry import Backend, BackendNotAvailable, LoadRequest, choose_backend
from desktop_search.errors import UserError

SPEC = dataclasses.replace(CATALOG[DEFAULT_MODEL], architecture="test-net", backend="test-named")


def _hash(request: LoadRequest) -> Embedder:
    return HashEmbedder(dim=16, model_id=request.spec.id)


def _add(monkeypatch: pytest.MonkeyPatch, backend: Backend) -> None:
    registry.backends()  # the built-ins first, as in the app
    monkeypatch.setitem(registry._BACKENDS, backend.name, backend)


def test_the_catalog_names_a_registered_backend_for_every_model() -> None:
    names = {b.name: b for b in registry.backends()}
    for spec in CATALOG.values():
        assert spec.backend in names, spec.id
        assert spec.architecture in names[spec.backend].architectures, spec.id


def test_a_backend_preferred_on_a_device_wins_there_and_only_there(monkeypatch: pytest.MonkeyPatch) -> None:
    _add(monkeypatch, Backend("test-named", frozenset({"test-net"}), _hash, uses_torch=False))
    _add(
        monkeypatch,
        Backend(
            "test-fast",
            frozenset({"test-net"}),
            _hash,
            uses_torch=False,
            devices=frozenset({"cpu"}),
            preferred_on=frozenset({"cpu"}),
        ),
    )
    assert choose_backend(SPEC, "cpu").name == "test-fast"
    assert choose_backend(SPEC, "cuda").name == "test-named"
    assert choose_backend(SPEC, "cpu", "test-named").name == "test-named"  # the user's choice stands


def test_a_preferred_backend_that_is_not_installed_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    _add(monkeypatch, Backend("test-named", frozenset({"test-net"}), _hash, uses_torch=False))
    missing = Backend(
        "test-missing",
        frozenset({"test-net"}),
        _hash,
        uses_torch=False,
        preferred_on=frozenset({"cpu"}),
        installed=lambda: False,
    )
    _add(monkeypatch, missing)
    assert choose_backend(SPEC, "cpu").name == "test-named"
    with pytest.raises(BackendNotAvailable, match="not installed"):
        choose_backend(SPEC, "cpu", "test-missing")


def test_unknown_or_unsuitable_backends_are_clear_user_errors() -> None:
    with pytest.raises(UserError, match="Unknown embedding backend 'nope'"):
        choose_backend(CATALOG[DEFAULT_MODEL], "cpu", "nope")
    with pytest.raises(UserError, match="cannot run cde-small-v2"):
        choose_backend(CATALOG["cde-small-v2"], "cpu", "transformers")


def test_a_second_backend_of_the_same_name_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.backend_named("transformers"))


def test_the_loader_builds_the_model_through_the_chosen_backend(minilm_fp32: Embedder) -> None:
    assert minilm_fp32.backend == "transformers"
    assert not isinstance(minilm_fp32, ContextualEmbedder)
    vector = minilm_fp32.embed_query("sourdough bread")
    assert vector.shape == (384,)
    np.testing.assert_allclose(np.linalg.norm(vector), 1.0, atol=1e-5)


def test_a_new_architecture_plugs_in_without_touching_the_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    _add(monkeypatch, Backend("test-named", frozenset({"test-net"}), _hash, uses_torch=False))
    monkeypatch.setitem(CATALOG, "test-model", dataclasses.replace(SPEC, id="test-model"))
    embedder = load_embedder("test-model", Path("/nonexistent"), device="cpu")
    assert (embedder.backend, embedder.dim) == ("test-named", 16)


def test_listing_backends_imports_no_runtime() -> None:
    code = (
        "import sys\n"
        "from desktop_search.embed import registry\n"
        "from desktop_search.embed.catalog import CATALOG\n"
        "names = [b.name for b in registry.backends()]\n"
        "assert 'transformers' in names and 'cde' in names, names\n"
        "registry.choose_backend(CATALOG['cde-small-v2'], 'cpu')\n"
        "loaded = [m for m in ('torch', 'transformers', 'openvino') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
