"""Shared fixtures (a temp home for every test, a fake and a real embedder, a folder of documents) and the
sorting of tests into `gui`, `slow` and `watch`, so that `make test-fast` runs the rest in under a minute."""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from desktop_search.embed.base import Embedder
from desktop_search.embed.fake import HashEmbedder
from desktop_search.embed.loader import BACKEND_ENV
from desktop_search.services import Services, build_services
from desktop_search.settings import HOME_ENV, Settings

pytest_plugins = ["tests.logfail", "pytester"]

# Property-based tests: 150 examples each in `make test`; `make test-fast` picks the "fast" profile.
hypothesis_settings.register_profile("default", max_examples=150)
hypothesis_settings.register_profile("fast", max_examples=25)
hypothesis_settings.load_profile("default")

TESTS = Path(__file__).parent
GUI_FIXTURES = {"qtbot", "qapp", "x_desktop"}
REAL_MODEL_FIXTURES = {"minilm", "minilm_fp32"}
WATCH_HELPERS = "tests.core.watch_helpers"


def _names_used(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_used(const)
    return names


def starts_processes(function: types.FunctionType) -> bool:
    """Whether a test starts another Python or program through `subprocess`, itself or through a helper
    function of its module (extraction's worker processes are part of every index run and do not count)."""
    module_globals = function.__globals__
    seen: set[types.CodeType] = set()
    pending = [function.__code__]
    while pending:
        code = pending.pop()
        if code in seen:
            continue
        seen.add(code)
        for name in _names_used(code):
            value = module_globals.get(name)
            if value is not None and getattr(value, "__name__", None) == "subprocess":
                return True
            if isinstance(value, types.FunctionType) and value.__module__ == function.__module__:
                pending.append(value.__code__)
            elif isinstance(value, type) and value.__module__ == function.__module__:
                pending += [f.__code__ for f in vars(value).values() if isinstance(f, types.FunctionType)]
    return False


def _uses_watch_helpers(module: types.ModuleType | None) -> bool:
    return module is not None and any(
        getattr(value, "__module__", None) == WATCH_HELPERS for value in vars(module).values()
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark by folder and fixture (as qutebrowser does): `gui` for tests/gui and Qt fixtures; `slow` for the
    real model, another process or a wheel build; `watch` for live folder following. Tests that run a real model
    another way (the CLI's own MiniLM, OCR, a CDE in torch, an embedding server) carry `pytest.mark.slow`
    themselves, with the reason beside it."""
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        relative = item.path.relative_to(TESTS)
        fixtures = set(item.fixturenames)
        if relative.parts[0] == "gui" or fixtures & GUI_FIXTURES:
            item.add_marker(pytest.mark.gui)
        if fixtures & REAL_MODEL_FIXTURES or starts_processes(item.function):  # type: ignore[arg-type]
            item.add_marker(pytest.mark.slow)
        if "watch" in relative.stem or _uses_watch_helpers(item.module):
            item.add_marker(pytest.mark.watch)


DOCUMENTS = {
    "notes/garden.md": (
        "# Garden notes\n\nTomatoes need full sun and regular watering. Pinch out the side shoots every week "
        "and tie the main stem to a cane.\n\nBasil grows well next to the tomato plants and keeps pests away.\n"
    ),
    "finance/invoice-march.txt": (
        "Invoice INV-2023-0042\n\nBilled to ACME Corporation for consulting services delivered in March.\n"
        "Amount due: 4,200 EUR. Payment within 30 days to the account below.\n"
    ),
    "finance/budget.txt": (
        "Household budget 2024\n\nRent, groceries, electricity and the car loan take most of the monthly "
        "income. We want to save ten percent for the holidays.\n"
    ),
    "work/minutes.rst": (
        "Meeting minutes\n===============\n\nWe discussed migrating the database cluster to a new cloud "
        "provider. The team agreed to run load tests before switching over.\n"
    ),
    "work/onboarding.md": (
        "# Onboarding\n\nNew employees receive a laptop on their first day. IT sets up e-mail, the VPN and "
        "two-factor authentication. Ask your manager for building access.\n"
    ),
    "recipes/bread.txt": (
        "Sourdough bread\n\nMix flour, water and starter, rest for an hour, add salt, then fold the dough "
        "every thirty minutes. Bake in a hot Dutch oven for forty minutes.\n"
    ),
    "travel/japan.md": (
        "# Trip to Japan\n\nWe took the shinkansen from Tokyo to Kyoto, visited temples and ate ramen. "
        "The rail pass paid for itself after two journeys.\n"
    ),
    "health/running.txt": (
        "Running plan\n\nThree easy runs a week, one long run on Sunday. Increase distance by ten percent "
        "at most to avoid injuries like shin splints.\n"
    ),
}


@pytest.fixture(autouse=True)
def _temp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # One embedding path whatever the CPU: "auto" would pick int8 on CPUs with VNNI (tests/embed covers it).
    monkeypatch.setenv(BACKEND_ENV, "openvino")
    return home


@pytest.fixture
def settings(_temp_home: Path) -> Settings:
    return Settings(home=_temp_home)


def write_documents(folder: Path, documents: dict[str, str] | None = None) -> Path:
    for relative, text in (documents or DOCUMENTS).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    return write_documents(tmp_path / "docs")


@pytest.fixture
def fake_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def services(settings: Settings, fake_embedder: HashEmbedder) -> Iterator[Services]:
    s = build_services(settings, embedder=fake_embedder)
    yield s
    s.close()


@pytest.fixture(scope="session")
def minilm(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The real offline default model as a CPU runs it (OpenVINO, float32 whatever the CPU's flags), loaded once per
    test session."""
    from desktop_search.embed.catalog import DEFAULT_MODEL
    from desktop_search.embed.loader import load_embedder

    return load_embedder(DEFAULT_MODEL, tmp_path_factory.mktemp("models"), device="cpu", backend="openvino")


@pytest.fixture(scope="session")
def minilm_fp32() -> Embedder:
    """The real default model on torch (transformers) in float32: the reference other backends are compared with."""
    from desktop_search.embed.catalog import DEFAULT_MODEL
    from desktop_search.embed.loader import load_embedder
    from tests.embed.precision import NO_BF16_FLAGS, simulated_cpu

    with simulated_cpu(NO_BF16_FLAGS):
        return load_embedder(DEFAULT_MODEL, Path("/nonexistent"), device="cpu", backend="transformers")


def index_all(services: Services) -> list[object]:
    indexer = services.indexer()
    out: list[object] = []
    for library in services.libraries.select(None):
        out += list(indexer.run(library))
    return out
