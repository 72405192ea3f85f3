"""Loading a catalog model onto the chosen device; torch is imported only when this runs."""

from __future__ import annotations

from pathlib import Path

from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import get_spec, model_dir


def load_embedder(model_id: str, models_home: Path, device: str = "auto", threads: int = 0) -> Embedder:
    """Load a model from this machine only (never the network)."""
    spec = get_spec(model_id)
    folder = model_dir(spec, models_home)
    from desktop_search.embed.device import plan_device  # imports torch

    plan = plan_device(device, threads)
    if spec.architecture == "bi-encoder":
        from desktop_search.embed.biencoder import BiEncoder

        return BiEncoder(spec, folder, plan)
    if spec.contextual:
        from desktop_search.embed.cde import CDEEmbedder

        return CDEEmbedder(spec, folder, plan)
    raise NotImplementedError(f"{spec.architecture} models are not supported yet")
