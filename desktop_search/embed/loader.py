"""Loading a catalog model: resolve the device, look its backend up in the registry, call its factory."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import ModelSpec, get_spec, model_dir
from desktop_search.embed.device import resolve_device
from desktop_search.embed.registry import AUTO, Backend, LoadRequest, backend_named, choose_backend

log = logging.getLogger(__name__)

BACKEND_ENV = "DESKTOP_SEARCH_BACKEND"  # where the settings say "auto": a backend to use for the models it serves


def load_embedder(
    model_id: str, models_home: Path, device: str = "auto", threads: int = 0, backend: str = AUTO
) -> Embedder:
    """Load a model from this machine only (never the network); torch is imported only by backends that use it.

    A backend the machine chose (not one the settings or $DESKTOP_SEARCH_BACKEND name) that is installed but
    cannot start here, such as OpenVINO in a frozen app without its plugin libraries, falls back to the backend
    the catalog entry names, with a warning in the log."""
    spec = get_spec(model_id)
    folder = model_dir(spec, models_home)
    resolved = resolve_device(device)
    requested = requested_backend(spec, resolved, backend)
    chosen = choose_backend(spec, resolved, requested)

    def load(runner: Backend) -> Embedder:
        embedder = runner.factory(LoadRequest(spec, folder, resolved, threads, models_home / "converted" / runner.name))
        embedder.backend = runner.name
        return embedder

    try:
        return load(chosen)
    except (ImportError, OSError, RuntimeError) as exc:
        named = backend_named(spec.backend)
        if requested != AUTO or chosen is named or not named.serves(spec, resolved) or not named.installed():
            raise
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        log.warning("the %s backend cannot run %s here (%s); using %s", chosen.name, spec.id, reason, named.name)
        return load(named)


def requested_backend(spec: ModelSpec, device: str, backend: str = AUTO) -> str:
    """The settings' backend, else $DESKTOP_SEARCH_BACKEND where it serves this model on `device`, else AUTO."""
    if backend == AUTO and os.environ.get(BACKEND_ENV):
        return os.environ[BACKEND_ENV] if backend_named(os.environ[BACKEND_ENV]).serves(spec, device) else AUTO
    return backend


def backend_for(spec: ModelSpec, device: str, backend: str = AUTO) -> Backend:
    """The backend that would run `spec` on the resolved `device` (before any fallback at load time)."""
    return choose_backend(spec, device, requested_backend(spec, device, backend))
