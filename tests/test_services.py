"""The composition root: models loaded once each, without one load holding up the users of another; every
writer of a data folder takes its one lock there."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from desktop_search.core.instance import WriterLock
from desktop_search.embed.fake import HashEmbedder
from desktop_search.errors import AlreadyRunning
from desktop_search.services import EmbedderProvider, Services, build_services


def test_a_model_in_use_is_not_held_up_while_another_one_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The indexing thread loading a library's new model (a minute for a large one on a CPU) must not stop
    searches of the other libraries, whose model is loaded already."""
    from desktop_search.embed import loader

    release = threading.Event()
    models = {"quick": HashEmbedder(model_id="quick"), "large": HashEmbedder(model_id="large")}

    def load(model_id: str, *args: object) -> HashEmbedder:
        if model_id == "large":
            release.wait(60)  # stands for a long load
        return models[model_id]

    monkeypatch.setattr(loader, "load_embedder", load)
    provider = EmbedderProvider(tmp_path)
    assert provider("quick") is models["quick"]
    loading = threading.Thread(target=provider, args=("large",))
    loading.start()
    try:
        found: list[object] = []
        asking = threading.Thread(target=lambda: found.append(provider("quick")), daemon=True)
        asking.start()
        asking.join(30)  # a hang detector: the answer is immediate
        assert found == [models["quick"]], "the loaded model waited for the other one to load"
    finally:
        release.set()
        loading.join()
    assert provider("large") is models["large"]


def test_an_indexer_is_had_only_by_the_one_writer_of_the_data_folder(services: Services) -> None:
    # another process indexing this folder
    with WriterLock(services.settings.home), pytest.raises(AlreadyRunning, match="already indexing"):
        services.indexer()
    services.indexer()
    services.indexer()  # the same writer may make more than one
    other = build_services(services.settings, embedder=HashEmbedder())
    try:
        with pytest.raises(AlreadyRunning):
            other.indexer()  # index, watch, context refresh and the app all come through here
        services.close()  # the lock goes with the services
        other.indexer()
    finally:
        other.close()
