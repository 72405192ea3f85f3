"""Checks that an installation carries what the downloadable models need, without downloading any weights."""

from __future__ import annotations

from pathlib import Path

# A one-layer, 32-wide backbone: the real towers' code, run in milliseconds.
_TINY = {
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "vocab_size": 64,
    "pad_token_id": 0,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "cls_token_id": 1,
    "sep_token_id": 2,
}


def cde_towers() -> list[str]:
    """Build tiny random CDE models with each backbone the catalog uses and run both stages.

    Returns the backbone classes' names. Fails when torch, transformers' ModernBERT or NomicBERT code,
    or the CDE backend is missing from the installation.
    """
    import torch

    from desktop_search.embed.cde import CDEEmbedder
    from desktop_search.embed.cde_model import CDEModel, CDEOptions

    names = [CDEEmbedder.__name__]
    for model_type in ("modernbert", "nomic_bert"):
        config = {"transductive_corpus_size": 2, "backbone_config": {"model_type": model_type, **_TINY}}
        model = CDEModel(config, CDEOptions.for_kind(model_type), colon_token_id=4)
        ids = torch.tensor([[1, 5, 4, 6, 2]])
        mask = torch.ones_like(ids)
        with torch.no_grad():
            context = model.first_stage(ids, mask)
            out = model.second_stage(ids, mask, torch.cat([context, context]))
        if tuple(out.output.shape) != (1, 32) or not bool(torch.isfinite(out.output).all()):
            raise RuntimeError(f"{model_type} tower gave {tuple(out.output.shape)}")
        names.append(type(model.first).__name__)
    return names


def download_client() -> str:
    """Import everything a model download uses; returns huggingface_hub's version."""
    import huggingface_hub
    from huggingface_hub import HfApi, constants, get_session, hf_hub_url  # noqa: F401  (what download.py uses)
    from huggingface_hub.errors import RepositoryNotFoundError  # noqa: F401

    from desktop_search.embed.download import download_model  # noqa: F401

    return str(huggingface_hub.__version__)


def openvino_cpu(model_id: str, models_home: Path, ran_on: str) -> str:
    """The backend a CPU runs `model_id` on by default must be OpenVINO's, and it must load and embed.

    `ran_on` is the backend that embedded the self-test's index: when it is that one, the searches have shown it
    embeds; otherwise (a machine with a GPU, a backend pinned by DESKTOP_SEARCH_BACKEND) the model is loaded on the
    CPU here. Fails when OpenVINO or its CPU plugin is missing (a frozen build loads the plugin by file name).
    """
    import numpy as np

    from desktop_search.embed.catalog import get_spec
    from desktop_search.embed.loader import load_embedder
    from desktop_search.embed.openvino_bert import import_openvino
    from desktop_search.embed.registry import choose_backend

    spec = get_spec(model_id)
    chosen = choose_backend(spec, "cpu")
    if not chosen.name.startswith("openvino"):
        raise RuntimeError(f"OpenVINO is not in this installation: a CPU would run {model_id} on {chosen.name}")
    ov = import_openvino()
    cpu = ov.Core().get_property("CPU", "FULL_DEVICE_NAME")  # loads the CPU plugin
    where = f"OpenVINO {ov.__version__.split('-')[0]}, CPU plugin on {cpu}"
    if ran_on == chosen.name:
        return f"{chosen.name} embedded the index and the queries ({where})"
    vector = load_embedder(model_id, models_home, "cpu", backend=chosen.name).embed_query("a test sentence")
    if vector.shape != (spec.dim,) or not np.isfinite(vector).all():
        raise RuntimeError(f"{chosen.name} gave a vector of shape {vector.shape}")
    return f"{chosen.name} loads and embeds ({spec.dim} dimensions; {where}); the index ran on {ran_on}"
