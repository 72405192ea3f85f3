"""The OpenAI-compatible remote backend against a real server on 127.0.0.1 serving the bundled MiniLM."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL, bundled_model_dir, remote_spec, set_user_models
from desktop_search.embed.loader import load_embedder
from desktop_search.errors import EmbeddingServerDown, UserError
from tests.embed.openai_server import ServerState, embeddings_server

pytestmark = pytest.mark.slow  # a server runs the real MiniLM

TEXTS = [
    "Tomatoes need full sun and regular watering.",
    "Invoice INV-2023-0042 billed to ACME Corporation.",
    "We took the shinkansen from Tokyo to Kyoto.",
    "x",
]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, ServerState]]:
    folder = bundled_model_dir(CATALOG[DEFAULT_MODEL])
    assert folder is not None
    with embeddings_server(folder, "all-MiniLM-L6-v2") as running:
        yield running


@pytest.fixture(autouse=True)
def _no_user_models() -> Iterator[None]:
    yield
    set_user_models([])


def _remote(url: str, consent: bool = True, **extra: object) -> str:
    entry = {"id": "gpu-box", "url": url, "model": "all-MiniLM-L6-v2", "dim": 384, "max_tokens": 256, **extra}
    set_user_models([remote_spec(entry, [url] if consent else [])])
    return "gpu-box"


def test_vectors_from_the_server_equal_the_local_backends(server: tuple[str, ServerState], minilm) -> None:  # type: ignore[no-untyped-def]
    url, state = server
    remote = load_embedder(_remote(url, batch_size=3), Path("/nonexistent"), device="cpu")
    assert remote.backend == "openai"
    before = len(state.requests)
    vectors = remote.embed_documents(TEXTS)
    assert state.requests[before:] == [3, 1]  # batches of at most batch_size texts
    local = minilm.embed_documents(TEXTS)
    cosines = (vectors * local).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(remote.embed_query("vegetable garden") @ minilm.embed_query("vegetable garden")) >= 0.999
    # Chunking stays here, with the catalog model's tokenizer.
    assert remote.tokenizer.count(["Tokyo to Kyoto"]) == minilm.tokenizer.count(["Tokyo to Kyoto"])


def test_a_server_that_fails_now_and_then_is_retried_with_back_off(server: tuple[str, ServerState]) -> None:
    url, state = server
    remote = load_embedder(_remote(url), Path("/nonexistent"), device="cpu")
    waits: list[float] = []
    remote.sleep = waits.append  # type: ignore[attr-defined]
    state.fail_next = 2
    assert remote.embed_documents(TEXTS[:2]).shape == (2, 384)
    assert waits == [0.5, 1.0]


def test_a_server_that_is_down_gives_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    remote = load_embedder(_remote(url, retries=2), Path("/nonexistent"), device="cpu")
    waits: list[float] = []
    remote.sleep = waits.append  # type: ignore[attr-defined]
    with pytest.raises(EmbeddingServerDown, match=r"not answering .*after 3 tries.*nothing is lost") as down:
        remote.embed_documents(["hello"])
    assert url in str(down.value)
    assert waits == [0.5, 1.0]


def test_without_consent_the_model_refuses_to_send_anything(server: tuple[str, ServerState]) -> None:
    url, state = server
    before = len(state.requests)
    with pytest.raises(UserError, match="you have not agreed"):
        load_embedder(_remote(url, consent=False), Path("/nonexistent"), device="cpu")
    assert len(state.requests) == before


def test_the_api_key_comes_from_the_named_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = bundled_model_dir(CATALOG[DEFAULT_MODEL])
    assert folder is not None
    with embeddings_server(folder, "all-MiniLM-L6-v2", key="s3cret") as (url, _):
        remote = load_embedder(_remote(url, api_key_env="GPU_BOX_KEY"), Path("/nonexistent"), device="cpu")
        with pytest.raises(UserError, match="refused the API key"):
            remote.embed_query("no key yet")
        monkeypatch.setenv("GPU_BOX_KEY", "s3cret")
        assert remote.embed_query("with the key").shape == (384,)
