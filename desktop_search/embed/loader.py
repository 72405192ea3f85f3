"""Loading a catalog model: resolve the device, look its backend up in the registry, call its factory."""

from __future__ import annotations

import os
from pathlib import Path

from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import get_spec, model_dir
from desktop_search.embed.device import resolve_device
from desktop_search.embed.registry import AUTO, LoadRequest, backend_named, choose_backend

BACKEND_ENV = "DESKTOP_SEARCH_BACKEND"  # where the settings say "auto": a backend to use for the models it serves


def load_embedder(
    model_id: str, models_home: Path, device: str = "auto", threads: int = 0, backend: str = AUTO
) -> Embedder:
    """Load a model from this machine only (never the network); torch is imported only by backends that use it."""
    spec = get_spec(model_id)
    folder = model_dir(spec, models_home)
    resolved = resolve_device(device)
    if backend == AUTO and os.environ.get(BACKEND_ENV):
        backend = os.environ[BACKEND_ENV] if backend_named(os.environ[BACKEND_ENV]).serves(spec, resolved) else AUTO
    chosen = choose_backend(spec, resolved, backend)
    embedder = chosen.factory(LoadRequest(spec, folder, resolved, threads, models_home / "converted" / chosen.name))
    embedder.backend = chosen.name
    return embedder
