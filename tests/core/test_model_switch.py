"""Changing a library's model builds the new space beside the old one; search never goes dark."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core import indexer as indexer_module
from desktop_search.core.indexer import Indexer
from desktop_search.core.search import Searcher, SearchOptions
from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import Services
from tests.conftest import DOCUMENTS


def test_model_change_builds_then_switches(services: Services, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexer_module, "PROGRESS_INTERVAL_S", 0.0)
    models = {
        "all-minilm-l6-v2": HashEmbedder(model_id="all-minilm-l6-v2"),
        "cadet-embed-base-v1": HashEmbedder(dim=32),
    }
    models["cadet-embed-base-v1"].model_id = "cadet-embed-base-v1"
    models["cadet-embed-base-v1"].token_budget = 64  # several batches, so the build is observable
    indexer = Indexer(services.store, models.__getitem__)
    searcher = Searcher(services.store, models.__getitem__)
    services.libraries.add_folders([str(docs)])
    library = services.libraries.get("default")
    list(indexer.run(library))
    old = services.store.active_space(library.id)
    assert old is not None

    services.libraries.add_folders([str(docs)], model_id="cadet-embed-base-v1")
    library = services.libraries.get("default")
    building_seen = False
    for _ in indexer.run(library):
        hits = searcher.search("tomato watering", [library], SearchOptions(mode="dense", limit=20))
        assert hits, "dense search returned nothing while the new model's space was being built"
        building = services.store.spaces(library.id, ("building",))
        building_seen |= bool(building)
        if building:
            assert services.store.active_space(library.id) == old
    assert building_seen
    new = services.store.active_space(library.id)
    assert new is not None
    assert (new.model_id, new.dim) == ("cadet-embed-base-v1", 32)
    assert services.store.spaces(library.id, ("building",)) == []
    hits = searcher.search("tomato watering", [library], SearchOptions(mode="dense", limit=20))
    assert len({h.path for h in hits}) == len(DOCUMENTS)
