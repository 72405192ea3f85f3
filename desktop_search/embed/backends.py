"""The built-in embedding backends, registered without importing their runtimes (each factory imports its own)."""

from __future__ import annotations

import importlib.util

from desktop_search.embed.base import Embedder
from desktop_search.embed.registry import Backend, LoadRequest, register


def _torch_installed() -> bool:
    return importlib.util.find_spec("torch") is not None


def _transformers_bi_encoder(request: LoadRequest) -> Embedder:
    from desktop_search.embed.biencoder import BiEncoder
    from desktop_search.embed.device import plan_device

    return BiEncoder(request.spec, request.folder, plan_device(request.device, request.threads))


def _cde(request: LoadRequest) -> Embedder:
    from desktop_search.embed.cde import CDEEmbedder
    from desktop_search.embed.device import plan_device

    return CDEEmbedder(request.spec, request.folder, plan_device(request.device, request.threads))


TRANSFORMERS = register(
    Backend(
        name="transformers",
        architectures=frozenset({"bert", "xlm-roberta"}),
        factory=_transformers_bi_encoder,
        uses_torch=True,
        installed=_torch_installed,
        summary="torch + transformers: fp32 on CPU (bf16 where the CPU has bf16 units), fp16 on CUDA and MPS",
    )
)

CDE = register(
    Backend(
        name="cde",
        architectures=frozenset({"cde-v1", "cde-v2"}),
        factory=_cde,
        uses_torch=True,
        installed=_torch_installed,
        summary="contextual document embeddings, our own two-stage implementation on torch",
    )
)


def _remote(request: LoadRequest) -> Embedder:
    from desktop_search.embed.remote import RemoteEmbedder
    from desktop_search.embed.tokenizer import HFTokenizer

    tokenizer = HFTokenizer(request.folder / "tokenizer.json", request.spec.max_tokens)
    return RemoteEmbedder(request.spec, tokenizer)


OPENAI = register(
    Backend(
        name="openai",
        architectures=frozenset({"openai-api"}),
        factory=_remote,
        uses_torch=False,
        summary="an OpenAI-compatible /v1/embeddings server (Ollama, TEI, vLLM, Infinity, LM Studio): passages leave "
        "this machine for that address",
    )
)
