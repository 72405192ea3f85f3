"""Embedding backends register a factory for the architectures they serve; loading a model is a lookup here.

A catalog entry names its architecture and the backend that serves it (`ModelSpec.backend`). Another backend
may register as faster for the same architecture on some devices (`preferred_on`): OpenVINO int8 is preferred
for BERT bi-encoders on a CPU, torch stays the backend for CUDA, MPS and the CDE models. A backend that does
not use torch never imports it, so its users (a CLI query on a laptop) do not pay torch's import.

Registering a backend does not import its runtime: the factory imports it when a model is loaded, and
`installed` says, without importing anything, whether that runtime is on this machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import ModelSpec
from desktop_search.errors import ModelNotAvailable

AUTO = "auto"


@dataclass(frozen=True)
class LoadRequest:
    """What a backend's factory is given: the model, where its files are, and where it runs."""

    spec: ModelSpec
    folder: Path  # the model's files (config.json, model.safetensors, tokenizer.json)
    device: str  # "cpu", "cuda" or "mps", already resolved
    threads: int  # 0: every core
    cache_dir: Path  # a folder of this backend's own for what it derives from the weights (created on use)


Factory = Callable[[LoadRequest], Embedder]


def _always() -> bool:
    return True


@dataclass(frozen=True)
class Backend:
    name: str
    architectures: frozenset[str]  # ModelSpec.architecture values this backend can run
    factory: Factory
    uses_torch: bool
    devices: frozenset[str] = frozenset({"cpu", "cuda", "mps"})
    preferred_on: frozenset[str] = frozenset()  # devices where it is chosen over the catalog's named backend
    installed: Callable[[], bool] = _always  # its runtime is on this machine (checked without importing it)
    worthwhile: Callable[[], bool] = _always  # whether `preferred_on` holds on this machine (e.g. CPU features)
    summary: str = ""  # one line for `models` and the docs

    def serves(self, spec: ModelSpec, device: str) -> bool:
        return spec.architecture in self.architectures and device in self.devices

    def preferred(self, spec: ModelSpec, device: str) -> bool:
        """Chosen over the catalog's named backend for this model on this device, on this machine."""
        return device in self.preferred_on and self.serves(spec, device) and self.installed() and self.worthwhile()


class BackendNotAvailable(ModelNotAvailable):
    """A backend was asked for that is unknown, not installed, or cannot run this model on this device."""


_BACKENDS: dict[str, Backend] = {}


def register(backend: Backend) -> Backend:
    """Add a backend; a second backend of the same name is a programming error."""
    if backend.name in _BACKENDS:
        raise ValueError(f"an embedding backend named {backend.name!r} is already registered")
    _BACKENDS[backend.name] = backend
    return backend


def backends() -> list[Backend]:
    """Every registered backend, built-in ones first, in registration order."""
    _register_builtins()
    return list(_BACKENDS.values())


def backend_named(name: str) -> Backend:
    _register_builtins()
    if name not in _BACKENDS:
        raise BackendNotAvailable(f"Unknown embedding backend '{name}'. Known: {', '.join(_BACKENDS)}.")
    return _BACKENDS[name]


def choose_backend(spec: ModelSpec, device: str, requested: str = AUTO) -> Backend:
    """The backend that runs `spec` on `device`: `requested` when it names one, else a backend registered as
    preferred there (installed, and worthwhile on this machine), else the one the catalog entry names."""
    if requested != AUTO:
        backend = backend_named(requested)
        if not backend.serves(spec, device):
            raise BackendNotAvailable(f"The {backend.name} backend cannot run {spec.id} on {device}.")
        if not backend.installed():
            raise BackendNotAvailable(f"The {backend.name} backend is not installed on this machine.")
        return backend
    for backend in backends():
        if backend.preferred(spec, device):
            return backend
    named = backend_named(spec.backend)
    if not named.serves(spec, device):
        raise BackendNotAvailable(f"The {named.name} backend cannot run {spec.id} ({spec.architecture}) on {device}.")
    return named


_builtins_registered = False


def _register_builtins() -> None:
    """The built-in backends register themselves when their module is first imported (lazily: no cycle)."""
    global _builtins_registered
    if not _builtins_registered:
        _builtins_registered = True
        from desktop_search.embed import backends as _  # noqa: F401  (registers on import)
