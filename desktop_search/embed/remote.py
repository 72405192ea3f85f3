"""Embedding through an OpenAI-compatible `/v1/embeddings` server (Ollama, text-embeddings-inference, vLLM,
Infinity, LM Studio): a GPU box on the network embeds for every desktop. No torch here: stdlib HTTP only.

Opt-in and visible: a remote model is a user-defined catalog entry (settings.json `remote_models`), its address
must have been agreed to (`remote_consent`), and the API key comes from an environment variable or the system
keyring, never from settings. Chunking still happens here, with a local tokenizer (the catalog model's or a
`tokenizer.json`), so chunks match the model's length limit.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import numpy as np

from desktop_search.embed.base import Embedder, TextTokenizer
from desktop_search.embed.catalog import ModelSpec, RemoteEndpoint
from desktop_search.embed.tokenizer import HFTokenizer
from desktop_search.errors import EmbeddingServerDown, UserError

KEYRING_SERVICE = "desktop-search"
Sleep = Callable[[float], None]


def api_key(endpoint: RemoteEndpoint) -> str | None:
    """The key from the named environment variable, else from the system keyring (if one is installed)."""
    if endpoint.api_key_env:
        return os.environ.get(endpoint.api_key_env) or None
    try:
        import keyring
    except ImportError:
        return None
    try:
        found = keyring.get_password(KEYRING_SERVICE, endpoint.url)
    except Exception:  # no usable keyring backend (a headless session): no key
        return None
    return str(found) if found else None


def post_embeddings(endpoint: RemoteEndpoint, texts: list[str], sleep: Sleep = time.sleep) -> np.ndarray:
    """One request with retries and back-off: (n, dim) float32 rows in input order, L2-normalised."""
    body = json.dumps({"model": endpoint.model, "input": texts, "encoding_format": "float"}).encode()
    headers = {"Content-Type": "application/json"}
    if key := api_key(endpoint):
        headers["Authorization"] = f"Bearer {key}"
    problem = ""
    for attempt in range(endpoint.retries + 1):
        if attempt:
            sleep(0.5 * 2 ** (attempt - 1))
        request = urllib.request.Request(endpoint.embeddings_url, body, headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=endpoint.timeout_s) as response:  # noqa: S310 (user's URL)
                return _vectors(json.loads(response.read()), len(texts), endpoint)
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:300].decode("utf-8", "replace")
            if exc.code in (401, 403):
                raise UserError(
                    f"The embedding server at {endpoint.url} refused the API key (HTTP {exc.code}). Set it in "
                    f"${endpoint.api_key_env or 'the api_key_env of the remote model'} or the system keyring."
                ) from exc
            if exc.code < 500 and exc.code != 429:
                raise UserError(f"The embedding server at {endpoint.url} said HTTP {exc.code}: {detail}") from exc
            problem = f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            problem = str(reason) or exc.__class__.__name__
    raise EmbeddingServerDown(
        f"The embedding server at {endpoint.url} is not answering ({problem}) after {endpoint.retries + 1} tries. "
        "Indexing is paused and nothing is lost: it continues where it stopped once the server is back."
    )


def _vectors(payload: Any, n: int, endpoint: RemoteEndpoint) -> np.ndarray:
    try:
        rows = sorted(payload["data"], key=lambda row: row["index"])
        vectors = np.asarray([row["embedding"] for row in rows], dtype=np.float32)
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"The server at {endpoint.url} did not answer like an OpenAI embeddings API.") from exc
    if vectors.ndim != 2 or len(vectors) != n:
        raise UserError(f"The server at {endpoint.url} returned {len(vectors)} vectors for {n} texts.")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalised


class RemoteEmbedder(Embedder):
    """A bi-encoder whose forward pass runs on a server; tokenizing and chunking stay on this machine."""

    def __init__(self, spec: ModelSpec, tokenizer: HFTokenizer) -> None:
        super().__init__()
        assert spec.endpoint is not None
        if not spec.endpoint.consented:
            raise UserError(
                f"The model '{spec.id}' sends passages of your documents to {spec.endpoint.url}, and you have not "
                f"agreed to that yet: run `desktop-search remote consent {spec.id}` or choose it in the window."
            )
        self._take_spec(spec)
        self.endpoint = spec.endpoint
        self.revision = f"{spec.endpoint.url}#{spec.endpoint.model}"  # another server or model is another space
        self.token_budget = spec.endpoint.batch_size * spec.max_tokens
        self._tokenizer = tokenizer
        self.sleep: Sleep = time.sleep

    @property
    def tokenizer(self) -> TextTokenizer:
        return self._tokenizer

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        size = self.endpoint.batch_size
        parts = [post_embeddings(self.endpoint, texts[i : i + size], self.sleep) for i in range(0, len(texts), size)]
        vectors = np.concatenate(parts)
        if vectors.shape[1] != self.dim:
            raise UserError(
                f"The server's model '{self.endpoint.model}' gives {vectors.shape[1]} dimensions, not {self.dim}: "
                "check `dim` of this remote model in settings.json."
            )
        return vectors
