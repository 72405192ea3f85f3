"""The built-in embedding backends, registered without importing their runtimes (each factory imports its own).

Order matters among backends preferred on the same device: the first usable one wins. On a CPU, BERT
bi-encoders run on OpenVINO, in int8 where the CPU has int8 dot-product instructions and in float32 elsewhere;
torch (transformers) runs them on CUDA and MPS, or on a CPU without OpenVINO, and runs the CDE models.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from desktop_search.embed.base import Embedder
from desktop_search.embed.device import cpu_has_int8_dot
from desktop_search.embed.registry import Backend, LoadRequest, register


def _torch_installed() -> bool:
    return importlib.util.find_spec("torch") is not None


def _openvino_installed() -> bool:
    return importlib.util.find_spec("openvino") is not None


def _transformers_bi_encoder(request: LoadRequest) -> Embedder:
    from desktop_search.embed.biencoder import BiEncoder
    from desktop_search.embed.device import plan_device

    return BiEncoder(request.spec, request.folder, plan_device(request.device, request.threads))


def _cde(request: LoadRequest) -> Embedder:
    from desktop_search.embed.cde import CDEEmbedder
    from desktop_search.embed.device import plan_device

    return CDEEmbedder(request.spec, request.folder, plan_device(request.device, request.threads))


def _openvino(int8: bool) -> Callable[[LoadRequest], Embedder]:
    def factory(request: LoadRequest) -> Embedder:
        from desktop_search.embed.openvino_encoder import OpenVINOBiEncoder

        return OpenVINOBiEncoder(request.spec, request.folder, request.cache_dir, int8, request.threads)

    return factory


OPENVINO_INT8 = register(
    Backend(
        name="openvino-int8",
        architectures=frozenset({"bert"}),
        factory=_openvino(int8=True),
        uses_torch=False,
        devices=frozenset({"cpu"}),
        preferred_on=frozenset({"cpu"}),
        installed=_openvino_installed,
        worthwhile=cpu_has_int8_dot,
        summary="OpenVINO int8, calibrated once on this machine; chosen on CPUs with VNNI/AMX/dot-product units",
    )
)

OPENVINO = register(
    Backend(
        name="openvino",
        architectures=frozenset({"bert"}),
        factory=_openvino(int8=False),
        uses_torch=False,
        devices=frozenset({"cpu"}),
        preferred_on=frozenset({"cpu"}),
        installed=_openvino_installed,
        summary="OpenVINO float32 on the CPU, without torch",
    )
)

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
